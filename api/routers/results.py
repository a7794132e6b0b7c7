"""Per-object actions: one result form per department, approval or return, follow-up (SPEC §4 steps 6–8)."""

from fastapi import APIRouter, HTTPException, Query
from temporalio.client import Client

from api import errors
from api.deps import CurrentUser, SessionDep, TemporalDep
from api.routers.tasks import REFUSALS, actor_ref, run_update
from api.schemas.tasks import FollowupBody, ResultBody, ReviewBody
from domain import keys
from domain.lifecycle import FormState
from domain.records import FollowupView, ResultInput
from api.params import INT4_MAX, Limit, Offset, RowId
from store import results as result_store
from workflows.inputs import AcknowledgeFollowupInput, CompleteFollowupInput, OpenFollowupInput, ReviewInput
from workflows.object_inspection import ObjectInspectionWorkflow
from workflows.views import FormView

router = APIRouter(prefix="/api/v1", tags=["results"])


def object_handle(temporal: Client, task_id: str, object_id: int):
    return temporal.get_workflow_handle(keys.object_workflow_id(task_id, object_id))


def parse_result_id(result_id: str) -> tuple[str, int, str]:
    """The task, object and department of a result id; a string that is not one names no result (404)."""
    try:
        task_id, object_id, department_code = keys.parse_result_id(result_id)
    except ValueError:
        object_id = None
    if object_id is None or object_id > INT4_MAX:
        raise HTTPException(404, f"result '{result_id}' not found")
    return task_id, object_id, department_code


@router.get("/results", responses={403: {"description": "another department's forms"}})
async def list_results(user: CurrentUser, session: SessionDep, state: FormState | None = None,
                       department_code: str | None = Query(default=None, max_length=32),
                       task_id: str | None = Query(default=None, max_length=64),
                       limit: Limit = 50, offset: Offset = 0) -> dict:
    """Forms by state, e.g. the approver's queue (`state=awaiting_approval`); a department sees only its own."""
    if user.role not in ("office", "admin"):
        if department_code not in (None, user.department_code):
            raise HTTPException(403, errors.other_department(department_code))
        department_code = user.department_code
    return await result_store.department_results(session, department_code=department_code, state=state,
                                                 task_id=task_id, limit=limit, offset=offset)


@router.post("/tasks/{task_id}/objects/{object_id}/results", response_model=FormView, status_code=201,
             responses=REFUSALS)
async def submit_result(task_id: str, object_id: RowId, body: ResultBody, user: CurrentUser, temporal: TemporalDep):
    """The department's one form for this object (谁检查、谁录入); a returned form is corrected the same way."""
    return await run_update(object_handle(temporal, task_id, object_id), ObjectInspectionWorkflow.submit_result,
                            ResultInput(actor=actor_ref(user), **body.model_dump()))


@router.post("/results/{result_id}/approve", response_model=FormView, responses=REFUSALS)
async def approve(result_id: str, user: CurrentUser, temporal: TemporalDep):
    """The department's approver approves: the form is published (or recorded as confidential)."""
    task_id, object_id, dept = parse_result_id(result_id)
    return await run_update(object_handle(temporal, task_id, object_id), ObjectInspectionWorkflow.review_result,
                            ReviewInput(actor=actor_ref(user), department_code=dept, approve=True))


@router.post("/results/{result_id}/return", response_model=FormView, responses=REFUSALS)
async def return_form(result_id: str, body: ReviewBody, user: CurrentUser, temporal: TemporalDep):
    """The approver returns the form with a reason (审核退回); the department corrects and resubmits it."""
    task_id, object_id, dept = parse_result_id(result_id)
    return await run_update(object_handle(temporal, task_id, object_id), ObjectInspectionWorkflow.review_result,
                            ReviewInput(actor=actor_ref(user), department_code=dept, approve=False, reason=body.reason))


@router.post("/tasks/{task_id}/objects/{object_id}/followups", response_model=FollowupView, responses=REFUSALS)
async def followup(task_id: str, object_id: RowId, body: FollowupBody, user: CurrentUser, temporal: TemporalDep):
    """Rectification re-check, transfer (and its acknowledgement by the receiver), abnormal listing, …: `action`
    opens one by hand, completes one, or acknowledges a transfer received."""
    handle, actor = object_handle(temporal, task_id, object_id), actor_ref(user)
    if body.action == "open":
        return await run_update(handle, ObjectInspectionWorkflow.open_followup,
                                OpenFollowupInput(actor=actor, kind=body.kind))
    if body.action == "acknowledge":
        return await run_update(handle, ObjectInspectionWorkflow.acknowledge_followup, AcknowledgeFollowupInput(
            actor=actor, kind=body.kind, department_code=body.department_code, outcome=body.outcome))
    return await run_update(handle, ObjectInspectionWorkflow.complete_followup, CompleteFollowupInput(
        actor=actor, kind=body.kind, department_code=body.department_code, outcome=body.outcome, passed=body.passed,
        receiving_department_code=body.receiving_department_code))
