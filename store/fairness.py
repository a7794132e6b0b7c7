"""The yearly fairness report (SPEC §8) from the confirmed draws and matchings of a year: what the public site shows,
and for the office the objects and inspectors picked far more often than chance (domain.fairness)."""

from collections import Counter
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import fairness
from domain.draw import NON_STRATIFIED
from domain.matching_v2 import MATCH_V2
from store import match_pools
from store.draw_freeze import year_bounds
from store.draw_population import frozen_population
from store.models import InspectionObject, Inspector
from store.models.tasks import Draw, Matching

MOST_DRAWN = 10
_CHUNK = 5000


async def year_draws(session: AsyncSession, year: int) -> list[fairness.DrawnPopulation]:
    """Every draw confirmed in the year (Beijing), oldest first, with its frozen population."""
    start, end = year_bounds(year)
    rows = (await session.execute(select(Draw.task_id, Draw.sizes, Draw.selection)
                                  .where(Draw.confirmed_at >= start, Draw.confirmed_at < end)
                                  .order_by(Draw.confirmed_at, Draw.task_id))).all()
    return [fairness.DrawnPopulation(task_id=task_id, strata=await frozen_population(session, task_id), sizes=sizes,
                                     selected=[o["object_id"] for o in selection]) for task_id, sizes, selection in rows]


async def public_report(session: AsyncSession, year: int) -> dict[str, Any]:
    """Per credit-risk class, how many objects were drawn of how many could be; objects never drawn; drawn most."""
    return await _public(session, year, await year_draws(session, year))


async def _public(session: AsyncSession, year: int, draws: list[fairness.DrawnPopulation]) -> dict[str, Any]:
    classes = await _classes(session, draws)
    eligible = Counter(classes.values())
    times = Counter(i for d in draws for i in d.selected)
    # Expected selections per class: each draw's stratum spreads its sample size evenly over its members.
    expected: Counter = Counter()
    for draw in draws:
        for key, ids in draw.strata.items():
            if ids:
                share = Fraction(min(draw.sizes.get(key, 0), len(ids)), len(ids))
                for cls, n in Counter(classes.get(i, "") for i in ids).items():
                    expected[cls] += share * n
    per_class = [{"credit_risk_class": cls, "eligible": eligible[cls],
                  "drawn": sum(1 for i in times if classes.get(i) == cls),
                  "selections": sum(n for i, n in times.items() if classes.get(i) == cls),
                  "expected_selections": float(expected[cls])} for cls in sorted(eligible)]
    tallies = fairness.object_tallies(draws, [i for i, _ in times.most_common(MOST_DRAWN)])
    names = await _object_names(session, tallies)
    most = [{"object_id": i, **names.get(i, {}), "times": tally.times, "draws_eligible": len(tally.chances),
             "expected": float(tally.expected)} for i, tally in tallies.items()]
    return {"year": year, "draws": len(draws), "eligible_objects": len(classes),
            "never_drawn": len(classes) - len(times), "classes": per_class, "drawn_most": most}


async def office_report(session: AsyncSession, year: int) -> dict[str, Any]:
    """The public report plus the objects and inspectors picked far more often than chance (tail below 0.001)."""
    draws = await year_draws(session, year)
    report = await _public(session, year, draws)
    flagged = fairness.alerts(fairness.object_tallies(draws, {i for d in draws for i in d.selected}))
    names = await _object_names(session, [key for key, _, _ in flagged])
    objects = [{"object_id": key, **names.get(key, {}), **_figures(tally, tail)} for key, tally, tail in flagged]
    records = (await session.execute(select(Matching.record).where(
        Matching.task_id.in_([d.task_id for d in draws])))).scalars().all()
    ids: dict[tuple[str, str], int] = {}
    for (_, department), members in (await match_pools.frozen_members(session, [d.task_id for d in draws])).items():
        ids.update({(department, name): inspector_id for name, inspector_id in members.items()})
    flagged = fairness.alerts(fairness.inspector_tallies(r for r in records if r.get("algorithm") == MATCH_V2))
    people = await _inspector_names(session, [ids[key] for key, _, _ in flagged if key in ids])
    inspectors = [{"department_code": department, "pseudonym": name, "inspector_id": ids.get((department, name)),
                   "name": people.get(ids.get((department, name)), ""), **_figures(tally, tail)}
                  for (department, name), tally, tail in flagged]
    return {**report, "alert_below": float(fairness.ALERT_BELOW), "objects_alerted": objects,
            "inspectors_alerted": inspectors}


def _figures(tally: fairness.Tally, tail) -> dict[str, Any]:
    return {"times": tally.times, "trials": len(tally.chances), "expected": float(tally.expected),
            "tail_probability": float(tail)}


async def _classes(session: AsyncSession, draws: list[fairness.DrawnPopulation]) -> dict[int, str]:
    """Credit-risk class of every object some draw of the year could select: its stratum, or the directory's."""
    classes: dict[int, str] = {}
    unclassed: set[int] = set()
    for draw in draws:
        for key, ids in draw.strata.items():
            if key == NON_STRATIFIED:
                unclassed.update(ids)
            else:
                classes.update(dict.fromkeys(ids, key))
    unclassed -= classes.keys()
    o = InspectionObject
    for chunk in _chunks(sorted(unclassed)):
        classes.update((await session.execute(select(o.id, o.credit_risk_class).where(o.id.in_(chunk)))).all())
    return classes


async def _object_names(session: AsyncSession, object_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    o = InspectionObject
    rows = await session.execute(select(o.id, o.name, o.uscc, o.credit_risk_class).where(o.id.in_(list(object_ids))))
    return {i: {"name": name, "uscc": uscc, "credit_risk_class": cls} for i, name, uscc, cls in rows}


async def _inspector_names(session: AsyncSession, inspector_ids: list[int]) -> dict[int, str]:
    rows = await session.execute(select(Inspector.id, Inspector.name).where(Inspector.id.in_(inspector_ids)))
    return dict(rows.all())


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
