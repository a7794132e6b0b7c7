"""Log in and who-am-I."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api import errors
from api.deps import CurrentUser, SessionDep, SettingsDep
from api.schemas.accounts import Token, UserPublic
from api.security import issue_token, verify_password
from store import accounts, audit

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.post("/auth/token", response_model=Token, responses={401: {"description": errors.BAD_CREDENTIALS}})
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
                settings: SettingsDep) -> Token:
    """Exchange username and password for a signed bearer token."""
    user = await accounts.user_by_username(session, form.username)
    if user is None or not user.active or not verify_password(user.password_hash, form.password):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, errors.BAD_CREDENTIALS,
                            headers={"WWW-Authenticate": "Bearer"})
    token, expires_at = issue_token(username=user.username, secret=settings.secret_key.get_secret_value(),
                                    ttl=timedelta(minutes=settings.token_ttl_minutes))
    await audit.append(session, actor=audit.Actor(user.username, user.role, user.department_code),
                       action="auth.login", target=f"user:{user.username}")
    await session.commit()
    return Token(access_token=token, expires_at=expires_at.isoformat())


@router.get("/me", response_model=UserPublic)
async def me(user: CurrentUser) -> UserPublic:
    """The logged-in account."""
    return UserPublic.model_validate(user)
