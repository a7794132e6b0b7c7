"""The typed records of a joint task that every layer exchanges: the task as launched, the acting user, deadlines,
and the read-model records the workflows write through the lifecycle activities (SPEC §4).

Plain data: one Pydantic model each, new fields with defaults (running workflows carry these as JSON in their
histories, so a field is never renamed or removed). The API builds the inputs, the workflows own the state,
store/ writes the records.
"""

from datetime import date, datetime

from pydantic import BaseModel, Field

from domain.lifecycle import FollowupKind, FollowupState, FormState, OverdueStepKind, ResponseState, ResultCode, Stage


class ActorRef(BaseModel):
    """The authenticated user on whose behalf an update is made (set by the API, never by the client)."""

    username: str
    role: str
    department_code: str | None = None


SYSTEM_ACTOR = ActorRef(username="system", role="system")


# ---- the task as launched ------------------------------------------------------------------------------------

class ObjectScope(BaseModel):
    """A filter over the object directory; empty lists mean "any"."""

    region_codes: list[str] = []
    industry_codes: list[str] = []
    kinds: list[str] = []
    credit_risk_classes: list[str] = []
    tags: list[str] = []


class Participant(BaseModel):
    department_code: str
    item_codes: list[str]
    item_versions: dict[str, int] = {}


class Timing(BaseModel):
    """Working-day rules of SPEC §3 (defaults) — kept in the input so a task keeps the rules it started with."""

    ack_working_days: int = 2
    ack_reminder_before: int = 1
    publish_working_days: int = 20
    publish_reminder_before: int = 5
    demand_working_days: int = 7
    transfer_ack_working_days: int = 2


class TaskInput(BaseModel):
    """A joint task as launched: the JointTaskWorkflow's input, kept whole in the task's read-model row."""

    task_id: str
    name: str
    initiated_by: ActorRef
    lead: Participant
    responders: list[Participant]
    scope: ObjectScope
    sample_size: int | None = None
    ratio: float | None = None
    credit_risk_ratios: dict[str, float] = {}
    method: str = "on_site"
    window_start: date | None = None
    window_end: date | None = None
    planned: bool = True
    plan_id: int | None = None
    unplanned_reason: str = ""
    launched_at: datetime
    timing: Timing = Timing()
    # A future public random value mixed into the seed (docs/draw.md §7.1): what it is, named at launch.
    public_entropy_source: str | None = None


# ---- what the workflows hold and the read model shows -------------------------------------------------------

class DeadlineRef(BaseModel):
    due_at: datetime
    provisional: bool = False
    drill: bool = False
    remind_at: datetime | None = None


class ResponderView(BaseModel):
    department_code: str
    state: ResponseState
    reason: str = ""
    due: DeadlineRef | None = None
    responded_at: datetime | None = None
    late: bool = False
    overdue: bool = False
    reminded: bool = False


class ResultFields(BaseModel):
    """What a department enters on its one form for one object (SPEC §4 step 6)."""

    result_code: ResultCode
    findings: str = Field(default="", max_length=5000)
    item_codes: list[str] = []
    inspector_ids: list[int] = []
    inspection_date: date
    enterprise_demands: list[str] = []
    demands_solved_on_site: bool = True
    rectification_due: date | None = None
    confidential: bool = False
    confidential_reason: str = Field(default="", max_length=1000)


class ResultInput(ResultFields):
    """A form as entered by a department's operator (the update input, kept with the form in the read model)."""

    actor: ActorRef


class FollowupView(BaseModel):
    followup_id: str
    kind: FollowupKind
    department_code: str
    state: FollowupState
    due_at: datetime | None = None
    receiving_department_code: str | None = None
    overdue: bool = False
    outcome: str = ""


# ---- read-model records (written by the lifecycle activities) -----------------------------------------------

class TaskEvent(BaseModel):
    """A timeline entry; `key` makes a retried write a no-op."""

    key: str
    task_id: str
    at: datetime
    actor: ActorRef
    kind: str
    object_id: int | None = None
    department_code: str | None = None
    detail: dict = {}


class OverdueRecord(BaseModel):
    key: str
    task_id: str
    step: OverdueStepKind
    department_code: str
    due_at: datetime
    recorded_at: datetime
    object_id: int | None = None
    resolved_at: datetime | None = None
    resolution: str = ""


class NotificationRecord(BaseModel):
    key: str
    task_id: str
    kind: str
    message: str
    department_code: str | None = None
    created_at: datetime


class TaskSnapshot(BaseModel):
    """What the task row of the read model holds; written whenever the stage or a responder changes."""

    task: TaskInput
    stage: Stage
    seed_commitment: str
    responders: list[ResponderView]
    updated_at: datetime
    cancel_reason: str = ""
    closed_at: datetime | None = None


class ScheduleRecord(BaseModel):
    task_id: str
    object_ids: list[int]
    inspection_date: date
    confirmed_by: list[str] = []
    actor: ActorRef


class FormRecord(BaseModel):
    task_id: str
    object_id: int
    department_code: str
    result_id: str
    state: FormState
    form: ResultInput | None = None
    publish_due: DeadlineRef | None = None
    late: bool = False
    return_reason: str = ""
    actor: ActorRef
    at: datetime
    revision: int = 0


class FollowupRecord(BaseModel):
    task_id: str
    object_id: int
    followup: FollowupView
    actor: ActorRef
    at: datetime
    detail: dict = {}
    revision: int = 0


class ReadModelBatch(BaseModel):
    """A workflow's queued read-model writes, written in one transaction in this order: task rows, schedules, forms,
    follow-ups, overdue steps, events, notifications (a record only ever refers to rows written before it)."""

    snapshots: list[TaskSnapshot] = []
    schedules: list[ScheduleRecord] = []
    forms: list[FormRecord] = []
    followups: list[FollowupRecord] = []
    overdue: list[OverdueRecord] = []
    events: list[TaskEvent] = []
    notifications: list[NotificationRecord] = []

    def is_empty(self) -> bool:
        return not any(getattr(self, name) for name in type(self).model_fields)
