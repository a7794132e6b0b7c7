"""Every input and output that crosses the workflow boundary: one Pydantic model each, new fields with defaults.

The API builds these from authenticated requests; activities receive and return them; workflows own the state.
"""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

Stage = Literal["awaiting_responses", "drawing", "matching", "scheduling", "inspecting", "publishing",
                "following_up", "closed", "cancelled"]
ResponseState = Literal["pending", "accepted", "declined", "removed"]
ResultCode = Literal["no_issue", "not_operating", "corrected_on_site", "pending_followup", "unreachable",
                     "refused", "closed"]
FormState = Literal["not_entered", "awaiting_approval", "returned", "published", "confidential"]
FollowupKind = Literal["rectification_recheck", "transfer", "judicial_transfer", "case_filing",
                       "abnormal_listing", "refusal_followup", "enterprise_demand"]
OverdueStepKind = Literal["acknowledgement", "publication", "enterprise_demand", "rectification_recheck",
                          "transfer_acknowledgement"]


class ActorRef(BaseModel):
    """The authenticated user on whose behalf an update is made (set by the API, never by the client)."""

    username: str
    role: str
    department_code: str | None = None


SYSTEM_ACTOR = ActorRef(username="system", role="system")


# ---- launching a task -------------------------------------------------------------------------------------

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


# ---- human actions on a task (Updates) ----------------------------------------------------------------------

class AcknowledgeInput(BaseModel):
    actor: ActorRef
    accept: bool
    reason: str = ""


class ExtendInput(BaseModel):
    actor: ActorRef
    department_code: str
    working_days: int = Field(default=2, ge=1, le=30)
    reason: str = ""


class RemoveResponderInput(BaseModel):
    actor: ActorRef
    department_code: str
    reason: str


class DrawInput(BaseModel):
    actor: ActorRef


class ConfirmDrawInput(BaseModel):
    actor: ActorRef
    exclude: list[int] = []


class MatchInput(BaseModel):
    actor: ActorRef


class ScheduleInput(BaseModel):
    """The lead proposes a day (for some objects or all); a responder confirms the proposal."""

    actor: ActorRef
    inspection_date: date | None = None
    object_ids: list[int] | None = None
    confirm: bool = False


class CancelInput(BaseModel):
    actor: ActorRef
    reason: str


class CalendarChanged(BaseModel):
    year: int


# ---- draw and matching ------------------------------------------------------------------------------------

class SeedPair(BaseModel):
    seed: str
    commitment: str


class ObjectRef(BaseModel):
    object_id: int
    uscc: str
    name: str
    region_code: str
    credit_risk_class: str
    stratum: str = "all"


class FusionWarning(BaseModel):
    object_id: int
    kind: Literal["inspected_this_year", "open_task"]
    detail: str


class DrawRequest(BaseModel):
    task_id: str
    seed: str
    scope: ObjectScope
    sample_size: int | None = None
    ratio: float | None = None
    credit_risk_ratios: dict[str, float] = {}
    exclude: list[int] = []
    actor: ActorRef = SYSTEM_ACTOR


class DrawOutcome(BaseModel):
    task_id: str
    population_size: int
    population_sha256: str
    sizes: dict[str, int]
    selection: list[ObjectRef]
    warnings: list[FusionWarning] = []
    exclusions: list[int] = []
    confirmed: bool = False


class InspectorRef(BaseModel):
    inspector_id: int
    name: str
    from_adjacent_region: bool = False


class MatchRequest(BaseModel):
    task_id: str
    seed: str
    department_code: str
    item_codes: list[str]
    objects: list[ObjectRef]
    actor: ActorRef


class MatchOutcome(BaseModel):
    department_code: str
    assignments: dict[int, list[InspectorRef]]


# ---- per object: forms, approval, follow-up ---------------------------------------------------------------

class ObjectInput(BaseModel):
    task_id: str
    parent_workflow_id: str
    obj: ObjectRef
    departments: list[str]
    lead_department_code: str
    item_codes: dict[str, list[str]]
    inspectors: dict[str, list[int]] = {}
    inspection_date: date | None = None
    timing: Timing = Timing()


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
    actor: ActorRef


class ReviewInput(BaseModel):
    actor: ActorRef
    department_code: str
    approve: bool
    reason: str = ""


class FollowupInput(BaseModel):
    """One follow-up action (SPEC §4 step 8) by the responsible department, or an acknowledgement of a transfer."""

    actor: ActorRef
    kind: FollowupKind
    action: Literal["open", "complete", "acknowledge"] = "complete"
    receiving_department_code: str | None = None
    outcome: str = ""
    passed: bool | None = None
    department_code: str | None = None


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


class FollowupView(BaseModel):
    followup_id: str
    kind: FollowupKind
    department_code: str
    state: Literal["open", "awaiting_acknowledgement", "done"]
    due_at: datetime | None = None
    receiving_department_code: str | None = None
    overdue: bool = False
    outcome: str = ""


class ObjectProgress(BaseModel):
    object_id: int
    forms: list[FormView]
    followups: list[FollowupView]
    done: bool
    # The child's report counter: reports sent in one activation may arrive out of order; the parent keeps the newest.
    revision: int = 0


# ---- read model records (written by activities) ------------------------------------------------------------

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
