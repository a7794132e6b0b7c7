"""Every read-model write is idempotent: a retried activity leaves one row (and one audit record for an event)."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from activities.lifecycle import LifecycleActivities
from domain.records import (
    SYSTEM_ACTOR, ActorRef, DeadlineRef, FollowupRecord, FollowupView, FormRecord, NotificationRecord, OverdueRecord,
    ResultInput, ScheduleRecord, TaskEvent,
)
from store import audit, tasks
from store.models import AuditRecord
from store.models.tasks import (
    Followup, Notification, OverdueStep, Result, Task, TaskObject, TaskParticipant, TaskResponse, TimelineEvent,
)
from tests.activities.factories import T0, lead_actor, snapshot, task_input


@pytest.fixture
def lifecycle(sessions, activity_settings) -> LifecycleActivities:
    return LifecycleActivities(sessions, activity_settings)


async def count(sessions, model) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


async def test_record_task_twice_leaves_one_task_with_participants_and_responses(lifecycle, sessions):
    snap = snapshot(task_input())
    await lifecycle.record_task(snap)
    await lifecycle.record_task(snap)
    assert (await count(sessions, Task), await count(sessions, TaskParticipant), await count(sessions, TaskResponse)) \
        == (1, 3, 2)
    assert await count(sessions, AuditRecord) == 0
    async with sessions() as session:
        task = await tasks.get_task(session, "T1")
    assert task["stage"] == "awaiting_responses" and task["lead_department_code"] == "D-LEAD"
    assert task["input"]["task_id"] == "T1" and task["created_at"] == T0
    assert [p["role"] for p in task["participants"]] == ["lead", "responder", "responder"]
    assert task["responses"][0]["due_at"] == T0 + timedelta(days=2, hours=15)


async def test_an_older_snapshot_never_takes_the_task_back(lifecycle, sessions):
    t = task_input()
    await lifecycle.record_task(snapshot(t, stage="drawing", updated_at=T0 + timedelta(hours=1),
                                         states={"D-R1": "accepted", "D-R2": "declined"}))
    await lifecycle.record_task(snapshot(t, stage="awaiting_responses", updated_at=T0))
    async with sessions() as session:
        task = await tasks.get_task(session, "T1")
    assert task["stage"] == "drawing"
    assert {r["department_code"]: r["state"] for r in task["responses"]} == {"D-R1": "accepted", "D-R2": "declined"}


async def test_record_event_twice_writes_one_event_and_one_audit_record(lifecycle, sessions):
    event = TaskEvent(key="joint-task-T1:1", task_id="T1", at=T0, actor=lead_actor(), kind="launched",
                      object_id=7, department_code="D-R1", detail={"stage": "awaiting_responses"})
    await lifecycle.record_event(event)
    await lifecycle.record_event(event)
    assert await count(sessions, TimelineEvent) == 1
    async with sessions() as session:
        records = (await session.execute(select(AuditRecord))).scalars().all()
        verdict = await audit.verify_chain(session)
    assert len(records) == 1 and verdict.ok
    assert (records[0].action, records[0].target, records[0].actor) == \
        ("task.launched", "task:T1/object:7/department:D-R1", "d-lead_op")


async def test_timeline_orders_events_of_one_instant_by_their_sequence(lifecycle, sessions):
    for n in (10, 9, 2):
        await lifecycle.record_event(TaskEvent(key=f"joint-task-T1:{n}", task_id="T1", at=T0, actor=SYSTEM_ACTOR,
                                               kind=f"k{n}"))
    async with sessions() as session:
        assert [e["kind"] for e in await tasks.timeline(session, "T1")] == ["k2", "k9", "k10"]


async def test_notify_twice_leaves_one_outbox_row(lifecycle, sessions):
    n = NotificationRecord(key="joint-task-T1:n1", task_id="T1", kind="pushed", message="请响应",
                           department_code="D-R1", created_at=T0)
    await lifecycle.notify(n)
    await lifecycle.notify(n)
    assert await count(sessions, Notification) == 1
    async with sessions() as session:
        assert [p.key for p in await tasks.pending_notifications(session, department_code="D-R1")] == [n.key]
        await tasks.mark_delivered(session, [n.key], at=T0)
        await session.commit()
        assert await tasks.pending_notifications(session, department_code="D-R1") == []


async def test_record_overdue_once_flags_the_response_and_resolves_keeping_the_due_time(lifecycle, sessions):
    await lifecycle.record_task(snapshot(task_input()))
    due = T0 + timedelta(days=2)
    overdue = OverdueRecord(key="T1:ack:D-R1", task_id="T1", step="acknowledgement", department_code="D-R1",
                            due_at=due, recorded_at=due)
    await lifecycle.record_overdue(overdue)
    await lifecycle.record_overdue(overdue)
    resolved = overdue.model_copy(update={"due_at": due + timedelta(days=1), "resolved_at": due + timedelta(days=1),
                                          "resolution": "extended"})
    await lifecycle.record_overdue(resolved)
    await lifecycle.record_overdue(resolved)
    async with sessions() as session:
        rows = (await session.execute(select(OverdueStep))).scalars().all()
        response = await session.get(TaskResponse, ("T1", "D-R1"))
    assert len(rows) == 1 and rows[0].due_at == due
    assert (rows[0].resolved_at, rows[0].resolution) == (due + timedelta(days=1), "extended")
    assert response.overdue


def form_record(revision: int, state: str = "awaiting_approval", actor: ActorRef | None = None,
                **changes) -> FormRecord:
    entry = ResultInput(actor=lead_actor("D-R1"), result_code="corrected_on_site", findings="消防通道堵塞",
                        item_codes=["D-R1-01"], inspector_ids=[11, 12], inspection_date=date(2026, 3, 5),
                        rectification_due=date(2026, 3, 20))
    return FormRecord(task_id="T1", object_id=7, department_code="D-R1", result_id="T1:7:D-R1", state=state,
                      form=entry, publish_due=DeadlineRef(due_at=T0 + timedelta(days=30)),
                      actor=actor or lead_actor("D-R1"), at=T0 + timedelta(days=revision), revision=revision,
                      **changes)


async def test_record_form_upserts_by_result_id_and_ignores_older_revisions(lifecycle, sessions):
    await lifecycle.record_form(form_record(1))
    await lifecycle.record_form(form_record(1))
    await lifecycle.record_form(form_record(3, "published", ActorRef(username="ap", role="dept_approver",
                                                                    department_code="D-R1")))
    await lifecycle.record_form(form_record(2, "returned", return_reason="late retry"))
    async with sessions() as session:
        rows = (await session.execute(select(Result))).scalars().all()
    assert len(rows) == 1
    r = rows[0]
    assert (r.state, r.revision, r.return_reason, r.approved_by) == ("published", 3, "", "ap")
    assert (r.submitted_by, r.submitted_at) == ("d-r1_op", T0 + timedelta(days=1))
    assert r.published_at == T0 + timedelta(days=3)
    assert r.inspector_ids == [11, 12] and r.rectification_due == date(2026, 3, 20)


async def test_a_timer_resaving_a_form_is_not_a_new_submission(lifecycle, sessions):
    await lifecycle.record_form(form_record(1))
    await lifecycle.record_form(form_record(2, actor=SYSTEM_ACTOR, late=True))
    async with sessions() as session:
        r = await session.get(Result, "T1:7:D-R1")
    assert (r.submitted_by, r.submitted_at, r.late) == ("d-r1_op", T0 + timedelta(days=1), True)


async def test_record_followup_upserts_ignores_older_revisions_and_overdue_flags_it(lifecycle, sessions):
    view = FollowupView(followup_id="T1:7:D-R1:rectification_recheck:1", kind="rectification_recheck",
                        department_code="D-R1", state="open", due_at=T0 + timedelta(days=19))
    record = FollowupRecord(task_id="T1", object_id=7, followup=view, actor=lead_actor("D-R1"), at=T0, revision=4)
    await lifecycle.record_followup(record)
    await lifecycle.record_followup(record)
    done = record.model_copy(update={"followup": view.model_copy(update={"state": "done", "outcome": "已整改"}),
                                     "revision": 6, "detail": {"passed": True}})
    await lifecycle.record_followup(done)
    await lifecycle.record_followup(record.model_copy(update={"revision": 5}))
    await lifecycle.record_overdue(OverdueRecord(
        key=f"{view.followup_id}:rectification_recheck", task_id="T1", step="rectification_recheck",
        department_code="D-R1", object_id=7, due_at=view.due_at, recorded_at=view.due_at))
    async with sessions() as session:
        rows = (await session.execute(select(Followup))).scalars().all()
    assert len(rows) == 1
    assert (rows[0].state, rows[0].outcome, rows[0].detail, rows[0].overdue) == ("done", "已整改", {"passed": True}, True)


async def test_record_schedule_sets_the_day_and_the_confirmations(lifecycle, sessions):
    async with sessions.begin() as session:
        session.add_all(TaskObject(task_id="T1", object_id=i, uscc=f"U{i}", name=f"o{i}", region_code="430302",
                                   stratum="all", ordinal=i, schedule_confirmed_by=[]) for i in (1, 2))
    record = ScheduleRecord(task_id="T1", object_ids=[1], inspection_date=date(2026, 3, 10), confirmed_by=["D-R1"],
                            actor=lead_actor())
    await lifecycle.record_schedule(record)
    await lifecycle.record_schedule(record)
    async with sessions() as session:
        objects = (await session.execute(select(TaskObject).order_by(TaskObject.object_id))).scalars().all()
    assert [(o.inspection_date, o.schedule_confirmed_by) for o in objects] == \
        [(date(2026, 3, 10), ["D-R1"]), (None, ["D-R1"])]
