"""Failed-login counters kept in the database, so that every API process sees the same locks and throttles.

Per username: failures in a row (none older than the lockout window) lock the name for the lockout window; a name
that no account has locks just the same, so a lock tells nothing about which accounts exist. Per client address:
failures in a fixed window; past the limit the address is refused until its window ends. Each counter is one
upsert, atomic on SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import AddressFailure, LoginFailure
from store.types import UTCDateTime


@dataclass(frozen=True)
class Limits:
    max_failures: int
    lockout: timedelta
    address_max_failures: int
    address_window: timedelta


def _insert(session: AsyncSession, model):
    return (postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert)(model)


async def locked_until(session: AsyncSession, username: str, now: datetime) -> datetime | None:
    """When the lock on this username ends, if it is locked now."""
    until = (await session.execute(select(LoginFailure.locked_until).where(LoginFailure.username == username)
                                   )).scalar_one_or_none()
    return until if until is not None and until > now else None


async def record_failure(session: AsyncSession, username: str, now: datetime, limits: Limits) -> datetime | None:
    """Count one failure for the username; when it reaches the limit, lock the name and answer until when."""
    t = LoginFailure.__table__
    stale = (t.c.last_failed_at < now - limits.lockout) | (t.c.locked_until.is_not(None) & (t.c.locked_until <= now))
    insert = _insert(session, LoginFailure).values(username=username, failures=1, last_failed_at=now)
    insert = insert.on_conflict_do_update(index_elements=[t.c.username], set_={
        "failures": case((stale, 1), else_=t.c.failures + 1), "last_failed_at": now,
        "locked_until": case((stale, None), else_=t.c.locked_until)})
    await session.execute(insert)
    until = now + limits.lockout
    locked = await session.execute(
        update(LoginFailure).where(LoginFailure.username == username, LoginFailure.failures >= limits.max_failures,
                                   LoginFailure.locked_until.is_(None))
        .values(locked_until=until, failures=0).returning(LoginFailure.username))
    await session.execute(delete(LoginFailure).where(LoginFailure.last_failed_at < now - limits.lockout,
                                                     (LoginFailure.locked_until.is_(None))
                                                     | (LoginFailure.locked_until <= now)))
    return until if locked.first() else None


async def clear(session: AsyncSession, username: str) -> None:
    """Forget the failures and any lock of a username (a successful login, an admin's enable or reset)."""
    await session.execute(delete(LoginFailure).where(LoginFailure.username == username))


async def address_blocked_until(session: AsyncSession, address: str, now: datetime, limits: Limits) -> datetime | None:
    """When this address may try again, if it has used up its failures for the current window."""
    row = (await session.execute(select(AddressFailure).where(AddressFailure.address == address))).scalar_one_or_none()
    if row is None or row.failures < limits.address_max_failures:
        return None
    ends = row.window_started_at + limits.address_window
    return ends if ends > now else None


async def record_address_failure(session: AsyncSession, address: str, now: datetime, limits: Limits) -> int:
    """Count one failure from the address in its window; answers the count so far."""
    t = AddressFailure.__table__
    expired = t.c.window_started_at <= now - limits.address_window
    insert = _insert(session, AddressFailure).values(address=address, window_started_at=now, failures=1)
    insert = insert.on_conflict_do_update(index_elements=[t.c.address], set_={
        "failures": case((expired, 1), else_=t.c.failures + 1),
        "window_started_at": case((expired, literal(now, UTCDateTime())), else_=t.c.window_started_at)})
    failures = (await session.execute(insert.returning(t.c.failures))).scalar_one()
    await session.execute(delete(AddressFailure).where(AddressFailure.window_started_at <= now - limits.address_window))
    return failures


async def locks_of(session: AsyncSession, usernames: list[str], now: datetime) -> dict[str, datetime]:
    """The usernames among these that are locked now, with the end of each lock."""
    rows = await session.execute(select(LoginFailure.username, LoginFailure.locked_until).where(
        LoginFailure.username.in_(usernames), LoginFailure.locked_until > now))
    return {name: until for name, until in rows}
