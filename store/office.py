"""The joint-meeting office's view (SPEC §7): the overdue list, per-department statistics, notices (通报)."""

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import workdays
from domain.keys import ack_overdue_key, overdue_key
from domain.lifecycle import FINAL_FORM_STATES, FINAL_STAGES, PROBLEM_CODES, followup_step
from store import audit
from store.models import Department, InspectionObject
from store.models.tasks import Followup, Notice, OverdueStep, Result, Task, TaskResponse
from store.rows import row_dict


def _step(kind: str, key: str, task_id: str, department_code: str, object_id: int | None, step: str,
          due_at: datetime, recorded_at: datetime | None = None) -> dict[str, Any]:
    return {"status": kind, "key": key, "task_id": task_id, "department_code": department_code,
            "object_id": object_id, "step": step, "due_at": due_at, "recorded_at": recorded_at}


async def _recorded_overdue(session: AsyncSession, include_resolved: bool) -> list[dict[str, Any]]:
    # A cancelled task's open steps will never be resolved; they leave the office's list with the task.
    stmt = select(OverdueStep).outerjoin(Task, Task.task_id == OverdueStep.task_id)
    if not include_resolved:
        stmt = stmt.where(OverdueStep.resolved_at.is_(None), func.coalesce(Task.stage, "") != "cancelled")
    rows = []
    for o in (await session.execute(stmt)).scalars():
        row = _step("overdue" if o.resolved_at is None else "resolved", o.key, o.task_id, o.department_code,
                    o.object_id, o.step, o.due_at, o.recorded_at)
        rows.append({**row, "resolved_at": o.resolved_at, "resolution": o.resolution})
    return rows


async def _due_soon(session: AsyncSession, now: datetime, until: datetime) -> list[dict[str, Any]]:
    """Running steps whose deadline falls within (now, until] and has not been missed yet."""
    live = select(Task.task_id).where(Task.stage.not_in(FINAL_STAGES))
    acks = await session.execute(select(TaskResponse).where(
        TaskResponse.state == "pending", TaskResponse.overdue.is_(False), TaskResponse.task_id.in_(live),
        TaskResponse.due_at > now, TaskResponse.due_at <= until))
    rows = [_step("due_soon", ack_overdue_key(r.task_id, r.department_code), r.task_id, r.department_code, None,
                  "acknowledgement", r.due_at) for r in acks.scalars()]
    forms = await session.execute(select(Result).where(
        Result.state.not_in(FINAL_FORM_STATES), Result.late.is_(False), Result.task_id.in_(live),
        Result.publish_due_at > now, Result.publish_due_at <= until))
    rows += [_step("due_soon", overdue_key(r.result_id, "publication"), r.task_id, r.department_code, r.object_id,
                   "publication", r.publish_due_at) for r in forms.scalars()]
    followups = await session.execute(select(Followup).where(
        Followup.state != "done", Followup.overdue.is_(False), Followup.task_id.in_(live),
        Followup.due_at > now, Followup.due_at <= until))
    for f in followups.scalars():
        step, dept = followup_step(f.kind, f.state, f.department_code, f.receiving_department_code)
        rows.append(_step("due_soon", overdue_key(f.followup_id, step), f.task_id, dept or "", f.object_id, step,
                          f.due_at))
    return rows


_URGENCY = {"overdue": 0, "due_soon": 1, "resolved": 2}


async def overdue_steps(session: AsyncSession, *, now: datetime, calendar: workdays.WorkdayCalendar,
                        include_soon_due_hours: float = 24, include_resolved: bool = False,
                        drill_workday_seconds: float | None = None) -> list[dict[str, Any]]:
    """Every open overdue step and every step due within the window (and, if asked, resolved ones), most urgent
    first: status, department, task, object, step, due time, working days overdue."""
    rows = await _recorded_overdue(session, include_resolved)
    if include_soon_due_hours > 0:
        rows += await _due_soon(session, now, now + timedelta(hours=include_soon_due_hours))
    for r in rows:
        until = r.get("resolved_at") or now
        r["working_days_overdue"] = (
            workdays.drill_working_days_overdue(r["due_at"], until, drill_workday_seconds) if drill_workday_seconds
            else workdays.working_days_overdue(r["due_at"], until, calendar))
    await _attach_names(session, rows)
    rows.sort(key=lambda r: (_URGENCY[r["status"]], -r["working_days_overdue"], r["due_at"], r["key"]))
    return rows


