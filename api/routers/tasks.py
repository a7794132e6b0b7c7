"""Joint tasks: launch, and every human action on a task as a Temporal Update (SPEC §4, §9)."""

import uuid
from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException, Query, status
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from api import errors
from api.deps import CurrentUser, SessionDep, TemporalDep, SettingsDep
from api.schemas.tasks import (
    AcknowledgeBody, CancelBody, ConfirmDrawBody, DrawBody, MatchBody, ScheduleBody, TaskCreate,
)
from api.workflow_errors import http_error
from domain import sampling
from domain.draw_records import DrawOutcome, ExclusionChoice, MatchOutcome
from domain.keys import task_workflow_id
from api.params import Limit, Offset
from domain.masterdata import CREDIT_RISK_CLASSES
from domain.records import ActorRef, ObjectScope, Participant, ResponderView, TaskInput
from store import accounts, results as result_store, tasks as task_store
from store.models import User
from store.scope import current_items, population_counts
from workflows.inputs import AcknowledgeInput, CancelInput, ConfirmDrawInput, DrawInput, MatchInput, ScheduleInput
from workflows.joint_task import JointTaskWorkflow
from workflows.views import TaskState

router = APIRouter(prefix="/api/v1", tags=["tasks"])
REFUSALS = {403: {"description": "not your role or department"}, 404: {"description": "no such task"},
            409: {"description": "wrong stage or already done"}, 422: {"description": "invalid input"}}


def actor_ref(user: User) -> ActorRef:
    return ActorRef(username=user.username, role=user.role, department_code=user.department_code)


async def run_update(handle: WorkflowHandle, update, arg=None):
    """Execute an update; a refused one becomes the 4xx its error type means."""
    try:
        if arg is None:
            return await handle.execute_update(update)
        return await handle.execute_update(update, arg)
    except (WorkflowUpdateFailedError, RPCError) as exc:
        raise http_error(exc) from exc


def task_handle(temporal: Client, task_id: str) -> WorkflowHandle:
    return temporal.get_workflow_handle(task_workflow_id(task_id))


@router.post("/tasks", status_code=201, responses=REFUSALS)
async def launch_task(body: TaskCreate, user: CurrentUser, session: SessionDep, temporal: TemporalDep,
                      settings: SettingsDep) -> dict:
    """Create and launch a joint task; responders are pushed and their 2-working-day clocks start."""
    lead_code = await _lead_department(user, body, session)
    lead = await _participant(session, lead_code, body.lead_item_codes, "lead_item_codes")
    responders = []
    for i, r in enumerate(body.responders):
        if r.department_code == lead_code:
            raise HTTPException(422, errors.field_error(f"responders[{i}]", "the lead department cannot respond"))
        responders.append(await _participant(session, r.department_code, r.item_codes, f"responders[{i}]"))
    await _check_ratio_caps(session, body, [lead, *responders])
    now = datetime.now(timezone.utc)
    task_id = f"{now:%Y%m%d}-{uuid.uuid4().hex[:8]}"
    task = TaskInput(task_id=task_id, name=body.name, initiated_by=actor_ref(user), lead=lead, responders=responders,
                     scope=body.scope, sample_size=body.sample_size, ratio=body.ratio,
                     credit_risk_ratios=body.credit_risk_ratios, method=body.method, window_start=body.window_start,
                     window_end=body.window_end, planned=body.planned, plan_id=body.plan_id,
                     unplanned_reason=body.unplanned_reason, launched_at=now,
                     public_entropy_source=body.public_entropy_source)
    await session.commit()  # release the database before the workflow's activities need it
    handle = await temporal.start_workflow(JointTaskWorkflow.run, task, id=task_workflow_id(task_id),
                                           task_queue=settings.task_queue)
    state: TaskState = await run_update(handle, JointTaskWorkflow.launch_summary)
    return {"id": task_id, "stage": state.stage, "seed_commitment": state.seed_commitment,
            "responders": [{"department_code": r.department_code, "response_due_at": r.due.due_at,
                            "provisional": r.due.provisional, "drill": r.due.drill} for r in state.responders]}


