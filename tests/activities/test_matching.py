"""Inspector matching: eligible inspectors only, two per object, adjacent regions when short, a named refusal."""

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.draw import DrawActivities
from domain.draw_records import MatchRequest, ObjectRef
from store.models.tasks import Assignment, Matching
from tests.activities import factories as f

SEED = "5e" * 32


@pytest.fixture
def acts(sessions, activity_settings) -> DrawActivities:
    return DrawActivities(sessions, activity_settings)


def match_request(dept: str, objects: list[ObjectRef], task_id: str = "T1") -> MatchRequest:
    return MatchRequest(task_id=task_id, seed=SEED, department_code=dept, item_codes=[f"{dept}-01"], objects=objects,
                        actor=f.lead_actor(dept))


async def directory(sessions, dept: str, *, local: int, adjacent: int = 0, extra: bool = False) -> dict:
    """A department whose item needs the tag 食品, with `local` fitting inspectors in 430302 and two objects."""
    async with sessions.begin() as session:
        f.department(session, dept)
        await session.flush()
        f.item(session, f"{dept}-01", dept, required_tags=["食品"])
        objects = [f.inspection_object(session) for _ in range(2)]
        await session.flush()
        fitting = [f.inspector(session, dept, tags=["食品"]) for _ in range(local)]
        neighbours = [f.inspector(session, dept, region_codes=["430304"], tags=["食品"]) for _ in range(adjacent)]
        unfit = []
        if extra:
            unfit = [f.inspector(session, dept, tags=["环保"]), f.inspector(session, dept, tags=["食品"], active=False),
                     f.inspector(session, dept, tags=["食品"], conflict_usccs=[objects[0].uscc])]
        await session.flush()
        refs = [ObjectRef(object_id=o.id, uscc=o.uscc, name=o.name, region_code=o.region_code,
                          credit_risk_class=o.credit_risk_class) for o in objects]
        return {"objects": refs, "fitting": [i.id for i in fitting], "adjacent": [i.id for i in neighbours],
                "unfit": [i.id for i in unfit]}


async def assignment_count(sessions) -> int:
    async with sessions() as session:
        return (await session.execute(select(func.count()).select_from(Assignment))).scalar_one()


async def test_two_fitting_local_inspectors_per_object_recorded_once(acts, sessions):
    d = await directory(sessions, "D1", local=3, extra=True)
    outcome = await ActivityEnvironment().run(acts.match_inspectors, match_request("D1", d["objects"]))
    again = await acts.match_inspectors(match_request("D1", d["objects"]))
    assert again == outcome and await assignment_count(sessions) == 4
    for ref in d["objects"]:
        chosen = [i.inspector_id for i in outcome.assignments[ref.object_id]]
        assert len(chosen) == 2 and set(chosen) <= set(d["fitting"])
        assert not any(i.from_adjacent_region for i in outcome.assignments[ref.object_id])
    async with sessions() as session:
        record = (await session.get(Matching, ("T1", "D1"))).record
    assert record["per_object"] == 2 and len(record["assignments"]) == 2


async def test_adjacent_regions_fill_a_local_shortfall(acts, sessions):
    d = await directory(sessions, "D2", local=1, adjacent=2)
    async with sessions.begin() as session:
        f.adjacent(session, "430304", "430302")  # configured one way only; adjacency is mutual
    outcome = await acts.match_inspectors(match_request("D2", d["objects"]))
    for refs in outcome.assignments.values():
        assert len(refs) == 2
        assert [r.from_adjacent_region for r in refs] == [False, True]
        assert refs[0].inspector_id == d["fitting"][0] and refs[1].inspector_id in d["adjacent"]
    async with sessions() as session:
        flags = (await session.execute(select(Assignment.from_adjacent_region))).scalars().all()
    assert sorted(flags) == [False, False, True, True]


async def test_too_few_inspectors_is_refused_naming_the_shortfall(acts, sessions):
    d = await directory(sessions, "D3", local=1, extra=True)
    with pytest.raises(ApplicationError) as refused:
        await acts.match_inspectors(match_request("D3", d["objects"]))
    assert refused.value.type == "MatchShortfall" and refused.value.non_retryable
    # The conflicted inspector may still inspect the second object, so only the first one is short.
    first, second = d["objects"]
    message = refused.value.message
    assert "D3" in message and f"object {first.object_id}: 2 needed, 1 eligible" in message
    assert f"object {second.object_id}" not in message
    assert refused.value.details[0] == [{"object_id": first.object_id, "needed": 2, "available": 1}]
    assert await assignment_count(sessions) == 0


async def test_last_times_inspectors_are_avoided_when_others_fit(acts, sessions):
    d = await directory(sessions, "D4", local=4)
    first = await acts.match_inspectors(match_request("D4", d["objects"], task_id="T-EARLIER"))
    second = await acts.match_inspectors(match_request("D4", d["objects"], task_id="T-LATER"))
    for ref in d["objects"]:
        before = {i.inspector_id for i in first.assignments[ref.object_id]}
        after = {i.inspector_id for i in second.assignments[ref.object_id]}
        assert not before & after and len(after) == 2
