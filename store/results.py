"""Result forms and follow-ups in the read model, and the public search over published results (SPEC §4, §8)."""

from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.lifecycle import FINAL_FORM_STATES
from domain.records import FollowupRecord, FormRecord
from store.models import Department, InspectionObject, Item
from store.models.tasks import Followup, Result
from store.rows import row_dict


async def record_form(session: AsyncSession, rec: FormRecord) -> None:
    """Upsert a form by result_id; a write older (lower revision) than the stored one is ignored."""
    apply_form(session, await session.get(Result, rec.result_id), rec)


def apply_form(session: AsyncSession, row: Result | None, rec: FormRecord) -> Result:
    """`record_form` on the stored row the caller has already read (None: there is none); answers the row."""
    if row is not None and row.revision > rec.revision:
        return row
    entering = row is None or row.state != rec.state
    if row is None:
        row = Result(result_id=rec.result_id, task_id=rec.task_id, object_id=rec.object_id,
                     department_code=rec.department_code)
        session.add(row)
    if rec.form is not None:
        f = rec.form
        row.result_code, row.findings, row.item_codes = f.result_code, f.findings, list(f.item_codes)
        row.inspector_ids, row.inspection_date = list(f.inspector_ids), f.inspection_date
        row.enterprise_demands, row.demands_solved_on_site = list(f.enterprise_demands), f.demands_solved_on_site
        row.confidential, row.confidential_reason = f.confidential, f.confidential_reason
        row.rectification_due = f.rectification_due
    # Who submitted or approved is set on the transition only: a timer re-saving the form is not a submission.
    if entering and rec.state == "awaiting_approval":
        row.submitted_by, row.submitted_at = rec.actor.username, rec.at
    if entering and rec.state in FINAL_FORM_STATES:
        row.approved_by, row.approved_at = rec.actor.username, rec.at
        row.published_at = rec.at if rec.state == "published" else None
    if rec.publish_due is not None:
        row.publish_due_at, row.publish_due_provisional = rec.publish_due.due_at, rec.publish_due.provisional
    row.state, row.late, row.return_reason = rec.state, rec.late or bool(row.late), rec.return_reason
    row.revision, row.updated_at = rec.revision, rec.at
    return row


async def record_followup(session: AsyncSession, rec: FollowupRecord) -> None:
    """Upsert a follow-up by followup_id; a write older (lower revision) than the stored one is ignored."""
    apply_followup(session, await session.get(Followup, rec.followup.followup_id), rec)


def apply_followup(session: AsyncSession, row: Followup | None, rec: FollowupRecord) -> Followup:
    """`record_followup` on the stored row the caller has already read (None: there is none); answers the row."""
    f = rec.followup
    if row is not None and row.revision > rec.revision:
        return row
    if row is None:
        row = Followup(followup_id=f.followup_id, task_id=rec.task_id, object_id=rec.object_id, detail={})
        session.add(row)
    row.department_code, row.kind, row.state, row.due_at = f.department_code, f.kind, f.state, f.due_at
    row.receiving_department_code, row.overdue, row.outcome = f.receiving_department_code, f.overdue, f.outcome
    # Keep what earlier actions said (e.g. "passed" of a re-check) unless this action says it again.
    row.detail = {**(row.detail or {}), **{k: v for k, v in rec.detail.items() if v is not None}}
    row.revision, row.updated_at = rec.revision, rec.at
    return row


async def result(session: AsyncSession, result_id: str) -> dict[str, Any] | None:
    """One form as the participants and the office see it (with inspectors), or None."""
    row = await session.get(Result, result_id)
    if row is None:
        return None
    followups = (await session.execute(
        select(Followup).where(Followup.task_id == row.task_id, Followup.object_id == row.object_id,
                               Followup.department_code == row.department_code)
        .order_by(Followup.followup_id))).scalars()
    return {**row_dict(row), "followups": [row_dict(f) for f in followups]}


