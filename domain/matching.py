"""Random inspector matching (SPEC §6): per object, the eligible inspectors of one department ranked by SHA-256.

The ranking uses the draw's revealed seed under its own label, so anyone holding the directory can redo it and
nobody can re-roll it (docs/draw.md, "Inspector matching").
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from domain.draw import seed_bytes

MATCH_LABEL = "jointcheck-match-v1"
TWO_PERSON_RULE = 2
TIERS = ("local", "adjacent")  # the enforcement region covers the object's region, or only an adjacent one


@dataclass(frozen=True)
class InspectorCandidate:
    """One inspector as matching sees them."""

    id: int
    department_code: str
    region_codes: frozenset[str]
    tags: frozenset[str]
    active: bool
    conflict_object_ids: frozenset[int] = frozenset()
    conflict_usccs: frozenset[str] = frozenset()
    expert: bool = False  # 外部专家: may join a group, never counts toward the two enforcement officers


@dataclass(frozen=True)
class MatchTarget:
    """One drawn object as matching sees it."""

    object_id: int
    uscc: str | None
    region_code: str
    required_tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Assignment:
    """The inspectors matched to one object: the officers best-ranked first, then any experts."""

    object_id: int
    inspector_ids: tuple[int, ...]
    adjacent_inspector_ids: tuple[int, ...] = ()
    repeated_inspector_ids: tuple[int, ...] = ()
    expert_inspector_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class MatchOutcome:
    """One department's assignments, in the order of the targets."""

    department_code: str
    per_object: int
    assignments: tuple[Assignment, ...]

    def for_object(self, object_id: int) -> Assignment:
        """The assignment of one object; KeyError when it was not a target."""
        for assignment in self.assignments:
            if assignment.object_id == object_id:
                return assignment
        raise KeyError(object_id)


@dataclass(frozen=True)
class Shortfall:
    """An object that cannot get enough inspectors, even from adjacent regions."""

    object_id: int
    needed: int
    available: int


class MatchShortfall(Exception):
    """Raised when a department has too few eligible inspectors for some objects."""

    def __init__(self, department_code: str, shortfalls: Sequence[Shortfall]) -> None:
        self.department_code = department_code
        self.shortfalls = list(shortfalls)
        detail = "; ".join(f"object {s.object_id}: {s.needed} needed, {s.available} eligible"
                           for s in self.shortfalls)
        super().__init__(f"department {department_code} has too few eligible inspectors, adjacent regions "
                         f"included, for {len(self.shortfalls)} object(s): {detail}")


def region_covers(enforcement_region: str, object_region: str) -> bool:
    """Whether an enforcement region contains a region: equal, or its GB/T 2260 city or province."""
    if enforcement_region == object_region:
        return True
    if len(enforcement_region) != 6 or len(object_region) != 6 or not enforcement_region.isdigit():
        return False
    if enforcement_region.endswith("0000"):
        return object_region.startswith(enforcement_region[:2])
    return enforcement_region.endswith("00") and object_region.startswith(enforcement_region[:4])


def placement_of(candidate: InspectorCandidate, target: MatchTarget, adjacent_regions: frozenset[str]) -> str | None:
    """"local" or "adjacent" when the inspector is eligible for the object (SPEC §6), None when not."""
    if target.object_id in candidate.conflict_object_ids or not target.required_tags <= candidate.tags:
        return None
    if target.uscc is not None and target.uscc in candidate.conflict_usccs:
        return None
    if any(region_covers(r, target.region_code) for r in candidate.region_codes):
        return "local"
    if any(region_covers(r, a) for r in candidate.region_codes for a in adjacent_regions):
        return "adjacent"
    return None


def check_rules(department_code: str, per_object: int, experts_per_object: int) -> None:
    """ValueError for a department code that cannot be hashed unambiguously or impossible group sizes."""
    if not isinstance(department_code, str) or not department_code or "\x00" in department_code:
        raise ValueError("department_code: a non-empty text without NUL")
    if isinstance(per_object, bool) or not isinstance(per_object, int) or per_object < 1:
        raise ValueError("per_object: at least one inspector per object")
    if isinstance(experts_per_object, bool) or not isinstance(experts_per_object, int) or experts_per_object < 0:
        raise ValueError("experts_per_object: a number of experts, 0 or more")


