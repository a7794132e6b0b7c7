"""Annual plans (年度抽查工作计划): departments draft and submit, the office compiles and publishes the joint plan."""

from decimal import Decimal

from fastapi import APIRouter, Body, HTTPException, Path, Query, status
from sqlalchemy.exc import IntegrityError

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, require_roles
from api.schemas.plans import AdjustmentPublic, CompileBody, PlanCreate, PlanPublic, PlanUpdate
from api.params import INT4_MAX
from store import plans as plan_store
from store.models import AnnualPlan, User

router = APIRouter(prefix="/api/v1", tags=["plans"])
OPERATOR = require_roles("dept_operator")
OFFICE = require_roles("office")
PLAN_ID = Path(ge=1, le=INT4_MAX)
REFUSALS = {403: {"description": "wrong role, or another department's unpublished plan"},
            404: {"description": "no such plan"}}
CONFLICT = {409: {"description": "the plan is not in a state that allows this"}}
UNPUBLISHED_JOINT = "the joint plan is visible to departments once it is published"
OFFICE_ADJUSTS_JOINT = "only the office adjusts the joint plan"


async def _plan_public(session, plan: AnnualPlan) -> PlanPublic:
    members = (await plan_store.department_plan_ids(session, [plan.id]))[plan.id] if plan.kind == "joint" else []
    return PlanPublic(id=plan.id, year=plan.year, kind=plan.kind, department_code=plan.department_code,
                      joint_plan_id=plan.joint_plan_id, state=plan.state, created_at=plan.created_at,
                      created_by=plan.created_by, submitted_at=plan.submitted_at, updated_at=plan.updated_at,
                      published_at=plan.published_at, department_plan_ids=members, **plan_store.snapshot(plan))


async def _visible_plan(session, user: User, plan_id: int) -> AnnualPlan:
    """The plan, if the user may read it: office and admin all, departments their own and published ones."""
    plan = await plan_store.get_plan(session, plan_id)
    if plan is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, errors.not_found("plan", plan_id))
    if user.role in ("office", "admin") or plan.state == "published":
        return plan
    if plan.kind == "joint":
        raise HTTPException(status.HTTP_403_FORBIDDEN, UNPUBLISHED_JOINT)
    if plan.department_code != user.department_code:
        raise HTTPException(status.HTTP_403_FORBIDDEN, errors.other_department(plan.department_code))
    return plan


def _ensure_may_change(user: User, plan: AnnualPlan) -> None:
    """The owning department's operator changes a department plan; only the office changes the joint plan."""
    if plan.kind == "joint":
        if user.role != "office":
            raise HTTPException(status.HTTP_403_FORBIDDEN, OFFICE_ADJUSTS_JOINT)
        return
    if user.role != "dept_operator":
        raise HTTPException(status.HTTP_403_FORBIDDEN, errors.role_forbidden(user.role, ("dept_operator",)))
    if plan.department_code != user.department_code:
        raise HTTPException(status.HTTP_403_FORBIDDEN, errors.other_department(plan.department_code))


async def _check_items(session, codes: list[str], department_code: str | None, ratio: float | None,
                       *, check_codes: bool = True) -> None:
    """Items must be current (of the department, for its plan); a flat ratio may not exceed a general item's cap."""
    found = await plan_store.current_items(session, codes, department_code)
    missing = [code for code in codes if code not in found]
    if check_codes and missing:
        owner = f"department {department_code}" if department_code else "any department"
        raise HTTPException(422, errors.field_error(
            "item_codes", f"not current items of {owner}: {', '.join(missing)}"))
    if ratio is None:
        return
    for item in found.values():
        if item.category == "general" and item.annual_ratio_cap is not None and \
                Decimal(str(ratio)) > item.annual_ratio_cap:
            raise HTTPException(422, errors.field_error(
                "ratio", f"ratio {ratio:.2%} exceeds the {item.annual_ratio_cap:.2%} annual cap of general item "
                         f"{item.code} ({item.name})"))


@router.post("/plans", response_model=PlanPublic, status_code=201,
             responses={**REFUSALS, 422: {"description": "bad field, unknown item, or ratio above an item's cap"}})
async def create_plan(body: PlanCreate, session: SessionDep, user: User = OPERATOR) -> PlanPublic:
    """Draft your department's annual plan (seed 002 art. 26 lists its contents)."""
    await _check_items(session, body.item_codes, user.department_code, body.ratio)
    plan = await plan_store.create_plan(session, actor=actor_of(user), year=body.year,
                                        department_code=user.department_code,
                                        fields=body.model_dump(mode="json", exclude={"year"}))
    await session.commit()
    return await _plan_public(session, plan)


