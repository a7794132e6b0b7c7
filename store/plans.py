"""Annual plans (年度抽查工作计划): drafting, submission, the joint plan, publication, adjustments (seed 002 arts. 25–27)."""

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store import audit
from store.models import AnnualPlan, AnnualPlanAdjustment, Department, Item

# The fields a plan carries (第二十六条: 计划名称、抽查对象、抽查事项、抽查比例、信用风险等级区分、牵头处室、配合处室、计划时间).
PLAN_FIELDS = ("name", "item_codes", "object_scope", "ratio", "credit_risk_ratios", "lead_office",
               "cooperating_offices", "planned_months")


class PlanConflict(Exception):
    """The plan is not in a state that allows this (the API answers 409)."""


class ReasonRequired(Exception):
    """A change after submission needs a reason (the API answers 422 naming `reason`)."""


def snapshot(plan: AnnualPlan) -> dict:
    """The plan's fields, JSON-ready, as adjustments and the audit log record them."""
    values = {field: getattr(plan, field) for field in PLAN_FIELDS}
    values["ratio"] = None if plan.ratio is None else float(plan.ratio)
    return values


def _store(plan: AnnualPlan, fields: dict) -> None:
    for field, value in fields.items():
        setattr(plan, field, Decimal(str(value)) if field == "ratio" and value is not None else value)


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def current_items(session: AsyncSession, codes: list[str], department_code: str | None) -> dict[str, Item]:
    """Current item versions by code, limited to one department when given."""
    query = select(Item).where(Item.code.in_(codes), Item.is_current.is_(True))
    if department_code is not None:
        query = query.where(Item.department_code == department_code)
    return {item.code: item for item in (await session.execute(query)).scalars()}


async def create_plan(session: AsyncSession, *, actor: audit.Actor, year: int, department_code: str,
                      fields: dict) -> AnnualPlan:
    """A department's draft plan."""
    plan = AnnualPlan(year=year, kind="department", department_code=department_code, state="draft",
                      created_by=actor.username, updated_at=_now())
    _store(plan, fields)
    session.add(plan)
    await session.flush()
    await audit.append(session, actor=actor, action="plan.create", target=f"plan:{plan.id}",
                       change={"year": year, "department_code": department_code, **snapshot(plan)})
    return plan


async def get_plan(session: AsyncSession, plan_id: int) -> AnnualPlan | None:
    return await session.get(AnnualPlan, plan_id)


async def list_plans(session: AsyncSession, *, viewer_department: str | None, see_all: bool, year: int | None = None,
                     kind: str | None = None, state: str | None = None,
                     department_code: str | None = None) -> list[AnnualPlan]:
    """Plans the viewer may see: all for the office, else its own department's and the published ones."""
    query = select(AnnualPlan).order_by(AnnualPlan.year.desc(), AnnualPlan.id)
    if not see_all:
        query = query.where(or_(AnnualPlan.department_code == viewer_department, AnnualPlan.state == "published"))
    for column, value in ((AnnualPlan.year, year), (AnnualPlan.kind, kind), (AnnualPlan.state, state),
                          (AnnualPlan.department_code, department_code)):
        if value is not None:
            query = query.where(column == value)
    return list((await session.execute(query)).scalars())


async def department_plan_ids(session: AsyncSession, joint_ids: list[int]) -> dict[int, list[int]]:
    """For each joint plan, the department plans compiled into it."""
    rows = await session.execute(select(AnnualPlan.joint_plan_id, AnnualPlan.id)
                                 .where(AnnualPlan.joint_plan_id.in_(joint_ids)).order_by(AnnualPlan.id))
    found: dict[int, list[int]] = {joint_id: [] for joint_id in joint_ids}
    for joint_id, plan_id in rows.all():
        found[joint_id].append(plan_id)
    return found


async def update_plan(session: AsyncSession, *, actor: audit.Actor, plan: AnnualPlan, changes: dict,
                      reason: str) -> AnnualPlanAdjustment | None:
    """Edit a draft freely; after submission keep the adjustment with its reason. None when nothing changed."""
    before_all = snapshot(plan)
    changed = {field: value for field, value in changes.items() if before_all[field] != value}
    if not changed:
        return None
    before = {field: before_all[field] for field in changed}
    if plan.state == "draft":
        _store(plan, changed)
        plan.updated_at = _now()
        await audit.append(session, actor=actor, action="plan.edit", target=f"plan:{plan.id}",
                           change={"before": before, "after": changed})
        return None
    if not reason.strip():
        raise ReasonRequired(f"plan {plan.id} is {plan.state}: an adjustment needs a reason")
    _store(plan, changed)
    plan.updated_at = _now()
    adjustment = AnnualPlanAdjustment(plan_id=plan.id, at=plan.updated_at, by=actor.username,
                                      reason=reason.strip(), before=before, after=changed)
    session.add(adjustment)
    await session.flush()
    await audit.append(session, actor=actor, action="plan.adjust", target=f"plan:{plan.id}",
                       change={"adjustment_id": adjustment.id, "reason": adjustment.reason, "before": before,
                               "after": changed})
    return adjustment


async def submit_plan(session: AsyncSession, *, actor: audit.Actor, plan: AnnualPlan) -> None:
    """draft → submitted: the department hands its plan to the office for the joint plan."""
    if plan.kind != "department" or plan.state != "draft":
        raise PlanConflict(f"plan {plan.id} is {plan.state}: only a department's draft can be submitted")
    plan.state, plan.submitted_at = "submitted", _now()
    await audit.append(session, actor=actor, action="plan.submit", target=f"plan:{plan.id}",
                       change={"year": plan.year, "department_code": plan.department_code})


