"""The task read model's queries behind the task API: tasks, their timeline, the notification outbox.

Writes come from the workflows through store.read_model."""

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.keys import event_order
from store.models.tasks import Followup, Notification, Task, TaskObject, TaskParticipant, TaskResponse, TimelineEvent
from store.rows import row_dict


async def get_task(session: AsyncSession, task_id: str) -> dict[str, Any] | None:
    """The task row with its participants, responses and drawn objects; None when unknown."""
    task = await session.get(Task, task_id)
    if task is None:
        return None

    async def rows(model, *order):
        stmt = select(model).where(model.task_id == task_id).order_by(*order)
        return [row_dict(r) for r in (await session.execute(stmt)).scalars()]

    return {**row_dict(task),
            "participants": await rows(TaskParticipant, TaskParticipant.role, TaskParticipant.department_code),
            "responses": await rows(TaskResponse, TaskResponse.department_code),
            "objects": await rows(TaskObject, TaskObject.ordinal)}


async def list_tasks(session: AsyncSession, *, department_code: str | None = None, stage: str | None = None,
                     limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    """Tasks, newest first; a department sees the tasks it takes part in, None (the office) sees all."""
    stmt = select(Task).order_by(Task.created_at.desc(), Task.task_id).limit(limit).offset(offset)
    if department_code is not None:
        joined = select(TaskParticipant.task_id).where(TaskParticipant.department_code == department_code)
        # A department that received a transfer (移送) from a task must find that task to acknowledge it.
        received = select(Followup.task_id).where(Followup.receiving_department_code == department_code)
        stmt = stmt.where(or_(Task.lead_department_code == department_code, Task.task_id.in_(joined),
                              Task.task_id.in_(received)))
    if stage is not None:
        stmt = stmt.where(Task.stage == stage)
    return [{k: v for k, v in row_dict(t).items() if k != "input"} for t in (await session.execute(stmt)).scalars()]


def _event_order(e: TimelineEvent) -> tuple:
    # Several events of one workflow activation share a time: their keys number them.
    return (e.at, *event_order(e.key))


async def timeline(session: AsyncSession, task_id: str) -> list[dict[str, Any]]:
    """The task's events in the order they happened."""
    events = (await session.execute(select(TimelineEvent).where(TimelineEvent.task_id == task_id))).scalars().all()
    return [row_dict(e) for e in sorted(events, key=_event_order)]


async def pending_notifications(session: AsyncSession, *, department_code: str | None = None,
                                limit: int = 100) -> list[Notification]:
    """Undelivered outbox rows for a department (None = the office), oldest first."""
    stmt = (select(Notification).where(Notification.delivered_at.is_(None))
            .where(Notification.department_code.is_(None) if department_code is None
                   else Notification.department_code == department_code)
            .order_by(Notification.created_at, Notification.key).limit(limit))
    return list((await session.execute(stmt)).scalars())


async def undelivered_keys(session: AsyncSession, keys: list[str], *, department_code: str | None) -> set[str]:
    """Which of these keys are undelivered notifications addressed to the department (None = the office)."""
    addressed = (Notification.department_code.is_(None) if department_code is None
                 else Notification.department_code == department_code)
    stmt = select(Notification.key).where(Notification.key.in_(keys), Notification.delivered_at.is_(None), addressed)
    return set((await session.execute(stmt)).scalars())


async def mark_delivered(session: AsyncSession, keys: list[str], *, at: datetime) -> None:
    """A channel has delivered these notifications."""
    for n in (await session.execute(select(Notification).where(Notification.key.in_(keys)))).scalars():
        n.delivered_at = n.delivered_at or at
