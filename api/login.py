"""The login procedure behind POST /api/v1/auth/token and /auth/second-factor (GB/T 22239-2019 §8.1.4.1).

Order matters: an address over its failure budget is refused before anything else (429), a locked username next
(423), and only then is a password checked (argon2, off the event loop, with no transaction open). Every failure is
counted for the username and the address and audited; the failure that reaches the limit locks the username. An
unknown username fails exactly like a wrong password, lock included, so neither answer nor timing tells which
accounts exist.
"""

import asyncio
import math
from datetime import datetime, timedelta, timezone
from typing import NoReturn

from fastapi import status
from sqlalchemy.ext.asyncio import AsyncSession

from api import errors, sealed, totp
from api.refusals import Refusal
from api.schemas.accounts import Token
from api.security import ACCESS, SECOND_FACTOR, issue_token, spend_verification_time, verify_password
from config.settings import Settings
from store import accounts, audit, login_guard
from store.models import User

CHALLENGE_TTL = timedelta(minutes=5)
USERNAME_KEY_LENGTH = 64  # the longest username an account can have (store.models.User)


def name_key(username: str) -> str:
    """The username as the failure counters and the audit record it: bounded, and storable in any database."""
    return username[:USERNAME_KEY_LENGTH].replace("\x00", "\ufffd")


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))


def access_token(settings: Settings, user: User) -> Token:
    """A bearer token for the account at its current token version."""
    token, expires_at = issue_token(username=user.username, version=user.token_version, purpose=ACCESS,
                                    secret=settings.secret_key.get_secret_value(),
                                    ttl=timedelta(minutes=settings.token_ttl_minutes))
    return Token(access_token=token, expires_at=expires_at.isoformat())


