"""Signed bearer tokens (HS256 JWT); the routers take password hashing from here too (it lives in store.passwords,
which the CLI and the demo data use without the API)."""

from datetime import datetime, timedelta, timezone

import jwt

from store.passwords import hash_password, verify_password

__all__ = ["hash_password", "issue_token", "read_token", "verify_password"]


def issue_token(*, username: str, secret: str, ttl: timedelta) -> tuple[str, datetime]:
    """A signed token naming the user; the role is re-read from the database on every request."""
    expires_at = datetime.now(timezone.utc) + ttl
    token = jwt.encode({"sub": username, "exp": expires_at}, secret, algorithm="HS256")
    return token, expires_at


def read_token(token: str, *, secret: str) -> str | None:
    """The username in a valid, unexpired token, or None."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp"]})
    except jwt.PyJWTError:
        return None
    return claims["sub"]
