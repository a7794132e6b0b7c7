"""Request and response shapes for the item list, the object directory, the inspector directory and imports."""

from datetime import datetime, timezone
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain import masterdata as md
from domain.identifiers import (id_card_error, mask_id_card, mask_phone, normalize_id_card, normalize_uscc,
                                uscc_error)
from domain.workdays import local_date

ItemMethod = Literal[md.ITEM_METHODS]
ObjectKind = Literal[md.OBJECT_KINDS]
ObjectStatus = Literal[md.OBJECT_STATUSES]
CreditRiskClass = Literal[md.CREDIT_RISK_CLASSES]
InspectorKind = Literal[md.INSPECTOR_KINDS]


def _field_rule(field: str, rule):
    """Run a domain rule and turn its FieldError into the ValueError pydantic reports under the field."""

    def check(value):
        try:
            return rule(value)
        except md.FieldError as exc:
            raise ValueError(exc.reason) from exc

    return AfterValidator(check)


def _valid_uscc(value: str) -> str:
    code = normalize_uscc(value)
    reason = uscc_error(code)
    if reason:
        raise ValueError(reason)
    return code


def _valid_id_card(value: str) -> str:
    number = normalize_id_card(value)
    reason = id_card_error(number, today=local_date(datetime.now(timezone.utc)))
    if reason:
        raise ValueError(reason)
    return number


Uscc = Annotated[str, AfterValidator(_valid_uscc), Field(description="统一社会信用代码, GB 32100 check character")]
IdCardNumber = Annotated[str, AfterValidator(_valid_id_card)]
# [0-9], not \d: pydantic's regex engine counts full-width and other Unicode digits as \d.
RegionCode = Annotated[str, Field(pattern=r"^[0-9]{6}$", description="GB/T 2260 six-digit region code")]
def _clean_tags(tags: list[str]) -> list[str]:
    return md.check_tags("tags", list(dict.fromkeys(t.strip() for t in tags if t.strip())))


Tags = Annotated[list[str], _field_rule("tags", _clean_tags)]
Phone = Annotated[str | None, _field_rule("phone", lambda p: md.phone(p) if p else None)]
IndustryCode = Annotated[str, _field_rule("industry_code", md.industry_code)]
Text = Annotated[str, Field(min_length=1)]
DepartmentCode = Annotated[str, Field(min_length=2, max_length=32)]


class _Input(BaseModel):
    # Cells pasted from spreadsheets carry stray spaces; the bulk import trims them too.
    model_config = ConfigDict(str_strip_whitespace=True)


class ItemCreate(_Input):
    """A new item (version 1); the class/category/cap rule of SPEC §2 is checked by the route."""

    code: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    department_code: DepartmentCode | None = Field(default=None, description="defaults to your own department")
    name: str = Field(min_length=1, max_length=256)
    legal_basis: Text
    subject: str = Field(min_length=1, max_length=256)
    content: Text
    method: ItemMethod
    category: Literal[md.ITEM_CATEGORIES]
    item_class: Literal[md.ITEM_CLASSES]
    annual_ratio_cap: float | None = Field(default=None, gt=0, le=1)
    frequency: str = Field(default="", max_length=64)
    required_tags: Tags = []
    object_tags: Tags = []
    published: bool = False


class ItemUpdate(_Input):
    """Any subset of an item's fields; the change becomes a new version."""

    name: str | None = Field(default=None, min_length=1, max_length=256)
    legal_basis: Text | None = None
    subject: str | None = Field(default=None, min_length=1, max_length=256)
    content: Text | None = None
    method: ItemMethod | None = None
    category: Literal[md.ITEM_CATEGORIES] | None = None
    item_class: Literal[md.ITEM_CLASSES] | None = None
    annual_ratio_cap: float | None = Field(default=None, gt=0, le=1, description="null removes the cap")
    frequency: str | None = Field(default=None, max_length=64)
    required_tags: Tags | None = None
    object_tags: Tags | None = None
    published: bool | None = None