class Login:
    """One login attempt from one address: the checks, the counting, the audit and the token."""

    def __init__(self, session: AsyncSession, settings: Settings, address: str) -> None:
        self.session, self.settings, self.address = session, settings, name_key(address)
        self.now = datetime.now(timezone.utc)
        self.limits = login_guard.Limits(
            max_failures=settings.login_max_failures, lockout=timedelta(seconds=settings.login_lockout_seconds),
            address_max_failures=settings.login_address_max_failures,
            address_window=timedelta(seconds=settings.login_address_window_seconds))

    async def throttle(self) -> None:
        """429 for an address over its failure budget, before anything else is looked at."""
        blocked = await login_guard.address_blocked_until(self.session, self.address, self.now, self.limits)
        if blocked is not None:
            wait = _seconds_until(blocked, self.now)
            raise Refusal(status.HTTP_429_TOO_MANY_REQUESTS, errors.ADDRESS_THROTTLED, "address_throttled",
                          params={"retry_after": wait}, headers={"Retry-After": str(wait)})

    async def refuse_locked(self, username: str) -> None:
        """423 for a locked username, before any password or code is checked (the attempt still counts)."""
        locked = await login_guard.locked_until(self.session, name_key(username), self.now)
        if locked is not None:
            await self._count_address_failure()
            await self._audit_failure(username, None, "locked")
            await self.session.commit()
            raise self.locked(locked)

    async def check_password(self, username: str, password: str) -> User:
        """The active account with this username and password; otherwise the failure is counted and refused."""
        user = await accounts.user_by_username(self.session, username)
        await self.session.commit()  # no transaction (on SQLite: no write lock) while argon2 works
        if user is None:
            await asyncio.to_thread(spend_verification_time, password)
            await self.fail(username, None, "unknown_user")
        if not await asyncio.to_thread(verify_password, user.password_hash, password):
            await self.fail(username, user, "bad_password")
        if not user.active:
            await self.fail(username, user, "disabled")
        return user

    def challenge(self, user: User) -> Refusal:
        """401 asking for the second factor, with a short-lived proof that the password was right."""
        token, expires_at = issue_token(username=user.username, version=user.token_version, ttl=CHALLENGE_TTL,
                                        secret=self.settings.secret_key.get_secret_value(), purpose=SECOND_FACTOR)
        return Refusal(status.HTTP_401_UNAUTHORIZED, errors.TOTP_REQUIRED, "totp_required", field="totp_code",
                       params={"challenge": token, "expires_at": expires_at.isoformat()})

    async def check_code(self, user: User, code: str) -> None:
        """The code must be the account's current one and not used before; otherwise it counts as a failure."""
        try:
            secret = totp.unseal_secret(user.totp_secret, user_id=user.id, key=self.settings.totp_sealing_key())
        except sealed.Unreadable:
            await self._audit_failure(user.username, user, "totp_unreadable")
            await self.session.commit()
            raise Refusal(status.HTTP_401_UNAUTHORIZED, errors.TOTP_UNREADABLE, "totp_unreadable") from None
        step = totp.matching_step(secret, code.strip())
        if step is None:
            await self.fail(user.username, user, "bad_totp")
        if not await accounts.use_totp_step(self.session, user, step):
            await self.fail(user.username, user, "totp_replayed")

    async def count_failure(self, username: str, user: User | None, reason: str) -> datetime | None:
        """Count and audit a failure (committed); answers when the username's lock ends if this one locked it."""
        key = name_key(username)
        locked = await login_guard.record_failure(self.session, key, self.now, self.limits)
        await self._count_address_failure()
        await self._audit_failure(username, user, reason)
        if locked is not None:
            await audit.append(self.session, actor=self._actor(key, user), action="auth.account_locked",
                               target=f"user:{key}", change={"until": locked.isoformat(), "address": self.address})
        await self.session.commit()
        return locked

    async def fail(self, username: str, user: User | None, reason: str) -> NoReturn:
        """Count the failure, then refuse: 423 when it locked the username, 401 otherwise."""
        locked = await self.count_failure(username, user, reason)
        if locked is not None:
            raise self.locked(locked)
        if reason in ("bad_totp", "totp_replayed"):
            raise Refusal(status.HTTP_401_UNAUTHORIZED, errors.TOTP_WRONG, "totp_wrong", field="totp_code")
        raise Refusal(status.HTTP_401_UNAUTHORIZED, errors.BAD_CREDENTIALS, "bad_credentials",
                      headers={"WWW-Authenticate": "Bearer"})

    async def succeed(self, user: User, *, second_factor: bool) -> Token:
        """Forget the username's failures, audit the login and hand out an access token."""
        await login_guard.clear(self.session, user.username)
        await audit.append(self.session, actor=self._actor(user.username, user), action="auth.login",
                           target=f"user:{user.username}",
                           change={"address": self.address, "second_factor": second_factor})
        await self.session.commit()
        return access_token(self.settings, user)

    async def refuse_challenge(self) -> NoReturn:
        """A forged, expired or outdated challenge: it counts against the address only (it names no one)."""
        await self._count_address_failure()
        await self.session.commit()
        raise Refusal(status.HTTP_401_UNAUTHORIZED, errors.CHALLENGE_INVALID, "challenge_invalid")

    def locked(self, until: datetime) -> Refusal:
        wait = _seconds_until(until, self.now)
        return Refusal(status.HTTP_423_LOCKED, errors.ACCOUNT_LOCKED, "account_locked",
                       params={"locked_until": until.isoformat(), "retry_after": wait},
                       headers={"Retry-After": str(wait)})

    async def _count_address_failure(self) -> None:
        failures = await login_guard.record_address_failure(self.session, self.address, self.now, self.limits)
        if failures == self.limits.address_max_failures:
            window = self.settings.login_address_window_seconds
            await audit.append(self.session, actor=audit.Actor("anonymous", "anonymous"),
                               action="auth.address_throttled", target=f"address:{self.address}",
                               change={"failures": failures, "window_seconds": window})

    async def _audit_failure(self, username: str, user: User | None, reason: str) -> None:
        key = name_key(username)
        await audit.append(self.session, actor=self._actor(key, user), action="auth.login_failed",
                           target=f"user:{key}", change={"reason": reason, "address": self.address})

    @staticmethod
    def _actor(username: str, user: User | None) -> audit.Actor:
        if user is None:
            return audit.Actor(username, "anonymous")
        return audit.Actor(user.username, user.role, user.department_code)
