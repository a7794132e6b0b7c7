#!/usr/bin/env python3
"""Verify a jointcheck draw record on your own machine: python verify_draw.py record.json (or - for stdin).

Standard library only, and independent of the jointcheck code on purpose: it follows docs/draw.md, so a
published record can be checked by someone who trusts neither the platform nor its programmers.
Prints MATCH (exit 0) or MISMATCH: <reasons> (exit 1).
"""

import hashlib
import json
import math
import re
import struct
import sys
from fractions import Fraction

ALGORITHM = "jointcheck-draw-v1"
TWO_POW_64 = 2 ** 64


def commitment_of(seed_hex):
    """SHA-256 of the 32 seed bytes, lowercase hex."""
    if not isinstance(seed_hex, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", seed_hex):
        raise ValueError("the seed is not 64 hexadecimal digits")
    return hashlib.sha256(bytes.fromhex(seed_hex)).hexdigest()


def stratum_digest(ids):
    """SHA-256 of the ids as unsigned 64-bit big-endian integers, in the order given."""
    for before, after in zip(ids, ids[1:]):
        if not before < after:
            raise ValueError("a stratum's object ids are not strictly ascending")
    if any(not isinstance(i, int) or not 0 <= i < TWO_POW_64 for i in ids):
        raise ValueError("an object id is not an integer in [0, 2**64)")
    return hashlib.sha256(struct.pack(">%dQ" % len(ids), *ids)).hexdigest()


def overall_digest(per_stratum):
    """SHA-256 of the lines 'key<TAB>digest<LF>' in key order."""
    manifest = "".join("%s\t%s\n" % (key, per_stratum[key]) for key in sorted(per_stratum))
    return hashlib.sha256(manifest.encode("ascii")).hexdigest()


def size_from_ratio(count, ratio_text):
    """ceil(count x ratio) in exact arithmetic, at most count."""
    ratio = Fraction(str(ratio_text))
    if not 0 <= ratio <= 1:
        raise ValueError("a ratio is not between 0 and 1")
    return min(count, math.ceil(count * ratio))


def draw_stratum(seed, key, ids, size, excluded):
    """Counter-mode SHA-256 sampling without replacement, skipping excluded and repeated objects."""
    available = [i for i in ids if i not in excluded]
    if size >= len(available):
        return available
    prefix = seed + ALGORITHM.encode("ascii") + b"\x00" + key.encode("ascii") + b"\x00"
    limit = TWO_POW_64 - TWO_POW_64 % len(ids)
    chosen, seen, counter = [], set(), 0
    while len(chosen) < size:
        block = hashlib.sha256(prefix + struct.pack(">Q", counter)).digest()
        counter += 1
        value = struct.unpack(">Q", block[:8])[0]
        if value >= limit:
            continue
        object_id = ids[value % len(ids)]
        if object_id not in excluded and object_id not in seen:
            seen.add(object_id)
            chosen.append(object_id)
    return chosen


def verify(record):
    """The list of reasons the record does not verify; empty when it does."""
    if isinstance(record, dict) and "record" in record and "algorithm" not in record:
        record = record["record"]
    if record.get("algorithm") != ALGORITHM:
        return ["unsupported algorithm %r (this script knows %s)" % (record.get("algorithm"), ALGORITHM)]
    if not record.get("seed"):
        return ["the seed is not revealed yet: only the commitment is public"]
    reasons = []
    if str(record["seed_commitment"]).lower() != commitment_of(record["seed"]):
        reasons.append("seed_commitment is not the SHA-256 of the revealed seed")
    population = record["population"]
    keys = sorted(population)
    if not keys or any(not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", key) for key in keys):
        return reasons + ["the stratum keys are missing or malformed"]
    digests = {key: stratum_digest(population[key]) for key in keys}
    everything = [i for key in keys for i in population[key]]
    if len(set(everything)) != len(everything):
        return reasons + ["an object id appears in more than one stratum"]
    published = record["population_sha256"]
    for key in sorted(set(keys) | set(published["strata"])):
        if published["strata"].get(key) != digests.get(key):
            reasons.append("population_sha256 of stratum %r does not match its population" % key)
    if published["overall"] != overall_digest(digests):
        reasons.append("overall population_sha256 does not match the population")
    sizes = record["sizes"]
    if sorted(sizes) != keys or any(type(sizes[k]) is not int or sizes[k] < 0 for k in keys):
        return reasons + ["sizes must give a non-negative integer for exactly the strata of the population"]
    if record.get("ratios") is not None:
        expected = {key: size_from_ratio(len(population[key]), record["ratios"][key]) for key in keys}
        if expected != sizes:
            reasons.append("sizes %s do not follow from the ratios (expected %s)" % (sizes, expected))
    if any(type(i) is not int for i in record["exclusions"]):
        return reasons + ["exclusions must be object ids (integers)"]
    seed, excluded = bytes.fromhex(record["seed"]), set(record["exclusions"])
    drawn = {key: draw_stratum(seed, key, population[key], sizes[key], excluded) for key in keys}
    selection = record["selection"]
    for key in sorted(set(keys) | set(selection["strata"])):
        if selection["strata"].get(key) != drawn.get(key):
            reasons.append("selection of stratum %r differs from the recomputed one" % key)
    if selection["objects"] != [i for key in keys for i in drawn[key]]:
        reasons.append("the flat list of selected objects differs from the recomputed one")
    return reasons


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
        print("MISMATCH: cannot read the record: %s" % exc)
        return 1
    try:
        reasons = verify(record)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        reasons = ["malformed record: %r" % exc]
    if reasons:
        print("MISMATCH: " + "; ".join(reasons))
        return 1
    print("MATCH")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