@router.post("/tasks/{task_id}/acknowledge", response_model=ResponderView, responses=REFUSALS)
async def acknowledge(task_id: str, body: AcknowledgeBody, user: CurrentUser, temporal: TemporalDep):
    """A responding department accepts, or declines with a reason (late answers are accepted and marked)."""
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.acknowledge,
                            AcknowledgeInput(actor=actor_ref(user), accept=body.accept, reason=body.reason))


@router.post("/tasks/{task_id}/draw", response_model=DrawOutcome, responses=REFUSALS)
async def draw(task_id: str, user: CurrentUser, temporal: TemporalDep, body: DrawBody | None = None):
    """The lead freezes the population and sees the selection with task-fusion warnings and departures from the
    scope (not yet public; the seed stays secret). A task that named a public random value needs it here."""
    value = body.public_entropy_value if body else None
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.draw,
                            DrawInput(actor=actor_ref(user), public_entropy_value=value))


@router.post("/tasks/{task_id}/draw/confirm", response_model=DrawOutcome, responses=REFUSALS)
async def confirm_draw(task_id: str, body: ConfirmDrawBody, user: CurrentUser, temporal: TemporalDep):
    """The lead confirms, excluding only objects a warning or a departure backs, each with its reason
    (replacements drawn by the same protocol); the seed is revealed and the inspector pools frozen."""
    ids = [x for x in body.exclude if isinstance(x, int)]
    reasoned = [ExclusionChoice(object_id=x.object_id, reason=x.reason) for x in body.exclude if not isinstance(x, int)]
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.confirm_draw,
                            ConfirmDrawInput(actor=actor_ref(user), exclude=ids, exclusions=reasoned))


@router.post("/tasks/{task_id}/match", response_model=MatchOutcome, responses=REFUSALS)
async def match(task_id: str, user: CurrentUser, temporal: TemporalDep, body: MatchBody | None = None):
    """A participating department matches its own inspectors at random from the pools frozen at the draw's
    confirmation: two officers per object, plus any experts asked for (never counted as officers)."""
    experts = body.experts_per_object if body else 0
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.match,
                            MatchInput(actor=actor_ref(user), experts_per_object=experts))


@router.post("/tasks/{task_id}/schedule", response_model=TaskState, responses=REFUSALS)
async def schedule(task_id: str, body: ScheduleBody, user: CurrentUser, temporal: TemporalDep):
    """The lead proposes the joint inspection day; each responding department confirms it."""
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.schedule,
                            ScheduleInput(actor=actor_ref(user), **body.model_dump()))


@router.post("/tasks/{task_id}/cancel", response_model=TaskState, responses=REFUSALS)
async def cancel(task_id: str, body: CancelBody, user: CurrentUser, temporal: TemporalDep):
    """The lead or the office cancels the task, with a reason."""
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.cancel,
                            CancelInput(actor=actor_ref(user), reason=body.reason))


async def _lead_department(user: User, body: TaskCreate, session) -> str:
    if user.role == "dept_operator":
        if body.lead_department_code not in (None, user.department_code):
            raise HTTPException(status.HTTP_403_FORBIDDEN, errors.other_department(body.lead_department_code))
        return user.department_code
    if user.role == "office":
        if not body.lead_department_code:
            raise HTTPException(422, errors.field_error("lead_department_code", "required when the office initiates"))
        if await accounts.department(session, body.lead_department_code) is None:
            raise HTTPException(422, errors.field_error("lead_department_code",
                                                        errors.not_found("department", body.lead_department_code)))
        return body.lead_department_code
    raise HTTPException(status.HTTP_403_FORBIDDEN, errors.role_forbidden(user.role, ("dept_operator", "office")))


