"""The verifiable draw (SPEC §5): commit–reveal seed, frozen population, counter-mode SHA-256 sampling.

docs/draw.md is the normative description; scripts/verify_draw.py reimplements it without this package, so a
change here that is not a new ALGORITHM_VERSION breaks every published record.
"""

from __future__ import annotations

import hashlib
import math
import operator
import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from itertools import islice

ALGORITHM_VERSION = "jointcheck-draw-v1"
# Record format 2 (domain/draw_v2.py) adds public entropy, backed exclusions and matching. Its sampling is v1's,
# byte for byte and under v1's label, so only the seed it samples with can differ (docs/draw.md §7).
RECORD_V2 = "jointcheck-draw-v2"
NON_STRATIFIED = "all"

_SEED_HEX = re.compile(r"[0-9a-fA-F]{64}")
# Keys are hashed and written into a digest manifest; a tiny alphabet keeps both encodings unambiguous.
_STRATUM_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_TWO_POW_64 = 1 << 64

Ratio = Decimal | float | int | str | Fraction


@dataclass(frozen=True)
class DrawSelection:
    """Drawn object ids per stratum in drawing order, and all of them in stratum-key order."""

    strata: Mapping[str, tuple[int, ...]]
    objects: tuple[int, ...]

    def as_record(self) -> dict:
        """The `selection` field of the public record."""
        return {"strata": {key: list(ids) for key, ids in self.strata.items()}, "objects": list(self.objects)}


def seed_bytes(seed_hex: str) -> bytes:
    """The 32 bytes of a seed written as 64 hexadecimal digits; ValueError for anything else."""
    if not isinstance(seed_hex, str) or not _SEED_HEX.fullmatch(seed_hex):
        raise ValueError("seed: expected 64 hexadecimal digits (256 bits)")
    return bytes.fromhex(seed_hex)


def seed_commitment(seed_hex: str) -> str:
    """The public commitment to a seed: SHA-256 of its 32 bytes, lowercase hex."""
    return hashlib.sha256(seed_bytes(seed_hex)).hexdigest()


class AscendingIds(Sequence[int]):
    """A stratum's object ids, strictly ascending in [0, 2**64): checked once, packed once, hashed without a copy."""

    __slots__ = ("_packed", "_big_endian")

    def __init__(self, object_ids: Iterable[int] = (), *, sort: bool = False) -> None:
        # array("Q", …) of a same-typed array is a memcpy; list comparisons are the fastest pure-Python check
        # (about 40 ms for a million ids, against 150 ms iterating the array itself).
        try:
            packed = array("Q", object_ids)
        except (TypeError, OverflowError) as exc:
            raise ValueError("population: object ids must be integers in [0, 2**64)") from exc
        values = packed.tolist()
        if not _strictly_ascending(values):
            if not sort:
                raise ValueError("population: object ids must be strictly ascending")
            values.sort()
            if not _strictly_ascending(values):
                raise ValueError("population: an object id appears twice")
            packed = array("Q", values)
        self._packed = packed
        self._big_endian: bytes | None = None  # kept when given, so hashing need not swap the bytes back

    @classmethod
    def from_big_endian(cls, data: bytes | bytearray, *, sort: bool = False, presorted: bool = False) -> AscendingIds:
        """Ids packed as u64 big-endian (the digest's own encoding).

        presorted: the source guarantees strictly ascending ids (a database's ORDER BY over a primary key), so the
        pairwise check — a tenth of a second for a million ids — is left to whoever next goes over every id.
        """
        packed = array("Q")
        packed.frombytes(data)
        if sys.byteorder == "little":
            packed.byteswap()
        if not presorted:
            return cls(packed, sort=sort)
        ids = cls()
        ids._packed, ids._big_endian = packed, bytes(data)
        return ids

    @classmethod
    def concatenate(cls, parts: Sequence[AscendingIds]) -> AscendingIds:
        """The parts one after the other: only the joins need checking; sorted again if a join is out of order."""
        joined = cls()
        for part in parts:
            joined._packed.extend(part._packed)
        filled = [part for part in parts if len(part)]
        if all(before[-1] < after[0] for before, after in zip(filled, filled[1:])):
            if all(part._big_endian is not None for part in filled):
                joined._big_endian = b"".join(part._big_endian for part in filled)
            return joined
        return cls(joined._packed, sort=True)

    def big_endian(self) -> bytes:
        """u64(id_1) ‖ u64(id_2) ‖ …: what the stratum digest hashes."""
        if self._big_endian is not None:
            return self._big_endian
        if sys.byteorder == "big":
            return self._packed.tobytes()
        swapped = array("Q", self._packed)
        swapped.byteswap()
        return swapped.tobytes()

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, index):
        return self._packed[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._packed)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AscendingIds):
            return self._packed == other._packed
        return isinstance(other, (list, tuple)) and self._packed.tolist() == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"AscendingIds({len(self)} ids)"


