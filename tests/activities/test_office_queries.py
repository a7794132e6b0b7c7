"""What the office and the public read: overdue list, department statistics, notices, task lists, results."""

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from activities.lifecycle import LifecycleActivities
from domain.records import ActorRef, DeadlineRef, FormRecord, OverdueRecord, ResultInput
from store import office, results, tasks
from store.calendar import load_calendar
from store.models import AuditRecord
from store.models.tasks import Result
from tests.activities import factories as f

BEIJING = timezone(timedelta(hours=8))
ACK_DUE = datetime(2026, 3, 5, tzinfo=BEIJING)       # 24:00 of Wednesday 4 March
NOW = datetime(2026, 3, 9, 10, tzinfo=BEIJING)       # Monday: Thu, Fri and Mon have begun since
APPROVER = ActorRef(username="r2_ap", role="dept_approver", department_code="D-R2")


@pytest.fixture
def lifecycle(sessions, activity_settings) -> LifecycleActivities:
    return LifecycleActivities(sessions, activity_settings)


def form(task_id: str, object_id: int, dept: str, state: str, code: str, *, revision: int = 1, late: bool = False,
         confidential: bool = False, due: datetime = NOW + timedelta(days=20)) -> FormRecord:
    entry = ResultInput(actor=f.lead_actor(dept), result_code=code, item_codes=[f"{dept}-01"], inspector_ids=[901, 902],
                        inspection_date=date(2026, 3, 6), confidential=confidential,
                        confidential_reason="涉密" if confidential else "",
                        rectification_due=date(2026, 4, 1) if code == "corrected_on_site" else None)
    actor = APPROVER if state in ("published", "confidential") else f.lead_actor(dept)
    return FormRecord(task_id=task_id, object_id=object_id, department_code=dept,
                      result_id=f"{task_id}:{object_id}:{dept}", state=state, form=entry,
                      publish_due=DeadlineRef(due_at=due), late=late, actor=actor, at=NOW, revision=revision)


async def launch(lifecycle, task_id: str = "T1", **kw) -> None:
    t = f.task_input(task_id, **kw)
    await lifecycle.record_task(f.snapshot(t, states={"D-R1": "accepted"}))


async def test_the_overdue_list_is_most_urgent_first_with_working_days_overdue(lifecycle, sessions):
    await launch(lifecycle)
    await launch(lifecycle, "T-CANCELLED")
    await lifecycle.record_overdue(OverdueRecord(key="T1:ack:D-R2", task_id="T1", step="acknowledgement",
                                                 department_code="D-R2", due_at=ACK_DUE, recorded_at=ACK_DUE))
    await lifecycle.record_overdue(OverdueRecord(key="T1:pub", task_id="T1", step="publication", department_code="D-R1",
                                                 object_id=1, due_at=NOW - timedelta(hours=1), recorded_at=NOW))
    await lifecycle.record_overdue(OverdueRecord(key="T-CANCELLED:ack:D-R2", task_id="T-CANCELLED",
                                                 step="acknowledgement", department_code="D-R2", due_at=ACK_DUE,
                                                 recorded_at=ACK_DUE))
    await lifecycle.record_task(f.snapshot(f.task_input("T-CANCELLED"), stage="cancelled",
                                           updated_at=f.T0 + timedelta(days=1)))
    await lifecycle.record_form(form("T1", 2, "D-R2", "awaiting_approval", "no_issue", due=NOW + timedelta(hours=5)))
    async with sessions() as session:
        calendar = await load_calendar(session)
        rows = await office.overdue_steps(session, now=NOW, calendar=calendar, include_soon_due_hours=24)
        with_resolved = await office.overdue_steps(session, now=NOW, calendar=calendar, include_resolved=True)
    assert [(r["status"], r["task_id"], r["department_code"], r["step"], r["working_days_overdue"]) for r in rows] == [
        ("overdue", "T1", "D-R2", "acknowledgement", 3),
        ("overdue", "T1", "D-R1", "publication", 1),
        ("due_soon", "T1", "D-R2", "publication", 0),
    ]
    assert rows[0]["task_name"] == "联合抽查 T1" and rows[2]["object_id"] == 2
    assert any(r["task_id"] == "T-CANCELLED" for r in with_resolved)


async def test_resolved_steps_leave_the_list(lifecycle, sessions):
    await launch(lifecycle)
    step = OverdueRecord(key="T1:ack:D-R2", task_id="T1", step="acknowledgement", department_code="D-R2",
                         due_at=ACK_DUE, recorded_at=ACK_DUE)
    await lifecycle.record_overdue(step)
    await lifecycle.record_overdue(step.model_copy(update={"resolved_at": NOW, "resolution": "department removed"}))
    async with sessions() as session:
        calendar = await load_calendar(session)
        assert await office.overdue_steps(session, now=NOW, calendar=calendar) == []
        [resolved] = await office.overdue_steps(session, now=NOW, calendar=calendar, include_resolved=True)
    assert (resolved["status"], resolved["resolution"], resolved["working_days_overdue"]) == \
        ("resolved", "department removed", 3)


