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
# Any constant serves; it only has to be the same for every writer of the chain.
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


async def append(session: AsyncSession, *, actor: Actor, action: str, target: str,
                 change: dict[str, Any] | None = None, at: datetime | None = None) -> AuditRecord:
    """Append one record in the caller's transaction, linked to the previous record by SHA-256."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK_KEY})
    last = (await session.execute(select(AuditRecord.hash).order_by(AuditRecord.id.desc()).limit(1))).scalar()
    prev_hash = last or GENESIS
    change_text = canonical_json(change or {})
    change_digest = hashlib.sha256(change_text.encode()).hexdigest()
    at = (at or datetime.now(timezone.utc)).astimezone(timezone.utc)
    record = AuditRecord(
        at=at, actor=actor.username, role=actor.role, department_code=actor.department_code,
        action=action, target=target, change=change_text, change_digest=change_digest, prev_hash=prev_hash,
        hash=_link_hash(prev_hash, at, actor.username, actor.role, actor.department_code, action, target,
                        change_digest),
    )
    session.add(record)
    await session.flush()
    return record


@dataclass(frozen=True)
class ChainVerdict:
    ok: bool
    records: int
    first_broken_id: int | None = None
    reason: str | None = None


async def verify_chain(session: AsyncSession, *, batch: int = 5000) -> ChainVerdict:
    """Recompute every link in order; name the first record whose content or link does not hold."""
    prev_hash, count, after_id = GENESIS, 0, 0
    while True:
        rows = (await session.execute(
            select(AuditRecord).where(AuditRecord.id > after_id).order_by(AuditRecord.id).limit(batch)
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
            prev_hash, count, after_id = r.hash, count + 1, r.id
        session.expunge_all()
