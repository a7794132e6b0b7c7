"""The verifiable draw: determinism, exactness, exclusions with replacements, uniformity, record verification."""

import hashlib
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings, strategies as st

from domain.draw import (
    ALGORITHM_VERSION, AscendingIds, build_record, population_digest, population_sha256, seed_commitment, select,
    size_from_ratio, sizes_from_ratios, uniform_index, verify_record,
)

seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)


@st.composite
def draws(draw, stratified: bool | None = None):
    """A seed, disjoint ascending strata, sizes (sometimes above the stratum) and exclusions."""
    stratified = draw(st.booleans()) if stratified is None else stratified
    keys = draw(st.lists(st.sampled_from("ABCD"), min_size=1, max_size=4, unique=True)) if stratified else ["all"]
    pool = draw(st.lists(st.integers(0, 10_000), min_size=0, max_size=120, unique=True))
    strata = {key: sorted(pool[i::len(keys)]) for i, key in enumerate(keys)}
    sizes = {key: draw(st.integers(0, len(ids) + 2)) for key, ids in strata.items()}
    excluded_members = draw(st.lists(st.sampled_from(pool), max_size=10, unique=True)) if pool else []
    exclusions = excluded_members + draw(st.lists(st.integers(20_000, 20_010), max_size=2, unique=True))
    return draw(seeds), strata, sizes, exclusions


def seed_number(i: int) -> str:
    return hashlib.sha256(f"test seed {i}".encode()).hexdigest()


def test_seed_commitment_is_sha256_of_the_seed_bytes():
    seed = "00" * 31 + "ff"
    assert seed_commitment(seed) == hashlib.sha256(bytes(31) + b"\xff").hexdigest()
    assert seed_commitment(seed.upper()) == seed_commitment(seed)


@pytest.mark.parametrize("bad", ["", "ab" * 31, "ab" * 33, "zz" * 32, None])
def test_a_malformed_seed_is_refused(bad):
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        seed_commitment(bad)


def test_population_digest_is_sha256_of_u64_big_endian_ids():
    assert population_digest([1, 2, 258]) == hashlib.sha256(
        (1).to_bytes(8, "big") + (2).to_bytes(8, "big") + (258).to_bytes(8, "big")).hexdigest()
    assert population_digest([]) == hashlib.sha256(b"").hexdigest()


@pytest.mark.parametrize("bad", [[2, 1], [1, 1], [-1, 3], [1.0, 2.0], ["1"]])
def test_population_digest_refuses_unsorted_or_non_integer_ids(bad):
    with pytest.raises(ValueError):
        population_digest(bad)


@given(st.lists(st.integers(0, 2**64 - 1), max_size=60, unique=True), st.randoms(use_true_random=False))
def test_ascending_ids_check_once_sort_on_request_and_hash_like_a_list(ids, random):
    ordered = sorted(ids)
    shuffled = random.sample(ids, len(ids))
    packed = b"".join(i.to_bytes(8, "big") for i in shuffled)
    frozen = AscendingIds.from_big_endian(packed, sort=True)
    assert list(frozen) == ordered and frozen == ordered and len(frozen) == len(ordered)
    assert population_digest(frozen) == population_digest(ordered) == hashlib.sha256(
        b"".join(i.to_bytes(8, "big") for i in ordered)).hexdigest()
    assert select(seed_number(5), {"all": frozen}, {"all": 3}) == select(seed_number(5), {"all": ordered}, {"all": 3})
    if shuffled != ordered:
        with pytest.raises(ValueError, match="strictly ascending"):
            AscendingIds.from_big_endian(packed)
    # A source that guarantees the order (ORDER BY over a primary key) is taken as it is, in parts.
    halves = [b"".join(i.to_bytes(8, "big") for i in part) for part in (ordered[:7], ordered[7:])]
    trusted = AscendingIds.concatenate([AscendingIds.from_big_endian(h, presorted=True) for h in halves])
    assert trusted == ordered and population_digest(trusted) == population_digest(ordered)


def test_concatenated_parts_are_checked_at_the_joins_and_sorted_when_out_of_order():
    parts = [AscendingIds([1, 4]), AscendingIds(), AscendingIds([7]), AscendingIds([9, 12])]
    assert AscendingIds.concatenate(parts) == [1, 4, 7, 9, 12]
    assert AscendingIds.concatenate(parts[::-1]) == [1, 4, 7, 9, 12]
    assert AscendingIds.concatenate([]) == []
    with pytest.raises(ValueError, match="appears twice"):
        AscendingIds.concatenate([AscendingIds([1, 4]), AscendingIds([4, 5])])


def test_ascending_ids_refuse_duplicates_even_when_sorting():
    with pytest.raises(ValueError, match="appears twice"):
        AscendingIds([3, 1, 3], sort=True)
    with pytest.raises(ValueError, match="integers"):
        AscendingIds([1, -2], sort=True)
    assert AscendingIds() == [] and AscendingIds([4, 9])[1] == 9 and list(AscendingIds([4, 9])[:1]) == [4]


