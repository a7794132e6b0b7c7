"""Draw records v2: the same sampling as v1, backed exclusions with replacements, public entropy, freeze removals,
and a verifier that names the first step a changed record fails."""

import copy
import hashlib

import pytest
from hypothesis import assume, given, settings, strategies as st

from domain.draw import RECORD_V2, build_record, select, verify_record
from domain.draw_v2 import (
    Exclusion, FreezeRemoval, FusionWarning, ScopeDeparture, build_record_v2, unbacked_exclusions,
)
from domain.public_entropy import PublicEntropy, final_seed
from tests.domain.test_draw import draws

STRATA = {"A": list(range(100, 160)), "D": [900, 901, 902]}
SIZES = {"A": 4, "D": 3}
SEED = hashlib.sha256(b"draw v2").hexdigest()


@given(draws())
@settings(max_examples=60, deadline=None)
def test_without_public_entropy_v2_draws_exactly_what_v1_draws(case):
    seed, strata, sizes, _ = case
    v1, v2 = build_record(seed, strata, sizes), build_record_v2(seed, strata, sizes)
    assert v2["algorithm"] == RECORD_V2 and v2["final_seed"] == seed.lower()
    assert v2["selection"] == v1["selection"] and v2["population_sha256"] == v1["population_sha256"]
    assert verify_record(v2).match and verify_record(v1).match


@given(draws(stratified=True), st.data())
@settings(max_examples=60, deadline=None)
def test_backed_exclusions_keep_the_other_picks_and_draw_replacements(case, data):
    seed, strata, sizes, _ = case
    first = select(seed, strata, sizes)
    assume(first.objects)
    removed = data.draw(st.lists(st.sampled_from(first.objects), min_size=1, unique=True))
    kinds = data.draw(st.lists(st.sampled_from(["inspected_this_year", "open_task", "deregistered", "revoked",
                                                "out_of_scope"]), min_size=len(removed), max_size=len(removed)))
    warnings = [FusionWarning(o, k) for o, k in zip(removed, kinds) if k in ("inspected_this_year", "open_task")]
    left = [ScopeDeparture(o, k) for o, k in zip(removed, kinds) if k not in ("inspected_this_year", "open_task")]
    record = build_record_v2(seed, strata, sizes, [Exclusion(o, k) for o, k in zip(removed, kinds)],
                             warnings=warnings, left_scope=left)
    assert verify_record(record).match
    for key, picks in first.strata.items():
        kept = [i for i in picks if i not in removed]
        again = record["selection"]["strata"][key]
        available = len(strata[key]) - len(set(strata[key]) & set(removed))
        assert set(kept) <= set(again) and not set(again) & set(removed)
        assert len(again) == min(sizes[key], available)
        if len(again) < available:
            assert again[:len(kept)] == kept, "replacements come after the kept picks, in drawing order"


def test_an_exclusion_without_its_warning_is_refused_naming_the_object():
    warned = FusionWarning(101, "open_task", "任务 T-2 在办")
    exclusions = [Exclusion(101, "open_task"), Exclusion(102, "inspected_this_year"), Exclusion(103, "revoked")]
    assert unbacked_exclusions(exclusions, [warned], [ScopeDeparture(103, "deregistered")]) == exclusions[1:]
    with pytest.raises(ValueError, match="object 102 has no inspected_this_year warning.*object 103 has no revoked"):
        build_record_v2(SEED, STRATA, SIZES, exclusions, warnings=[warned])
    with pytest.raises(ValueError, match=r"objects \[5\] are not in the frozen population"):
        build_record_v2(SEED, STRATA, SIZES, [Exclusion(5, "open_task")], warnings=[FusionWarning(5, "open_task")])
    with pytest.raises(ValueError, match="excluded twice"):
        build_record_v2(SEED, STRATA, SIZES, [Exclusion(101, "open_task")] * 2, warnings=[warned])
    with pytest.raises(ValueError, match="is not one of"):
        Exclusion(101, "the lead prefers not")


