"""The console's cookie session: signed (itsdangerous), HttpOnly, SameSite=Lax; a CSRF token for every form.

The cookie holds the username with the token version the API gave at login, the CSRF token, when the login
happened, and (between the two steps of a login with a second factor) the API's challenge. The role and department
are read from the API on every request, and the API refuses an outdated token version, so a disabled account, a
reset or changed password ends the session at once. The signature's timestamp is the last request: the cookie is
re-signed on every console response, and one older than the idle timeout is no longer a session.
"""

import hmac
import secrets
import time
from dataclasses import dataclass, field

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.security import read_token

SESSION_COOKIE = "jc_session"
FLASH_COOKIE = "jc_flash"
CSRF_FIELD = "csrf_token"
_SESSION_SALT = "jointcheck.console.session"
_FLASH_SALT = "jointcheck.console.flash"
IDLE = "idle"  # why a session ended, for the login page to say so


@dataclass
class ConsoleSession:
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    username: str | None = None
    version: int = 0
    login_at: float | None = None
    challenge: str | None = None  # the API's second-factor challenge, between the two steps of a login
    fresh: bool = True  # not read from a cookie: must be written
    ended: str | None = None  # IDLE when the session ran out of idle time


def _serializer(request: Request, salt: str) -> URLSafeTimedSerializer:
    secret = request.app.state.settings.secret_key.get_secret_value()
    return URLSafeTimedSerializer(secret, salt=salt)


def _idle_seconds(request: Request) -> float:
    return request.app.state.settings.console_idle_timeout_seconds


def _lifetime_seconds(request: Request) -> float:
    return request.app.state.settings.token_ttl_minutes * 60


def read_session(request: Request) -> ConsoleSession:
    """The session in the cookie, or a new anonymous one (with its own CSRF token)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return ConsoleSession()
    try:
        data, signed_at = _serializer(request, _SESSION_SALT).loads(raw, max_age=_lifetime_seconds(request),
                                                                    return_timestamp=True)
        session = ConsoleSession(csrf=data["c"], username=data.get("u"), version=int(data.get("v", 0)),
                                 login_at=data.get("t"), challenge=data.get("p"), fresh=False)
    except (BadSignature, KeyError, TypeError, ValueError):
        return ConsoleSession()
    if session.login_at is not None and time.time() - session.login_at > _lifetime_seconds(request):
        return ConsoleSession()
    # Only a login ages out when idle: an anonymous session (an open login form) keeps its CSRF token.
    if (session.username or session.challenge) and time.time() - signed_at.timestamp() > _idle_seconds(request):
        return ConsoleSession(ended=IDLE)
    return session


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or bool(request.app.state.settings.cookie_secure)


def write_session(request: Request, response: Response, session: ConsoleSession) -> None:
    value = _serializer(request, _SESSION_SALT).dumps({"c": session.csrf, "u": session.username, "v": session.version,
                                                       "t": session.login_at, "p": session.challenge})
    response.set_cookie(SESSION_COOKIE, value, max_age=int(_lifetime_seconds(request)), httponly=True,
                        samesite="lax", secure=_secure(request), path="/")


def keep_alive(request: Request, response: Response) -> None:
    """Re-sign the session of a logged-in user on a console response: this request restarts the idle clock."""
    session: ConsoleSession | None = getattr(request.state, "console_session", None)
    if session is None or not session.username:
        return
    if any(h.startswith(f"{SESSION_COOKIE}=") for h in response.headers.getlist("set-cookie")):
        return  # the handler wrote (or deleted) the session itself
    write_session(request, response, session)


def logged_in(request: Request, access_token: str) -> ConsoleSession:
    """A new session for a user who just logged in (a new CSRF token: no fixation of the anonymous one), at the
    token version of the token the API issued."""
    claims = read_token(access_token, secret=request.app.state.settings.secret_key.get_secret_value())
    return ConsoleSession(username=claims.username, version=claims.version, login_at=time.time())


def renewed(request: Request, session: ConsoleSession, access_token: str) -> ConsoleSession:
    """The same session at the new token version the API issued after the user changed their own password or
    second factor (every other session of the account has ended)."""
    claims = read_token(access_token, secret=request.app.state.settings.secret_key.get_secret_value())
    return ConsoleSession(csrf=session.csrf, username=claims.username, version=claims.version,
                          login_at=session.login_at)


def awaiting_second_factor(challenge: str) -> ConsoleSession:
    """A session between the password step and the code step of a login."""
    return ConsoleSession(challenge=challenge)


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
