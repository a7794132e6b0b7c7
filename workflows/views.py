"""What the workflows answer: their Query results and the forms an update hands back (one Pydantic model each)."""

from datetime import date, datetime

from pydantic import BaseModel

from domain.draw_records import DrawOutcome, ObjectRef
from domain.lifecycle import FormState, ResultCode, Stage
from domain.records import FollowupView, ResponderView


class FormView(BaseModel):
    result_id: str
    department_code: str
    state: FormState
    result_code: ResultCode | None = None
    submitted_at: datetime | None = None
    publish_due_at: datetime | None = None
    published_at: datetime | None = None
    late: bool = False
    return_reason: str = ""


class ObjectProgress(BaseModel):
    object_id: int
    forms: list[FormView]
    followups: list[FollowupView]
    done: bool
    # The child's report counter: reports sent in one activation may arrive out of order; the parent keeps the newest.
    revision: int = 0


class TaskState(BaseModel):
    """The Query answer of a joint task."""

    task_id: str
    stage: Stage
    lead_department_code: str
    seed_commitment: str
    responders: list[ResponderView]
    participants: list[str]
    matched_departments: list[str] = []
    selection: list[ObjectRef] = []
    draw: DrawOutcome | None = None
    schedule: dict[int, date] = {}
    schedule_confirmed_by: list[str] = []
    # One entry per object whose inspection has started, as the object last reported it: objects report what the
    # task acts on (stage, an earlier deadline, the overdue flag), so forms here may lag; the read model's
    # results are current.
    objects: dict[int, ObjectProgress] = {}
    cancel_reason: str = ""
    # The public random value the task draws with (docs/draw.md §7.1), named at launch; None for most tasks.
    public_entropy_source: str | None = None
