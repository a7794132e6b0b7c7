"""Signed bearer tokens (HS256 JWT); the routers take password hashing from here too (it lives in store.passwords,
which the CLI and the demo data use without the API).

Every token carries the account's token version: disabling an account, resetting or changing its password, or
changing its second factor bumps the version, and api.deps refuses a token of an older version, so every bearer
token and console session of that account stops working at once.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache

import jwt

from store.passwords import hash_password, verify_password

__all__ = ["ACCESS", "SECOND_FACTOR", "TokenClaims", "hash_password", "issue_token", "read_token",
           "spend_verification_time", "verify_password"]

ACCESS = "access"
# Proof that the password was right, exchanged with a TOTP code for an access token (never an access token).
SECOND_FACTOR = "second_factor"


@cache
def _stand_in_hash() -> str:
    return hash_password("no such account")


def spend_verification_time(password: str) -> None:
    """Verify against a stand-in hash, so that an unknown username answers as slowly as a wrong password."""
    verify_password(_stand_in_hash(), password)


@dataclass(frozen=True)
class TokenClaims:
    username: str
    version: int


def issue_token(*, username: str, version: int, secret: str, ttl: timedelta,
                purpose: str = ACCESS) -> tuple[str, datetime]:
    """A signed token naming the user and its token version; the role is re-read from the database every time."""
    expires_at = datetime.now(timezone.utc) + ttl
    claims = {"sub": username, "ver": version, "pur": purpose, "exp": expires_at}
    return jwt.encode(claims, secret, algorithm="HS256"), expires_at


def read_token(token: str, *, secret: str, purpose: str = ACCESS) -> TokenClaims | None:
    """The claims of a valid, unexpired token made for `purpose`, or None."""
    try:
        claims = jwt.decode(token, secret, algorithms=["HS256"], options={"require": ["sub", "exp", "ver", "pur"]})
    except jwt.PyJWTError:
        return None
    if claims["pur"] != purpose or not isinstance(claims["ver"], int) or not isinstance(claims["sub"], str):
        return None
    return TokenClaims(username=claims["sub"], version=claims["ver"])
