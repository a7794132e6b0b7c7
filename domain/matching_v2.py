"""Verifiable matching (`jointcheck-match-v2`, docs/draw.md §7.5): pseudonymous pools, ranks and picks.

The platform turns its directory into a pool per object (eligible_pool: identities in, pseudonyms out); from
then on the picks are a pure function of (seed, department, object, pool, rules) that anyone can recompute from
the public record (pick). An inspector's pseudonym is an input: opaque, and stable across tasks (pseudonym()),
so nobody can choose pseudonyms per task to steer the ranks.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from domain.draw import seed_bytes
from domain.matching import (
    TIERS, TWO_PERSON_RULE, InspectorCandidate, MatchShortfall, MatchTarget, Shortfall, check_rules, placement_of,
)

MATCH_V2 = "jointcheck-match-v2"
RULES = ("local", "local_previous", "adjacent", "adjacent_previous")  # preference order of the officer picks
_PSEUDONYM = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True)
class PoolMember:
    """One eligible inspector as the public sees them: a pseudonym, a tier and two flags."""

    pseudonym: str
    tier: str
    expert: bool = False
    previous: bool = False  # inspected this object last time: deprioritised within the tier

    def __post_init__(self) -> None:
        if not isinstance(self.pseudonym, str) or not _PSEUDONYM.fullmatch(self.pseudonym):
            raise ValueError(f"pool: pseudonyms match [A-Za-z0-9_.-]{{1,64}}, got {self.pseudonym!r}")
        if self.tier not in TIERS:
            raise ValueError(f"pool: tier {self.tier!r} is not one of {', '.join(TIERS)}")

    @property
    def preference(self) -> int:
        """0 local and new to the object, 1 local and previous, 2 adjacent and new, 3 adjacent and previous."""
        return TIERS.index(self.tier) * 2 + self.previous


@dataclass(frozen=True)
class ObjectPool:
    """The frozen eligible pool of one department for one object, in canonical order (tier, then pseudonym)."""

    object_id: int
    members: tuple[PoolMember, ...]

    def __init__(self, object_id: int, members: Iterable[PoolMember]) -> None:
        ordered = tuple(sorted(members, key=lambda m: (TIERS.index(m.tier), m.pseudonym)))
        if len({m.pseudonym for m in ordered}) != len(ordered):
            raise ValueError(f"pool of object {object_id}: a pseudonym appears twice")
        if isinstance(object_id, bool) or not isinstance(object_id, int) or not 0 <= object_id < 1 << 64:
            raise ValueError("pool: object ids are integers in [0, 2**64)")
        object.__setattr__(self, "object_id", object_id)
        object.__setattr__(self, "members", ordered)

    def digest(self) -> str:
        """SHA-256 of the lines "tier TAB pseudonym TAB officer|expert TAB new|previous LF" in canonical order."""
        lines = "".join(f"{m.tier}\t{m.pseudonym}\t{'expert' if m.expert else 'officer'}\t"
                        f"{'previous' if m.previous else 'new'}\n" for m in self.members)
        return hashlib.sha256(lines.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class PoolPicks:
    """Officers and experts in preference order, the picks, and the rule that explains the officer picks."""

    officers: tuple[str, ...]
    experts: tuple[str, ...]
    picks: tuple[str, ...]
    expert_picks: tuple[str, ...]
    rule: str


def pseudonym(key: bytes, inspector_id: int) -> str:
    """A stable, opaque pseudonym: "i" + 20 hex digits of HMAC-SHA256(key, label ‖ u64(id)); key stays secret."""
    tag = hmac.new(key, b"jointcheck-inspector\x00" + inspector_id.to_bytes(8, "big"), hashlib.sha256)
    return "i" + tag.hexdigest()[:20]


def pool_rank(seed: bytes, department_code: str, object_id: int, member: str) -> bytes:
    """SHA-256(seed ‖ "jointcheck-match-v2" ‖ 0 ‖ department ‖ 0 ‖ u64(object) ‖ pseudonym): smallest first."""
    return hashlib.sha256(seed + MATCH_V2.encode("ascii") + b"\x00" + department_code.encode("utf-8") + b"\x00"
                          + object_id.to_bytes(8, "big") + member.encode("ascii")).digest()


def eligible_pool(target: MatchTarget, candidates: Iterable[InspectorCandidate], department_code: str,
                  adjacency: Mapping[str, frozenset[str]], previous_ids: frozenset[int],
                  pseudonyms: Mapping[int, str]) -> ObjectPool:
    """The platform's side: the department's active, eligible inspectors of one object, as pseudonyms."""
    adjacent = adjacency.get(target.region_code, frozenset())
    members = []
    for candidate in candidates:
        if candidate.department_code != department_code or not candidate.active:
            continue
        placement = placement_of(candidate, target, adjacent)
        if placement is not None:
            members.append(PoolMember(pseudonyms[candidate.id], placement, candidate.expert,
                                      candidate.id in previous_ids))
    return ObjectPool(target.object_id, members)


def pick(seed_hex: str, department_code: str, pool: ObjectPool, per_object: int = TWO_PERSON_RULE,
         experts_per_object: int = 0) -> PoolPicks:
    """The picks: a pure function of the public inputs; MatchShortfall when the pool has too few officers."""
    check_rules(department_code, per_object, experts_per_object)
    seed = seed_bytes(seed_hex)
    ranked = sorted(pool.members, key=lambda m: (m.preference,
                                                 pool_rank(seed, department_code, pool.object_id, m.pseudonym)))
    officers = [m for m in ranked if not m.expert]
    experts = [m for m in ranked if m.expert]
    if len(officers) < per_object:
        raise MatchShortfall(department_code, [Shortfall(pool.object_id, per_object, len(officers))])
    return PoolPicks(officers=tuple(m.pseudonym for m in officers), experts=tuple(m.pseudonym for m in experts),
                     picks=tuple(m.pseudonym for m in officers[:per_object]),
                     expert_picks=tuple(m.pseudonym for m in experts[:experts_per_object]),
                     rule=RULES[officers[per_object - 1].preference])


def department_record(seed_hex: str, department_code: str, pools: Sequence[ObjectPool],
                      per_object: int = TWO_PERSON_RULE, experts_per_object: int = 0) -> dict:
    """One department's matching record for a v2 draw record; MatchShortfall naming every object short."""
    if len({p.object_id for p in pools}) != len(pools):
        raise ValueError("pools: an object appears more than once")
    objects, shortfalls = [], []
    for pool in pools:
        try:
            picks = pick(seed_hex, department_code, pool, per_object, experts_per_object)
        except MatchShortfall as short:
            shortfalls.extend(short.shortfalls)
            continue
        objects.append(_object_record(pool, picks))
    if shortfalls:
        raise MatchShortfall(department_code, shortfalls)
    return {"algorithm": MATCH_V2, "department_code": department_code, "per_object": per_object,
            "experts_per_object": experts_per_object, "objects": objects}


