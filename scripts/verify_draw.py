#!/usr/bin/env python3
"""Verify a jointcheck draw record on your own machine: python verify_draw.py record.json (or - for stdin).

Standard library only, and independent of the jointcheck code on purpose: it follows docs/draw.md, so a
published record can be checked by someone who trusts neither the platform nor its programmers. It knows
record formats jointcheck-draw-v1 and jointcheck-draw-v2 (public entropy, backed exclusions, matching).
Prints MATCH (exit 0) or MISMATCH: step <step>: <reasons> naming the first step that failed (exit 1).
"""

import hashlib
import json
import math
import re
import struct
import sys
import unicodedata
from fractions import Fraction

V1, V2, MATCH_V2 = "jointcheck-draw-v1", "jointcheck-draw-v2", "jointcheck-match-v2"
STEPS = {V1: ["format", "commitment", "population", "sizes", "exclusions", "selection"],
         V2: ["format", "commitment", "public_entropy", "population", "sizes", "exclusions", "selection",
              "matching"]}
TWO_POW_64 = 2 ** 64
STRATUM_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
PSEUDONYM = re.compile(r"[A-Za-z0-9_.-]{1,64}")
RATIO = re.compile(r"([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]{1,2}))?|([0-9]+)/([0-9]*[1-9][0-9]*)")
SEPARATORS = set("\t\n\r ,.;:/|+-\u3001\u3002")
WARNING_KINDS = {"inspected_this_year", "open_task"}
DEPARTURE_KINDS = {"deregistered", "revoked", "out_of_scope"}
REMOVAL_REASONS = {"deregistered", "revoked", "out_of_scope", "annual_cap"}
TIERS = ["local", "adjacent"]
RULES = ["local", "local_previous", "adjacent", "adjacent_previous"]


class Failed(Exception):
    """A step's verdict: the record does not verify, for these reasons."""


def is_int(value):
    return type(value) is int


def need(condition, reason):
    if not condition:
        raise Failed(reason)


def sha256(data):
    return hashlib.sha256(data).digest()


def seed_bytes(seed_hex):
    need(isinstance(seed_hex, str) and re.fullmatch(r"[0-9a-fA-F]{64}", seed_hex), "the seed is not 64 hex digits")
    return bytes.fromhex(seed_hex)


def stratum_digest(ids):
    """SHA-256 of the ids as unsigned 64-bit big-endian integers; they must be strictly ascending."""
    need(isinstance(ids, list) and all(is_int(i) and 0 <= i < TWO_POW_64 for i in ids),
         "a stratum is not a list of integer ids in [0, 2**64)")
    need(all(a < b for a, b in zip(ids, ids[1:])), "a stratum's object ids are not strictly ascending")
    return hashlib.sha256(struct.pack(">%dQ" % len(ids), *ids)).hexdigest()


def ratio_value(text):
    """A ratio string of the documented grammar as an exact fraction."""
    found = isinstance(text, str) and RATIO.fullmatch(text)
    need(found, "a ratio is not a decimal number or a fraction p/q")
    whole, decimals, exponent, numerator, denominator = found.groups()
    if numerator is not None:
        return Fraction(int(numerator), int(denominator))
    value = Fraction(int(whole + (decimals or "")), 10 ** len(decimals or ""))
    shift = int(exponent or 0)
    return value * 10 ** shift if shift >= 0 else value / 10 ** -shift


def draw_stratum(seed, key, ids, size, excluded):
    """Counter-mode SHA-256 sampling without replacement (v1's, also used by v2), skipping excluded objects."""
    available = [i for i in ids if i not in excluded]
    if size >= len(available):
        return available
    prefix = seed + V1.encode("ascii") + b"\x00" + key.encode("ascii") + b"\x00"
    limit = TWO_POW_64 - TWO_POW_64 % len(ids)
    chosen, seen, counter = [], set(), 0
    while len(chosen) < size:
        value = struct.unpack(">Q", sha256(prefix + struct.pack(">Q", counter))[:8])[0]
        counter += 1
        if value < limit and ids[value % len(ids)] not in excluded and ids[value % len(ids)] not in seen:
            seen.add(ids[value % len(ids)])
            chosen.append(ids[value % len(ids)])
    return chosen


