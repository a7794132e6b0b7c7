"""The fairness report's arithmetic (domain.fairness): exact tails, inclusion chances, the alerts."""

from fractions import Fraction
from math import comb

from hypothesis import given
from hypothesis import strategies as st

from domain.fairness import ALERT_BELOW, DrawnPopulation, alerts, inspector_tallies, object_tallies, tail_at_least


def binomial_tail(n: int, p: Fraction, k: int) -> Fraction:
    return sum((comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(k, n + 1)), Fraction(0))


@given(st.integers(0, 30), st.fractions(0, 1, max_denominator=50), st.integers(0, 31))
def test_equal_chances_give_the_binomial_tail(n, p, k):
    assert tail_at_least([p] * n, k) == binomial_tail(n, p, k)


def test_unequal_chances_sum_over_every_outcome():
    chances = [Fraction(1, 2), Fraction(1, 3), Fraction(1, 10)]
    # P(X ≥ 2) = P(exactly two) + P(all three), by hand: (1,1,0), (1,0,1), (0,1,1), then (1,1,1).
    two = (Fraction(1, 2) * Fraction(1, 3) * Fraction(9, 10) + Fraction(1, 2) * Fraction(2, 3) * Fraction(1, 10)
           + Fraction(1, 2) * Fraction(1, 3) * Fraction(1, 10))
    three = Fraction(1, 2) * Fraction(1, 3) * Fraction(1, 10)
    assert tail_at_least(chances, 2) == two + three == Fraction(13, 60)
    assert tail_at_least(chances, 0) == 1 and tail_at_least(chances, 4) == 0


def test_an_object_drawn_in_every_small_sample_is_alerted_and_a_fair_one_is_not():
    ids = list(range(1, 101))
    draws = [DrawnPopulation(task_id=f"T{n}", strata={"all": ids}, sizes={"all": 2}, selected=[7, 10 + n])
             for n in range(5)]
    tallies = object_tallies(draws, [7, 10, 50])
    assert tallies[7].times == 5 and tallies[7].chances == [Fraction(1, 50)] * 5
    assert tallies[7].tail() == Fraction(1, 50) ** 5
    assert tallies[50].times == 0 and tallies[10].times == 1
    flagged = alerts(tallies)
    assert [key for key, _, _ in flagged] == [7] and flagged[0][2] < ALERT_BELOW


def test_an_object_outside_a_population_takes_no_chance_there():
    draws = [DrawnPopulation("T1", {"A": [1, 2], "B": [3, 4, 5, 6]}, {"A": 2, "B": 1}, [1, 2, 5]),
             DrawnPopulation("T2", {"all": [7, 8]}, {"all": 1}, [8])]
    tallies = object_tallies(draws, [1, 5, 8])
    assert tallies[1].chances == [Fraction(1)] and tallies[5].chances == [Fraction(1, 4)]
    assert tallies[8].chances == [Fraction(1, 2)] and tallies[8].times == 1


def test_an_inspector_ahead_in_preference_is_certain_and_the_rest_share_the_remaining_picks():
    entry = {"object_id": 1, "pool": {"local": ["a", "b", "c", "x"], "adjacent": ["d"]}, "previous": ["c"],
             "experts": ["x"], "picks": ["a", "b"], "expert_picks": []}
    record = {"department_code": "ENV", "per_object": 2, "experts_per_object": 0, "objects": [entry]}
    tallies = inspector_tallies([record])
    # a and b are the local officers new to the object: both certain; c (previous) and d (adjacent) never picked.
    assert {name: t.chances[0] for (_, name), t in tallies.items()} == {
        "a": 1, "b": 1, "c": 0, "d": 0, "x": 0}
    entry = {**entry, "pool": {"local": ["a", "b", "e", "x"], "adjacent": []}, "previous": [], "picks": ["a", "e"]}
    tallies = inspector_tallies([{**record, "objects": [entry]}])
    assert tallies[("ENV", "b")].chances == [Fraction(2, 3)] and tallies[("ENV", "e")].times == 1
