"""The sampling rule: exactly one of a size, a ratio or ratios per credit-risk class; the sizes and the ratio a
general item's cap is checked against."""

from decimal import Decimal

import pytest

from domain import sampling


@pytest.mark.parametrize("size, ratio, ratios, problem", [
    (5, None, {}, None), (None, 0.1, {}, None), (None, None, {"A": 0.01, "D": 1}, None),
    (None, None, {}, "exactly one"), (5, 0.1, {}, "exactly one"), (5, None, {"A": 0.1}, "exactly one"),
    (None, None, {"E": 0.1}, "credit_risk_ratios: unknown credit-risk class 'E'"),
    (None, None, {"A": 1.5}, "credit_risk_ratios: ratio for class A"),
])
def test_a_task_gives_exactly_one_valid_rule(size, ratio, ratios, problem):
    found = sampling.rule_problem(size, ratio, ratios)
    assert (found is None) if problem is None else (problem in found)


def test_sizes_follow_from_the_rule_per_stratum():
    assert sampling.planned_sizes({"all": 12}, sample_size=20, ratio=None, credit_risk_ratios={}) == ({"all": 12}, None)
    assert sampling.planned_sizes({"all": 100}, sample_size=None, ratio=0.08, credit_risk_ratios={}) == \
        ({"all": 8}, {"all": "0.08"})
    sizes, ratios = sampling.planned_sizes({"A": 10, "D": 3}, sample_size=None, ratio=None,
                                           credit_risk_ratios={"A": 0.01, "D": 1.0})
    assert (sizes, ratios) == ({"A": 1, "D": 3}, {"A": "0.01", "D": "1.0"})
    with pytest.raises(ValueError, match="neither"):
        sampling.planned_sizes({"all": 3}, sample_size=None, ratio=None, credit_risk_ratios={})


def test_the_strata_are_the_classes_given_ratios():
    assert sampling.stratum_classes({}) is None
    assert sampling.stratum_classes({"D": 1, "A": 0.01}) == ["A", "D"]
    with pytest.raises(ValueError, match="unknown credit-risk classes"):
        sampling.stratum_classes({"Z": 0.1})


def test_the_effective_ratio_is_what_an_items_cap_is_checked_against():
    counts = {"A": 50, "B": 30, "D": 20}
    assert sampling.effective_ratio(counts, sample_size=None, ratio=0.05, credit_risk_ratios={}) == Decimal("0.05")
    assert sampling.effective_ratio(counts, sample_size=10, ratio=None, credit_risk_ratios={}) == Decimal("0.1")
    assert sampling.effective_ratio(counts, sample_size=500, ratio=None, credit_risk_ratios={}) == 1
    assert sampling.effective_ratio(counts, sample_size=None, ratio=None,
                                    credit_risk_ratios={"A": 0.02, "D": 1}) == Decimal("0.21")