def match_department_v2(seed_hex: str, department_code: str, targets: Sequence[MatchTarget],
                        candidates: Iterable[InspectorCandidate], adjacency: Mapping[str, frozenset[str]],
                        previous: Mapping[int, frozenset[int]], pseudonyms: Mapping[int, str],
                        per_object: int = TWO_PERSON_RULE, experts_per_object: int = 0) -> dict:
    """Directory in, public record out: the pools of every target, then department_record."""
    pool = list(candidates)
    pools = [eligible_pool(t, pool, department_code, adjacency, previous.get(t.object_id, frozenset()), pseudonyms)
             for t in targets]
    return department_record(seed_hex, department_code, pools, per_object, experts_per_object)


def _object_record(pool: ObjectPool, picks: PoolPicks) -> dict:
    return {
        "object_id": pool.object_id,
        "pool": {tier: [m.pseudonym for m in pool.members if m.tier == tier] for tier in TIERS},
        "previous": sorted(m.pseudonym for m in pool.members if m.previous),
        "experts": sorted(m.pseudonym for m in pool.members if m.expert),
        "pool_sha256": pool.digest(),
        "ranked": list(picks.officers), "experts_ranked": list(picks.experts),
        "picks": list(picks.picks), "expert_picks": list(picks.expert_picks), "rule": picks.rule,
    }


def pool_from_record(entry: Mapping) -> ObjectPool:
    """The pool a published object record describes; ValueError unless its lists are canonical and consistent."""
    tiers = entry["pool"]
    for tier in TIERS:
        names = tiers[tier]
        if not isinstance(names, list) or any(not isinstance(n, str) for n in names) or names != sorted(set(names)):
            raise ValueError(f"pool.{tier} of object {entry['object_id']} is not a strictly ascending list")
    everyone = {name for tier in TIERS for name in tiers[tier]}
    for flag in ("previous", "experts"):
        listed = entry[flag]
        if not isinstance(listed, list) or listed != sorted(set(listed)) or not set(listed) <= everyone:
            raise ValueError(f"{flag} of object {entry['object_id']} is not an ascending list of pool members")
    return ObjectPool(entry["object_id"], (
        PoolMember(name, tier, name in entry["experts"], name in entry["previous"])
        for tier in TIERS for name in tiers[tier]))
