"""Verifiable matching v2: pseudonymous pools, stable ranks, experts who never count, the record and its check."""

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from domain.matching import InspectorCandidate, MatchShortfall, MatchTarget, Shortfall, match_department
from domain.matching_v2 import (
    ObjectPool, PoolMember, department_record, eligible_pool, match_department_v2, pick, pool_from_record, pool_rank,
    pseudonym,
)

SEED = hashlib.sha256(b"matching v2").hexdigest()
KEY = b"server key"

members_st = st.lists(st.builds(PoolMember, pseudonym=st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True),
                                tier=st.sampled_from(["local", "adjacent"]), expert=st.booleans(),
                                previous=st.booleans()),
                      max_size=20, unique_by=lambda m: m.pseudonym)


def officers(n: int, tier: str = "local", previous: bool = False, prefix: str = "o") -> list[PoolMember]:
    return [PoolMember(f"{prefix}{tier[0]}{int(previous)}{i}", tier, False, previous) for i in range(n)]


@given(members_st, st.integers(1, 3), st.integers(0, 2), st.randoms(use_true_random=False))
@settings(deadline=None)
def test_picks_follow_the_rule_or_the_shortfall_is_named(members, per_object, experts, rnd):
    pool = ObjectPool(42, members)
    shuffled = ObjectPool(42, rnd.sample(members, len(members)))
    assert shuffled == pool and shuffled.digest() == pool.digest()
    available = [m for m in members if not m.expert]
    try:
        picks = pick(SEED, "SCJG", pool, per_object, experts)
    except MatchShortfall as short:
        assert short.shortfalls == [Shortfall(42, per_object, len(available))]
        return
    assert pick(SEED, "SCJG", shuffled, per_object, experts) == picks
    by_name = {m.pseudonym: m for m in members}
    chosen = [by_name[name] for name in picks.picks]
    assert len(chosen) == per_object and not any(m.expert for m in chosen), "experts never fill the officer places"
    assert all(by_name[name].expert for name in picks.expert_picks)
    assert len(picks.expert_picks) == min(experts, sum(m.expert for m in members))
    worst = max(m.preference for m in chosen)
    assert all(m.preference <= worst for m in chosen)
    assert sum(m.preference < worst for m in available) < per_object, "a worse tier only when the better are short"
    assert picks.rule == ("local", "local_previous", "adjacent", "adjacent_previous")[worst]


@given(members_st, st.lists(st.from_regex(r"[a-z0-9]{1,6}", fullmatch=True), max_size=5))
@settings(deadline=None)
def test_ranks_are_stable_whatever_else_is_in_the_pool(members, extra):
    """Two candidates keep their order when others join or leave: nobody can steer a pick by padding a pool."""
    if all(m.expert for m in members):
        return
    base = pick(SEED, "SCJG", ObjectPool(7, members), 1)
    taken = {m.pseudonym for m in members}
    grown = ObjectPool(7, members + [PoolMember(name, "local") for name in dict.fromkeys(extra) if name not in taken])
    order = pick(SEED, "SCJG", grown, 1).officers
    assert [name for name in order if name in base.officers] == list(base.officers)


def test_the_rank_is_sha256_of_the_documented_message():
    seed = bytes.fromhex(SEED)
    expected = hashlib.sha256(seed + b"jointcheck-match-v2\x00" + "市场监管".encode() + b"\x00"
                              + (9).to_bytes(8, "big") + b"i0a1").digest()
    assert pool_rank(seed, "市场监管", 9, "i0a1") == expected


def test_the_pool_digest_covers_tiers_flags_and_pseudonyms():
    pool = ObjectPool(1, [PoolMember("b", "local"), PoolMember("a", "adjacent", expert=True, previous=True)])
    assert pool.digest() == hashlib.sha256(b"local\tb\tofficer\tnew\nadjacent\ta\texpert\tprevious\n").hexdigest()
    changed = [ObjectPool(1, [PoolMember("b", "local", previous=True), PoolMember("a", "adjacent", True, True)]),
               ObjectPool(1, [PoolMember("b", "adjacent"), PoolMember("a", "adjacent", True, True)]),
               ObjectPool(1, [PoolMember("b", "local")])]
    assert len({pool.digest(), *(p.digest() for p in changed)}) == 4
    with pytest.raises(ValueError, match="twice"):
        ObjectPool(1, [PoolMember("a", "local"), PoolMember("a", "adjacent")])
    for bad in ("", "a b", "名", "x" * 65):
        with pytest.raises(ValueError, match="pseudonyms"):
            PoolMember(bad, "local")


