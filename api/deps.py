"""Typed dependencies: database session, Temporal client, the current user and role checks."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api import errors
from api.refusals import Refusal
from api.security import read_token
from config.settings import Settings
from domain import passwords
from store import accounts
from store.audit import Actor
from store.models import User

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.session_factory() as session:
        yield session


async def get_temporal(request: Request) -> Client:
    try:
        return await request.app.state.temporal.client()
    except Exception as exc:  # noqa: BLE001
        raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, errors.TEMPORAL_UNAVAILABLE) from exc


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
SessionDep = Annotated[AsyncSession, Depends(get_session)]
TemporalDep = Annotated[Client, Depends(get_temporal)]


def _unauthenticated() -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, errors.NOT_AUTHENTICATED, headers={"WWW-Authenticate": "Bearer"})


async def _authenticated_user(request: Request, session: SessionDep, settings: SettingsDep,
                              token: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    claims = read_token(token, secret=settings.secret_key.get_secret_value()) if token else None
    if claims is None:
        raise _unauthenticated()
    user = await accounts.user_by_username(session, claims.username)
    # End the read transaction: on SQLite it holds the write lock, and a handler that then waits on a
    # workflow (whose activities write) would deadlock against itself.
    await session.commit()
    if user is None or not user.active:
        raise _unauthenticated()
    if user.token_version != claims.version:
        raise Refusal(status.HTTP_401_UNAUTHORIZED, errors.SESSION_REVOKED, "session_revoked",
                      headers={"WWW-Authenticate": "Bearer"})
    request.state.user = user.username  # for the access log (api.observability)
    return user


def totp_enrollment_pending(user: User, settings: Settings) -> bool:
    """The role must have a second factor and this account has none yet: it may only enrol one."""
    return settings.requires_totp(user.role) and not user.totp_enabled


async def get_current_user(user: Annotated[User, Depends(_authenticated_user)], settings: SettingsDep) -> User:
    if totp_enrollment_pending(user, settings):
        raise Refusal(status.HTTP_403_FORBIDDEN, errors.TOTP_ENROLLMENT_REQUIRED, "totp_enrollment_required")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
# The account's own page (who am I, password, second-factor enrolment) is open before a required enrolment.
EnrollingUser = Annotated[User, Depends(_authenticated_user)]


def require_roles(*roles: str):
    """A dependency that lets only the given roles through (403 otherwise)."""

    async def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, errors.role_forbidden(user.role, roles))
        return user

    return Depends(check)


def actor_of(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, department_code=user.department_code)


def ensure_own_department(user: User, department_code: str) -> None:
    """A department user acts only for its own department (SPEC §1)."""
    if user.department_code != department_code:
        raise HTTPException(status.HTTP_403_FORBIDDEN, errors.other_department(department_code))


def check_new_password(password: str) -> None:
    """422 naming the field `password` and the rule it breaks (domain.passwords)."""
    rule = passwords.broken_rule(password)
    if rule is not None:
        raise Refusal(422, errors.PASSWORD_RULES[rule], rule, field="password",
                      params={"min_length": passwords.MIN_LENGTH, "max_length": passwords.MAX_LENGTH,
                              "min_kinds": passwords.MIN_KINDS})


def client_address(request: Request) -> str:
    """The caller's address as the server sees it (behind a proxy: as uvicorn's --forwarded-allow-ips trusts)."""
    return request.client.host if request.client else "unknown"