async def test_department_statistics(lifecycle, sessions):
    async with sessions.begin() as session:
        for code in ("D-LEAD", "D-R1", "D-R2"):
            f.department(session, code)
    await launch(lifecycle)
    late = f.snapshot(f.task_input("T2"), states={"D-R1": "accepted", "D-R2": "declined"})
    for r in late.responders:
        r.responded_at, r.late = NOW, r.department_code == "D-R2"
    await lifecycle.record_task(late)
    await lifecycle.record_form(form("T1", 1, "D-R1", "published", "corrected_on_site"))
    await lifecycle.record_form(form("T1", 2, "D-R1", "published", "no_issue", late=True))
    await lifecycle.record_form(form("T1", 3, "D-R1", "awaiting_approval", "refused"))
    await lifecycle.record_form(form("T1", 1, "D-R2", "confidential", "no_issue", confidential=True))
    await lifecycle.record_overdue(OverdueRecord(key="T1:2:D-R1:publication", task_id="T1", step="publication",
                                                 department_code="D-R1", object_id=2, due_at=NOW, recorded_at=NOW))
    async with sessions.begin() as session:
        await office.issue_notice(session, actor=f.audit_actor(), department_code="D-R2", text="响应超期，予以通报")
    async with sessions() as session:
        stats = {s["department_code"]: s for s in await office.department_stats(session)}
    lead, r1, r2 = stats["D-LEAD"], stats["D-R1"], stats["D-R2"]
    assert (lead["tasks_launched"], r1["tasks_joined"], r2["tasks_joined"], r2["tasks_invited"]) == (2, 2, 0, 2)
    assert (r1["ack_punctuality_pct"], r2["ack_punctuality_pct"]) == (100.0, 0.0)
    assert (r1["forms_entered"], r1["forms_with_problems"], r1["problem_finding_rate_pct"]) == (3, 2, 66.7)
    assert (r1["publication_punctuality_pct"], r2["publication_punctuality_pct"]) == (50.0, 100.0)
    assert (r1["overdue_total"], r1["overdue_open"], r2["notices"]) == (1, 1, 1)
    assert lead["ack_punctuality_pct"] is None and lead["department_name"] == "D-LEAD 局"


async def test_notices_are_recorded_and_audited(sessions):
    async with sessions.begin() as session:
        notice = await office.issue_notice(session, actor=f.audit_actor(), department_code="D-R2", text="通报",
                                          task_id="T1")
    async with sessions() as session:
        listed = await office.notices(session, department_code="D-R2")
        audit_row = (await session.execute(select(AuditRecord))).scalar_one()
    assert [n["id"] for n in listed] == [notice["id"]] and listed[0]["task_id"] == "T1"
    assert (audit_row.action, audit_row.target, audit_row.actor) == ("office.notice", "department:D-R2", "office")


async def test_a_department_lists_only_the_tasks_it_takes_part_in(lifecycle, sessions):
    await launch(lifecycle, "T1")
    await launch(lifecycle, "T2", lead="D-OTHER", responders=("D-R3",))
    async with sessions() as session:
        assert [t["task_id"] for t in await tasks.list_tasks(session, department_code="D-R1")] == ["T1"]
        assert [t["task_id"] for t in await tasks.list_tasks(session, department_code="D-OTHER")] == ["T2"]
        assert sorted(t["task_id"] for t in await tasks.list_tasks(session)) == ["T1", "T2"]
        assert await tasks.list_tasks(session, stage="closed") == []
        assert await tasks.get_task(session, "nope") is None


async def test_public_results_show_published_forms_only_and_never_inspectors(lifecycle, sessions):
    async with sessions.begin() as session:
        f.department(session, "D-R1")
        await session.flush()
        f.item(session, "D-R1-01", "D-R1")
        shop, plant = f.inspection_object(session, name="雨湖区放心超市"), f.inspection_object(session, name="岳塘化工厂")
        await session.flush()
    await lifecycle.record_form(form("T1", shop.id, "D-R1", "published", "no_issue"))
    await lifecycle.record_form(form("T1", plant.id, "D-R1", "confidential", "no_issue", confidential=True))
    await lifecycle.record_form(form("T2", plant.id, "D-R1", "awaiting_approval", "refused"))
    async with sessions() as session:
        everything = await results.public_results(session)
        by_uscc = await results.public_results(session, q=shop.uscc[:10].lower())
        by_name = await results.public_results(session, q="放心")
        none = await results.public_results(session, q="化工")
        internal = await results.result(session, f"T1:{shop.id}:D-R1")
    assert everything["total"] == 1 and by_uscc["total"] == 1 and by_name["total"] == 1 and none["total"] == 0
    [row] = everything["results"]
    assert (row["uscc"], row["object_name"], row["result_code"], row["department_name"]) == \
        (shop.uscc, "雨湖区放心超市", "no_issue", "D-R1 局")
    assert row["items"] == [{"code": "D-R1-01", "name": "事项 D-R1-01"}]
    assert not any("inspector" in key for key in row)
    assert internal["inspector_ids"] == [901, 902] and internal["state"] == "published"
    async with sessions() as session:
        assert (await session.get(Result, f"T1:{plant.id}:D-R1")).published_at is None
