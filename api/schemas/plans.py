"""Request and response shapes of annual plans (年度抽查工作计划: seed 002 arts. 25–27, seed 003 §(四))."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.masterdata import INDUSTRY_CODE, OBJECT_KINDS, REGION_CODE

CreditClass = Literal["A", "B", "C", "D"]
Ratio = Annotated[float, Field(gt=0, le=1)]
OfficeName = Annotated[str, Field(min_length=1, max_length=128)]
Month = Annotated[int, Field(ge=1, le=12)]
YEAR = Field(ge=2000, le=2100)


class PlanScope(BaseModel):
    """Which objects the plan covers (抽查对象): a filter over the directory; an empty list means any."""

    model_config = ConfigDict(extra="forbid")
    region_codes: list[str] = Field(default=[], max_length=500)
    industry_codes: list[str] = Field(default=[], max_length=500)
    kinds: list[Literal[OBJECT_KINDS]] = []  # type: ignore[valid-type]
    credit_risk_classes: list[CreditClass] = []
    tags: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(default=[], max_length=50)

    @field_validator("region_codes")
    @classmethod
    def _regions(cls, codes: list[str]) -> list[str]:
        bad = [c for c in codes if not REGION_CODE.fullmatch(c)]
        if bad:
            raise ValueError(f"not six-digit GB/T 2260 region codes: {', '.join(bad[:5])}")
        return codes

    @field_validator("industry_codes")
    @classmethod
    def _industries(cls, codes: list[str]) -> list[str]:
        bad = [c for c in codes if not INDUSTRY_CODE.fullmatch(c)]
        if bad:
            raise ValueError(f"not GB/T 4754 industry codes: {', '.join(bad[:5])}")
        return codes


def _four_places(ratio: float | None) -> float | None:
    # Stored as NUMERIC(6, 4): a finer ratio would be silently rounded.
    if ratio is not None and Decimal(str(ratio)).as_tuple().exponent < -4:
        raise ValueError("at most 4 decimal places (0.01 %)")
    return ratio


class _PlanFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("ratio", check_fields=False)
    @classmethod
    def _ratio_places(cls, ratio: float | None) -> float | None:
        return _four_places(ratio)

    @field_validator("credit_risk_ratios", check_fields=False)
    @classmethod
    def _class_places(cls, ratios: dict[str, float] | None) -> dict[str, float] | None:
        for ratio in (ratios or {}).values():
            _four_places(ratio)
        return ratios

    @field_validator("planned_months", check_fields=False)
    @classmethod
    def _months(cls, months: list[int] | None) -> list[int] | None:
        return None if months is None else sorted(set(months))

    @field_validator("item_codes", check_fields=False)
    @classmethod
    def _codes(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else list(dict.fromkeys(codes))


class PlanCreate(_PlanFields):
    """A department's draft plan; the department is the operator's own."""

    year: int = YEAR
    name: str = Field(min_length=2, max_length=256)
    item_codes: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(min_length=1, max_length=500)
    object_scope: PlanScope = PlanScope()
    ratio: Ratio | None = None
    credit_risk_ratios: dict[CreditClass, Ratio] = {}
    lead_office: OfficeName
    cooperating_offices: list[OfficeName] = Field(default=[], max_length=50)
    planned_months: list[Month] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _one_ratio_rule(self) -> "PlanCreate":
        if (self.ratio is None) == (not self.credit_risk_ratios):
            raise ValueError("give exactly one of ratio, credit_risk_ratios (信用风险分类差异化抽查)")
        return self


class PlanUpdate(_PlanFields):
    """Fields to change; after submission a reason is required and the adjustment is kept (第二十七条)."""

    name: str | None = Field(default=None, min_length=2, max_length=256)
    item_codes: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(default=None, max_length=500)
    object_scope: PlanScope | None = None
    ratio: Ratio | None = None
    credit_risk_ratios: dict[CreditClass, Ratio] | None = None
    lead_office: OfficeName | None = None
    cooperating_offices: list[OfficeName] | None = Field(default=None, max_length=50)
    planned_months: list[Month] | None = Field(default=None, max_length=12)
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _no_nulls(self) -> "PlanUpdate":
        for field in sorted(self.model_fields_set - {"ratio", "reason"}):
            if getattr(self, field) is None:
                raise ValueError(f"{field}: may not be null (only ratio may be cleared)")
        return self

    def changes(self) -> dict:
        """The fields the caller sent, JSON-ready, without the reason."""
        return self.model_dump(exclude_unset=True, exclude={"reason"}, mode="json")


class CompileBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=2, max_length=256)
    reason: str = Field(default="", max_length=2000, description="required once the joint plan is published")


class PlanPublic(BaseModel):
    id: int
    year: int
    kind: Literal["department", "joint"]
    department_code: str | None
    joint_plan_id: int | None
    name: str
    item_codes: list[str]
    object_scope: dict
    ratio: float | None
    credit_risk_ratios: dict[str, float]
    lead_office: str
    cooperating_offices: list[str]
    planned_months: list[int]
    state: Literal["draft", "submitted", "compiled", "published"]
    created_at: datetime
    created_by: str
    submitted_at: datetime | None
    updated_at: datetime | None
    published_at: datetime | None
    department_plan_ids: list[int] = Field(default=[], description="for a joint plan: the plans it compiles")


class AdjustmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    plan_id: int
    at: datetime
    by: str
    reason: str
    before: dict
    after: dict
