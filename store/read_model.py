"""The read-model writer: a workflow's batch of records (domain.records.ReadModelBatch) written in one transaction.

Every write is idempotent by a natural key, so a batch applied twice — a retried activity, or a worker that died
after its commit and before reporting it — leaves the rows it left the first time:
- the task row, its participants and responders are upserted; a snapshot older than the stored one is ignored;
- forms and follow-ups are upserted by id; a record older (lower revision) than the stored one is ignored;
- schedules are set; events and notifications are inserted once by key (an event with its audit record);
- an overdue step is inserted once; a later record with a resolution resolves it once.
The primary keys are the backstop: of two racing retries one fails, is retried and finds the rows.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from domain.keys import overdue_ref, result_id
from domain.records import (
    ActorRef, NotificationRecord, OverdueRecord, Participant, ReadModelBatch, ResponderView, ScheduleRecord,
    TaskEvent, TaskSnapshot,
)
from store import audit
from store.models.tasks import (
    Followup, Notification, OverdueStep, Result, Task, TaskObject, TaskParticipant, TaskResponse, TimelineEvent,
)
from store.results import apply_followup, apply_form


def as_actor(actor: ActorRef) -> audit.Actor:
    """The audit log's actor for a workflow's actor."""
    return audit.Actor(username=actor.username, role=actor.role, department_code=actor.department_code)


def batch_keys(batch: ReadModelBatch) -> list[str]:
    """What record_batch answers: one key per record of the batch, in the order it writes them."""
    return ([f"task:{s.task.task_id}" for s in batch.snapshots] + [f"schedule:{s.task_id}" for s in batch.schedules]
            + [f"form:{f.result_id}" for f in batch.forms]
            + [f"followup:{f.followup.followup_id}" for f in batch.followups]
            + [f"overdue:{o.key}" for o in batch.overdue] + [f"event:{e.key}" for e in batch.events]
            + [f"notification:{n.key}" for n in batch.notifications])


async def record_batch(session: AsyncSession, batch: ReadModelBatch) -> list[str]:
    """Every record of a workflow's batch in the caller's transaction; answers their keys (batch_keys).

    Rows the batch touches are read with one query per table, not one per record; events, notifications and
    overdue steps are written with one statement each."""
    held = []  # the session holds loaded rows weakly: these references keep them there for record_task
    if batch.snapshots:
        task_ids = {s.task.task_id for s in batch.snapshots}
        for model in (Task, TaskParticipant, TaskResponse):
            held += (await session.execute(select(model).where(model.task_id.in_(task_ids)))).scalars().all()
    for snapshot in batch.snapshots:
        await record_task(session, snapshot)
    for schedule in batch.schedules:
        await record_schedule(session, schedule)
    forms = await _stored(session, Result, [f.result_id for f in batch.forms])
    for form in batch.forms:
        forms[form.result_id] = apply_form(session, forms.get(form.result_id), form)
    followups = await _stored(session, Followup, [f.followup.followup_id for f in batch.followups])
    for followup in batch.followups:
        fid = followup.followup.followup_id
        followups[fid] = apply_followup(session, followups.get(fid), followup)
    for overdue in batch.overdue:
        await record_overdue(session, overdue)
    await record_notifications(session, batch.notifications)
    await record_events(session, batch.events)
    return batch_keys(batch)


async def _stored(session: AsyncSession, model, keys: list[str]) -> dict[str, Any]:
    """The stored rows of `model` whose (single-column) primary key is among `keys`, by key."""
    if not keys:
        return {}
    pk = model.__mapper__.primary_key[0]
    rows = (await session.execute(select(model).where(pk.in_(set(keys))))).scalars().all()
    return {getattr(row, pk.key): row for row in rows}


async def record_task(session: AsyncSession, snapshot: TaskSnapshot) -> None:
    """Upsert the task row, its participants and its responders; a snapshot older than the stored one is ignored."""
    t = snapshot.task
    row = await session.get(Task, t.task_id)
    if row is not None and row.updated_at > snapshot.updated_at:
        return
    if row is None:
        row = Task(task_id=t.task_id, created_at=t.launched_at)
        session.add(row)
    row.name, row.lead_department_code = t.name, t.lead.department_code
    row.initiated_by, row.initiator_role = t.initiated_by.username, t.initiated_by.role
    row.stage, row.seed_commitment, row.input = snapshot.stage, snapshot.seed_commitment, t.model_dump(mode="json")
    row.planned, row.plan_id, row.method = t.planned, t.plan_id, t.method
    row.window_start, row.window_end = t.window_start, t.window_end
    row.updated_at, row.closed_at, row.cancel_reason = snapshot.updated_at, snapshot.closed_at, snapshot.cancel_reason
    await _upsert_participant(session, t.task_id, t.lead, "lead")
    for p in t.responders:
        await _upsert_participant(session, t.task_id, p, "responder")
    for r in snapshot.responders:
        await _upsert_response(session, t.task_id, r)


async def _upsert_participant(session: AsyncSession, task_id: str, p: Participant, role: str) -> None:
    row = await session.get(TaskParticipant, (task_id, p.department_code))
    if row is None:
        row = TaskParticipant(task_id=task_id, department_code=p.department_code)
        session.add(row)
    row.role, row.item_codes, row.item_versions = role, list(p.item_codes), dict(p.item_versions)


async def _upsert_response(session: AsyncSession, task_id: str, r: ResponderView) -> None:
    row = await session.get(TaskResponse, (task_id, r.department_code))
    if row is None:
        row = TaskResponse(task_id=task_id, department_code=r.department_code)
        session.add(row)
    row.state, row.reason, row.responded_at = r.state, r.reason, r.responded_at
    row.late, row.overdue = r.late, r.overdue
    due = r.due
    row.due_at, row.remind_at = (due.due_at, due.remind_at) if due else (None, None)
    row.provisional, row.drill = (due.provisional, due.drill) if due else (False, False)


def _audit_target(event: TaskEvent) -> str:
    target = f"task:{event.task_id}"
    if event.object_id is not None:
        target += f"/object:{event.object_id}"
    if event.department_code:
        target += f"/department:{event.department_code}"
    return target


async def record_events(session: AsyncSession, events: list[TaskEvent]) -> list[TaskEvent]:
    """Insert the timeline events not stored yet, each with its audit record; answers the new ones."""
    if not events:
        return []
    first: dict[str, TaskEvent] = {}
    for e in events:
        first.setdefault(e.key, e)
    unique = list(first.values())
    # One statement; the keys it answers are the events that were new (a retry's rows are already there).
    inserted = set((await session.execute(_statements(session).new_events, [dict(
        key=e.key, task_id=e.task_id, at=e.at, actor=e.actor.username, role=e.actor.role,
        actor_department_code=e.actor.department_code, kind=e.kind, object_id=e.object_id,
        department_code=e.department_code, detail=e.detail) for e in unique])).scalars())
    new = [e for e in unique if e.key in inserted]
    await audit.append_many(session, [
        audit.Entry(actor=as_actor(e.actor), action=f"task.{e.kind}", target=_audit_target(e), change=e.detail,
                    at=e.at) for e in new])
    return new


async def record_notifications(session: AsyncSession, notifications: list[NotificationRecord]) -> None:
    """Put notifications in the outbox, each once."""
    if notifications:
        await session.execute(_statements(session).new_notifications, [
            dict(key=n.key, task_id=n.task_id, department_code=n.department_code, kind=n.kind, message=n.message,
                 created_at=n.created_at) for n in notifications])


@dataclass(frozen=True)
class _Statements:
    """The lifecycle's write statements for one dialect, built once (each call then only binds its rows)."""

    new_events: Any
    new_notifications: Any
    overdue: Any