def test_removals_at_the_freeze_are_stated_and_checked():
    removed = [FreezeRemoval("annual_cap", 5, "本年度已检查 2 次"), FreezeRemoval("revoked", None, "2 户")]
    record = build_record_v2(SEED, STRATA, SIZES, removed_at_freeze=removed, annual_cap=2)
    assert record["removed_at_freeze"][0] == {"object_id": 5, "reason": "annual_cap", "detail": "本年度已检查 2 次"}
    assert verify_record(record).match
    with pytest.raises(ValueError, match="still in the population"):
        build_record_v2(SEED, STRATA, SIZES, removed_at_freeze=[FreezeRemoval("annual_cap", 100)], annual_cap=2)
    with pytest.raises(ValueError, match="needs the annual_cap"):
        build_record_v2(SEED, STRATA, SIZES, removed_at_freeze=removed)
    with pytest.raises(ValueError, match="annual_cap"):
        build_record_v2(SEED, STRATA, SIZES, annual_cap=0)


@given(st.text("0123456789 ", min_size=1).filter(str.strip), st.text("0123456789 ", min_size=1).filter(str.strip))
@settings(max_examples=60, deadline=None)
def test_a_record_with_public_entropy_verifies_only_with_the_right_value(value, other):
    entropy = PublicEntropy("2026年第045期开奖号码", value)
    record = build_record_v2(SEED, STRATA, SIZES, public_entropy=entropy)
    assert record["final_seed"] == final_seed(SEED, entropy)
    assert record["selection"] == select(record["final_seed"], STRATA, SIZES).as_record()
    assert verify_record(record).match
    wrong = copy.deepcopy(record)
    wrong["public_entropy"].update(value=other, canonical=PublicEntropy("x", other).as_record()["canonical"])
    if wrong["public_entropy"]["canonical"] == record["public_entropy"]["canonical"]:
        assert verify_record(wrong).match, "the same digits written differently are the same value"
    else:
        assert verify_record(wrong).step == "public_entropy"


def test_an_unpublished_public_value_cannot_be_verified_yet():
    record = build_record_v2(SEED, STRATA, SIZES, public_entropy=PublicEntropy("公证员宣读", "1 2 3"))
    record["public_entropy"].update(value=None, canonical=None)
    assert verify_record(record).step == "public_entropy"
    assert "not published yet" in verify_record(record).reasons[0]


def _complete() -> dict:
    first = select(SEED, STRATA, SIZES).objects
    return build_record_v2(SEED, STRATA, SIZES, [Exclusion(first[0], "open_task")],
                           warnings=[FusionWarning(first[0], "open_task")], removed_at_freeze=[
                               FreezeRemoval("annual_cap", 7)], annual_cap=1)


@pytest.mark.parametrize(("step", "change"), [
    ("format", lambda r: r.update(algorithm="jointcheck-draw-v3")),
    ("format", lambda r: r.update(algorithm=["jointcheck-draw-v2"])),
    ("commitment", lambda r: r.update(seed=None)),
    ("commitment", lambda r: r.update(seed="xyz")),
    ("public_entropy", lambda r: r.update(final_seed=hashlib.sha256(b"x").hexdigest())),
    ("public_entropy", lambda r: r.update(public_entropy={"source": "", "value": "1"})),
    ("population", lambda r: r["population"].update(A=[*r["population"]["A"], 5])),
    ("population", lambda r: r["population"].update(A=[1.5])),
    ("population", lambda r: r["removed_at_freeze"].append({"object_id": 7, "reason": "whim", "detail": ""})),
    ("population", lambda r: r.update(annual_cap=None)),
    ("sizes", lambda r: r["sizes"].update(A=-1)),
    ("sizes", lambda r: r.update(ratios={"A": "1e999", "D": "1"})),
    ("exclusions", lambda r: r.update(warnings=[])),
    ("exclusions", lambda r: r["exclusions"].append({"object_id": 900, "reason": "open_task"})),
    ("exclusions", lambda r: r["warnings"].append({"object_id": 900, "kind": "unknown"})),
    ("selection", lambda r: r["selection"]["objects"].pop()),
    ("selection", lambda r: r["selection"]["strata"].update(D=[900.0, 901, 902])),
    ("matching", lambda r: r.update(matching=[{"algorithm": "jointcheck-match-v1", "department_code": "X"}])),
    ("matching", lambda r: r.update(matching=[{"department_code": "X"}, {"department_code": "X"}])),
])
def test_a_changed_record_fails_at_its_step(step, change):
    record = _complete()
    assert verify_record(record).match
    change(record)
    verdict = verify_record(record)
    assert (verdict.match, verdict.step) == (False, step), verdict.reasons
    assert verdict.reasons


def test_a_wrapped_record_and_garbage_are_judged_too():
    assert verify_record({"task_id": "T-1", "record": _complete()}).match
    for garbage in ([], "record", None, {"record": 3}):
        assert verify_record(garbage).step == "format"
