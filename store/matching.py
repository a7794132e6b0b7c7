"""What inspector matching (SPEC §6) reads from the directories, and the assignments it records."""

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import matching as rules
from domain.draw_records import InspectorRef, MatchOutcome, MatchRequest
from store.models import Inspector, Item, RegionAdjacency
from store.models.tasks import Assignment, Matching


async def candidates(session: AsyncSession, department_code: str) -> tuple[list[rules.InspectorCandidate],
                                                                              dict[int, str]]:
    """The department's active inspectors as matching sees them, and their names by id."""
    rows = (await session.execute(select(Inspector).where(Inspector.department_code == department_code,
                                                          Inspector.active.is_(True))
                                  .order_by(Inspector.id))).scalars().all()
    # Method tags (on_site, written…) count as qualifications too: an item may require either kind.
    found = [rules.InspectorCandidate(id=i.id, department_code=i.department_code,
                                      region_codes=frozenset(i.region_codes),
                                      tags=frozenset(i.tags) | frozenset(i.method_tags), active=i.active,
                                      conflict_usccs=frozenset(i.conflict_usccs), expert=i.kind == "expert")
             for i in rows]
    return found, {i.id: i.name for i in rows}


async def inspector_names(session: AsyncSession, department_code: str) -> dict[int, str]:
    """The department's inspectors' names by id (the console shows names, never ID numbers)."""
    rows = await session.execute(select(Inspector.id, Inspector.name)
                                 .where(Inspector.department_code == department_code))
    return dict(rows.all())


async def required_tags(session: AsyncSession, item_codes: list[str]) -> frozenset[str]:
    """Every tag the current versions of the items require of an inspector."""
    rows = await session.execute(select(Item.required_tags).where(Item.code.in_(item_codes), Item.is_current.is_(True)))
    return frozenset(tag for (tags,) in rows for tag in tags)


async def adjacency(session: AsyncSession) -> dict[str, frozenset[str]]:
    """Configured region adjacency, read both ways: neighbours are neighbours of each other."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for region, adjacent in (await session.execute(select(RegionAdjacency.region_code,
                                                          RegionAdjacency.adjacent_code))):
        neighbours[region].add(adjacent)
        neighbours[adjacent].add(region)
    return {region: frozenset(codes) for region, codes in neighbours.items()}


async def previous_inspectors(session: AsyncSession, task_id: str, department_code: str,
                              object_ids: list[int]) -> dict[int, frozenset[int]]:
    """Per object, the department's inspectors of the latest earlier task that inspected it ("last time")."""
    rows = await session.execute(
        select(Assignment.object_id, Assignment.task_id, Assignment.inspector_id, Assignment.assigned_at)
        .where(Assignment.object_id.in_(object_ids), Assignment.department_code == department_code,
               Assignment.task_id != task_id))
    latest: dict[int, tuple[datetime, str]] = {}
    by_task: dict[tuple[int, str], set[int]] = defaultdict(set)
    for object_id, other_task, inspector_id, at in rows:
        by_task[(object_id, other_task)].add(inspector_id)
        if object_id not in latest or (at, other_task) > latest[object_id]:
            latest[object_id] = (at, other_task)
    return {object_id: frozenset(by_task[(object_id, t)]) for object_id, (_, t) in latest.items()}


async def stored_outcome(session: AsyncSession, task_id: str, department_code: str) -> MatchOutcome | None:
    """The department's recorded matching for the task, or None when it has not matched yet."""
    if await session.get(Matching, (task_id, department_code)) is None:
        return None
    rows = (await session.execute(
        select(Assignment, Inspector.name).join(Inspector, Inspector.id == Assignment.inspector_id, isouter=True)
        .where(Assignment.task_id == task_id, Assignment.department_code == department_code)
        .order_by(Assignment.object_id, Assignment.rank)))
    assignments: dict[int, list[InspectorRef]] = defaultdict(list)
    for a, name in rows:
        assignments[a.object_id].append(InspectorRef(inspector_id=a.inspector_id, name=name or "",
                                                     from_adjacent_region=a.from_adjacent_region, expert=a.expert))
    return MatchOutcome(department_code=department_code, assignments=dict(assignments))


def store_outcome(session: AsyncSession, request: MatchRequest, outcome: rules.MatchOutcome,
                  names: dict[int, str], at: datetime) -> MatchOutcome:
    """Record the matching and its assignments; answers what the workflow keeps."""
    session.add(Matching(task_id=request.task_id, department_code=request.department_code,
                         item_codes=list(request.item_codes), record=rules.match_record(outcome), matched_at=at,
                         matched_by=request.actor.username))
    answer: dict[int, list[InspectorRef]] = {}
    for a in outcome.assignments:
        adjacent, experts = set(a.adjacent_inspector_ids), set(a.expert_inspector_ids)
        session.add_all(Assignment(task_id=request.task_id, object_id=a.object_id,
                                   department_code=request.department_code, inspector_id=i, rank=rank,
                                   from_adjacent_region=i in adjacent, expert=i in experts, assigned_at=at)
                        for rank, i in enumerate(a.inspector_ids, start=1))
        answer[a.object_id] = [InspectorRef(inspector_id=i, name=names.get(i, ""), from_adjacent_region=i in adjacent,
                                            expert=i in experts) for i in a.inspector_ids]
    return MatchOutcome(department_code=request.department_code, assignments=answer)