def match_rank(seed: bytes, department_code: str, object_id: int, inspector_id: int) -> bytes:
    """An inspector's rank for one object: SHA-256(seed ‖ label ‖ 0 ‖ dept ‖ 0 ‖ object u64 ‖ inspector u64)."""
    message = (seed + MATCH_LABEL.encode("ascii") + b"\x00" + department_code.encode("utf-8") + b"\x00"
               + object_id.to_bytes(8, "big") + inspector_id.to_bytes(8, "big"))
    return hashlib.sha256(message).digest()


def match_department(seed_hex: str, department_code: str, targets: Sequence[MatchTarget],
                     candidates: Iterable[InspectorCandidate], adjacency: Mapping[str, frozenset[str]],
                     previous: Mapping[int, frozenset[int]] = MappingProxyType({}),
                     per_object: int = TWO_PERSON_RULE, experts_per_object: int = 0) -> MatchOutcome:
    """Match per_object officers (and up to experts_per_object experts) of one department to each target, or
    raise MatchShortfall naming the gaps; experts never count toward per_object."""
    # Preference tiers, best first: local and new to the object, local and repeated, adjacent and new,
    # adjacent and repeated. Staying within one's own enforcement region outranks rotation: adjacent
    # regions are the SPEC's fallback for too few local inspectors, a repeat is only "preferably not".
    seed = seed_bytes(seed_hex)
    check_rules(department_code, per_object, experts_per_object)
    object_ids = [t.object_id for t in targets]
    if len(set(object_ids)) != len(object_ids):
        raise ValueError("targets: an object appears more than once")
    pool = [c for c in candidates if c.department_code == department_code and c.active]
    if len({c.id for c in pool}) != len(pool):
        raise ValueError("candidates: an inspector appears more than once")
    assignments, shortfalls = [], []
    for target in targets:
        ranked = _ranked(seed, department_code, target, pool, adjacency.get(target.region_code, frozenset()),
                         previous.get(target.object_id, frozenset()))
        officers = [(tier, c) for tier, c in ranked if not c.expert]
        if len(officers) < per_object:
            shortfalls.append(Shortfall(target.object_id, per_object, len(officers)))
            continue
        chosen = officers[:per_object] + [(tier, c) for tier, c in ranked if c.expert][:experts_per_object]
        assignments.append(Assignment(
            object_id=target.object_id, inspector_ids=tuple(c.id for _, c in chosen),
            adjacent_inspector_ids=tuple(c.id for tier, c in chosen if tier >= 2),
            repeated_inspector_ids=tuple(c.id for tier, c in chosen if tier % 2 == 1),
            expert_inspector_ids=tuple(c.id for _, c in chosen if c.expert)))
    if shortfalls:
        raise MatchShortfall(department_code, shortfalls)
    return MatchOutcome(department_code=department_code, per_object=per_object, assignments=tuple(assignments))


def match_record(outcome: MatchOutcome) -> dict:
    """The JSON-able matching record kept with the task (inspector ids only, never identities)."""
    return {
        "label": MATCH_LABEL,
        "department_code": outcome.department_code,
        "per_object": outcome.per_object,
        "assignments": [{"object_id": a.object_id, "inspector_ids": list(a.inspector_ids),
                         "adjacent_inspector_ids": list(a.adjacent_inspector_ids),
                         "repeated_inspector_ids": list(a.repeated_inspector_ids),
                         "expert_inspector_ids": list(a.expert_inspector_ids)} for a in outcome.assignments],
    }


def _ranked(seed: bytes, department_code: str, target: MatchTarget, pool: list[InspectorCandidate],
            adjacent_regions: frozenset[str], previous_ids: frozenset[int]) -> list[tuple[int, InspectorCandidate]]:
    tiered = []
    for candidate in pool:
        placement = placement_of(candidate, target, adjacent_regions)
        if placement is None:
            continue
        tier = TIERS.index(placement) * 2 + (candidate.id in previous_ids)
        tiered.append((tier, match_rank(seed, department_code, target.object_id, candidate.id), candidate))
    tiered.sort(key=lambda entry: (entry[0], entry[1]))
    return [(tier, candidate) for tier, _, candidate in tiered]
