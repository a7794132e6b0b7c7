"""一单两库: the item list (versioned), the object directory, the inspector directory, region adjacency."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.masterdata import (CREDIT_RISK_CLASSES, INSPECTOR_KINDS, ITEM_CATEGORIES,  # noqa: F401 - re-exported
                               ITEM_CLASSES, ITEM_METHODS, OBJECT_KINDS, OBJECT_STATUSES)
from store.models.base import Base, CreatedAt, utcnow
from store.types import UTCDateTime


class Item(CreatedAt, Base):
    """One version of an inspection item; a change adds a version, old ones stay (动态调整)."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("code", "version", name="uq_items_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    subject: Mapped[str] = mapped_column(String(256), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    method: Mapped[str] = mapped_column(String(16), nullable=False)
    category: Mapped[str] = mapped_column(String(16), nullable=False)
    item_class: Mapped[str] = mapped_column(String(1), nullable=False)
    annual_ratio_cap: Mapped[Decimal | None] = mapped_column(Numeric(6, 4), nullable=True)
    frequency: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    required_tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    object_tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_by: Mapped[str] = mapped_column(String(64), nullable=False)


class InspectionObject(Base):
    """An entry of the object directory (检查对象名录库); the USCC is its natural key."""

    __tablename__ = "inspection_objects"
    __table_args__ = (
        # A region's eligible ids straight from the index, ascending (store.scope.ascending_id_parts; migration 0007).
        Index("ix_inspection_objects_scope", "status", "region_code", "id", postgresql_include=["credit_risk_class"]),
        Index("ix_inspection_objects_industry", "industry_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uscc: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(256), nullable=False)
    address: Mapped[str] = mapped_column(String(512), nullable=False, default="")
    legal_representative: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    region_code: Mapped[str] = mapped_column(String(6), nullable=False)
    industry_code: Mapped[str] = mapped_column(String(8), nullable=False, default="")
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    credit_risk_class: Mapped[str] = mapped_column(String(1), nullable=False)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default="active")
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    # On PostgreSQL this reference is checked once per statement by triggers, not per row (migration 0003).
    owner_department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Inspector(Base):
    """An entry of the inspector directory (执法检查人员名录库); the ID-card number is its natural key."""

    __tablename__ = "inspectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_card_number: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    department_code: Mapped[str] = mapped_column(ForeignKey("departments.code"), nullable=False, index=True)
    region_codes: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    certificate_number: Mapped[str] = mapped_column(String(64), nullable=False, default="")
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    method_tags: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    conflict_usccs: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class RegionAdjacency(Base):
    """Which regions count as adjacent when a department is short of local inspectors (SPEC §6)."""

    __tablename__ = "region_adjacency"

    region_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    adjacent_code: Mapped[str] = mapped_column(String(6), primary_key=True)
