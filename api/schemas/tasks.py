"""Request and response shapes of the joint-task API (SPEC §9)."""

from pydantic import BaseModel, Field, field_validator, model_validator

from domain import sampling
from domain.draw_records import ExclusionReason
from domain.public_entropy import MAX_SOURCE_LENGTH, MAX_VALUE_LENGTH, PublicEntropy
from domain.lifecycle import FollowupAction, FollowupKind
from domain.records import ObjectScope, ResultFields
from api.params import BodyId, Day
from api.schemas.masterdata import DepartmentCode, ItemMethod
from domain.masterdata import CREDIT_RISK_CLASSES as CREDIT_CLASSES


class ResponderRequest(BaseModel):
    department_code: DepartmentCode
    item_codes: list[str] = Field(min_length=1)


class TaskCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    lead_department_code: DepartmentCode | None = Field(default=None, description="required when the office initiates")
    lead_item_codes: list[str] = Field(min_length=1)
    responders: list[ResponderRequest] = []
    scope: ObjectScope = ObjectScope()
    sample_size: int | None = Field(default=None, ge=1, le=100_000)
    ratio: float | None = Field(default=None, gt=0, le=1)
    credit_risk_ratios: dict[str, float] = {}
    method: ItemMethod = "on_site"
    window_start: Day | None = None
    window_end: Day | None = None
    planned: bool = True
    plan_id: BodyId | None = None
    unplanned_reason: str = ""
    public_entropy_source: str | None = Field(
        default=None, max_length=MAX_SOURCE_LENGTH,
        description="a future public random value mixed into the seed (e.g. 福利彩票3D 2026-12-10 开奖号码, or the "
                    "digits a witness reads out at the draw ceremony); given at the draw (docs/draw.md §7.1)")

    @field_validator("public_entropy_source")
    @classmethod
    def _names_a_value(cls, source: str | None) -> str | None:
        if source is None or not source.strip():
            return None
        return PublicEntropy(source.strip()).source

    @model_validator(mode="after")
    def _one_sample_rule(self) -> "TaskCreate":
        problem = sampling.rule_problem(self.sample_size, self.ratio, self.credit_risk_ratios)
        if problem:
            raise ValueError(problem)
        if not self.planned and not self.unplanned_reason.strip():
            raise ValueError("unplanned_reason: required for an unplanned (非计划型) task")
        if self.window_start and self.window_end and self.window_end < self.window_start:
            raise ValueError("window_end: must not be before window_start")
        codes = [r.department_code for r in self.responders]
        if len(codes) != len(set(codes)):
            raise ValueError("responders: a department is listed twice")
        return self


class AcknowledgeBody(BaseModel):
    accept: bool
    reason: str = Field(default="", max_length=1000)


class DrawBody(BaseModel):
    public_entropy_value: str | None = Field(
        default=None, max_length=MAX_VALUE_LENGTH,
        description="the public random value the task named at launch, as published; required at its first draw")


class ExclusionBody(BaseModel):
    object_id: BodyId
    reason: ExclusionReason = Field(description="a kind of the object's warning or departure in the proposal")


class ConfirmDrawBody(BaseModel):
    exclude: list[ExclusionBody | BodyId] = Field(
        default=[], max_length=10_000,
        description="drawn objects to leave out, each {object_id, reason}; an id alone stands for the one reason its "
                    "warnings give (refused when it has none or several)")


class MatchBody(BaseModel):
    experts_per_object: int = Field(default=0, ge=0, le=5,
                                    description="external experts (外部专家) to add per object, besides two officers")


class ScheduleBody(BaseModel):
    inspection_date: Day | None = None
    object_ids: list[BodyId] | None = None
    confirm: bool = False


class CancelBody(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)


class ResultBody(ResultFields):
    """The form as the department sends it (the acting user is added from the token)."""

    inspection_date: Day
    rectification_due: Day | None = None
    inspector_ids: list[BodyId] = []


class ReviewBody(BaseModel):
    reason: str = Field(default="", max_length=1000)


class FollowupBody(BaseModel):
    kind: FollowupKind
    action: FollowupAction = "complete"
    receiving_department_code: DepartmentCode | None = None
    outcome: str = Field(default="", max_length=5000)
    passed: bool | None = None
    department_code: DepartmentCode | None = None


class ExtendBody(BaseModel):
    working_days: int = Field(default=2, ge=1, le=30)
    reason: str = ""


class RemoveBody(BaseModel):
    reason: str = Field(min_length=1, max_length=1000)
