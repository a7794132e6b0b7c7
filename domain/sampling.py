"""How many objects a task draws (SPEC §4 step 1): exactly one of a sample size, a ratio, or a ratio per credit-risk
class (信用风险分类差异化抽查); the sizes per stratum that follow; the ratio an item's annual cap is checked against.
"""

from collections.abc import Mapping
from decimal import Decimal

from domain.draw import size_from_ratio, sizes_from_ratios
from domain.masterdata import CREDIT_RISK_CLASSES


def rule_problem(sample_size: int | None, ratio: float | None,
                 credit_risk_ratios: Mapping[str, float]) -> str | None:
    """What is wrong with a task's sampling rule, as "<field>: <reason>"; None when it is one valid rule."""
    given = [x for x in (sample_size, ratio, credit_risk_ratios or None) if x is not None]
    if len(given) != 1:
        return "give exactly one of sample_size, ratio, credit_risk_ratios"
    for cls, r in credit_risk_ratios.items():
        if cls not in CREDIT_RISK_CLASSES:
            return f"credit_risk_ratios: unknown credit-risk class '{cls}' (A–D)"
        if not 0 <= r <= 1:
            return f"credit_risk_ratios: ratio for class {cls} must be between 0 and 1"
    return None


def stratum_classes(credit_risk_ratios: Mapping[str, float]) -> list[str] | None:
    """The credit-risk classes the draw is stratified by, or None for one stratum; ValueError for an unknown class."""
    if not credit_risk_ratios:
        return None
    unknown = sorted(set(credit_risk_ratios) - set(CREDIT_RISK_CLASSES))
    if unknown:
        raise ValueError(f"credit_risk_ratios: unknown credit-risk classes {unknown}")
    return sorted(credit_risk_ratios)


def planned_sizes(counts: Mapping[str, int], *, sample_size: int | None, ratio: float | None,
                  credit_risk_ratios: Mapping[str, float]) -> tuple[dict[str, int], dict[str, str] | None]:
    """Sample size per stratum of the frozen population (`counts`: objects per stratum) and the ratios the sizes
    follow from (None for a fixed sample size); ValueError when the rule gives nothing to draw by."""
    if credit_risk_ratios:
        ratios = {k: str(v) for k, v in credit_risk_ratios.items()}
        return sizes_from_ratios(counts, ratios), ratios
    (key, count), = counts.items()
    if sample_size is not None:
        return {key: min(sample_size, count)}, None
    if ratio is not None:
        return {key: size_from_ratio(count, ratio)}, {key: str(ratio)}
    raise ValueError("the task gives neither a sample size nor a ratio")


def effective_ratio(counts_by_class: Mapping[str, int], *, sample_size: int | None, ratio: float | None,
                    credit_risk_ratios: Mapping[str, float]) -> Decimal:
    """The share of the population (objects per credit-risk class) the rule draws, as an item's annual ratio cap
    reads it; the population must not be empty."""
    population = sum(counts_by_class.values())
    if ratio is not None:
        return Decimal(str(ratio))
    if sample_size is not None:
        return Decimal(min(sample_size, population)) / population
    expected = sum(Decimal(str(r)) * counts_by_class.get(cls, 0) for cls, r in credit_risk_ratios.items())
    return expected / population

