"""Reading the audit log for the office and the admin: filtered, newest first, paginated."""

import json
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models.audit import AuditRecord


async def list_records(session: AsyncSession, *, actor: str | None = None, action: str | None = None,
                       target_prefix: str | None = None, since: datetime | None = None, limit: int = 50,
                       offset: int = 0) -> tuple[int, list[dict]]:
    """The total matching the filters and one page of records, newest first, with each change decoded."""
    query = select(AuditRecord)
    if actor:
        query = query.where(AuditRecord.actor == actor)
    if action:
        query = query.where(AuditRecord.action == action)
    if target_prefix:
        # Escape LIKE wildcards so "plan:1_" means exactly that prefix.
        escaped = target_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditRecord.target.like(f"{escaped}%", escape="\\"))
    if since:
        query = query.where(AuditRecord.at >= since)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = (await session.execute(query.order_by(AuditRecord.id.desc()).limit(limit).offset(offset))).scalars()
    return total, [{"id": r.id, "at": r.at, "actor": r.actor, "role": r.role, "department_code": r.department_code,
                    "action": r.action, "target": r.target, "change": json.loads(r.change),
                    "change_digest": r.change_digest, "prev_hash": r.prev_hash, "hash": r.hash} for r in rows]
