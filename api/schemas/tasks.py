"""Request and response shapes of the joint-task API (SPEC §9)."""

from pydantic import BaseModel, Field, model_validator

from domain import sampling
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


class ConfirmDrawBody(BaseModel):
    exclude: list[BodyId] = []


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
