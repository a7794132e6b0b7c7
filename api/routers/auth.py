"""Log in: password, then the second factor when the account has one (api.login holds the procedure)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.security import OAuth2PasswordRequestForm

from api import errors
from api.deps import SessionDep, SettingsDep, client_address
from api.login import Login
from api.schemas.accounts import Token
from api.security import SECOND_FACTOR, read_token
from store import accounts

router = APIRouter(prefix="/api/v1", tags=["auth"])
REFUSALS = {
    401: {"description": f"{errors.BAD_CREDENTIALS} (code bad_credentials); {errors.TOTP_REQUIRED} (code "
                         f"totp_required, params.challenge); {errors.TOTP_WRONG} (code totp_wrong)"},
    423: {"description": f"{errors.ACCOUNT_LOCKED} (code account_locked, Retry-After)"},
    429: {"description": f"{errors.ADDRESS_THROTTLED} (code address_throttled, Retry-After)"},
}
TotpCodeField = Annotated[str | None, Form(max_length=16, description="the authenticator's current code")]


@router.post("/auth/token", response_model=Token, responses=REFUSALS)
async def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
                settings: SettingsDep, totp_code: TotpCodeField = None) -> Token:
    """Exchange username and password (and, for an account with a second factor, its code) for a bearer token.

    Without `totp_code` such an account gets 401 `totp_required` with a challenge for /auth/second-factor."""
    attempt = Login(session, settings, client_address(request))
    await attempt.throttle()
    await attempt.refuse_locked(form.username)
    user = await attempt.check_password(form.username, form.password)
    if user.totp_enabled:
        if not totp_code:
            raise attempt.challenge(user)
        await attempt.check_code(user, totp_code)
    return await attempt.succeed(user, second_factor=user.totp_enabled)


@router.post("/auth/second-factor", response_model=Token,
             responses={**REFUSALS, 401: {"description": f"{errors.TOTP_WRONG} (code totp_wrong); "
                                                         f"{errors.CHALLENGE_INVALID} (code challenge_invalid)"}})
async def second_factor(request: Request, session: SessionDep, settings: SettingsDep,
                        challenge: Annotated[str, Form(max_length=2048)],
                        totp_code: Annotated[str, Form(max_length=16)]) -> Token:
    """The second step of a login: the challenge from the password step and the authenticator's code."""
    attempt = Login(session, settings, client_address(request))
    await attempt.throttle()
    claims = read_token(challenge, secret=settings.secret_key.get_secret_value(), purpose=SECOND_FACTOR)
    if claims is None:
        await attempt.refuse_challenge()
    await attempt.refuse_locked(claims.username)
    user = await accounts.user_by_username(session, claims.username)
    if user is None or not user.active or not user.totp_enabled or user.token_version != claims.version:
        await attempt.refuse_challenge()
    await attempt.check_code(user, totp_code)
    return await attempt.succeed(user, second_factor=True)