def _strictly_ascending(values: list[int]) -> bool:
    return all(map(operator.lt, values, islice(values, 1, None)))


def population_digest(object_ids: Sequence[int]) -> str:
    """SHA-256 of the ids packed as unsigned 64-bit big-endian integers; ids must be strictly ascending."""
    ids = object_ids if isinstance(object_ids, AscendingIds) else AscendingIds(object_ids)
    return hashlib.sha256(ids.big_endian()).hexdigest()


def population_sha256(strata: Mapping[str, Sequence[int]]) -> dict:
    """Per-stratum digests plus an overall digest of the manifest "key<TAB>digest<LF>" in key order."""
    keys = stratum_keys(strata)
    per_stratum = {key: population_digest(strata[key]) for key in keys}
    if len(keys) > 1 and len(set().union(*(strata[key] for key in keys))) != sum(len(strata[k]) for k in keys):
        raise ValueError("population: an object id appears in more than one stratum")
    manifest = "".join(f"{key}\t{per_stratum[key]}\n" for key in keys)
    return {"strata": per_stratum, "overall": hashlib.sha256(manifest.encode("ascii")).hexdigest()}


def stratum_keys(strata: Mapping[str, object]) -> list[str]:
    """The stratum keys in canonical (code point) order; ValueError for an empty or malformed key set."""
    keys = sorted(strata)
    if not keys:
        raise ValueError("population: at least one stratum is required")
    bad = [k for k in keys if not isinstance(k, str) or not _STRATUM_KEY.fullmatch(k)]
    if bad:
        raise ValueError(f"population: stratum keys must match [A-Za-z0-9_.-]{{1,64}}, got {bad!r}")
    return keys


def ratio_value(ratio: Ratio) -> Fraction:
    """A sampling ratio as an exact fraction in [0, 1]; floats are read by their shortest decimal form."""
    # Fraction(0.08) would be 0.0800000000000000016…, turning ceil(100 × 8 %) into 9.
    try:
        value = Fraction(str(ratio)) if isinstance(ratio, float) else Fraction(ratio)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise ValueError(f"ratio: not a number: {ratio!r}") from exc
    if not 0 <= value <= 1:
        raise ValueError(f"ratio: must be between 0 and 1 (a fraction, not a percentage), got {ratio!r}")
    return value


def size_from_ratio(count: int, ratio: Ratio) -> int:
    """ceil(count × ratio) computed exactly, never more than count: any positive ratio draws at least one."""
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count: expected a non-negative integer, got {count!r}")
    return min(count, math.ceil(count * ratio_value(ratio)))


def sizes_from_ratios(counts: Mapping[str, int], ratios: Mapping[str, Ratio]) -> dict[str, int]:
    """size_from_ratio per stratum of counts; every stratum needs a ratio, ratios for other keys are ignored."""
    missing = sorted(set(counts) - set(ratios))
    if missing:
        raise ValueError(f"ratios: no ratio for strata {missing}")
    return {key: size_from_ratio(counts[key], ratios[key]) for key in sorted(counts)}


def select(seed_hex: str, strata: Mapping[str, Sequence[int]], sizes: Mapping[str, int],
           exclusions: Collection[int] = (), version: str = ALGORITHM_VERSION) -> DrawSelection:
    """The draw: a pure function of seed, population, sizes, exclusions and algorithm version."""
    # Costs O(size + exclusions) per stratum, never O(population): the caller (build_record) is the one that
    # validates the ascending order of a million ids, once.
    seed = seed_bytes(seed_hex)
    _require_version(version)
    keys = stratum_keys(strata)
    _require_sizes(keys, sizes)
    excluded = frozenset(exclusions)
    if any(isinstance(x, bool) or not isinstance(x, int) for x in excluded):
        raise ValueError("exclusions: object ids must be integers")
    picks = {key: _draw_stratum(seed, version, key, strata[key], sizes[key], excluded) for key in keys}
    return DrawSelection(strata=picks, objects=tuple(i for key in keys for i in picks[key]))


