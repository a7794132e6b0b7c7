"""The yearly fairness report (SPEC §8): how often the draws and the matchings picked each object and inspector,
against what chance gives, computed exactly (docs/draw.md §9).

The model: each confirmed draw (or each matched object, for an inspector) is an independent trial that includes
a given candidate with a known probability — for an object, its stratum's sample size over the stratum's frozen
population; for an inspector, the share of the picks left for its preference level in the frozen pool. The number
of times a candidate was picked then follows a Poisson-binomial law, and its upper tail is computed in rational
arithmetic, without rounding. A tail below ALERT_BELOW is a warning for the office: not proof of anything, a reason
to look (one in a thousand candidates crosses it by chance alone).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

ALERT_BELOW = Fraction(1, 1000)
_PREFERENCES = ("local", "local_previous", "adjacent", "adjacent_previous")


@dataclass(frozen=True)
class DrawnPopulation:
    """One confirmed draw as the report sees it: its frozen strata (ascending ids), sizes and selection."""

    task_id: str
    strata: Mapping[str, Sequence[int]]
    sizes: Mapping[str, int]
    selected: Sequence[int]


@dataclass
class Tally:
    """How often one candidate was picked, and the probabilities of the trials it took part in."""

    times: int = 0
    chances: list[Fraction] = field(default_factory=list)

    @property
    def expected(self) -> Fraction:
        return sum(self.chances, Fraction(0))

    def tail(self) -> Fraction:
        """P(picked at least `times` times) under the model."""
        return tail_at_least(self.chances, self.times)


def tail_at_least(chances: Sequence[Fraction], hits: int) -> Fraction:
    """P(X ≥ hits), X the number of successes of independent trials with these probabilities; exact."""
    if hits <= 0:
        return Fraction(1)
    below = [Fraction(1)] + [Fraction(0)] * (hits - 1)  # below[j] = P(j successes so far), for j < hits
    reached = Fraction(0)
    for p in chances:
        q = 1 - p
        reached += below[hits - 1] * p
        for j in range(hits - 1, 0, -1):
            below[j] = below[j] * q + below[j - 1] * p
        below[0] *= q
    return reached


def _holds(ids: Sequence[int], object_id: int) -> bool:
    at = bisect_left(ids, object_id)
    return at < len(ids) and ids[at] == object_id


def object_tallies(draws: Iterable[DrawnPopulation], candidates: Iterable[int]) -> dict[int, Tally]:
    """Per candidate object: the draws whose population held it (with its chance there) and the times drawn."""
    tallies = {object_id: Tally() for object_id in candidates}
    for draw in draws:
        selected = set(draw.selected)
        for object_id, tally in tallies.items():
            for key, ids in draw.strata.items():
                if ids and _holds(ids, object_id):
                    tally.chances.append(Fraction(min(draw.sizes.get(key, 0), len(ids)), len(ids)))
                    tally.times += object_id in selected
                    break
    return tallies


def inspector_tallies(department_records: Iterable[Mapping]) -> dict[tuple[str, str], Tally]:
    """Per (department, pseudonym): the pools it stood in (with its chance there) and the times picked.

    Within a pool the members of a lower preference level are always taken first, and the level that the last
    pick reaches shares the remaining picks at random (the ranks are hashes of the seed): a member of that level
    is picked with probability remaining ÷ its size; officers and experts are picked separately."""
    tallies: dict[tuple[str, str], Tally] = {}
    for department in department_records:
        code = department["department_code"]
        for entry in department["objects"]:
            experts, previous = set(entry["experts"]), set(entry["previous"])
            level = {name: _PREFERENCES.index(tier + ("_previous" if name in previous else ""))
                     for tier in ("local", "adjacent") for name in entry["pool"][tier]}
            for group, picks, wanted in ((False, entry["picks"], department["per_object"]),
                                         (True, entry["expert_picks"], department["experts_per_object"])):
                members = [name for name in level if (name in experts) == group]
                for name in members:
                    ahead = sum(1 for other in members if level[other] < level[name])
                    same = sum(1 for other in members if level[other] == level[name])
                    chance = Fraction(min(max(wanted - ahead, 0), same), same)
                    tally = tallies.setdefault((code, name), Tally())
                    tally.chances.append(chance)
                    tally.times += name in picks
    return tallies


def alerts(tallies: Mapping, *, below: Fraction = ALERT_BELOW) -> list[tuple[object, Tally, Fraction]]:
    """The candidates picked far more often than chance: (key, tally, tail) with tail < below, rarest first."""
    found = []
    for key, tally in tallies.items():
        if tally.times and tally.times > tally.expected:
            tail = tally.tail()
            if tail < below:
                found.append((key, tally, tail))
    return sorted(found, key=lambda item: (item[2], str(item[0])))