async def task_results(session: AsyncSession, task_id: str) -> list[dict[str, Any]]:
    """Every form of a task (one per department per object), each with its follow-ups, in a stable order."""
    rows = (await session.execute(select(Result).where(Result.task_id == task_id)
                                  .order_by(Result.object_id, Result.department_code))).scalars().all()
    followups = (await session.execute(select(Followup).where(Followup.task_id == task_id)
                                       .order_by(Followup.followup_id))).scalars().all()
    by_form: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for f in followups:
        by_form.setdefault((f.object_id, f.department_code), []).append(row_dict(f))
    return [{**row_dict(r), "followups": by_form.get((r.object_id, r.department_code), [])} for r in rows]


async def department_results(session: AsyncSession, *, department_code: str | None, state: str | None = None,
                             task_id: str | None = None, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Forms for a department's queue (e.g. awaiting approval), oldest submission first, with the object named."""
    conditions = []
    if department_code:
        conditions.append(Result.department_code == department_code)
    if state:
        conditions.append(Result.state == state)
    if task_id:
        conditions.append(Result.task_id == task_id)
    total = int((await session.execute(select(func.count()).select_from(Result).where(*conditions))).scalar_one())
    rows = (await session.execute(
        select(Result, InspectionObject.uscc, InspectionObject.name)
        .outerjoin(InspectionObject, InspectionObject.id == Result.object_id).where(*conditions)
        .order_by(Result.submitted_at.is_(None), Result.submitted_at, Result.result_id)
        .limit(limit).offset(offset))).all()
    found = [{**row_dict(r), "uscc": uscc, "object_name": name} for r, uscc, name in rows]
    return {"total": total, "limit": limit, "offset": offset, "results": found}


async def public_results(session: AsyncSession, q: str = "", limit: int = 20, offset: int = 0) -> dict[str, Any]:
    """Published, non-confidential results matching a USCC (prefix) or a name fragment; never inspector identities.

    Answers {"total", "limit", "offset", "results": [...]}."""
    stmt = (select(Result.result_id, Result.task_id, Result.department_code, Department.name, Result.item_codes,
                   Result.result_code, Result.inspection_date, Result.published_at, InspectionObject.uscc,
                   InspectionObject.name)
            .join(InspectionObject, InspectionObject.id == Result.object_id)
            .outerjoin(Department, Department.code == Result.department_code)
            .where(Result.state == "published", Result.confidential.is_(False))
            .order_by(Result.published_at.desc(), Result.result_id).limit(limit).offset(offset))
    stmt = _matching(stmt, q)
    rows = (await session.execute(stmt)).all()
    names = await _item_names(session, {c for r in rows for c in r[4]})
    found = [{"result_id": r[0], "task_id": r[1], "department_code": r[2], "department_name": r[3],
              "items": [{"code": c, "name": names.get(c, "")} for c in r[4]], "result_code": r[5],
              "inspection_date": r[6], "published_at": r[7], "uscc": r[8], "object_name": r[9]} for r in rows]
    return {"total": await _count_public(session, q), "limit": limit, "offset": offset, "results": found}


async def _count_public(session: AsyncSession, q: str) -> int:
    stmt = (select(func.count()).select_from(Result).join(InspectionObject, InspectionObject.id == Result.object_id)
            .where(Result.state == "published", Result.confidential.is_(False)))
    stmt = _matching(stmt, q)
    return int((await session.execute(stmt)).scalar_one())


def _matching(stmt, q: str):
    """A USCC prefix (case-insensitive: USCCs are upper case) or a fragment of the object's name."""
    q = q.strip()
    if not q:
        return stmt
    return stmt.where(or_(InspectionObject.uscc.startswith(q.upper(), autoescape=True),
                          InspectionObject.name.contains(q, autoescape=True)))


async def _item_names(session: AsyncSession, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    stmt = select(Item.code, Item.name).where(Item.code.in_(codes), Item.is_current.is_(True))
    return dict((await session.execute(stmt)).all())