async def joint_plan(session: AsyncSession, year: int) -> AnnualPlan | None:
    return (await session.execute(select(AnnualPlan).where(AnnualPlan.year == year,
                                                           AnnualPlan.kind == "joint"))).scalar_one_or_none()


async def compile_joint(session: AsyncSession, *, actor: audit.Actor, year: int, name: str | None,
                        reason: str) -> tuple[AnnualPlan, list[AnnualPlan]]:
    """Take every submitted department plan of the year into the joint plan (made on first use)."""
    joint = await joint_plan(session, year)
    fresh = list((await session.execute(select(AnnualPlan).where(
        AnnualPlan.year == year, AnnualPlan.kind == "department", AnnualPlan.state == "submitted")
        .order_by(AnnualPlan.id))).scalars())
    if not fresh:
        raise PlanConflict(f"no submitted department plan for {year} waits to be compiled")
    published = joint is not None and joint.state == "published"
    if published and not reason.strip():
        raise ReasonRequired(f"the joint plan for {year} is published: adding plans to it needs a reason")
    now = _now()
    if joint is None:
        joint = AnnualPlan(year=year, kind="joint", department_code=None, state="compiled", created_by=actor.username,
                           name=name or f"{year}年度部门联合抽查工作计划", item_codes=[], object_scope={},
                           credit_risk_ratios={}, cooperating_offices=[], planned_months=[])
        session.add(joint)
        await session.flush()
    before = {"department_plan_ids": (await department_plan_ids(session, [joint.id]))[joint.id],
              "item_codes": joint.item_codes, "planned_months": joint.planned_months}
    for plan in fresh:
        plan.joint_plan_id, plan.state = joint.id, "published" if published else "compiled"
        plan.published_at = now if published else None
    after = {"department_plan_ids": sorted(before["department_plan_ids"] + [p.id for p in fresh]),
             "item_codes": list(dict.fromkeys([*joint.item_codes, *(c for p in fresh for c in p.item_codes)])),
             "planned_months": sorted({*joint.planned_months, *(m for p in fresh for m in p.planned_months)})}
    joint.item_codes, joint.planned_months, joint.updated_at = after["item_codes"], after["planned_months"], now
    if published:
        session.add(AnnualPlanAdjustment(plan_id=joint.id, at=now, by=actor.username, reason=reason.strip(),
                                         before=before, after=after))
    await session.flush()
    await audit.append(session, actor=actor, action="plan.compile", target=f"plan:{joint.id}",
                       change={"year": year, "added_plan_ids": [p.id for p in fresh], "reason": reason.strip()})
    return joint, fresh


async def publish_joint(session: AsyncSession, *, actor: audit.Actor, joint: AnnualPlan) -> list[int]:
    """compiled → published, for the joint plan and every department plan in it (向社会公示)."""
    if joint.kind != "joint":
        raise PlanConflict(f"plan {joint.id} is a department plan: publish the year's joint plan instead")
    if joint.state != "compiled":
        raise PlanConflict(f"the joint plan {joint.id} is {joint.state}: only a compiled joint plan is published")
    now = _now()
    members = list((await session.execute(select(AnnualPlan).where(AnnualPlan.joint_plan_id == joint.id))).scalars())
    for plan in [joint, *members]:
        plan.state, plan.published_at = "published", now
    await audit.append(session, actor=actor, action="plan.publish", target=f"plan:{joint.id}",
                       change={"year": joint.year, "department_plan_ids": [p.id for p in members]})
    return [p.id for p in members]


async def adjustments(session: AsyncSession, plan_id: int) -> list[AnnualPlanAdjustment]:
    """Every adjustment of the plan, oldest first."""
    return list((await session.execute(select(AnnualPlanAdjustment).where(AnnualPlanAdjustment.plan_id == plan_id)
                                       .order_by(AnnualPlanAdjustment.id))).scalars())


async def public_plans(session: AsyncSession, *, year: int | None = None) -> list[dict]:
    """Published plans with their department's name and adjustment history, for anyone (SPEC §8)."""
    query = (select(AnnualPlan, Department.name).outerjoin(Department, Department.code == AnnualPlan.department_code)
             .where(AnnualPlan.state == "published").order_by(AnnualPlan.year.desc(), AnnualPlan.id))
    if year is not None:
        query = query.where(AnnualPlan.year == year)
    rows = (await session.execute(query)).all()
    ids = [plan.id for plan, _ in rows]
    history: dict[int, list[dict]] = {plan_id: [] for plan_id in ids}
    if ids:
        for adj in (await session.execute(select(AnnualPlanAdjustment).where(AnnualPlanAdjustment.plan_id.in_(ids))
                                          .order_by(AnnualPlanAdjustment.id))).scalars():
            history[adj.plan_id].append({"at": adj.at, "reason": adj.reason, "fields": sorted(adj.after)})
    return [{"id": plan.id, "year": plan.year, "kind": plan.kind, "department_code": plan.department_code,
             "department_name": dept_name, "joint_plan_id": plan.joint_plan_id, **snapshot(plan),
             "published_at": plan.published_at, "adjustments": history[plan.id]} for plan, dept_name in rows]