async def _participant(session, department_code: str, item_codes: list[str], field: str) -> Participant:
    if await accounts.department(session, department_code) is None:
        raise HTTPException(422, errors.field_error(field, errors.not_found("department", department_code)))
    items = await current_items(session, department_code, item_codes)
    missing = [code for code in item_codes if code not in items]
    if missing:
        raise HTTPException(422, errors.field_error(field, f"items {missing} are not current items of {department_code}"))
    return Participant(department_code=department_code, item_codes=item_codes,
                       item_versions={code: item.version for code, item in items.items()})


async def _check_ratio_caps(session, body: TaskCreate, participants: list[Participant]) -> None:
    """A task whose sampling ratio exceeds the cap of a general item it uses is refused (SPEC §4 step 1)."""
    counts = await population_counts(session, body.scope)
    if sum(counts.values()) == 0:
        raise HTTPException(422, errors.field_error("scope", "no active object matches this scope"))
    effective = sampling.effective_ratio(counts, sample_size=body.sample_size, ratio=body.ratio,
                                         credit_risk_ratios=body.credit_risk_ratios)
    for p in participants:
        items = await current_items(session, p.department_code, p.item_codes)
        for item in items.values():
            if item.category == "general" and item.annual_ratio_cap is not None and effective > item.annual_ratio_cap:
                raise HTTPException(422, errors.field_error(
                    "ratio", f"sampling ratio {effective:.2%} exceeds the {item.annual_ratio_cap:.2%} cap of general "
                             f"item {item.code} ({item.name})"))


@router.get("/tasks/population")
async def population(user: CurrentUser, session: SessionDep,
                     region_codes: list[str] = Query(default=[]), industry_codes: list[str] = Query(default=[]),
                     kinds: list[str] = Query(default=[]), credit_risk_classes: list[str] = Query(default=[]),
                     tags: list[str] = Query(default=[])) -> dict:
    """The live count of active objects a scope would draw from, in total and per credit-risk class."""
    if user.role not in ("dept_operator", "office", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, errors.role_forbidden(user.role, ("dept_operator", "office")))
    unknown = sorted(set(credit_risk_classes) - set(CREDIT_RISK_CLASSES))
    if unknown:
        raise HTTPException(422, errors.field_error("credit_risk_classes", f"unknown credit-risk class {unknown} (A–D)"))
    scope = ObjectScope(region_codes=region_codes, industry_codes=industry_codes, kinds=kinds,
                        credit_risk_classes=credit_risk_classes, tags=tags)
    counts = await population_counts(session, scope)
    return {"total": sum(counts.values()), "by_credit_risk_class": {c: counts.get(c, 0) for c in sorted(counts)}}


@router.get("/tasks")
async def list_tasks(user: CurrentUser, session: SessionDep, stage: str | None = Query(default=None, max_length=32),
                     limit: Limit = 50, offset: Offset = 0) -> list[dict]:
    """Tasks the caller's department takes part in; the office and the admin see all."""
    department = None if user.role in ("office", "admin") else user.department_code
    return await task_store.list_tasks(session, department_code=department, stage=stage,
                                       limit=limit, offset=offset)


@router.get("/tasks/{task_id}", responses=REFUSALS)
async def get_task(task_id: str, user: CurrentUser, session: SessionDep, temporal: TemporalDep) -> dict:
    """The task with its responders, drawn objects, per-object forms and follow-ups, and its timeline."""
    task = await task_store.get_task(session, task_id)
    if task is None:
        raise HTTPException(404, errors.not_found("task", task_id))
    task["results"] = await result_store.task_results(session, task_id)
    departments = {p["department_code"] for p in task["participants"]}
    receivers = {f["receiving_department_code"] for r in task["results"] for f in r["followups"]}
    if user.role not in ("office", "admin") and user.department_code not in departments | receivers:
        raise HTTPException(403, errors.other_department(task["lead_department_code"]))
    task.pop("input", None)
    task["timeline"] = await task_store.timeline(session, task_id)
    await session.commit()
    try:
        live: TaskState = await task_handle(temporal, task_id).query(JointTaskWorkflow.state)
        task["live"] = live.model_dump(mode="json", exclude={"draw"})
    except RPCError:
        task["live"] = None
    return task
