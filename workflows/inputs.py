"""What the API sends the workflows: one Pydantic model per update and signal, new fields with defaults.

The task's start input (TaskInput) and the result form (ResultInput) are records the read model keeps too: they
live in domain.records. Histories of running workflows hold these as JSON: a field is never renamed or removed.
"""

from datetime import date

from pydantic import BaseModel, Field

from domain.draw_records import ExclusionChoice, ObjectRef
from domain.lifecycle import FollowupAction, FollowupKind
from domain.records import ActorRef, Timing


# ---- the joint task ------------------------------------------------------------------------------------------

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
    # The public random value the task named at launch, as published; required at the first draw of such a task.
    public_entropy_value: str | None = None


class ConfirmDrawInput(BaseModel):
    """Exclusions with their reasons; `exclude` (ids alone) stands for the one reason each object's notice gives."""

    actor: ActorRef
    exclude: list[int] = []
    exclusions: list[ExclusionChoice] = []


class MatchInput(BaseModel):
    actor: ActorRef
    experts_per_object: int = 0


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


# ---- one drawn object: approval and follow-up ----------------------------------------------------------------

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


class ReviewInput(BaseModel):
    actor: ActorRef
    department_code: str
    approve: bool
    reason: str = ""


class OpenFollowupInput(BaseModel):
    """A department that inspected the object opens a follow-up by hand (SPEC §4 step 8)."""

    actor: ActorRef
    kind: FollowupKind


class CompleteFollowupInput(BaseModel):
    """The responsible department completes its follow-up; a transfer is sent to the receiving department instead."""

    actor: ActorRef
    kind: FollowupKind
    department_code: str | None = None  # whose follow-up; the actor's own when not given
    receiving_department_code: str | None = None
    outcome: str = ""
    passed: bool | None = None


class AcknowledgeFollowupInput(BaseModel):
    """The receiving department acknowledges a transfer (移送) sent to it."""

    actor: ActorRef
    kind: FollowupKind = "transfer"
    department_code: str | None = None  # the sending department; any that sent one to the actor when not given
    outcome: str = ""


class FollowupInput(BaseModel):
    """The one follow-up update of earlier versions (every action in one input), kept for the histories that hold
    it: the workflows still accept it and treat it as the matching OpenFollowup/CompleteFollowup/AcknowledgeFollowup."""

    actor: ActorRef
    kind: FollowupKind
    action: FollowupAction = "complete"
    receiving_department_code: str | None = None
    outcome: str = ""
    passed: bool | None = None
    department_code: str | None = None

    def split(self) -> OpenFollowupInput | CompleteFollowupInput | AcknowledgeFollowupInput:
        """The one-action input this stands for."""
        if self.action == "open":
            return OpenFollowupInput(actor=self.actor, kind=self.kind)
        if self.action == "acknowledge":
            return AcknowledgeFollowupInput(actor=self.actor, kind=self.kind, department_code=self.department_code,
                                            outcome=self.outcome)
        return CompleteFollowupInput(actor=self.actor, kind=self.kind, department_code=self.department_code,
                                     receiving_department_code=self.receiving_department_code, outcome=self.outcome,
                                     passed=self.passed)
