"""Queries and writes for 一单两库: versioned items, the object directory and the inspector directory.

Every write is audited here, in the caller's transaction; ID-card and phone numbers go into the audit change
masked, because audit readers (office, admin) are not the owner department.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.identifiers import mask_id_card, mask_phone
from domain.records import ObjectScope
from store import audit
from store.models import InspectionObject, Inspector, Item
from store.scope import json_list_has, scope_conditions

ITEM_FIELDS = ("name", "legal_basis", "subject", "content", "method", "category", "item_class", "annual_ratio_cap",
               "frequency", "required_tags", "object_tags", "published")
PUBLIC_ITEM_FIELDS = ("code", "version", "department_code", "name", "legal_basis", "subject", "content", "method",
                      "category", "item_class", "annual_ratio_cap", "frequency")


class Duplicate(Exception):
    """The natural key (item code and version, USCC, ID-card number) is already taken."""


def _audit_safe(change: dict[str, Any]) -> dict[str, Any]:
    safe = dict(change)
    if safe.get("id_card_number"):
        safe["id_card_number"] = mask_id_card(safe["id_card_number"])
    if safe.get("phone"):
        safe["phone"] = mask_phone(safe["phone"])
    return safe


async def _flush_new(session: AsyncSession, row: Any, key: str) -> None:
    # Routes look the key up first; this catches the writer that won a race between that look-up and the insert.
    session.add(row)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Duplicate(key) from exc


def _changed(row: Any, changes: dict[str, Any]) -> dict[str, Any]:
    return {field: value for field, value in changes.items() if getattr(row, field) != value}


# --- items (抽查事项清单) ---------------------------------------------------------------------------------------

def _cap(value: float | Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.0001"))


async def create_item(session: AsyncSession, *, actor: audit.Actor, code: str, department_code: str,
                      fields: dict[str, Any]) -> Item:
    """Version 1 of a new item; Duplicate when the code is taken."""
    values = {**fields, "annual_ratio_cap": _cap(fields.get("annual_ratio_cap"))}
    item = Item(code=code, version=1, is_current=True, department_code=department_code, created_by=actor.username,
                **values)
    await _flush_new(session, item, code)
    await audit.append(session, actor=actor, action="item.create", target=f"item:{code}",
                       change={"version": 1, "department_code": department_code, **values})
    return item


async def current_item(session: AsyncSession, code: str, *, for_update: bool = False) -> Item | None:
    stmt = select(Item).where(Item.code == code, Item.is_current.is_(True))
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.execute(stmt)).scalar_one_or_none()


async def item_version(session: AsyncSession, code: str, version: int) -> Item | None:
    return (await session.execute(select(Item).where(Item.code == code, Item.version == version))).scalar_one_or_none()


async def list_items(session: AsyncSession, *, department_code: str | None = None, code: str | None = None,
                     all_versions: bool = False, published: bool | None = None,
                     drafts_of: str | None = None) -> list[Item]:
    """Current versions (or every version when asked), ordered by code and version.

    With drafts_of, unpublished versions are listed only when that department owns them.
    """
    stmt = select(Item).order_by(Item.code, Item.version)
    if drafts_of is not None:
        stmt = stmt.where(or_(Item.published.is_(True), Item.department_code == drafts_of))
    if not all_versions:
        stmt = stmt.where(Item.is_current.is_(True))
    if department_code:
        stmt = stmt.where(Item.department_code == department_code)
    if code:
        stmt = stmt.where(Item.code == code)
    if published is not None:
        stmt = stmt.where(Item.published.is_(published))
    return list((await session.execute(stmt)).scalars())


async def new_item_version(session: AsyncSession, *, actor: audit.Actor, current: Item,
                           changes: dict[str, Any]) -> Item:
    """A new current version with the changes applied; the old row stays, no longer current (动态调整)."""
    changes = {**changes, **({"annual_ratio_cap": _cap(changes["annual_ratio_cap"])}
                             if "annual_ratio_cap" in changes else {})}
    changes = _changed(current, changes)
    if not changes:
        return current
    values = {field: getattr(current, field) for field in ITEM_FIELDS} | changes
    current.is_current = False
    await session.flush()
    item = Item(code=current.code, version=current.version + 1, is_current=True,
                department_code=current.department_code, created_by=actor.username, **values)
    await _flush_new(session, item, current.code)
    await audit.append(session, actor=actor, action="item.version", target=f"item:{current.code}",
                       change={"version": item.version, "previous_version": current.version, **changes})
    return item


async def published_items(session: AsyncSession, *, department_code: str | None = None) -> list[dict]:
    """The public item list (一公开): current, published versions, without internal fields."""
    rows = await list_items(session, department_code=department_code, published=True)
    return [{field: getattr(row, field) for field in PUBLIC_ITEM_FIELDS} for row in rows]


# --- objects (检查对象名录库) ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObjectFilter:
    region_code: str | None = None
    industry_code: str | None = None
    kind: str | None = None
    credit_risk_class: str | None = None
    tag: str | None = None
    status: str | None = None
    q: str | None = None


def _object_conditions(f: ObjectFilter) -> list[ColumnElement[bool]]:
    """The directory list's filter is a scope of one value per field (the draw's scope, by the same SQL), in any
    status unless one is asked for, plus a search by USCC prefix or name."""
    o = InspectionObject

    def one(value: str | None) -> list[str]:
        return [value] if value else []

    scope = ObjectScope(region_codes=one(f.region_code), industry_codes=one(f.industry_code), kinds=one(f.kind),
                        credit_risk_classes=one(f.credit_risk_class), tags=one(f.tag))
    conditions = scope_conditions(scope, status=f.status or None)
    if f.q:
        conditions.append(or_(o.uscc.startswith(f.q.upper(), autoescape=True), o.name.contains(f.q, autoescape=True)))
    return conditions


async def list_objects(session: AsyncSession, *, where: ObjectFilter, limit: int,
                       offset: int) -> tuple[int, list[InspectionObject]]:
    """(total matching, one page ordered by id)."""
    conditions = and_(True, *_object_conditions(where))
    total = (await session.execute(select(func.count()).select_from(InspectionObject).where(conditions))).scalar_one()
    rows = await session.execute(select(InspectionObject).where(conditions).order_by(InspectionObject.id)
                                 .limit(limit).offset(offset))
    return total, list(rows.scalars())


async def object_by_uscc(session: AsyncSession, uscc: str) -> InspectionObject | None:
    return (await session.execute(select(InspectionObject).where(InspectionObject.uscc == uscc))).scalar_one_or_none()


async def create_object(session: AsyncSession, *, actor: audit.Actor, owner_department_code: str | None,
                        fields: dict[str, Any]) -> InspectionObject:
    """A new directory entry owned by the creating department; Duplicate when the USCC is taken."""
    obj = InspectionObject(owner_department_code=owner_department_code, updated_at=datetime.now(timezone.utc),
                           **fields)
    await _flush_new(session, obj, fields["uscc"])
    await audit.append(session, actor=actor, action="object.create", target=f"object:{obj.uscc}",
                       change=_audit_safe({**fields, "owner_department_code": owner_department_code}))
    return obj


async def update_object(session: AsyncSession, *, actor: audit.Actor, obj: InspectionObject,
                        changes: dict[str, Any]) -> InspectionObject:
    """Apply the fields that differ (status changes included) and audit them; nothing to do, nothing written."""
    changes = _changed(obj, changes)
    if changes:
        for field, value in changes.items():
            setattr(obj, field, value)
        obj.updated_at = datetime.now(timezone.utc)
        await session.flush()
        await audit.append(session, actor=actor, action="object.update", target=f"object:{obj.uscc}",
                           change=_audit_safe(changes))
    return obj


# --- inspectors (执法检查人员名录库) -------------------------------------------------------------------------

@dataclass(frozen=True)
class InspectorFilter:
    department_code: str | None = None
    kind: str | None = None
    active: bool | None = None
    tag: str | None = None
    region_code: str | None = None
    q: str | None = None


def _inspector_conditions(f: InspectorFilter) -> list[ColumnElement[bool]]:
    i = Inspector
    conditions = [column == value for column, value in
                  {i.department_code: f.department_code, i.kind: f.kind}.items() if value]
    if f.active is not None:
        conditions.append(i.active.is_(f.active))
    if f.tag:
        conditions.append(json_list_has(i.tags, f.tag))
    if f.region_code:
        conditions.append(json_list_has(i.region_codes, f.region_code))
    if f.q:
        # By name or certificate only: searching by ID number would let a masked list confirm a guessed number.
        conditions.append(or_(i.name.contains(f.q, autoescape=True),
                              i.certificate_number.contains(f.q, autoescape=True)))
    return conditions


async def list_inspectors(session: AsyncSession, *, where: InspectorFilter, limit: int,
                          offset: int) -> tuple[int, list[Inspector]]:
    """(total matching, one page ordered by id)."""
    conditions = and_(True, *_inspector_conditions(where))
    total = (await session.execute(select(func.count()).select_from(Inspector).where(conditions))).scalar_one()
    rows = await session.execute(select(Inspector).where(conditions).order_by(Inspector.id).limit(limit).offset(offset))
    return total, list(rows.scalars())


async def inspector(session: AsyncSession, inspector_id: int) -> Inspector | None:
    return await session.get(Inspector, inspector_id)


async def create_inspector(session: AsyncSession, *, actor: audit.Actor, department_code: str,
                           fields: dict[str, Any]) -> Inspector:
    """A new inspector of the department; Duplicate when the ID-card number is already registered anywhere."""
    row = Inspector(department_code=department_code, updated_at=datetime.now(timezone.utc), **fields)
    await _flush_new(session, row, "id_card_number")
    await audit.append(session, actor=actor, action="inspector.create", target=f"inspector:{row.id}",
                       change=_audit_safe({**fields, "department_code": department_code}))
    return row


async def update_inspector(session: AsyncSession, *, actor: audit.Actor, row: Inspector,
                           changes: dict[str, Any]) -> Inspector:
    """Apply the fields that differ and audit them."""
    changes = _changed(row, changes)
    if changes:
        for field, value in changes.items():
            setattr(row, field, value)
        row.updated_at = datetime.now(timezone.utc)
        await session.flush()
        await audit.append(session, actor=actor, action="inspector.update", target=f"inspector:{row.id}",
                           change=_audit_safe(changes))
    return row
