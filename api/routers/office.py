"""The joint-meeting office (联席会议办公室): overdue steps, statistics, notices, resolving acknowledgements."""

from datetime import datetime, timezone

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from api import errors
from api.deps import SessionDep, SettingsDep, TemporalDep, actor_of, require_roles
from api.routers.tasks import REFUSALS, actor_ref, run_update, task_handle
from api.schemas.tasks import ExtendBody, RemoveBody
from domain.records import ResponderView
from store import accounts, office as office_store
from store.calendar import load_calendar
from store.models import User
from workflows.inputs import ExtendInput, RemoveResponderInput
from workflows.joint_task import JointTaskWorkflow

router = APIRouter(prefix="/api/v1/office", tags=["office"])
OFFICE = require_roles("office")
OFFICE_OR_ADMIN = require_roles("office", "admin")


class NoticeCreate(BaseModel):
    department_code: str
    text: str = Field(min_length=2, max_length=5000)
    task_id: str | None = None


@router.get("/overdue")
async def overdue(session: SessionDep, settings: SettingsDep, _office: User = OFFICE_OR_ADMIN,
                  include_resolved: bool = False) -> list[dict]:
    """Every overdue (or soon due) step across all tasks, most urgent first, with working days overdue."""
    calendar = await load_calendar(session)
    return await office_store.overdue_steps(session, now=datetime.now(timezone.utc), calendar=calendar,
                                            include_resolved=include_resolved,
                                            drill_workday_seconds=settings.drill_workday_seconds)


@router.get("/stats")
async def stats(session: SessionDep, _office: User = OFFICE_OR_ADMIN) -> list[dict]:
    """Per-department punctuality, problem-finding rate and overdue counts."""
    return await office_store.department_stats(session)


@router.post("/notices", status_code=201, responses={422: {"description": "unknown department"}})
async def issue_notice(body: NoticeCreate, session: SessionDep, office: User = OFFICE) -> dict:
    """A notice (通报) to a department, recorded against it."""
    if await accounts.department(session, body.department_code) is None:
        raise HTTPException(422, errors.field_error("department_code",
                                                    errors.not_found("department", body.department_code)))
    notice = await office_store.issue_notice(session, actor=actor_of(office), department_code=body.department_code,
                                           text=body.text, task_id=body.task_id)
    await session.commit()
    return notice


@router.get("/notices")
async def list_notices(session: SessionDep, _office: User = OFFICE_OR_ADMIN, department_code: str | None = None):
    """Notices issued, newest first."""
    return await office_store.notices(session, department_code=department_code)


@router.post("/tasks/{task_id}/responders/{department_code}/extend", response_model=ResponderView,
             responses=REFUSALS)
async def extend(task_id: str, department_code: str, body: ExtendBody, temporal: TemporalDep,
                 office: User = OFFICE):
    """Give an overdue (or pending) responder more working days."""
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.extend_response,
                            ExtendInput(actor=actor_ref(office), department_code=department_code,
                                        working_days=body.working_days, reason=body.reason))


@router.post("/tasks/{task_id}/responders/{department_code}/remove", response_model=ResponderView,
             responses=REFUSALS)
async def remove(task_id: str, department_code: str, body: RemoveBody, temporal: TemporalDep, office: User = OFFICE):
    """Take a responder that does not answer out of the task so the draw can go on."""
    return await run_update(task_handle(temporal, task_id), JointTaskWorkflow.remove_responder,
                            RemoveResponderInput(actor=actor_ref(office), department_code=department_code,
                                                 reason=body.reason))


