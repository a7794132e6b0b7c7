"""The object scope of a task as SQL: the one place that turns an ObjectScope filter into a WHERE clause."""

from sqlalchemy import ColumnElement, String, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import InspectionObject, Item
from workflows.messages import ObjectScope


def scope_conditions(scope: ObjectScope) -> list[ColumnElement[bool]]:
    """Active objects matching every non-empty filter of the scope."""
    o = InspectionObject
    conditions: list[ColumnElement[bool]] = [o.status == "active"]
    if scope.region_codes:
        conditions.append(o.region_code.in_(scope.region_codes))
    if scope.industry_codes:
        conditions.append(o.industry_code.in_(scope.industry_codes))
    if scope.kinds:
        conditions.append(o.kind.in_(scope.kinds))
    if scope.credit_risk_classes:
        conditions.append(o.credit_risk_class.in_(scope.credit_risk_classes))
    if scope.tags:
        # Tags are a JSON list; matching the quoted element in its text form works on SQLite and PostgreSQL alike.
        tags_text = cast(o.tags, String)
        conditions.append(or_(*[tags_text.like(f'%"{tag}"%') for tag in scope.tags]))
    return conditions


async def population_counts(session: AsyncSession, scope: ObjectScope) -> dict[str, int]:
    """Eligible objects per credit-risk class (the live count the console shows while a task is drafted)."""
    o = InspectionObject
    rows = await session.execute(select(o.credit_risk_class, func.count()).where(and_(*scope_conditions(scope)))
                                 .group_by(o.credit_risk_class))
    return {cls: n for cls, n in rows.all()}


async def current_items(session: AsyncSession, department_code: str, codes: list[str]) -> dict[str, Item]:
    """The current versions of the given item codes that belong to the department."""
    rows = await session.execute(select(Item).where(Item.code.in_(codes), Item.is_current.is_(True),
                                                    Item.department_code == department_code))
    return {item.code: item for item in rows.scalars()}