@cache
def _statements_for(dialect: str) -> _Statements:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert  # both say ON CONFLICT the same way

    def new_rows(model):
        return insert(model).on_conflict_do_nothing(index_elements=list(model.__mapper__.primary_key))

    table = OverdueStep.__table__
    overdue = insert(table)
    # A new step is inserted; a stored one only takes its first resolution.
    overdue = overdue.on_conflict_do_update(
        index_elements=[table.c.key], set_={"resolved_at": overdue.excluded.resolved_at,
                                            "resolution": overdue.excluded.resolution},
        where=table.c.resolved_at.is_(None) & overdue.excluded.resolved_at.is_not(None))
    return _Statements(new_events=new_rows(TimelineEvent).returning(TimelineEvent.key),
                       new_notifications=new_rows(Notification), overdue=overdue)


def _statements(session: AsyncSession) -> _Statements:
    return _statements_for(session.bind.dialect.name)


async def record_overdue(session: AsyncSession, rec: OverdueRecord) -> None:
    """Record an overdue step once; a later record with resolved_at resolves it (the first due time is kept)."""
    await session.execute(_statements(session).overdue, [dict(
        key=rec.key, task_id=rec.task_id, step=rec.step, department_code=rec.department_code, object_id=rec.object_id,
        due_at=rec.due_at, recorded_at=rec.recorded_at, resolved_at=rec.resolved_at, resolution=rec.resolution)])
    if rec.resolved_at is None:
        await _mark_overdue(session, rec)


async def _mark_overdue(session: AsyncSession, rec: OverdueRecord) -> None:
    """Flag the row the missed step belongs to, so lists show it without joining the overdue table."""
    if rec.step == "acknowledgement":
        flag = update(TaskResponse).where(TaskResponse.task_id == rec.task_id,
                                          TaskResponse.department_code == rec.department_code).values(overdue=True)
    elif rec.step == "publication" and rec.object_id is not None:
        flag = update(Result).where(Result.result_id == result_id(rec.task_id, rec.object_id, rec.department_code)) \
            .values(late=True)
    elif (followup_id := overdue_ref(rec.key, rec.step)) is not None:
        flag = update(Followup).where(Followup.followup_id == followup_id).values(overdue=True)
    else:
        return
    # Rows this session already holds keep their own values: the workflow's later records carry the flag too.
    await session.execute(flag.execution_options(synchronize_session=False))


async def record_schedule(session: AsyncSession, rec: ScheduleRecord) -> None:
    """Set the joint inspection day of the given objects and who has confirmed the schedule."""
    rows = (await session.execute(select(TaskObject).where(TaskObject.task_id == rec.task_id))).scalars().all()
    wanted = set(rec.object_ids)
    for row in rows:
        if row.object_id in wanted:
            row.inspection_date = rec.inspection_date
        row.schedule_confirmed_by = sorted(rec.confirmed_by)
