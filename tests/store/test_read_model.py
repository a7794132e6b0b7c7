"""The read-model writer is idempotent batch by batch: a batch applied twice (a worker that died after its commit,
before reporting it), or replayed after a crash before its commit, leaves exactly the rows one clean run leaves.
Runs on SQLite, and on PostgreSQL in CI."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.records import (
    SYSTEM_ACTOR, DeadlineRef, FollowupRecord, FollowupView, FormRecord, NotificationRecord, OverdueRecord,
    ReadModelBatch, ResultInput, ScheduleRecord, TaskEvent,
)
from store.db import make_engine, make_session_factory
from store.models import AuditRecord
from store.models.tasks import (
    Followup, Notification, OverdueStep, Result, Task, TaskObject, TaskParticipant, TaskResponse, TimelineEvent,
)
from store.read_model import batch_keys, record_batch
from store.rows import row_dict
from tests.activities.factories import T0, lead_actor, snapshot, task_input

READ_MODEL = (Task, TaskParticipant, TaskResponse, TaskObject, Result, Followup, OverdueStep, TimelineEvent,
              Notification)
FOLLOWUP_ID = "T1:7:D-R1:rectification_recheck:1"


class Crash(Exception):
    """The worker dies inside the batch's transaction, before it commits."""


async def _with_drawn_objects(database_url: str):
    """A session factory on the database, which holds the drawn objects the schedule refers to."""
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    async with factory.begin() as session:
        session.add_all(TaskObject(task_id="T1", object_id=i, uscc=f"U{i}", name=f"对象{i}", region_code="430302",
                                   stratum="all", ordinal=i, schedule_confirmed_by=[]) for i in (7, 8))
    return engine, factory


@pytest.fixture
async def sessions(database_url: str):
    engine, factory = await _with_drawn_objects(database_url)
    yield factory
    await engine.dispose()


def _form(revision: int, state: str) -> FormRecord:
    entry = ResultInput(actor=lead_actor("D-R1"), result_code="corrected_on_site", findings="消防通道堵塞",
                        item_codes=["D-R1-01"], inspection_date=date(2026, 3, 5), rectification_due=date(2026, 3, 20))
    return FormRecord(task_id="T1", object_id=7, department_code="D-R1", result_id="T1:7:D-R1", state=state,
                      form=entry, publish_due=DeadlineRef(due_at=T0 + timedelta(days=30)), actor=lead_actor("D-R1"),
                      at=T0 + timedelta(hours=revision), revision=revision)


def _followup(revision: int, state: str, **changes) -> FollowupRecord:
    view = FollowupView(followup_id=FOLLOWUP_ID, kind="rectification_recheck", department_code="D-R1", state=state,
                        due_at=T0 + timedelta(days=19), **changes)
    return FollowupRecord(task_id="T1", object_id=7, followup=view, actor=lead_actor("D-R1"),
                          at=T0 + timedelta(hours=revision), revision=revision, detail={"passed": True})


def _event(n: int, kind: str) -> TaskEvent:
    return TaskEvent(key=f"joint-task-T1:{n}", task_id="T1", at=T0 + timedelta(hours=n), actor=SYSTEM_ACTOR,
                     kind=kind, object_id=7, department_code="D-R1", detail={"n": n})


def _batches() -> tuple[ReadModelBatch, ReadModelBatch]:
    """Two batches of one workflow: the second takes rows of the first further (and resolves its overdue step)."""
    task = task_input()
    overdue = OverdueRecord(key=f"{FOLLOWUP_ID}:rectification_recheck", task_id="T1", step="rectification_recheck",
                            department_code="D-R1", object_id=7, due_at=T0 + timedelta(days=19),
                            recorded_at=T0 + timedelta(days=19))
    first = ReadModelBatch(
        snapshots=[snapshot(task, stage="inspecting", states={"D-R1": "accepted", "D-R2": "declined"})],
        schedules=[ScheduleRecord(task_id="T1", object_ids=[7, 8], inspection_date=date(2026, 3, 5),
                                  confirmed_by=["D-R1"], actor=lead_actor())],
        forms=[_form(1, "awaiting_approval"), _form(2, "published")],
        followups=[_followup(3, "open")], overdue=[overdue],
        events=[_event(1, "result_submitted"), _event(2, "result_approved")],
        notifications=[NotificationRecord(key="joint-task-T1:n3", task_id="T1", kind="followup_opened",
                                          message="须办理后续处置", department_code="D-R1", created_at=T0)])
    second = ReadModelBatch(
        snapshots=[snapshot(task, stage="following_up", updated_at=T0 + timedelta(days=20),
                            states={"D-R1": "accepted", "D-R2": "declined"})],
        followups=[_followup(4, "done", overdue=True, outcome="已整改")],
        overdue=[overdue.model_copy(update={"resolved_at": T0 + timedelta(days=20), "resolution": "done"})],
        events=[_event(4, "followup_complete")])
    return first, second


async def _apply(sessions, batch: ReadModelBatch, *, crash: bool = False) -> None:
    try:
        async with sessions.begin() as session:
            assert await record_batch(session, batch) == batch_keys(batch)
            if crash:
                raise Crash()
    except Crash:
        pass


async def _rows(sessions) -> dict[str, list]:
    """Every read-model row, and the audit records the events brought (their ids and links aside)."""
    async with sessions() as session:
        rows = {model.__tablename__: sorted((row_dict(r) for r in (await session.execute(select(model))).scalars()),
                                            key=repr) for model in READ_MODEL}
        audit = (await session.execute(select(AuditRecord.action, AuditRecord.target, AuditRecord.change))).all()
    rows["audit_records"] = sorted(map(tuple, audit))
    return rows


@pytest.mark.parametrize("run", [
    pytest.param(("first", "first", "second", "second"), id="each-batch-applied-twice"),
    pytest.param(("crash:first", "first", "second"), id="first-replayed-after-a-crash-before-its-commit"),
    pytest.param(("first", "crash:second", "first", "second"), id="both-replayed-after-a-crash-in-the-second"),
])
async def test_a_replayed_batch_leaves_the_rows_of_one_clean_run(sessions, test_databases, run):
    first, second = _batches()
    batches = {"first": first, "second": second}
    for step in run:
        await _apply(sessions, batches[step.removeprefix("crash:")], crash=step.startswith("crash:"))
    replayed = await _rows(sessions)

    clean_url = test_databases.fresh()
    clean_engine, clean = await _with_drawn_objects(clean_url)
    try:
        await _apply(clean, first)
        await _apply(clean, second)
        once = await _rows(clean)
    finally:
        await clean_engine.dispose()
        test_databases.drop(clean_url)

    assert replayed == once
    # And the rows are the ones the two batches mean, not merely the same twice.
    assert [(r["stage"], r["updated_at"]) for r in once["tasks"]] == [("following_up", T0 + timedelta(days=20))]
    assert [(r["state"], r["revision"]) for r in once["results"]] == [("published", 2)]
    assert [(r["state"], r["overdue"], r["outcome"]) for r in once["followups"]] == [("done", True, "已整改")]
    assert [(r["resolved_at"], r["resolution"]) for r in once["overdue_steps"]] == [(T0 + timedelta(days=20), "done")]
    assert len(once["timeline_events"]) == 3 and len(once["audit_records"]) == 3
    assert len(once["notifications"]) == 1
    assert [(r["object_id"], r["inspection_date"]) for r in once["task_objects"]] == \
        [(7, date(2026, 3, 5)), (8, date(2026, 3, 5))]
