"""Typed dependencies: database session, Temporal client, the current user and role checks."""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession
from temporalio.client import Client

from api import errors
from api.security import read_token
from config.settings import Settings
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


async def get_current_user(request: Request, session: SessionDep, settings: SettingsDep,
                           token: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    username = read_token(token, secret=settings.secret_key.get_secret_value()) if token else None
    if username is None:
        username = request.scope.get("jointcheck.console_user")
    if username is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, errors.NOT_AUTHENTICATED,
                            headers={"WWW-Authenticate": "Bearer"})
    user = await accounts.user_by_username(session, username)
    # End the read transaction: on SQLite it holds the write lock, and a handler that then waits on a
    # workflow (whose activities write) would deadlock against itself.
    await session.commit()
    if user is None or not user.active:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, errors.NOT_AUTHENTICATED,
                            headers={"WWW-Authenticate": "Bearer"})
    request.state.user = user.username  # for the access log (api.observability)
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


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
