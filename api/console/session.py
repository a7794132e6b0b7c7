"""The console's cookie session: signed (itsdangerous), HttpOnly, SameSite=Lax; a CSRF token for every form.

The cookie holds only the username, the CSRF token and when the login happened; the role and department are
read from the API on every request, so a disabled account stops working at once.
"""

import hmac
import secrets
import time
from dataclasses import dataclass, field

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "jc_session"
FLASH_COOKIE = "jc_flash"
CSRF_FIELD = "csrf_token"
_SESSION_SALT = "jointcheck.console.session"
_FLASH_SALT = "jointcheck.console.flash"


@dataclass
class ConsoleSession:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    username: str | None = None
    login_at: float | None = None
    fresh: bool = True  # not read from a cookie: must be written


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.secret_key.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=salt)


def _max_age(request: Request) -> int:
    return int(request.app.state.settings.token_ttl_minutes * 60)


def read_session(request: Request) -> ConsoleSession:
    """The session in the cookie, or a new anonymous one (with its own CSRF token)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if raw:
        try:
            data = _serializer(request, _SESSION_SALT).loads(raw, max_age=_max_age(request))
            return ConsoleSession(csrf=data["c"], username=data.get("u"), login_at=data.get("t"), fresh=False)
        except (BadSignature, KeyError, TypeError):
            pass
    return ConsoleSession()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or bool(request.app.state.settings.cookie_secure)


def write_session(request: Request, response: Response, session: ConsoleSession) -> None:
    value = _serializer(request, _SESSION_SALT).dumps({"c": session.csrf, "u": session.username,
                                                       "t": session.login_at})
    response.set_cookie(SESSION_COOKIE, value, max_age=_max_age(request), httponly=True, samesite="lax",
                        secure=_secure(request), path="/")


def logged_in(username: str) -> ConsoleSession:
    """A new session for a user who just logged in (a new CSRF token: no fixation of the anonymous one)."""
    return ConsoleSession(username=username, login_at=time.time())


def csrf_ok(session: ConsoleSession, submitted: str | None) -> bool:
    return bool(submitted) and hmac.compare_digest(session.csrf.encode(), str(submitted).encode())


def push_flash(request: Request, response: Response, kind: str, text: str, detail: str = "") -> None:
    """A message for the next page shown (after a redirect)."""
    value = _serializer(request, _FLASH_SALT).dumps([{"kind": kind, "text": text, "detail": detail}])
    response.set_cookie(FLASH_COOKIE, value, max_age=120, httponly=True, samesite="lax", secure=_secure(request),
                        path="/")


def read_flash(request: Request) -> list[dict]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        return list(_serializer(request, _FLASH_SALT).loads(raw, max_age=300))
    except (BadSignature, TypeError):
        return []