def test_overall_digest_binds_each_stratum_to_its_key():
    a = population_sha256({"A": [1, 2], "B": [3]})
    assert a["overall"] == hashlib.sha256(f"A\t{a['strata']['A']}\nB\t{a['strata']['B']}\n".encode()).hexdigest()
    assert population_sha256({"A": [1], "B": [2, 3]})["overall"] != a["overall"]
    with pytest.raises(ValueError, match="more than one stratum"):
        population_sha256({"A": [1, 2], "B": [2]})


@pytest.mark.parametrize(("count", "ratio", "size"), [
    (100, 0.08, 8), (100, Decimal("0.08"), 8), (101, "0.08", 9), (1, 0.01, 1), (0, 0.5, 0), (7, 1, 7),
    (50, 0, 0), (3, 0.2, 1), (1000, 0.001, 1), (999, 0.001, 1), (1001, 0.001, 2)])
def test_ratio_sizes_round_up_exactly(count, ratio, size):
    assert size_from_ratio(count, ratio) == size


def test_ratios_outside_zero_one_and_missing_strata_are_refused():
    with pytest.raises(ValueError, match="percentage"):
        size_from_ratio(100, 8)
    with pytest.raises(ValueError, match="no ratio for strata"):
        sizes_from_ratios({"A": 10, "D": 3}, {"A": 0.1})
    assert sizes_from_ratios({"A": 10, "D": 3}, {"A": 0.1, "D": 1, "C": 0.5}) == {"A": 1, "D": 3}


def test_the_rejection_rule_drops_the_biased_tail():
    top = (2**64 - 1).to_bytes(8, "big")
    assert uniform_index(top, 3) is None
    assert uniform_index((2**64 - 2).to_bytes(8, "big"), 3) == (2**64 - 2) % 3
    assert uniform_index(top, 2) == 1


@given(draws())
def test_the_selection_is_a_pure_function_of_its_inputs(case):
    seed, strata, sizes, exclusions = case
    assert select(seed, strata, sizes, exclusions) == select(seed, dict(reversed(strata.items())), sizes,
                                                               list(reversed(exclusions)))


@given(draws())
def test_picks_are_distinct_in_population_not_excluded_and_exactly_sized(case):
    seed, strata, sizes, exclusions = case
    selection = select(seed, strata, sizes, exclusions)
    assert len(set(selection.objects)) == len(selection.objects)
    for key, picks in selection.strata.items():
        available = [i for i in strata[key] if i not in exclusions]
        assert set(picks) <= set(available)
        assert len(picks) == min(sizes[key], len(available))
    assert selection.objects == tuple(i for key in sorted(strata) for i in selection.strata[key])


@given(draws(), st.data())
def test_excluding_picks_keeps_the_others_and_draws_replacements(case, data):
    seed, strata, sizes, exclusions = case
    first = select(seed, strata, sizes, exclusions)
    removed = data.draw(st.lists(st.sampled_from(first.objects), unique=True) if first.objects else st.just([]))
    second = select(seed, strata, sizes, [*exclusions, *removed])
    for key, picks in first.strata.items():
        kept = [i for i in picks if i not in removed]
        assert set(kept) <= set(second.strata[key])
        available = len([i for i in strata[key] if i not in exclusions and i not in removed])
        assert len(second.strata[key]) == min(sizes[key], available)
        if len(second.strata[key]) < available:
            assert list(second.strata[key][:len(kept)]) == kept, "replacements come after the kept picks"


def test_a_changed_seed_changes_the_selection():
    strata = {"all": list(range(1000))}
    assert select(seed_number(1), strata, {"all": 10}) != select(seed_number(2), strata, {"all": 10})


def test_a_stratum_smaller_than_its_size_is_taken_whole_in_ascending_order():
    selection = select(seed_number(0), {"D": [5, 9, 12], "A": list(range(100))}, {"D": 5, "A": 3}, [9])
    assert selection.strata["D"] == (5, 12)
    assert len(selection.strata["A"]) == 3


def test_unknown_versions_and_mismatched_sizes_are_refused():
    with pytest.raises(ValueError, match="unsupported"):
        select(seed_number(0), {"all": [1, 2]}, {"all": 1}, version="jointcheck-draw-v0")
    with pytest.raises(ValueError, match="exactly the strata"):
        select(seed_number(0), {"all": [1, 2]}, {"A": 1})
    with pytest.raises(ValueError, match="stratum keys"):
        select(seed_number(0), {"a b": [1, 2]}, {"a b": 1})


def test_draws_are_uniform_over_the_population():
    """Chi-square over 4,000 seeds: population 50, sample 5, so 400 expected picks per object (df = 49)."""
    population = {"all": list(range(100, 150))}
    counts = dict.fromkeys(population["all"], 0)
    first_counts = dict.fromkeys(population["all"], 0)
    for i in range(4000):
        picks = select(seed_number(i), population, {"all": 5}).objects
        first_counts[picks[0]] += 1
        for object_id in picks:
            counts[object_id] += 1
    # 85.35 is the 0.999 quantile of chi-square with 49 degrees of freedom (table; Wilson–Hilferty gives 85.4).
    # Sampling without replacement only lowers the statistic's variance, so the bound is conservative.
    assert sum((c - 400) ** 2 / 400 for c in counts.values()) < 85.35
    assert sum((c - 80) ** 2 / 80 for c in first_counts.values()) < 85.35


