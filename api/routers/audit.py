"""The audit log (全程留痕、责任可追溯, SPEC §7): verification of the hash chain and a filtered listing."""

from fastapi import APIRouter, Query

from api.deps import SessionDep, require_roles
from api.params import Instant, Limit, Offset
from store import audit, audit_queries
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["audit"])
AUDITORS = require_roles("office", "admin")
REFUSED = {403: {"description": "only the office and the admin read the audit log"}}


@router.get("/audit/verify", responses=REFUSED)
async def verify(session: SessionDep, _user: User = AUDITORS) -> dict:
    """Recompute every link of the chain; name the first record that does not hold and why."""
    verdict = await audit.verify_chain(session)
    return {"ok": verdict.ok, "records": verdict.records, "first_broken_id": verdict.first_broken_id,
            "reason": verdict.reason}


@router.get("/audit", responses={**REFUSED, 422: {"description": "since without a timezone offset"}})
async def list_audit(session: SessionDep, _user: User = AUDITORS, actor: str | None = Query(default=None, max_length=64),
                     action: str | None = Query(default=None, max_length=64),
                     target: str | None = Query(default=None, max_length=256, description="target prefix, e.g. plan:"),
                     since: Instant | None = Query(default=None, description="ISO 8601 with offset"),
                     limit: Limit = 50, offset: Offset = 0) -> dict:
    """Audit records, newest first, filtered by actor, action, target prefix and time."""
    total, records = await audit_queries.list_records(session, actor=actor, action=action, target_prefix=target,
                                                      since=since, limit=limit, offset=offset)
    return {"total": total, "limit": limit, "offset": offset, "records": records}
