"""Every error message the API gives, in one place (detail texts are English; the console translates)."""

NOT_AUTHENTICATED = "not authenticated: log in at /api/v1/auth/token and send 'Authorization: Bearer <token>'"
BAD_CREDENTIALS = "username or password is wrong, or the account is disabled"
TEMPORAL_UNAVAILABLE = "the workflow service (Temporal) is not reachable; try again shortly"


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
