"""The notification outbox (pushes, reminders, overdue steps) for any delivery channel (SPEC §4, §7).

A channel (the console's inbox, an SMS or e-mail gateway) reads the caller's undelivered notifications and marks
the ones it delivered; the office reads those addressed to the office."""

from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from api.deps import CurrentUser, SessionDep, actor_of
from store import audit, tasks as task_store
from store.models import User
from store.rows import row_dict

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


class DeliveredBody(BaseModel):
    keys: list[str] = Field(min_length=1, max_length=500)


def _addressee(user: User) -> str | None:
    """Department users read their department's notifications; the office and the admin read the office's."""
    return user.department_code if user.role in ("dept_operator", "dept_approver") else None


@router.get("")
async def pending(user: CurrentUser, session: SessionDep, limit: int = Query(default=100, ge=1, le=500)) -> list[dict]:
    """Undelivered notifications addressed to the caller's department (or to the office), oldest first."""
    rows = await task_store.pending_notifications(session, department_code=_addressee(user), limit=limit)
    return [row_dict(n) for n in rows]


@router.post("/delivered", responses={422: {"description": "a key that is not an undelivered notification of yours"}})
async def delivered(body: DeliveredBody, user: CurrentUser, session: SessionDep) -> dict:
    """Mark notifications as delivered by a channel; only the caller's own undelivered ones (audited)."""
    own = await task_store.undelivered_keys(session, body.keys, department_code=_addressee(user))
    foreign = [k for k in body.keys if k not in own]
    if foreign:
        raise HTTPException(422, [{"loc": ["body", "keys"], "type": "value_error",
                                   "msg": f"not undelivered notifications of yours: {foreign[:10]}"}])
    now = datetime.now(timezone.utc)
    await task_store.mark_delivered(session, body.keys, at=now)
    await audit.append(session, actor=actor_of(user), action="notification.delivered",
                       target=f"notifications:{len(body.keys)}", change={"keys": body.keys})
    await session.commit()
    return {"delivered": len(body.keys)}
