"""Inspector matching: eligibility, the two-person rule, rotation, adjacent regions only when short, shortfalls."""

import hashlib

import pytest
from hypothesis import given, strategies as st

from domain.matching import (
    InspectorCandidate, MatchShortfall, MatchTarget, Shortfall, match_department, match_record, region_covers,
)

SEED = hashlib.sha256(b"matching").hexdigest()
REGIONS = ["440305", "440306", "440307"]
ADJACENCY = {"440305": frozenset({"440306"}), "440306": frozenset({"440305", "440307"})}
TAGS = ["food", "fire", "env"]


def inspector(id, dept="SCJG", regions=("440305",), tags=("food",), active=True, objects=(), usccs=(), expert=False):
    return InspectorCandidate(id=id, department_code=dept, region_codes=frozenset(regions), tags=frozenset(tags),
                              active=active, conflict_object_ids=frozenset(objects), conflict_usccs=frozenset(usccs),
                              expert=expert)


def target(object_id, region="440305", tags=("food",), uscc=None):
    return MatchTarget(object_id=object_id, uscc=uscc or f"USCC{object_id}", region_code=region,
                       required_tags=frozenset(tags))


candidates_st = st.lists(st.builds(
    inspector, id=st.integers(1, 40), dept=st.sampled_from(["SCJG", "SCJG", "STHJ"]),
    regions=st.lists(st.sampled_from([*REGIONS, "440000", "440300"]), min_size=1, max_size=2),
    tags=st.lists(st.sampled_from(TAGS), max_size=3), active=st.booleans(),
    objects=st.lists(st.integers(1, 6), max_size=2), usccs=st.lists(st.sampled_from(["USCC1", "USCC2"]), max_size=1),
), max_size=25, unique_by=lambda c: c.id)
targets_st = st.lists(st.builds(target, object_id=st.integers(1, 6), region=st.sampled_from(REGIONS),
                                tags=st.lists(st.sampled_from(TAGS), max_size=1)),
                      min_size=1, max_size=5, unique_by=lambda t: t.object_id)
previous_st = st.dictionaries(st.integers(1, 6), st.frozensets(st.integers(1, 40), max_size=4), max_size=6)


def eligible(c, t, adjacent=False):
    regions = ADJACENCY.get(t.region_code, frozenset()) if adjacent else {t.region_code}
    return (c.department_code == "SCJG" and c.active and t.object_id not in c.conflict_object_ids
            and t.uscc not in c.conflict_usccs and t.required_tags <= c.tags
            and any(region_covers(r, x) for r in c.region_codes for x in regions))


@given(targets_st, candidates_st, previous_st, st.integers(1, 3))
def test_matching_respects_every_rule_or_names_the_shortfall(targets, candidates, previous, per_object):
    local = {t.object_id: [c for c in candidates if eligible(c, t)] for t in targets}
    adjacent = {t.object_id: [c for c in candidates if eligible(c, t, adjacent=True) and c not in local[t.object_id]]
                for t in targets}
    short = {oid: len(local[oid]) + len(adjacent[oid]) for oid in local
             if len(local[oid]) + len(adjacent[oid]) < per_object}
    try:
        outcome = match_department(SEED, "SCJG", targets, candidates, ADJACENCY, previous, per_object)
    except MatchShortfall as shortfall:
        assert {s.object_id: s.available for s in shortfall.shortfalls} == short
        assert all(s.needed == per_object for s in shortfall.shortfalls)
        for object_id, available in short.items():
            assert f"object {object_id}: {per_object} needed, {available} eligible" in str(shortfall)
        return
    assert not short
    for t, a in zip(targets, outcome.assignments, strict=True):
        chosen = [c for c in candidates if c.id in a.inspector_ids]
        local_ids = {c.id for c in local[t.object_id]}
        assert len(a.inspector_ids) == len(set(a.inspector_ids)) == per_object
        assert all(c.id in local_ids or eligible(c, t, adjacent=True) for c in chosen)
        assert set(a.adjacent_inspector_ids) == {c.id for c in chosen if c.id not in local_ids}
        if a.adjacent_inspector_ids:
            assert local_ids <= set(a.inspector_ids), "adjacent regions only when the local ones are too few"
        repeated = previous.get(t.object_id, frozenset())
        assert set(a.repeated_inspector_ids) == set(a.inspector_ids) & repeated
        fresh_local = [c for c in local[t.object_id] if c.id not in repeated]
        if len(fresh_local) >= per_object:
            assert not a.repeated_inspector_ids, "a previous inspector is used only when otherwise short"


@given(targets_st, candidates_st, previous_st)
def test_matching_is_deterministic_and_depends_on_the_seed(targets, candidates, previous):
    try:
        first = match_department(SEED, "SCJG", targets, candidates, ADJACENCY, previous)
    except MatchShortfall:
        return
    assert match_department(SEED, "SCJG", targets, list(reversed(candidates)), ADJACENCY, previous) == first