def uniform_index(digest: bytes, population_size: int) -> int | None:
    """Index in [0, population_size) from a block's first 8 bytes, or None when rejected to avoid modulo bias."""
    value = int.from_bytes(digest[:8], "big")
    if value >= _TWO_POW_64 - _TWO_POW_64 % population_size:
        return None
    return value % population_size


def _draw_stratum(seed: bytes, version: str, key: str, ids: Sequence[int], size: int,
                  excluded: frozenset[int]) -> tuple[int, ...]:
    available = len(ids) - sum(1 for x in excluded if _contains(ids, x))
    if size >= available:
        # Sampling nearly everything by rejection would cost N·ln N hashes; taking all is the same set.
        return tuple(i for i in ids if i not in excluded)
    prefix = hashlib.sha256(seed + version.encode("ascii") + b"\x00" + key.encode("ascii") + b"\x00")
    chosen: list[int] = []
    seen: set[int] = set()
    counter = 0
    while len(chosen) < size:
        block = prefix.copy()
        block.update(counter.to_bytes(8, "big"))
        counter += 1
        index = uniform_index(block.digest(), len(ids))
        if index is None or ids[index] in seen or ids[index] in excluded:
            continue
        seen.add(ids[index])
        chosen.append(ids[index])
    return tuple(chosen)


def _contains(ids: Sequence[int], object_id: int) -> bool:
    at = bisect_left(ids, object_id)
    return at < len(ids) and ids[at] == object_id


def _require_version(version: str) -> None:
    if version != ALGORITHM_VERSION:
        raise ValueError(f"unsupported draw algorithm {version!r} (this is {ALGORITHM_VERSION})")


def _require_sizes(keys: list[str], sizes: Mapping[str, int]) -> None:
    if sorted(sizes) != keys:
        raise ValueError(f"sizes: expected exactly the strata {keys}, got {sorted(sizes)}")
    bad = {k: v for k, v in sizes.items() if isinstance(v, bool) or not isinstance(v, int) or v < 0}
    if bad:
        raise ValueError(f"sizes: must be non-negative integers, got {bad}")


# ---- the public record ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VerifyResult:
    """Whether a published record recomputes to itself; if not, the first step that failed and why."""

    match: bool
    reasons: list[str]
    step: str | None = None


def build_record(seed_hex: str, strata: Mapping[str, Sequence[int]], sizes: Mapping[str, int],
                 exclusions: Collection[int] = (), *, ratios: Mapping[str, Ratio] | None = None,
                 commitment: str | None = None, version: str = ALGORITHM_VERSION) -> dict:
    """The public, JSON-able draw record; ValueError if the seed does not open `commitment` or sizes ≠ ratios."""
    if commitment is not None and commitment.lower() != seed_commitment(seed_hex):
        raise ValueError("seed: does not match the commitment published at launch")
    keys = stratum_keys(strata)
    digests = population_sha256(strata)
    if ratios is not None and sizes_from_ratios({k: len(strata[k]) for k in keys}, ratios) != dict(sizes):
        raise ValueError("sizes: do not follow from the ratios (ceil(count × ratio), capped at count)")
    return {
        "algorithm": version,
        "seed_commitment": seed_commitment(seed_hex),
        "seed": seed_hex.lower(),
        "population": {key: list(strata[key]) for key in keys},
        "population_sha256": digests,
        "sizes": {key: sizes[key] for key in keys},
        "ratios": None if ratios is None else {key: str(ratios[key]) for key in keys},
        "exclusions": sorted(set(exclusions)),
        "selection": select(seed_hex, strata, sizes, exclusions, version).as_record(),
    }


def verify_record(record: Mapping) -> VerifyResult:
    """Recompute a v1 or v2 record (bare or under "record") step by step, as docs/draw.md §6 orders the steps."""
    from domain.draw_verify import verify  # builds on this module, so it is imported when first needed

    return verify(record)
