"""The logged-in account: who am I, change my password, enrol my second factor (open before a required enrolment).

A changed password or a newly enrolled second factor ends every other session of the account: the answer is a
fresh token, since the one that asked is ended too.
"""

import asyncio

from fastapi import APIRouter, Request, status

from api import errors, sealed, totp
from api.deps import (EnrollingUser, SessionDep, SettingsDep, actor_of, check_new_password, client_address,
                      totp_enrollment_pending)
from api.login import Login, access_token
from api.refusals import Refusal
from api.schemas.accounts import Me, PasswordChange, Token, TotpCode, TotpEnrollment, UserPublic
from api.security import hash_password, verify_password
from store import accounts
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["auth"])


@router.get("/me", response_model=Me)
async def me(user: EnrollingUser, settings: SettingsDep) -> Me:
    """The logged-in account, and whether its role requires a second factor it has yet to enrol."""
    return Me(**UserPublic.model_validate(user).model_dump(), password_changed_at=user.password_changed_at,
              totp_required=settings.requires_totp(user.role),
              totp_enrollment_required=totp_enrollment_pending(user, settings))


@router.post("/me/password", response_model=Token, responses={
    422: {"description": f"{errors.CURRENT_PASSWORD_WRONG} (code current_password_wrong); the new password breaks "
                         "a rule (code password_too_short / password_too_long / password_too_few_kinds)"},
    423: {"description": errors.ACCOUNT_LOCKED}})
async def change_password(body: PasswordChange, request: Request, user: EnrollingUser, session: SessionDep,
                          settings: SettingsDep) -> Token:
    """Change one's own password (the current one is required); every other session of the account ends."""
    check_new_password(body.password)
    attempt = Login(session, settings, client_address(request))
    await attempt.refuse_locked(user.username)
    await session.commit()
    if not await asyncio.to_thread(verify_password, user.password_hash, body.current_password):
        # A stolen session must not be a way to guess the password: wrong guesses count towards the lock.
        locked = await attempt.count_failure(user.username, user, "bad_current_password")
        if locked is not None:
            raise attempt.locked(locked)
        raise Refusal(422, errors.CURRENT_PASSWORD_WRONG, "current_password_wrong",
                      field="current_password")
    await accounts.set_password(session, actor=actor_of(user), user=user,
                                password_hash=await asyncio.to_thread(hash_password, body.password), by_admin=False)
    await session.commit()
    return access_token(settings, user)


@router.post("/me/totp", response_model=TotpEnrollment, status_code=201,
             responses={409: {"description": f"{errors.TOTP_ALREADY_ENABLED} (code totp_already_enabled)"}})
async def start_totp(user: EnrollingUser, session: SessionDep, settings: SettingsDep) -> TotpEnrollment:
    """A new secret for an authenticator app (replacing an unconfirmed one); confirm it with a code."""
    _refuse_if_enabled(user)
    secret = totp.new_secret()
    await accounts.start_totp(session, actor=actor_of(user), user=user,
                              sealed_secret=totp.seal_secret(secret, user_id=user.id, key=settings.totp_sealing_key()))
    await session.commit()
    uri = totp.otpauth_uri(secret, user.username)
    return TotpEnrollment(secret=secret, otpauth_uri=uri, qr_svg_data_uri=totp.qr_data_uri(uri))


@router.post("/me/totp/confirm", response_model=Token, responses={
    409: {"description": f"{errors.TOTP_ALREADY_ENABLED}; {errors.TOTP_NOT_STARTED} (code totp_not_started)"},
    422: {"description": f"{errors.TOTP_WRONG} (code totp_wrong)"}})
async def confirm_totp(body: TotpCode, user: EnrollingUser, session: SessionDep, settings: SettingsDep) -> Token:
    """The code the app shows proves it holds the secret: the second factor is on from now, and every other
    session of the account (opened without it) ends."""
    _refuse_if_enabled(user)
    if user.totp_pending is None:
        raise Refusal(status.HTTP_409_CONFLICT, errors.TOTP_NOT_STARTED, "totp_not_started")
    try:
        secret = totp.unseal_secret(user.totp_pending, user_id=user.id, key=settings.totp_sealing_key())
    except sealed.Unreadable:
        raise Refusal(status.HTTP_409_CONFLICT, errors.TOTP_UNREADABLE, "totp_unreadable") from None
    step = totp.matching_step(secret, body.code)
    if step is None:
        raise Refusal(422, errors.TOTP_WRONG, "totp_wrong", field="code")
    await accounts.confirm_totp(session, actor=actor_of(user), user=user, step=step)
    await session.commit()
    return access_token(settings, user)


def _refuse_if_enabled(user: User) -> None:
    if user.totp_enabled:
        raise Refusal(status.HTTP_409_CONFLICT, errors.TOTP_ALREADY_ENABLED, "totp_already_enabled")
