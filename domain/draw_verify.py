"""Verification of a published draw record, v1 or v2, step by step (docs/draw.md §6 and §7).

The steps run in a fixed order and the first that fails is the verdict, so this module, scripts/verify_draw.py
and the browser check (api/console/static/draw-verify.js) name the same step for the same record.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from domain.draw import (
    ALGORITHM_VERSION, RECORD_V2, VerifyResult, population_sha256, seed_commitment, select, sizes_from_ratios,
    stratum_keys,
)
from domain.draw_v2 import DEPARTURE_KINDS, EXCLUSION_REASONS, REMOVAL_REASONS, WARNING_KINDS
from domain.matching import MatchShortfall
from domain.matching_v2 import MATCH_V2, department_record, pool_from_record
from domain.public_entropy import canonical_entropy, mixed_seed

STEPS = {ALGORITHM_VERSION: ("format", "commitment", "population", "sizes", "exclusions", "selection"),
         RECORD_V2: ("format", "commitment", "public_entropy", "population", "sizes", "exclusions", "selection",
                     "matching")}
# The grammar of a ratio in a record (docs/draw.md §3), so that every verifier reads the same strings.
RATIO_TEXT = re.compile(r"[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,2})?|[0-9]+/[0-9]*[1-9][0-9]*")
_MATCH_FIELDS = ("pool_sha256", "ranked", "experts_ranked", "picks", "expert_picks", "rule")


def verify(record: Mapping) -> VerifyResult:
    """Run the steps of the record's version; the verdict names the first failing step and its reasons."""
    if isinstance(record, Mapping) and "record" in record and "algorithm" not in record:
        record = record["record"]
    algorithm = record.get("algorithm") if isinstance(record, Mapping) else None
    check = _Check(record)
    for step in STEPS[algorithm] if isinstance(algorithm, str) and algorithm in STEPS else ("format",):
        try:
            reasons = getattr(check, step)()
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, MatchShortfall) as exc:
            reasons = [f"malformed record: {exc!s}"]
        if reasons:
            return VerifyResult(match=False, reasons=reasons, step=step)
    return VerifyResult(match=True, reasons=[])


class _Check:
    """One record's steps; each answers its reasons (none when it passes) and keeps what later steps need."""

    def __init__(self, record: object) -> None:
        self.record = record
        self.sampling_seed = ""
        self.excluded: set[int] = set()
        self.selected: set[int] = set()

    def format(self) -> list[str]:
        algorithm = self.record.get("algorithm") if isinstance(self.record, Mapping) else None
        if algorithm not in STEPS:
            return [f"unsupported algorithm {algorithm!r} (this verifier knows {', '.join(STEPS)})"]
        return []

    def commitment(self) -> list[str]:
        seed = self.record.get("seed")
        if not seed:
            return ["the seed is not revealed yet: only the commitment is public"]
        self.sampling_seed = seed
        if str(self.record["seed_commitment"]).lower() != seed_commitment(seed):
            return ["seed_commitment is not the SHA-256 of the revealed seed"]
        return []

    def public_entropy(self) -> list[str]:
        published = self.record.get("public_entropy")
        if published is None:
            self.sampling_seed = self.record["seed"].lower()
        else:
            if not isinstance(published["source"], str) or not published["source"].strip():
                return ["public_entropy.source must say where the public value comes from"]
            if published.get("value") is None:
                return [f"the public value ({published['source']}) is not published yet"]
            canonical = canonical_entropy(published["value"])
            if "canonical" in published and published["canonical"] != canonical:
                return ["public_entropy.canonical is not the canonical form of public_entropy.value"]
            self.sampling_seed = mixed_seed(self.record["seed"], canonical)
        if self.record["final_seed"] != self.sampling_seed:
            return ["final_seed differs from the seed although no public value is named" if published is None
                    else "final_seed is not SHA-256(seed ‖ canonical public value)"]
        return []

    def population(self) -> list[str]:
        population = _population(self.record)
        digests = population_sha256(population)
        published = self.record["population_sha256"]
        reasons = [f"population_sha256 of stratum {key!r} does not match its population"
                   for key in sorted(set(digests["strata"]) | set(published["strata"]))
                   if published["strata"].get(key) != digests["strata"].get(key)]
        if published["overall"] != digests["overall"]:
            reasons.append("overall population_sha256 does not match the population")
        if self.record["algorithm"] == RECORD_V2:
            reasons += _removals(self.record, {i for ids in population.values() for i in ids})
        return reasons

    def sizes(self) -> list[str]:
        population, sizes = self.record["population"], self.record["sizes"]
        keys = stratum_keys(population)
        if sorted(sizes) != keys or any(not _is_int(sizes[key]) or sizes[key] < 0 for key in keys):
            return ["sizes must give a non-negative integer for exactly the strata of the population"]
        ratios = self.record.get("ratios")
        if ratios is None:
            return []
        if any(not isinstance(ratios[key], str) or not RATIO_TEXT.fullmatch(ratios[key]) for key in keys):
            return ["a ratio is not a decimal number or a fraction p/q"]
        expected = sizes_from_ratios({key: len(population[key]) for key in keys}, {k: ratios[k] for k in keys})
        if expected != dict(sizes):
            return [f"sizes {dict(sizes)} do not follow from the ratios (expected {expected})"]
        return []

    def exclusions(self) -> list[str]:
        exclusions = self.record["exclusions"]
        if self.record["algorithm"] == ALGORITHM_VERSION:
            if not isinstance(exclusions, list) or not all(_is_int(x) for x in exclusions):
                return ["exclusions must be object ids (integers)"]
            self.excluded = set(exclusions)
            return []
        reasons = _backed(self.record, {i for ids in self.record["population"].values() for i in ids})
        self.excluded = {x["object_id"] for x in exclusions}
        return reasons

    def selection(self) -> list[str]:
        population = self.record["population"]
        recomputed = select(self.sampling_seed, population, self.record["sizes"], self.excluded).as_record()
        published = self.record["selection"]
        reasons = [f"selection of stratum {key!r} differs from the recomputed one"
                   for key in sorted(set(recomputed["strata"]) | set(published["strata"]))
                   if not _same_ids(published["strata"].get(key), recomputed["strata"].get(key))]
        if not _same_ids(published["objects"], recomputed["objects"]):
            reasons.append("the flat list of selected objects differs from the recomputed one")
        self.selected = set(recomputed["objects"])
        return reasons

    def matching(self) -> list[str]:
        departments = self.record.get("matching") or []
        if not isinstance(departments, list):
            return ["matching must be a list of departments"]
        codes = [department["department_code"] for department in departments]
        if len(set(codes)) != len(codes):
            return ["a department has more than one matching record"]
        return [reason for department in departments
                for reason in _department(department, self.sampling_seed, self.selected)]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _same_ids(published: object, recomputed: list[int] | None) -> bool:
    # 1001.0 == 1001 in Python, but not in JSON's other readers: an id must be written as an integer.
    return isinstance(published, list) and published == recomputed and all(_is_int(i) for i in published)


