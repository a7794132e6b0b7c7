"""Accounts, managed by the admin: create, list, disable and enable, reset a password or a second factor.

Disabling an account or resetting its password or second factor ends every token and console session it has at
once (its token version is bumped). An admin cannot do these to their own account (the CLI can).
"""

import asyncio
from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from api import errors
from api.deps import SessionDep, actor_of, check_new_password, require_roles
from api.refusals import Refusal
from api.schemas.accounts import PasswordReset, UserAdminView, UserCreate, UserPage, UserPublic
from api.security import hash_password
from store import accounts, login_guard
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["departments and accounts"])
ADMIN = require_roles("admin")
NOT_FOUND = {404: {"description": "no such account"}}
ON_SELF = {409: {"description": f"{errors.NOT_ON_YOURSELF} (code not_on_yourself)"}}


@router.post("/users", response_model=UserPublic, status_code=201,
             responses={409: {"description": "username taken"},
                        422: {"description": "role/department mismatch; the password breaks a rule (code "
                                             "password_too_short / password_too_long / password_too_few_kinds)"}})
async def create_user(body: UserCreate, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Create an account; department roles need an existing department_code, others must not have one."""
    if await validate_account(session, body.username, body.role, body.department_code) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("user", body.username))
    check_new_password(body.password)
    user = await accounts.create_user(session, actor=actor_of(admin), username=body.username,
                                      password_hash=await asyncio.to_thread(hash_password, body.password),
                                      role=body.role, department_code=body.department_code,
                                      display_name=body.display_name, phone=body.phone)
    await session.commit()
    return UserPublic.model_validate(user)


@router.get("/users", response_model=UserPage)
async def list_users(session: SessionDep, _admin: User = ADMIN, limit: Annotated[int, Query(ge=1, le=500)] = 100,
                     offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0) -> UserPage:
    """Every account by username, with its state: active, locked after failed logins, second factor."""
    users, total = await accounts.list_users(session, limit=limit, offset=offset)
    locks = await login_guard.locks_of(session, [u.username for u in users], datetime.now(timezone.utc))
    items = [UserAdminView.model_validate({**UserPublic.model_validate(u).model_dump(), "active": u.active,
                                           "locked_until": locks.get(u.username), "created_at": u.created_at,
                                           "password_changed_at": u.password_changed_at}) for u in users]
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.post("/users/{username}/disable", response_model=UserPublic, responses={**NOT_FOUND, **ON_SELF})
async def disable_user(username: str, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Disable the account: it can no longer log in, and every token and session it has ends now."""
    return await _set_active(session, username, admin, active=False)


@router.post("/users/{username}/enable", response_model=UserPublic, responses={**NOT_FOUND, **ON_SELF})
async def enable_user(username: str, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Enable the account again; this also lifts a lock after failed logins."""
    return await _set_active(session, username, admin, active=True)


async def _set_active(session, username: str, admin: User, *, active: bool) -> UserPublic:
    user = await _other_account(session, username, admin)
    await accounts.set_active(session, actor=actor_of(admin), user=user, active=active)
    await session.commit()
    return UserPublic.model_validate(user)


@router.post("/users/{username}/reset-password", response_model=UserPublic, responses={
    **NOT_FOUND, **ON_SELF, 422: {"description": "the password breaks a rule (code password_too_short / "
                                                 "password_too_long / password_too_few_kinds)"}})
async def reset_password(username: str, body: PasswordReset, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Give the account a new password (and lift a login lock); every token and session it has ends now."""
    user = await _other_account(session, username, admin)
    check_new_password(body.password)
    await accounts.set_password(session, actor=actor_of(admin), user=user,
                                password_hash=await asyncio.to_thread(hash_password, body.password), by_admin=True)
    await session.commit()
    return UserPublic.model_validate(user)


@router.post("/users/{username}/reset-totp", response_model=UserPublic, responses={**NOT_FOUND, **ON_SELF})
async def reset_totp(username: str, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Remove the account's second factor (a lost phone): it enrols anew; every token and session it has ends."""
    user = await _other_account(session, username, admin)
    await accounts.reset_totp(session, actor=actor_of(admin), user=user)
    await session.commit()
    return UserPublic.model_validate(user)


async def _other_account(session, username: str, admin: User) -> User:
    user = await accounts.user_by_username(session, username)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("user", username))
    if user.id == admin.id:
        raise Refusal(status.HTTP_409_CONFLICT, errors.NOT_ON_YOURSELF, "not_on_yourself")
    return user


async def validate_account(session, username: str, role: str, department_code: str | None) -> User | None:
    """Raise 422 for a role/department mismatch; return the existing user with that name, if any."""
    if role in ("dept_operator", "dept_approver"):
        if not department_code:
            raise HTTPException(422, errors.field_error("department_code", f"required for role '{role}'"))
        if await accounts.department(session, department_code) is None:
            raise HTTPException(422, errors.field_error("department_code",
                                                        errors.not_found("department", department_code)))
    elif department_code:
        raise HTTPException(422, errors.field_error("department_code", f"must be empty for role '{role}'"))
    return await accounts.user_by_username(session, username)