async def _attach_names(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    tasks = {r["task_id"] for r in rows}
    objects = {r["object_id"] for r in rows if r["object_id"] is not None}
    task_names = dict((await session.execute(select(Task.task_id, Task.name).where(Task.task_id.in_(tasks)))).all())
    depts = dict((await session.execute(select(Department.code, Department.name))).all())
    objs = {i: (n, u) for i, n, u in (await session.execute(
        select(InspectionObject.id, InspectionObject.name, InspectionObject.uscc)
        .where(InspectionObject.id.in_(objects)))).all()}
    for r in rows:
        r["task_name"] = task_names.get(r["task_id"], "")
        r["department_name"] = depts.get(r["department_code"], "")
        r["object_name"], r["uscc"] = objs.get(r["object_id"], ("", ""))


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


async def department_stats(session: AsyncSession) -> list[dict[str, Any]]:
    """Per department: tasks launched and joined, punctuality of acknowledgement and publication,
    problem-finding rate, overdue steps and notices."""
    names = dict((await session.execute(select(Department.code, Department.name))).all())
    stats: dict[str, dict[str, Any]] = {}

    def of(code: str) -> dict[str, Any]:
        return stats.setdefault(code, {
            "department_code": code, "department_name": names.get(code, ""), "tasks_launched": 0,
            "tasks_invited": 0, "tasks_joined": 0, "acks_due": 0, "acks_on_time": 0, "forms_entered": 0,
            "forms_with_problems": 0, "publications_due": 0, "publications_on_time": 0, "overdue_total": 0,
            "overdue_open": 0, "notices": 0})

    for code in names:
        of(code)
    for code, n in (await session.execute(select(Task.lead_department_code, func.count()).group_by(
            Task.lead_department_code))).all():
        of(code)["tasks_launched"] = n
    late_acks = set((await session.execute(select(OverdueStep.task_id, OverdueStep.department_code)
                                            .where(OverdueStep.step == "acknowledgement"))).all())
    for r in (await session.execute(select(TaskResponse))).scalars():
        s = of(r.department_code)
        s["tasks_invited"] += 1
        s["tasks_joined"] += r.state == "accepted"
        missed = r.late or r.overdue or (r.task_id, r.department_code) in late_acks
        if r.responded_at is not None or missed:
            s["acks_due"] += 1
            s["acks_on_time"] += r.responded_at is not None and not missed
    final = Result.state.in_(FINAL_FORM_STATES)
    for code, entered, problems, due, on_time in (await session.execute(
            select(Result.department_code, func.count(Result.result_code),
                   func.count(case((Result.result_code.in_(PROBLEM_CODES), 1))),
                   func.count(case((final | Result.late, 1))),
                   func.count(case((final & Result.late.is_(False), 1))))
            .group_by(Result.department_code))).all():
        s = of(code)
        s.update(forms_entered=entered, forms_with_problems=problems, publications_due=due,
                 publications_on_time=on_time)
    for code, total, still_open in (await session.execute(
            select(OverdueStep.department_code, func.count(), func.count(case((OverdueStep.resolved_at.is_(None), 1))))
            .group_by(OverdueStep.department_code))).all():
        of(code).update(overdue_total=total, overdue_open=still_open)
    for code, n in (await session.execute(select(Notice.department_code, func.count())
                                          .group_by(Notice.department_code))).all():
        of(code)["notices"] = n
    for s in stats.values():
        s["ack_punctuality_pct"] = _pct(s["acks_on_time"], s["acks_due"])
        s["publication_punctuality_pct"] = _pct(s["publications_on_time"], s["publications_due"])
        s["problem_finding_rate_pct"] = _pct(s["forms_with_problems"], s["forms_entered"])
    return [stats[c] for c in sorted(stats) if c]


async def issue_notice(session: AsyncSession, *, actor: audit.Actor, department_code: str, text: str,
                       task_id: str | None = None, at: datetime | None = None) -> dict[str, Any]:
    """The office issues a notice (通报) to a department; it is recorded against the department and audited."""
    notice = Notice(department_code=department_code, task_id=task_id, text=text, issued_by=actor.username,
                    issued_at=at or datetime.now(timezone.utc))
    session.add(notice)
    await session.flush()
    await audit.append(session, actor=actor, action="office.notice", target=f"department:{department_code}",
                       change={"notice_id": notice.id, "task_id": task_id, "text": text}, at=notice.issued_at)
    return row_dict(notice)


async def notices(session: AsyncSession, *, department_code: str | None = None, task_id: str | None = None,
                  limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    """Notices, newest first, optionally of one department or one task."""
    stmt = select(Notice).order_by(Notice.issued_at.desc(), Notice.id.desc()).limit(limit).offset(offset)
    if department_code is not None:
        stmt = stmt.where(Notice.department_code == department_code)
    if task_id is not None:
        stmt = stmt.where(Notice.task_id == task_id)
    return [row_dict(n) for n in (await session.execute(stmt)).scalars()]