def test_a_different_seed_gives_a_different_but_valid_pairing():
    pool = [inspector(i) for i in range(1, 21)]
    outcomes = {match_department(hashlib.sha256(bytes([i])).hexdigest(), "SCJG", [target(1)], pool, {})
                .assignments[0].inspector_ids for i in range(20)}
    assert len(outcomes) > 10


def test_conflicts_inactive_other_departments_wrong_tags_and_regions_are_never_matched():
    pool = [inspector(1, objects=[7]), inspector(2, usccs=["USCC7"]), inspector(3, active=False),
            inspector(4, dept="STHJ"), inspector(5, tags=["fire"]), inspector(6, regions=["110101"]),
            inspector(7), inspector(8, regions=["440300"], tags=["food", "fire"])]
    outcome = match_department(SEED, "SCJG", [target(7)], pool, ADJACENCY)
    assert set(outcome.assignments[0].inspector_ids) == {7, 8}


def test_previous_inspectors_are_avoided_while_others_remain():
    pool = [inspector(i) for i in range(1, 5)]
    outcome = match_department(SEED, "SCJG", [target(1)], pool, {}, previous={1: frozenset({1, 2})})
    assert set(outcome.assignments[0].inspector_ids) == {3, 4}
    outcome = match_department(SEED, "SCJG", [target(1)], pool, {}, previous={1: frozenset({1, 2, 3})})
    assert outcome.assignments[0].inspector_ids[0] == 4 and outcome.assignments[0].repeated_inspector_ids


def test_adjacent_regions_fill_in_only_when_local_inspectors_are_too_few():
    pool = [inspector(1), inspector(2, regions=["440306"]), inspector(3, regions=["440306"])]
    outcome = match_department(SEED, "SCJG", [target(1)], pool, ADJACENCY)
    assignment = outcome.assignments[0]
    assert assignment.inspector_ids[0] == 1 and len(assignment.adjacent_inspector_ids) == 1
    outcome = match_department(SEED, "SCJG", [target(1)], [*pool, inspector(4)], ADJACENCY)
    assert set(outcome.assignments[0].inspector_ids) == {1, 4} and not outcome.assignments[0].adjacent_inspector_ids


def test_a_shortfall_names_every_object_and_the_numbers():
    pool = [inspector(1), inspector(2, regions=["440307"])]
    with pytest.raises(MatchShortfall) as raised:
        match_department(SEED, "SCJG", [target(1), target(2, region="440306"), target(3, region="440307")],
                         pool, ADJACENCY)
    assert raised.value.shortfalls == [Shortfall(1, 2, 1), Shortfall(3, 2, 1)]
    assert str(raised.value) == ("department SCJG has too few eligible inspectors, adjacent regions included, "
                                 "for 2 object(s): object 1: 2 needed, 1 eligible; object 3: 2 needed, 1 eligible")


def test_region_covers_follows_gb_t_2260():
    assert region_covers("440305", "440305") and region_covers("440300", "440305")
    assert region_covers("440000", "440305") and not region_covers("440305", "440300")
    assert not region_covers("450000", "440305") and not region_covers("R1", "R2")


def test_the_record_lists_ids_only():
    outcome = match_department(SEED, "SCJG", [target(1)], [inspector(1), inspector(2)], {})
    record = match_record(outcome)
    assert record["label"] == "jointcheck-match-v1" and record["department_code"] == "SCJG"
    assert record["assignments"] == [{"object_id": 1, "inspector_ids": list(outcome.assignments[0].inspector_ids),
                                      "adjacent_inspector_ids": [], "repeated_inspector_ids": [],
                                      "expert_inspector_ids": []}]


def test_an_expert_joins_but_never_counts_toward_the_two_officers():
    pool = [inspector(1), inspector(2, expert=True), inspector(3, expert=True)]
    with pytest.raises(MatchShortfall) as raised:
        match_department(SEED, "SCJG", [target(1)], pool, {}, experts_per_object=2)
    assert raised.value.shortfalls == [Shortfall(1, 2, 1)]
    outcome = match_department(SEED, "SCJG", [target(1)], [*pool, inspector(4)], {}, experts_per_object=1)
    assignment = outcome.assignments[0]
    assert set(assignment.inspector_ids[:2]) == {1, 4} and len(assignment.inspector_ids) == 3
    assert assignment.expert_inspector_ids == assignment.inspector_ids[2:]
    assert assignment.expert_inspector_ids[0] in {2, 3}
    without = match_department(SEED, "SCJG", [target(1)], [*pool, inspector(4)], {})
    assert set(without.assignments[0].inspector_ids) == {1, 4} and not without.assignments[0].expert_inspector_ids


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        match_department(SEED, "SCJG", [target(1), target(1)], [], {})
    with pytest.raises(ValueError):
        match_department(SEED, "SCJG", [target(1)], [], {}, per_object=0)
    with pytest.raises(ValueError):
        match_department("nope", "SCJG", [target(1)], [], {})
    with pytest.raises(ValueError, match="experts_per_object"):
        match_department(SEED, "SCJG", [target(1)], [], {}, experts_per_object=-1)
    with pytest.raises(ValueError, match="department_code"):
        match_department(SEED, "", [target(1)], [], {})