def canonical_entropy(value):
    """NFKC, then each run of ASCII digits without leading zeros and followed by '.'; separators only between."""
    need(isinstance(value, str), "public_entropy.value is not a text")
    groups, digits = [], ""
    for char in unicodedata.normalize("NFKC", value) + " ":
        if "0" <= char <= "9":
            digits += char
            continue
        need(char in SEPARATORS, "public_entropy.value holds %r, neither a digit nor a separator" % char)
        if digits:
            groups.append(digits.lstrip("0") or "0")
        digits = ""
    need(groups, "public_entropy.value has no digits")
    return "".join(group + "." for group in groups)


class Record:
    """One record's steps, in order; each raises Failed, and keeps what the later steps need."""

    def __init__(self, record):
        self.r = record
        self.seed = None
        self.excluded = set()
        self.selected = set()

    def format(self):
        need(isinstance(self.r, dict) and self.r.get("algorithm") in STEPS,
             "unsupported algorithm (this script knows %s and %s)" % (V1, V2))

    def commitment(self):
        need(self.r.get("seed"), "the seed is not revealed yet: only the commitment is public")
        self.seed = seed_bytes(self.r["seed"])
        need(str(self.r["seed_commitment"]).lower() == hashlib.sha256(self.seed).hexdigest(),
             "seed_commitment is not the SHA-256 of the revealed seed")

    def public_entropy(self):
        entropy = self.r.get("public_entropy")
        if entropy is not None:
            need(isinstance(entropy["source"], str) and entropy["source"].strip(),
                 "public_entropy.source must say where the public value comes from")
            need(entropy.get("value") is not None, "the public value is not published yet")
            canonical = canonical_entropy(entropy["value"])
            need("canonical" not in entropy or entropy["canonical"] == canonical,
                 "public_entropy.canonical is not the canonical form of public_entropy.value")
            self.seed = sha256(self.seed + canonical.encode("ascii"))
        need(self.r["final_seed"] == self.seed.hex(), "final_seed is not the recomputed seed")

    def population(self):
        population = self.r["population"]
        need(isinstance(population, dict) and population, "population must have at least one stratum")
        keys = sorted(population)
        need(all(STRATUM_KEY.fullmatch(key) for key in keys), "the stratum keys are malformed")
        digests = {key: stratum_digest(population[key]) for key in keys}
        everything = [i for key in keys for i in population[key]]
        need(len(set(everything)) == len(everything), "an object id appears in more than one stratum")
        published = self.r["population_sha256"]
        for key in sorted(set(keys) | set(published["strata"])):
            need(published["strata"].get(key) == digests.get(key),
                 "population_sha256 of stratum %r does not match its population" % key)
        manifest = "".join("%s\t%s\n" % (key, digests[key]) for key in keys)
        need(published["overall"] == hashlib.sha256(manifest.encode("ascii")).hexdigest(),
             "overall population_sha256 does not match the population")
        if self.r["algorithm"] == V2:
            self.removals(set(everything))

    def removals(self, members):
        cap = self.r["annual_cap"]
        need(cap is None or (is_int(cap) and cap >= 1), "annual_cap must be a positive integer or null")
        need(isinstance(self.r["removed_at_freeze"], list), "removed_at_freeze must be a list")
        for removal in self.r["removed_at_freeze"]:
            object_id, reason = removal["object_id"], removal["reason"]
            need(reason in REMOVAL_REASONS and (object_id is None or is_int(object_id)),
                 "removed_at_freeze names an unknown reason or a malformed object id")
            need(object_id not in members, "object %s is removed at the freeze but in the population" % object_id)
            need(reason != "annual_cap" or cap is not None, "an annual_cap removal without the annual_cap")

    def sizes(self):
        population, sizes, ratios = self.r["population"], self.r["sizes"], self.r.get("ratios")
        keys = sorted(population)
        need(isinstance(sizes, dict) and sorted(sizes) == keys and all(is_int(sizes[k]) and sizes[k] >= 0
                                                                      for k in keys),
             "sizes must give a non-negative integer for exactly the strata of the population")
        if ratios is not None:
            need(isinstance(ratios, dict), "ratios must map each stratum to a ratio")
            fractions = {key: ratio_value(ratios[key]) for key in keys}
            need(all(0 <= f <= 1 for f in fractions.values()), "a ratio is not between 0 and 1")
            expected = {key: min(len(population[key]), math.ceil(len(population[key]) * fractions[key]))
                        for key in keys}
            need(expected == sizes, "sizes %s do not follow from the ratios (expected %s)" % (sizes, expected))

    def exclusions(self):
        exclusions = self.r["exclusions"]
        need(isinstance(exclusions, list), "exclusions must be a list")
        if self.r["algorithm"] == V1:
            need(all(is_int(x) for x in exclusions), "exclusions must be object ids (integers)")
            self.excluded = set(exclusions)
            return
        need(isinstance(self.r["warnings"], list) and isinstance(self.r["left_scope"], list),
             "warnings and left_scope must be lists")
        backing = set()
        for field, kinds in (("warnings", WARNING_KINDS), ("left_scope", DEPARTURE_KINDS)):
            for entry in self.r[field]:
                need(is_int(entry["object_id"]) and entry["kind"] in kinds,
                     "%s holds a malformed object id or an unknown kind" % field)
                backing.add((entry["object_id"], entry["kind"]))
        ids = [x["object_id"] for x in exclusions]
        need(all(is_int(i) for i in ids) and ids == sorted(set(ids)),
             "exclusions must name each object once, in ascending order of object id")
        members = {i for stratum in self.r["population"].values() for i in stratum}
        for exclusion in exclusions:
            object_id, reason = exclusion["object_id"], exclusion["reason"]
            need(reason in WARNING_KINDS | DEPARTURE_KINDS, "object %s is excluded for an unknown reason" % object_id)
            need(object_id in members, "object %s is excluded but not in the frozen population" % object_id)
            need((object_id, reason) in backing,
                 "object %s is excluded as %s without a %s warning or departure" % (object_id, reason, reason))
        self.excluded = set(ids)

    def selection(self):
        population, sizes, published = self.r["population"], self.r["sizes"], self.r["selection"]
        keys = sorted(population)
        drawn = {key: draw_stratum(self.seed, key, population[key], sizes[key], self.excluded) for key in keys}
        for key in sorted(set(keys) | set(published["strata"])):
            need(same_ids(published["strata"].get(key), drawn.get(key)),
                 "selection of stratum %r differs from the recomputed one" % key)
        flat = [i for key in keys for i in drawn[key]]
        need(same_ids(published["objects"], flat), "the flat list of selected objects differs from the recomputed one")
        self.selected = set(flat)

    def matching(self):
        departments = self.r.get("matching") or []
        need(isinstance(departments, list), "matching must be a list of departments")
        codes = [d["department_code"] for d in departments]
        need(all(isinstance(c, str) and c and "\x00" not in c for c in codes) and len(set(codes)) == len(codes),
             "each department has one matching record under a non-empty code")
        for department in departments:
            check_department(department, self.seed, self.selected)


