"""Draw record format 2 (`jointcheck-draw-v2`, docs/draw.md §7): what the record proves beyond the selection.

Exclusions carry a reason that a fusion warning or a departure from the scope must back; the population states
which objects the freeze left out and by which rule; an optional public value is mixed into the seed; and each
department's matching is recorded as pseudonymous pools and picks that anyone can recompute.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from domain.draw import (
    RECORD_V2, Ratio, build_record, select, seed_commitment, stratum_keys,
)
from domain.public_entropy import PublicEntropy, final_seed

WARNING_KINDS = ("inspected_this_year", "open_task")
DEPARTURE_KINDS = ("deregistered", "revoked", "out_of_scope")
EXCLUSION_REASONS = WARNING_KINDS + DEPARTURE_KINDS
REMOVAL_REASONS = ("deregistered", "revoked", "out_of_scope", "annual_cap")


@dataclass(frozen=True)
class ObjectNotice:
    """Something the record states about one drawn object, of a known kind, with a short text for readers."""

    object_id: int
    kind: str
    detail: str = ""
    FIELD: ClassVar[str] = ""
    KINDS: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        _check_code(f"{self.FIELD}.kind", self.kind, self.KINDS)

    def as_record(self) -> dict:
        return {"object_id": self.object_id, "kind": self.kind, "detail": self.detail}


class FusionWarning(ObjectNotice):
    """Task fusion (任务融合): a drawn object already inspected this year, or part of another open task."""

    FIELD, KINDS = "warnings", WARNING_KINDS


class ScopeDeparture(ObjectNotice):
    """A drawn object that left the scope after the freeze: deregistered, revoked, or no longer in scope."""

    FIELD, KINDS = "left_scope", DEPARTURE_KINDS


@dataclass(frozen=True)
class Exclusion:
    """The lead leaves a drawn object out, for a reason its warning or departure proves."""

    object_id: int
    reason: str

    def __post_init__(self) -> None:
        _check_code("exclusions.reason", self.reason, EXCLUSION_REASONS)

    def as_record(self) -> dict:
        return {"object_id": self.object_id, "reason": self.reason}


@dataclass(frozen=True)
class FreezeRemoval:
    """An object the freeze left out of the population, by a stated rule; object_id may be withheld."""

    reason: str
    object_id: int | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        _check_code("removed_at_freeze.reason", self.reason, REMOVAL_REASONS)

    def as_record(self) -> dict:
        return {"object_id": self.object_id, "reason": self.reason, "detail": self.detail}


def _check_code(field: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{field}: {value!r} is not one of {', '.join(allowed)}")


def unbacked_exclusions(exclusions: Iterable[Exclusion], warnings: Iterable[FusionWarning] = (),
                        left_scope: Iterable[ScopeDeparture] = ()) -> list[Exclusion]:
    """The exclusions that no warning or departure of the same object and kind backs: these may not be made."""
    backing = {(w.object_id, w.kind) for w in warnings} | {(d.object_id, d.kind) for d in left_scope}
    return [x for x in exclusions if (x.object_id, x.reason) not in backing]


def build_record_v2(seed_hex: str, strata: Mapping[str, Sequence[int]], sizes: Mapping[str, int],
                    exclusions: Collection[Exclusion] = (), *, ratios: Mapping[str, Ratio] | None = None,
                    commitment: str | None = None, public_entropy: PublicEntropy | None = None,
                    warnings: Collection[FusionWarning] = (), left_scope: Collection[ScopeDeparture] = (),
                    removed_at_freeze: Collection[FreezeRemoval] = (), annual_cap: int | None = None,
                    matching: Sequence[Mapping] = ()) -> dict:
    """The public v2 record; ValueError naming the object for an unbacked exclusion or any inconsistency."""
    sampling_seed = final_seed(seed_hex, public_entropy)
    keys = stratum_keys(strata)
    members = set().union(*(strata[key] for key in keys))
    excluded = _exclusion_ids(exclusions, members)
    unbacked = unbacked_exclusions(exclusions, warnings, left_scope)
    if unbacked:
        raise ValueError("exclusions: " + "; ".join(
            f"object {x.object_id} has no {x.reason} warning or departure to back its exclusion" for x in unbacked))
    _check_removals(removed_at_freeze, members, annual_cap)
    v1 = build_record(seed_hex, strata, sizes, excluded, ratios=ratios, commitment=commitment)
    return {
        "algorithm": RECORD_V2,
        "seed_commitment": seed_commitment(seed_hex),
        "seed": v1["seed"],
        "public_entropy": None if public_entropy is None else public_entropy.as_record(),
        "final_seed": sampling_seed,
        "population": v1["population"],
        "population_sha256": v1["population_sha256"],
        "annual_cap": annual_cap,
        "removed_at_freeze": [r.as_record() for r in removed_at_freeze],
        "sizes": v1["sizes"],
        "ratios": v1["ratios"],
        "warnings": [w.as_record() for w in sorted(warnings, key=lambda w: (w.object_id, w.kind))],
        "left_scope": [d.as_record() for d in sorted(left_scope, key=lambda d: (d.object_id, d.kind))],
        "exclusions": [x.as_record() for x in sorted(exclusions, key=lambda x: x.object_id)],
        "selection": select(sampling_seed, strata, sizes, excluded).as_record(),
        "matching": [dict(department) for department in matching],
    }


def _exclusion_ids(exclusions: Collection[Exclusion], members: set[int]) -> set[int]:
    ids = [x.object_id for x in exclusions]
    if len(set(ids)) != len(ids):
        raise ValueError("exclusions: an object is excluded twice")
    outside = sorted(set(ids) - members)
    if outside:
        raise ValueError(f"exclusions: objects {outside} are not in the frozen population")
    return set(ids)


def _check_removals(removals: Collection[FreezeRemoval], members: set[int], annual_cap: int | None) -> None:
    if annual_cap is not None and (isinstance(annual_cap, bool) or not isinstance(annual_cap, int) or annual_cap < 1):
        raise ValueError("annual_cap: a positive number of joint inspections per object and year, or None")
    still_in = sorted(r.object_id for r in removals if r.object_id in members)
    if still_in:
        raise ValueError(f"removed_at_freeze: objects {still_in} are still in the population")
    if annual_cap is None and any(r.reason == "annual_cap" for r in removals):
        raise ValueError("removed_at_freeze: an annual_cap removal needs the annual_cap the office set")