def _population(record: Mapping) -> Mapping[str, list[int]]:
    population = record["population"]
    if not isinstance(population, Mapping) or any(
            not isinstance(ids, list) or not all(_is_int(i) for i in ids) for ids in population.values()):
        raise ValueError("population: a list of integer object ids per stratum")
    return population


def _removals(record: Mapping, members: set[int]) -> list[str]:
    cap = record["annual_cap"]
    if cap is not None and (not _is_int(cap) or cap < 1):
        return ["annual_cap must be a positive integer or null"]
    if not isinstance(record["removed_at_freeze"], list):
        return ["removed_at_freeze must be a list"]
    reasons = []
    for removal in record["removed_at_freeze"]:
        object_id, reason = removal["object_id"], removal["reason"]
        if reason not in REMOVAL_REASONS or (object_id is not None and not _is_int(object_id)):
            reasons.append(f"removed_at_freeze names an unknown reason {reason!r} or a malformed object id")
        elif object_id in members:
            reasons.append(f"object {object_id} is listed as removed at the freeze but is in the population")
        elif reason == "annual_cap" and cap is None:
            reasons.append(f"object {object_id} is removed for the annual cap but the record states no annual_cap")
    return reasons


def _backed(record: Mapping, members: set[int]) -> list[str]:
    if not all(isinstance(record[field], list) for field in ("exclusions", "warnings", "left_scope")):
        return ["exclusions, warnings and left_scope must be lists"]
    backing: set[tuple[int, str]] = set()
    for field, kinds in (("warnings", WARNING_KINDS), ("left_scope", DEPARTURE_KINDS)):
        for entry in record[field]:
            if not _is_int(entry["object_id"]) or entry["kind"] not in kinds:
                return [f"{field} holds an entry with a malformed object id or an unknown kind {entry['kind']!r}"]
            backing.add((entry["object_id"], entry["kind"]))
    ids = [x["object_id"] for x in record["exclusions"]]
    if not all(_is_int(i) for i in ids) or ids != sorted(set(ids)):
        return ["exclusions must name each object once, in ascending order of object id"]
    reasons = []
    for exclusion in record["exclusions"]:
        object_id, reason = exclusion["object_id"], exclusion["reason"]
        if reason not in EXCLUSION_REASONS:
            reasons.append(f"object {object_id} is excluded for an unknown reason {reason!r}")
        elif object_id not in members:
            reasons.append(f"object {object_id} is excluded but not in the frozen population")
        elif (object_id, reason) not in backing:
            reasons.append(f"object {object_id} is excluded as {reason} without a {reason} warning or departure")
    return reasons


def _department(department: Mapping, seed_hex: str, selected: set[int]) -> list[str]:
    code = department["department_code"]
    if department.get("algorithm") != MATCH_V2:
        return [f"department {code!r}: unsupported matching algorithm {department['algorithm']!r}"]
    entries = department["objects"]
    if not isinstance(entries, list):
        return [f"department {code!r}: objects must be a list"]
    pools = [pool_from_record(entry) for entry in entries]
    not_drawn = sorted(p.object_id for p in pools if p.object_id not in selected)
    if not_drawn:
        return [f"department {code!r} matched objects {not_drawn} that were not drawn"]
    recomputed = department_record(seed_hex, code, pools, department["per_object"], department["experts_per_object"])
    return [f"department {code!r}, object {entry['object_id']}: {field} differs from the recomputed one"
            for entry, again in zip(entries, recomputed["objects"], strict=True)
            for field in _MATCH_FIELDS if entry[field] != again[field]]