def same_ids(published, recomputed):
    return isinstance(published, list) and all(is_int(i) for i in published) and published == recomputed


def check_department(department, seed, selected):
    """Recompute one department's pools, ranks and picks (docs/draw.md §7.5)."""
    code = department["department_code"]
    need(department.get("algorithm") == MATCH_V2, "department %r: unsupported matching algorithm" % code)
    per_object, experts_per_object = department["per_object"], department["experts_per_object"]
    need(is_int(per_object) and per_object >= 1 and is_int(experts_per_object) and experts_per_object >= 0,
         "department %r: per_object must be 1 or more and experts_per_object 0 or more" % code)
    objects = department["objects"]
    need(isinstance(objects, list), "department %r: objects must be a list" % code)
    ids = [entry["object_id"] for entry in objects]
    need(all(is_int(i) for i in ids) and len(set(ids)) == len(ids), "department %r: an object twice" % code)
    need(set(ids) <= selected, "department %r matched objects that were not drawn" % code)
    for entry in objects:
        check_object(entry, seed, code, per_object, experts_per_object)


def check_object(entry, seed, code, per_object, experts_per_object):
    where = "department %r, object %s" % (code, entry["object_id"])
    members = []
    for tier in TIERS:
        names = entry["pool"][tier]
        need(isinstance(names, list) and all(isinstance(n, str) and PSEUDONYM.fullmatch(n) for n in names)
             and names == sorted(set(names)), "%s: pool.%s is not an ascending list of pseudonyms" % (where, tier))
        members += [(tier, name) for name in names]
    everyone = [name for _, name in members]
    need(len(set(everyone)) == len(everyone), "%s: a pseudonym is in both tiers" % where)
    for flag in ("previous", "experts"):
        listed = entry[flag]
        need(isinstance(listed, list) and listed == sorted(set(listed)) and set(listed) <= set(everyone),
             "%s: %s is not an ascending list of pool members" % (where, flag))
    previous, experts = set(entry["previous"]), set(entry["experts"])
    lines = "".join("%s\t%s\t%s\t%s\n" % (tier, name, "expert" if name in experts else "officer",
                                          "previous" if name in previous else "new") for tier, name in members)
    need(entry["pool_sha256"] == hashlib.sha256(lines.encode("ascii")).hexdigest(),
         "%s: pool_sha256 differs from the recomputed one" % where)
    prefix = seed + MATCH_V2.encode("ascii") + b"\x00" + code.encode("utf-8") + b"\x00" + struct.pack(
        ">Q", entry["object_id"])
    ordered = sorted(members, key=lambda m: (TIERS.index(m[0]) * 2 + (m[1] in previous),
                                             sha256(prefix + m[1].encode("ascii"))))
    officers = [name for _, name in ordered if name not in experts]
    need(len(officers) >= per_object, "%s: the pool has too few officers" % where)
    worst = next(tier for tier, name in ordered if name == officers[per_object - 1])
    expected = {"ranked": officers, "experts_ranked": [name for _, name in ordered if name in experts],
                "picks": officers[:per_object],
                "rule": RULES[TIERS.index(worst) * 2 + (officers[per_object - 1] in previous)]}
    expected["expert_picks"] = expected["experts_ranked"][:experts_per_object]
    for field in ("ranked", "experts_ranked", "picks", "expert_picks", "rule"):
        need(entry[field] == expected[field], "%s: %s differs from the recomputed one" % (where, field))


def verify(record):
    """(step, reason) of the first step that fails, or None when the record verifies."""
    if isinstance(record, dict) and "record" in record and "algorithm" not in record:
        record = record["record"]
    checks = Record(record)
    algorithm = record.get("algorithm") if isinstance(record, dict) else None
    for step in STEPS[algorithm] if isinstance(algorithm, str) and algorithm in STEPS else ["format"]:
        try:
            getattr(checks, step)()
        except Failed as failure:
            return step, str(failure)
        except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            return step, "malformed record: %r" % exc
    return None


def main(argv):
    """Read the record, verify it, print the verdict; the exit code is 0 for MATCH, 1 otherwise."""
    if len(argv) != 2:
        print("usage: python verify_draw.py record.json   (or - to read standard input)", file=sys.stderr)
        return 2
    try:
        if argv[1] == "-":
            record = json.load(sys.stdin)
        else:
            with open(argv[1], encoding="utf-8") as handle:
                record = json.load(handle)
    except (OSError, ValueError) as exc:
        print("MISMATCH: step format: cannot read the record: %s" % exc)
        return 1
    failure = verify(record)
    if failure:
        print("MISMATCH: step %s: %s" % failure)
        return 1
    print("MATCH")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