@router.get("/plans", response_model=list[PlanPublic])
async def list_plans(session: SessionDep, user: CurrentUser, year: int | None = Query(default=None, ge=2000, le=2100),
                     kind: str | None = Query(default=None, pattern="^(department|joint)$"),
                     state: str | None = Query(default=None, pattern="^(draft|submitted|compiled|published)$"),
                     department_code: str | None = None) -> list[PlanPublic]:
    """Plans you may see: the office and the admin all; a department its own and every published one."""
    plans = await plan_store.list_plans(session, viewer_department=user.department_code,
                                        see_all=user.role in ("office", "admin"), year=year, kind=kind,
                                        state=state, department_code=department_code)
    return [await _plan_public(session, p) for p in plans]


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=REFUSALS)
async def get_plan(session: SessionDep, user: CurrentUser, plan_id: int = PLAN_ID) -> PlanPublic:
    """One plan; a joint plan lists the department plans compiled into it."""
    return await _plan_public(session, await _visible_plan(session, user, plan_id))


@router.patch("/plans/{plan_id}", response_model=PlanPublic,
              responses={**REFUSALS, 422: {"description": "bad field, or no reason for a change after submission"}})
async def update_plan(body: PlanUpdate, session: SessionDep, user: CurrentUser, plan_id: int = PLAN_ID) -> PlanPublic:
    """Edit a draft; after submission every change is an adjustment that needs a reason and is kept (art. 27)."""
    plan = await _visible_plan(session, user, plan_id)
    _ensure_may_change(user, plan)
    changes = body.changes()
    merged = {**plan_store.snapshot(plan), **changes}
    if plan.kind == "department" and (merged["ratio"] is None) == (not merged["credit_risk_ratios"]):
        raise HTTPException(422, errors.field_error(
            "ratio", "a department plan needs exactly one of ratio, credit_risk_ratios"))
    if "item_codes" in changes or "ratio" in changes:
        await _check_items(session, merged["item_codes"], plan.department_code, merged["ratio"],
                           check_codes="item_codes" in changes)
    try:
        await plan_store.update_plan(session, actor=actor_of(user), plan=plan, changes=changes, reason=body.reason)
    except plan_store.ReasonRequired as exc:
        raise HTTPException(422, errors.field_error("reason", str(exc))) from None
    await session.commit()
    return await _plan_public(session, plan)


@router.get("/plans/{plan_id}/adjustments", response_model=list[AdjustmentPublic], responses=REFUSALS)
async def plan_adjustments(session: SessionDep, user: CurrentUser, plan_id: int = PLAN_ID) -> list[AdjustmentPublic]:
    """Every adjustment made after submission, oldest first, with its reason and the values before and after."""
    plan = await _visible_plan(session, user, plan_id)
    return [AdjustmentPublic.model_validate(a) for a in await plan_store.adjustments(session, plan.id)]


@router.post("/plans/{plan_id}/submit", response_model=PlanPublic, responses={**REFUSALS, **CONFLICT})
async def submit_plan(session: SessionDep, plan_id: int = PLAN_ID, user: User = OPERATOR) -> PlanPublic:
    """Hand your department's draft to the office for the year's joint plan."""
    plan = await _visible_plan(session, user, plan_id)
    _ensure_may_change(user, plan)
    try:
        await plan_store.submit_plan(session, actor=actor_of(user), plan=plan)
    except plan_store.PlanConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    await session.commit()
    return await _plan_public(session, plan)


@router.post("/plans/joint/{year}/compile", response_model=PlanPublic,
             responses={**REFUSALS, **CONFLICT, 422: {"description": "no reason when the joint plan is published"}})
async def compile_joint(session: SessionDep, year: int = Path(ge=2000, le=2100),
                        body: CompileBody = Body(default_factory=CompileBody), user: User = OFFICE) -> PlanPublic:
    """Take every submitted department plan of the year into the joint plan (created on first compilation)."""
    try:
        joint, _added = await plan_store.compile_joint(session, actor=actor_of(user), year=year, name=body.name,
                                                       reason=body.reason)
        await session.commit()
    except plan_store.PlanConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    except plan_store.ReasonRequired as exc:
        raise HTTPException(422, errors.field_error("reason", str(exc))) from None
    except IntegrityError:
        # The partial unique index caught a second joint plan for the year being made at the same moment.
        raise HTTPException(status.HTTP_409_CONFLICT, f"the joint plan for {year} was compiled concurrently; "
                                                      "try again") from None
    return await _plan_public(session, joint)


@router.post("/plans/{plan_id}/publish", response_model=PlanPublic, responses={**REFUSALS, **CONFLICT})
async def publish_plan(session: SessionDep, plan_id: int = PLAN_ID, user: User = OFFICE) -> PlanPublic:
    """Publish the compiled joint plan and its department plans to society (向社会公示)."""
    plan = await _visible_plan(session, user, plan_id)
    try:
        await plan_store.publish_joint(session, actor=actor_of(user), joint=plan)
    except plan_store.PlanConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from None
    await session.commit()
    return await _plan_public(session, plan)


@router.get("/public/plans", tags=["public"])
async def public_plans(session: SessionDep, year: int | None = Query(default=None, ge=2000, le=2100)) -> list[dict]:
    """Published annual plans with their adjustment history, for anyone without an account (SPEC §8)."""
    return await plan_store.public_plans(session, year=year)
