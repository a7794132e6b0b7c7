"""Every error message the API gives, in one place (detail texts are English; the console translates)."""

from domain.passwords import RULES

NOT_AUTHENTICATED = "not authenticated: log in at /api/v1/auth/token and send 'Authorization: Bearer <token>'"
BAD_CREDENTIALS = "username or password is wrong, or the account is disabled"
TEMPORAL_UNAVAILABLE = "the workflow service (Temporal) is not reachable; try again shortly"
INTERNAL_ERROR = "internal error: the request id in params identifies it in the server's log"


def role_forbidden(role: str, allowed: tuple[str, ...]) -> str:
    return f"role '{role}' may not do this; allowed roles: {', '.join(allowed)}"


def other_department(department_code: str) -> str:
    return f"you may act only for your own department, not for '{department_code}'"


def not_found(kind: str, key: object) -> str:
    return f"{kind} '{key}' not found"


def already_exists(kind: str, key: object) -> str:
    return f"{kind} '{key}' already exists"


def field_error(field: str, reason: str) -> list[dict]:
    """The same shape FastAPI uses for validation errors, for checks made after parsing."""
    return [{"loc": ["body", field], "msg": reason, "type": "value_error"}]


# ---- Accounts, logins and the second factor (SPEC §10): each refusal has its own message and stable code. -----

ACCOUNT_LOCKED = "too many failed logins for this username: it is locked until params.locked_until"
ADDRESS_THROTTLED = "too many failed logins from this address: try again after params.retry_after seconds"
TOTP_REQUIRED = ("this account has a second factor: send totp_code with the password, or send params.challenge "
                 "with a code to POST /api/v1/auth/second-factor")
TOTP_WRONG = "the one-time code is wrong, expired or already used"
TOTP_UNREADABLE = ("the stored second factor cannot be read (altered, or sealed under another key): "
                   "an admin must reset it")
CHALLENGE_INVALID = "the second-factor challenge is invalid or expired: log in with the password again"
SESSION_REVOKED = ("this token was revoked (password or second factor changed, or account disabled): "
                   "log in again")
TOTP_ENROLLMENT_REQUIRED = ("your role requires a second factor: enrol one (POST /api/v1/me/totp, then "
                            "POST /api/v1/me/totp/confirm) before anything else")
TOTP_ALREADY_ENABLED = "a second factor is already enabled for this account; an admin can reset it"
TOTP_NOT_STARTED = "no second-factor enrolment is in progress: start one with POST /api/v1/me/totp"
CURRENT_PASSWORD_WRONG = "the current password is wrong"
NOT_ON_YOURSELF = "an admin cannot do this to their own account: ask another admin, or use the jointcheck CLI"
# The password rules, worded once in domain.passwords (the CLI gives the same words).
PASSWORD_RULES = RULES


def body_too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def invalid_character(field: str, character: str) -> str:
    return f"{field}: contains the character {character}, which is not allowed in any text"


def not_finite(field: str) -> str:
    return f"{field}: must be a finite number (NaN and Infinity are not numbers in JSON)"
