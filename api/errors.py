"""Every error message the API gives, in one place (detail texts are English; the console translates)."""

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


def body_too_large(limit: int) -> str:
    return f"the request body is larger than the limit of {limit} bytes"


def invalid_character(field: str, character: str) -> str:
    return f"{field}: contains the character {character}, which is not allowed in any text"


def not_finite(field: str) -> str:
    return f"{field}: must be a finite number (NaN and Infinity are not numbers in JSON)"