def test_local_then_previous_then_adjacent():
    local_new, local_previous, adjacent = officers(1), officers(2, previous=True), officers(3, "adjacent")
    pool = ObjectPool(3, [*local_new, *local_previous, *adjacent])
    assert pick(SEED, "SCJG", pool, 1).rule == "local"
    two = pick(SEED, "SCJG", pool, 2)
    assert two.picks[0] == local_new[0].pseudonym and two.rule == "local_previous"
    assert pick(SEED, "SCJG", pool, 4).rule == "adjacent"


def test_pseudonyms_are_stable_opaque_and_depend_on_the_key():
    assert pseudonym(KEY, 17) == pseudonym(KEY, 17) != pseudonym(KEY, 18)
    assert pseudonym(KEY, 17) != pseudonym(b"other key", 17)
    assert len(pseudonym(KEY, 17)) == 21 and "17" not in pseudonym(KEY, 17)[:3]


def _directory():
    candidates = [InspectorCandidate(i, "SCJG", frozenset({"430302" if i < 5 else "430303"}), frozenset({"food"}),
                                     active=i != 3, expert=i == 4, conflict_object_ids=frozenset({2} if i == 1 else ()))
                  for i in range(1, 9)]
    targets = [MatchTarget(1, None, "430302", frozenset({"food"})), MatchTarget(2, None, "430302", frozenset({"food"}))]
    return candidates, targets, {"430302": frozenset({"430303"})}


def test_the_platform_pool_holds_the_eligible_inspectors_as_pseudonyms():
    candidates, targets, adjacency = _directory()
    names = {c.id: pseudonym(KEY, c.id) for c in candidates}
    pool = eligible_pool(targets[1], candidates, "SCJG", adjacency, frozenset({2}), names)
    assert {m.pseudonym: (m.tier, m.expert, m.previous) for m in pool.members} == {
        names[2]: ("local", False, True), names[4]: ("local", True, False),
        **{names[i]: ("adjacent", False, False) for i in range(5, 9)}}
    v1 = match_department(SEED, "SCJG", targets[1:], candidates, adjacency, {2: frozenset({2})})
    assert len(v1.assignments[0].adjacent_inspector_ids) == 1, "both versions apply the same eligibility"


def test_a_department_record_recomputes_from_its_own_pools():
    candidates, targets, adjacency = _directory()
    names = {c.id: pseudonym(KEY, c.id) for c in candidates}
    record = match_department_v2(SEED, "SCJG", targets, candidates, adjacency, {}, names, 2, 1)
    assert [o["object_id"] for o in record["objects"]] == [1, 2]
    pools = [pool_from_record(entry) for entry in record["objects"]]
    assert department_record(SEED, "SCJG", pools, 2, 1) == record
    assert all(entry["expert_picks"] == [names[4]] for entry in record["objects"])
    assert not {names[3], names[4]} & {p for entry in record["objects"] for p in entry["picks"]}
    assert set(record["objects"][0]) == {"object_id", "pool", "previous", "experts", "pool_sha256", "ranked",
                                         "experts_ranked", "picks", "expert_picks", "rule"}, "pseudonyms only"
    with pytest.raises(MatchShortfall, match="object 1: 9 needed"):
        match_department_v2(SEED, "SCJG", targets, candidates, adjacency, {}, names, 9)


@given(st.integers(0, 2**32))
@settings(deadline=None)
def test_another_seed_changes_the_order_but_never_the_pool(n):
    pool = ObjectPool(5, officers(6))
    other = hashlib.sha256(n.to_bytes(8, "big")).hexdigest()
    assert sorted(pick(other, "SCJG", pool, 2).officers) == sorted(pick(SEED, "SCJG", pool, 2).officers)


def test_seeds_spread_the_first_pick_over_the_pool():
    pool = ObjectPool(5, officers(8))
    firsts = {pick(hashlib.sha256(bytes([i])).hexdigest(), "SCJG", pool, 1).picks[0] for i in range(60)}
    assert len(firsts) == 8
