"""Password hashing (argon2) and signed bearer tokens (HS256 JWT)."""

from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


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
