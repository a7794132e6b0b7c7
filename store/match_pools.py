"""Verifiable matching in the read model (docs/draw.md §7.5): the eligible pools frozen when the draw is confirmed,
in the transaction that reveals the seed, and the matching computed from them alone when a department matches.

Whoever sees the seed can no longer change a pool: editing the directory afterwards changes nothing of this task.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import matching as rules
from domain import matching_v2 as v2
from domain.draw_records import InspectorRef, MatchOutcome, MatchRequest, ObjectRef
from store import matching
from store.models.tasks import Assignment, Draw, Matching, MatchPool


class PoolsShort(Exception):
    """Some department has too few eligible officers for some drawn object: the draw cannot be confirmed yet."""

    def __init__(self, shortfalls: Sequence[rules.MatchShortfall]) -> None:
        self.shortfalls = list(shortfalls)
        super().__init__("the draw cannot be confirmed until every department can match two officers to every drawn "
                         "object: " + " | ".join(str(s) for s in self.shortfalls))


async def freeze(session: AsyncSession, task_id: str, departments: dict[str, list[str]], objects: list[ObjectRef],
                 pseudonym_key: bytes, now: datetime) -> None:
    """Each department's eligible pool per drawn object, as it stands now; PoolsShort naming every gap."""
    adjacency = await matching.adjacency(session)
    ids = [o.object_id for o in objects]
    short = []
    for department, item_codes in sorted(departments.items()):
        candidates, _ = await matching.candidates(session, department)
        tags = await matching.required_tags(session, item_codes)
        previous = await matching.previous_inspectors(session, task_id, department, ids)
        pseudonyms = {c.id: v2.pseudonym(pseudonym_key, c.id) for c in candidates}
        by_pseudonym = {name: inspector_id for inspector_id, name in pseudonyms.items()}
        gaps = []
        for obj in objects:
            target = rules.MatchTarget(object_id=obj.object_id, uscc=obj.uscc, region_code=obj.region_code,
                                       required_tags=tags)
            pool = v2.eligible_pool(target, candidates, department, adjacency,
                                    previous.get(obj.object_id, frozenset()), pseudonyms)
            officers = sum(1 for m in pool.members if not m.expert)
            if officers < rules.TWO_PERSON_RULE:
                gaps.append(rules.Shortfall(obj.object_id, rules.TWO_PERSON_RULE, officers))
            session.add(MatchPool(task_id=task_id, department_code=department, object_id=obj.object_id, frozen_at=now,
                                  members=[{"inspector_id": by_pseudonym[m.pseudonym], "pseudonym": m.pseudonym,
                                            "tier": m.tier, "expert": m.expert, "previous": m.previous}
                                           for m in pool.members]))
        if gaps:
            short.append(rules.MatchShortfall(department, gaps))
    if short:
        raise PoolsShort(short)


async def match(session: AsyncSession, request: MatchRequest, at: datetime) -> MatchOutcome:
    """Match one department from its frozen pools with the revealed final seed, once; answers what it stored."""
    stored = await matching.stored_outcome(session, request.task_id, request.department_code)
    if stored is not None:
        return stored
    draw = await session.get(Draw, request.task_id)
    if draw is None or draw.final_seed is None:
        raise ValueError("the draw of this task is not confirmed: there is nothing to match yet")
    rows = (await session.execute(select(MatchPool).where(MatchPool.task_id == request.task_id,
                                                          MatchPool.department_code == request.department_code)))
    frozen = {row.object_id: row.members for row in rows.scalars()}
    pools = [v2.ObjectPool(o.object_id, [v2.PoolMember(m["pseudonym"], m["tier"], m["expert"], m["previous"])
                                          for m in frozen.get(o.object_id, [])]) for o in request.objects]
    record = v2.department_record(draw.final_seed, request.department_code, pools, rules.TWO_PERSON_RULE,
                                  request.experts_per_object)
    session.add(Matching(task_id=request.task_id, department_code=request.department_code,
                         item_codes=list(request.item_codes), record=record, matched_at=at,
                         matched_by=request.actor.username))
    names = await matching.inspector_names(session, request.department_code)
    answer: dict[int, list[InspectorRef]] = {}
    for entry in record["objects"]:
        members = {m["pseudonym"]: m for m in frozen[entry["object_id"]]}
        picked = [members[name] for name in [*entry["picks"], *entry["expert_picks"]]]
        session.add_all(Assignment(task_id=request.task_id, object_id=entry["object_id"],
                                   department_code=request.department_code, inspector_id=m["inspector_id"],
                                   rank=rank, from_adjacent_region=m["tier"] == "adjacent", expert=m["expert"],
                                   assigned_at=at) for rank, m in enumerate(picked, start=1))
        answer[entry["object_id"]] = [InspectorRef(inspector_id=m["inspector_id"],
                                                   name=names.get(m["inspector_id"], ""),
                                                   from_adjacent_region=m["tier"] == "adjacent", expert=m["expert"])
                                      for m in picked]
    return MatchOutcome(department_code=request.department_code, assignments=answer)


async def department_records(session: AsyncSession, task_id: str) -> list[dict]:
    """The task's published v2 matching records, one per department that has matched, by department code."""
    rows = (await session.execute(select(Matching.record).where(Matching.task_id == task_id)
                                  .order_by(Matching.department_code))).scalars()
    return [record for record in rows if record.get("algorithm") == v2.MATCH_V2]


async def frozen_members(session: AsyncSession, task_ids: Sequence[str]) -> dict[tuple[str, str], dict[str, int]]:
    """Per (task, department), pseudonym → inspector id over the frozen pools (for the office's report only)."""
    found: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    if not task_ids:
        return found
    rows = await session.execute(select(MatchPool.task_id, MatchPool.department_code, MatchPool.members)
                                 .where(MatchPool.task_id.in_(list(task_ids))))
    for task_id, department, members in rows:
        found[(task_id, department)].update({m["pseudonym"]: m["inspector_id"] for m in members})
    return found
