"""Annual inspection plans (年度抽查工作计划) of departments, the office's joint plan, and every adjustment."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Index, Integer, Numeric, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, CreatedAt
from store.types import UTCDateTime

# draft → submitted → compiled (taken into the year's joint plan) → published (public, 向社会公示).
PLAN_STATES = ("draft", "submitted", "compiled", "published")
PLAN_KINDS = ("department", "joint")
_ONE_JOINT_PLAN = text("kind = 'joint'")


class AnnualPlan(CreatedAt, Base):
    __tablename__ = "annual_plans"
    # One joint plan per year: compiling twice concurrently must not make two.
    __table_args__ = (Index("uq_annual_plans_joint_year", "year", unique=True,
                            sqlite_where=_ONE_JOINT_PLAN, postgresql_where=_ONE_JOINT_PLAN),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # department | joint
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True)
    joint_plan_id: Mapped[int | None] = mapped_column(ForeignKey("annual_plans.id"), nullable=True)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    item_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    object_scope: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    ratio: Mapped[Decimal | None] = mapped_column(Numeric(6, 4), nullable=True)
    credit_risk_ratios: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    lead_office: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    cooperating_offices: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    planned_months: Mapped[list[int]] = mapped_column(JSON, nullable=False, default=list)
    state: Mapped[str] = mapped_column(String(16), nullable=False, default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False, default="", server_default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AnnualPlanAdjustment(Base):
    """A change to a plan after submission, kept with the reason (every adjustment kept)."""

    __tablename__ = "annual_plan_adjustments"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("annual_plans.id"), nullable=False, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    by: Mapped[str] = mapped_column(String(64), nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    before: Mapped[dict] = mapped_column(JSON, nullable=False)
    after: Mapped[dict] = mapped_column(JSON, nullable=False)
