"""Writing and verifying the hash-chained audit log (SPEC §7: 全程留痕、责任可追溯)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.audit import AuditRecord

GENESIS = "0" * 64
# Any constant serves; it only has to be the same for every chainer.
_CHAIN_LOCK_KEY = 7_204_311


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, or the system itself (timers, workflows)."""

    username: str
    role: str
    department_code: str | None = None


SYSTEM = Actor(username="system", role="system")


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def _link_hash(prev_hash: str, at: datetime, actor: str, role: str, department_code: str | None,
               action: str, target: str, change_digest: str) -> str:
    fields = [prev_hash, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), actor, role,
              department_code or "", action, target, change_digest]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One record to append: who did what to what, with the change, at a time (now when None)."""

    actor: Actor
    action: str
    target: str
    change: dict[str, Any] | None = None
    at: datetime | None = None


async def append(session: AsyncSession, *, actor: Actor, action: str, target: str,
                 change: dict[str, Any] | None = None, at: datetime | None = None) -> AuditRecord:
    """Append one record in the caller's transaction, linked to the previous record by SHA-256."""
    return (await append_many(session, [Entry(actor, action, target, change, at)]))[0]


async def append_many(session: AsyncSession, entries: list[Entry]) -> list[AuditRecord]:
    """Append records, in order, in the caller's transaction: they commit or vanish with the change they record.

    They are written unlinked and take no lock, so writers never wait for one another; `link_pending` chains them
    once committed (the worker does so continuously, `verify_chain` before it verifies)."""
    records = []
    for e in entries:
        change_text = canonical_json(e.change or {})
        a = e.actor
        records.append(AuditRecord(
            at=(e.at or datetime.now(timezone.utc)).astimezone(timezone.utc), actor=a.username, role=a.role,
            department_code=a.department_code, action=e.action, target=e.target, change=change_text,
            change_digest=hashlib.sha256(change_text.encode()).hexdigest()))
    session.add_all(records)
    await session.flush()
    return records


async def link_pending(session: AsyncSession, *, limit: int = 5000) -> int:
    """Give committed unlinked records, oldest id first, the next places in the chain; answers how many.

    One chainer at a time (a transaction-wide lock on PostgreSQL, SQLite's write lock): each continues the chain
    from the last linked record. A record that commits late simply takes a later place."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = (await session.execute(select(AuditRecord.seq, AuditRecord.hash).where(AuditRecord.seq.is_not(None))
                                  .order_by(AuditRecord.seq.desc()).limit(1))).first()
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS)
    pending = (await session.execute(select(AuditRecord).where(AuditRecord.seq.is_(None))
                                     .order_by(AuditRecord.id).limit(limit))).scalars().all()
    for r in pending:
        seq += 1
        r.seq, r.prev_hash = seq, prev_hash
        r.hash = prev_hash = _link_hash(prev_hash, r.at, r.actor, r.role, r.department_code, r.action, r.target,
                                        r.change_digest)
    await session.flush()
    return len(pending)


async def link_all(sessions) -> int:
    """Link every committed record (one transaction per `link_pending` round); answers how many."""
    total = 0
    while True:
        async with sessions.begin() as session:
            linked = await link_pending(session)
        total += linked
        if not linked:
            return total


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    records: int
    first_broken_id: int | None = None
    reason: str | None = None


async def verify_chain(session: AsyncSession, *, batch: int = 5000) -> ChainVerdict:
    """Link what is still unlinked, then recompute every link in chain order; name the first record whose
    content or link does not hold."""
    while await link_pending(session):
        await session.commit()
    await session.commit()
    prev_hash, count, after_seq = GENESIS, 0, 0
    while True:
        rows = (await session.execute(
            select(AuditRecord).where(AuditRecord.seq > after_seq).order_by(AuditRecord.seq).limit(batch)
        )).scalars().all()
        if not rows:
            return ChainVerdict(ok=True, records=count)
        for r in rows:
            if hashlib.sha256(r.change.encode()).hexdigest() != r.change_digest:
                return ChainVerdict(False, count, r.id, "change does not match its digest")
            if r.prev_hash != prev_hash:
                return ChainVerdict(False, count, r.id, "link to the previous record is broken")
            expected = _link_hash(r.prev_hash, r.at, r.actor, r.role, r.department_code, r.action, r.target,
                                  r.change_digest)
            if r.hash != expected:
                return ChainVerdict(False, count, r.id, "record hash does not match its content")
            prev_hash, count, after_seq = r.hash, count + 1, r.seq
        session.expunge_all()
