"""What a v2 draw states about its population beyond the scope (docs/draw.md §7.2, §7.3): objects the office's
annual cap keeps out at the freeze, and drawn objects that left the scope after it."""

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from domain.draw_records import ScopeDeparture
from domain.records import ObjectScope
from domain.workdays import SHANGHAI
from store.models import InspectionObject
from store.models.tasks import Draw, Task, TaskObject
from store.scope import scope_conditions

DEPARTED = {"deregistered": "冻结名单后已注销", "revoked": "冻结名单后已被吊销",
            "out_of_scope": "冻结名单后已不符合本任务的抽查范围"}


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The instants a calendar year in Beijing starts and ends."""
    return datetime(year, 1, 1, tzinfo=SHANGHAI), datetime(year + 1, 1, 1, tzinfo=SHANGHAI)


async def joint_inspections(session: AsyncSession, year: int, *, other_than: str = "") -> dict[int, int]:
    """Per object, the joint inspections it received in the year: tasks (not cancelled) whose draw, confirmed in
    that year, selected it."""
    start, end = year_bounds(year)
    rows = await session.execute(
        select(TaskObject.object_id, func.count(func.distinct(TaskObject.task_id)))
        .join(Draw, Draw.task_id == TaskObject.task_id).join(Task, Task.task_id == TaskObject.task_id)
        .where(Draw.confirmed_at >= start, Draw.confirmed_at < end, Task.stage != "cancelled",
               TaskObject.task_id != other_than)
        .group_by(TaskObject.object_id))
    return {object_id: int(n) for object_id, n in rows}


def apply_annual_cap(strata: Mapping[str, protocol.AscendingIds], received: Mapping[int, int], cap: int,
                     year: int) -> tuple[dict[str, protocol.AscendingIds], list[dict]]:
    """The strata without the objects at the cap, and the removals the record lists (ascending ids)."""
    at_cap = {object_id: n for object_id, n in received.items() if n >= cap}
    kept: dict[str, protocol.AscendingIds] = {}
    removed: list[dict] = []
    for key, ids in strata.items():
        leaving = [i for i in sorted(at_cap) if _holds(ids, i)]
        if not leaving:
            kept[key] = ids
            continue
        gone = set(leaving)
        kept[key] = protocol.AscendingIds([i for i in ids if i not in gone])
        removed += [{"object_id": i, "reason": "annual_cap",
                     "detail": f"{year}年已接受 {at_cap[i]} 次联合检查（上限 {cap} 次）"} for i in leaving]
    return kept, sorted(removed, key=lambda r: r["object_id"])


def _holds(ids: Sequence[int], object_id: int) -> bool:
    at = bisect_left(ids, object_id)
    return at < len(ids) and ids[at] == object_id


async def scope_departures(session: AsyncSession, scope: ObjectScope, object_ids: Sequence[int]) -> list[ScopeDeparture]:
    """Drawn objects that are no longer active, or no longer in the task's scope, since the freeze."""
    if not object_ids:
        return []
    o = InspectionObject
    status = dict((await session.execute(select(o.id, o.status).where(o.id.in_(object_ids)))).all())
    in_scope = set((await session.execute(select(o.id).where(o.id.in_(object_ids),
                                                             *scope_conditions(scope, status=None)))).scalars())
    departures = []
    for object_id in sorted(set(object_ids)):
        kind = status.get(object_id, "deregistered")
        if kind == "active":
            kind = None if object_id in in_scope else "out_of_scope"
        if kind in DEPARTED:
            departures.append(ScopeDeparture(object_id=object_id, kind=kind, detail=DEPARTED[kind]))
    return departures