def test_each_stratum_is_uniform_over_its_non_excluded_ids():
    """Chi-square per stratum over 3,000 seeds, with exclusions: replacements favour no one either."""
    strata = {"B": list(range(1000, 1040)), "D": list(range(5000, 5060, 2))}
    excluded = {1003, 1017, 1021, 1038, 5010}
    counts = {key: dict.fromkeys((i for i in ids if i not in excluded), 0) for key, ids in strata.items()}
    for i in range(3000):
        selection = select(seed_number(10_000 + i), strata, {"B": 4, "D": 3}, excluded)
        for key, picks in selection.strata.items():
            for object_id in picks:
                counts[key][object_id] += 1
    # 0.999 quantiles of chi-square: 66.62 for df = 35 (B: 36 ids), 56.89 for df = 28 (D: 29 ids).
    for key, size, bound in (("B", 4, 66.62), ("D", 3, 56.89)):
        expected = 3000 * size / len(counts[key])
        assert sum((c - expected) ** 2 / expected for c in counts[key].values()) < bound, key


@given(st.integers(0, 10_000), st.fractions(0, 1, max_denominator=1000))
def test_ratio_sizes_are_the_exact_ceiling_capped_at_the_count(count, ratio):
    size = size_from_ratio(count, ratio)
    assert size == min(count, -(-count * ratio.numerator // ratio.denominator))
    assert (size >= 1) == (count > 0 and ratio > 0)


def test_a_million_ids_draw_without_materialising_them():
    """Strata given as ranges are sampled as they are (timings: benchmarks/draw.py)."""
    strata = {"A": range(0, 2_000_000, 2), "B": range(1, 2_000_000, 2)}
    selection = select(seed_number(7), strata, {"A": 200, "B": 200}, exclusions=range(0, 2000, 3))
    assert len(selection.objects) == 400
    assert not set(selection.objects) & set(range(0, 2000, 3))


@given(draws())
@settings(max_examples=50)
def test_a_built_record_verifies(case):
    seed, strata, sizes, exclusions = case
    record = build_record(seed, strata, sizes, exclusions)
    assert record["algorithm"] == ALGORITHM_VERSION
    assert record["seed_commitment"] == seed_commitment(seed)
    assert record["exclusions"] == sorted(set(exclusions))
    assert verify_record(record).match
    assert verify_record({"task_id": "t-1", "record": record}).match


@given(draws(), st.sampled_from(["seed", "population", "selection", "order", "commitment", "sizes"]))
@settings(max_examples=80)
def test_any_tampering_is_a_mismatch(case, tamper):
    seed, strata, sizes, exclusions = case
    record = build_record(seed, strata, sizes, exclusions)
    key = sorted(strata)[0]
    if tamper == "seed":
        record["seed"] = seed_number(99)
    elif tamper == "commitment":
        record["seed_commitment"] = seed_commitment(seed_number(99))
    elif tamper == "population":
        record["population"][key] = [*record["population"][key], 50_000]
    elif tamper == "sizes":
        assume(any(strata.values()))
        record["ratios"] = {k: "0" if sizes[k] else "1" for k in strata}
    elif tamper == "order":
        objects = record["selection"]["objects"]
        record["selection"]["objects"] = objects[::-1] if len(objects) > 1 else [*objects, 0]
    else:
        record["selection"]["strata"][key] = [*record["selection"]["strata"][key], 50_001]
    verdict = verify_record(record)
    assert not verdict.match
    assert verdict.reasons


def test_a_record_with_ratios_checks_the_rounding():
    strata = {"A": list(range(100)), "D": [200, 201]}
    ratios = {"A": 0.08, "D": 1}
    record = build_record(seed_number(3), strata, sizes_from_ratios({"A": 100, "D": 2}, ratios), ratios=ratios)
    assert record["ratios"] == {"A": "0.08", "D": "1"} and record["sizes"] == {"A": 8, "D": 2}
    record["sizes"]["A"] = 7
    record["selection"] = build_record(seed_number(3), strata, record["sizes"])["selection"]
    assert verify_record(record).reasons == ["sizes {'A': 7, 'D': 2} do not follow from the ratios "
                                             "(expected {'A': 8, 'D': 2})"]


def test_build_record_refuses_a_seed_that_does_not_open_the_commitment():
    with pytest.raises(ValueError, match="commitment"):
        build_record(seed_number(1), {"all": [1]}, {"all": 1}, commitment=seed_commitment(seed_number(2)))


def test_an_unrevealed_or_malformed_record_does_not_verify():
    assert verify_record({"algorithm": ALGORITHM_VERSION, "seed_commitment": "ab", "seed": None}).reasons == [
        "the seed is not revealed yet: only the commitment is public"]
    assert not verify_record({"algorithm": ALGORITHM_VERSION, "seed": seed_number(1)}).match
    assert not verify_record({"algorithm": "v0"}).match