class ItemPublic(BaseModel):
    """One version of an item as stored (responses are not re-validated against the write rules)."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    code: str
    version: int
    is_current: bool
    department_code: str
    name: str
    legal_basis: str
    subject: str
    content: str
    method: str
    category: str
    item_class: str
    annual_ratio_cap: float | None
    frequency: str
    required_tags: list[str]
    object_tags: list[str]
    published: bool
    created_by: str
    created_at: datetime


class ObjectCreate(_Input):
    uscc: Uscc
    name: str = Field(min_length=1, max_length=256)
    address: str = Field(default="", max_length=512)
    legal_representative: str = Field(default="", max_length=64)
    region_code: RegionCode
    industry_code: IndustryCode = ""
    kind: ObjectKind
    credit_risk_class: CreditRiskClass
    tags: Tags = []
    status: ObjectStatus = "active"
    phone: Phone = None


class ObjectUpdate(_Input):
    """Any subset of an object's fields (the USCC is its key and does not change)."""

    name: str | None = Field(default=None, min_length=1, max_length=256)
    address: str | None = Field(default=None, max_length=512)
    legal_representative: str | None = Field(default=None, max_length=64)
    region_code: RegionCode | None = None
    industry_code: IndustryCode | None = None
    kind: ObjectKind | None = None
    credit_risk_class: CreditRiskClass | None = None
    tags: Tags | None = None
    status: ObjectStatus | None = None
    phone: Phone = None


class ObjectPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    uscc: str
    name: str
    address: str
    legal_representative: str
    region_code: str
    industry_code: str
    kind: str
    credit_risk_class: str
    tags: list[str]
    status: str
    phone: str | None
    owner_department_code: str | None
    updated_at: datetime

    @classmethod
    def shown(cls, row, *, reveal: bool) -> "ObjectPublic":
        """The object as a reader may see it: the phone masked unless `reveal` (owner department, single view)."""
        public = cls.model_validate(row)
        if not reveal and public.phone:
            public.phone = mask_phone(public.phone)
        return public


class ObjectPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[ObjectPublic]


class InspectorCreate(_Input):
    id_card_number: IdCardNumber
    department_code: DepartmentCode | None = Field(default=None, description="defaults to your own department")
    name: str = Field(min_length=1, max_length=64)
    region_codes: list[RegionCode] = []
    certificate_number: str = Field(default="", max_length=64)
    phone: Phone = None
    kind: InspectorKind
    tags: Tags = []
    method_tags: list[ItemMethod] = []
    active: bool = True
    conflict_usccs: list[Uscc] = Field(default=[], description="USCCs the inspector must not inspect (回避)")


class InspectorUpdate(_Input):
    """Any subset of an inspector's fields (the ID-card number and department do not change)."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    region_codes: list[RegionCode] | None = None
    certificate_number: str | None = Field(default=None, max_length=64)
    phone: Phone = None
    kind: InspectorKind | None = None
    tags: Tags | None = None
    method_tags: list[ItemMethod] | None = None
    active: bool | None = None
    conflict_usccs: list[Uscc] | None = None


class InspectorPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    id_card_number: str
    name: str
    department_code: str
    region_codes: list[str]
    certificate_number: str
    phone: str | None
    kind: str
    tags: list[str]
    method_tags: list[str]
    active: bool
    conflict_usccs: list[str]
    updated_at: datetime

    @classmethod
    def shown(cls, row, *, reveal: bool) -> "InspectorPublic":
        """The inspector as a reader may see them: ID and phone masked unless `reveal` (owner, single view)."""
        public = cls.model_validate(row)
        if not reveal:
            public.id_card_number = mask_id_card(public.id_card_number)
            public.phone = mask_phone(public.phone) if public.phone else public.phone
        return public


class InspectorPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[InspectorPublic]


class RejectedRow(BaseModel):
    line: int
    field: str
    reason: str


class ImportReport(BaseModel):
    accepted: int
    created: int
    updated: int
    unchanged: int
    rejected: list[RejectedRow]
