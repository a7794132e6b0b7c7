"""The draw of record format 2 in the read model (docs/draw.md §7): the seed derived by the caller from a worker's
key, never stored before the confirmation; public entropy fixed at the first draw; the annual cap applied at the
freeze; exclusions only for a reason a warning or a departure backs; the matching pools frozen at the confirmation.

Each function runs in the caller's transaction and locks the task's draw row (store/draws.py does the same for v1).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from domain import draw_v2 as record_v2
from domain import sampling
from domain.draw_records import DrawOutcome, DrawRequest, ExclusionChoice, ObjectRef
from domain.public_entropy import PublicEntropy, canonical_entropy, final_seed
from domain.workdays import local_date
from store import draw_freeze, match_pools, office_settings
from store.draw_population import freeze_population, frozen_population
from store.draws import (
    DrawRefused, SeedMismatch, add_task_objects, fusion_warnings, new_draw, object_refs, outcome_of,
)
from store.models.tasks import Draw


async def propose(session: AsyncSession, request: DrawRequest, seed_hex: str, *, now: datetime) -> DrawOutcome:
    """Freeze at the first call, then (re)draw with the final seed; a confirmed draw is answered as it is."""
    row = await session.get(Draw, request.task_id, with_for_update=True)
    if row is not None and row.confirmed_at is not None:
        return outcome_of(row)
    row, strata = await _frozen(session, row, request, seed_hex, now)
    await _select(session, row, strata, request, seed_hex, now)
    return outcome_of(row)


async def confirm(session: AsyncSession, request: DrawRequest, seed_hex: str, *, now: datetime,
                  pseudonym_key: bytes) -> DrawOutcome:
    """Confirm once: fix the selection, freeze every department's inspector pools, and reveal the seed — together."""
    row = await session.get(Draw, request.task_id, with_for_update=True)
    if row is not None and row.confirmed_at is not None:
        return outcome_of(row)
    row, strata = await _frozen(session, row, request, seed_hex, now)
    selection = await _select(session, row, strata, request, seed_hex, now)
    await match_pools.freeze(session, request.task_id, request.departments, selection, pseudonym_key, now)
    row.seed, row.final_seed = seed_hex, final_seed(seed_hex, _entropy(row))
    row.confirmed_at, row.confirmed_by = now, request.actor.username
    await add_task_objects(session, request.task_id, selection)
    return outcome_of(row)


async def _frozen(session: AsyncSession, row: Draw | None, request: DrawRequest, seed_hex: str,
                  now: datetime) -> tuple[Draw, dict[str, Sequence[int]]]:
    if protocol.seed_commitment(seed_hex) != request.commitment.lower():
        raise SeedMismatch("the seed does not open the commitment published at launch")
    if row is not None:
        if row.seed_commitment != request.commitment.lower():
            raise SeedMismatch("the seed does not open the commitment this draw was proposed under")
        _same_entropy(row, request.public_entropy_value)
        return row, await frozen_population(session, request.task_id)
    try:
        entropy = _named_entropy(request)
        strata = await freeze_population(session, request.scope,
                                         sampling.stratum_classes(request.credit_risk_ratios))
        cap, removed = await office_settings.annual_cap(session), []
        if cap is not None:
            year = local_date(now).year
            received = await draw_freeze.joint_inspections(session, year, other_than=request.task_id)
            strata, removed = draw_freeze.apply_annual_cap(strata, received, cap, year)
        row = new_draw(session, request, strata, protocol.RECORD_V2, request.commitment.lower(), now,
                       public_entropy=entropy, annual_cap=cap, removed_at_freeze=removed, left_scope=[],
                       exclusion_reasons=[])
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    return row, strata


def _named_entropy(request: DrawRequest) -> dict | None:
    """The public value the task named at launch, given now at its first draw (it cannot be drawn without it)."""
    if request.public_entropy_source is None:
        if request.public_entropy_value is not None:
            raise ValueError("public_entropy_value: this task named no public random value at launch")
        return None
    if request.public_entropy_value is None:
        raise ValueError(f"public_entropy_value: this task draws with a public random value "
                         f"({request.public_entropy_source}): give it with the first draw")
    entropy = PublicEntropy(request.public_entropy_source, request.public_entropy_value)
    return {"source": entropy.source, "value": entropy.value}


def _same_entropy(row: Draw, value: str | None) -> None:
    """Once given, the public value cannot change: a second value would be a second draw."""
    held = (row.public_entropy or {}).get("value")
    if value is None or held is None:
        return
    try:
        same = canonical_entropy(value) == canonical_entropy(held)
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    if not same:
        raise DrawRefused(f"public_entropy_value: already given as {held!r} at the first draw; it cannot change")


def _entropy(row: Draw) -> PublicEntropy | None:
    held = row.public_entropy
    return None if held is None else PublicEntropy(held["source"], held.get("value"))


async def _select(session: AsyncSession, row: Draw, strata: dict[str, Sequence[int]], request: DrawRequest,
                  seed_hex: str, now: datetime) -> list[ObjectRef]:
    """Draw with the final seed and the exclusions; keep selection, warnings and departures of what was shown."""
    excluded = {x.object_id: x.reason for x in request.exclusions}
    try:
        if len(excluded) != len(request.exclusions):
            raise ValueError("exclude: an object is excluded twice")
        selection = protocol.select(final_seed(seed_hex, _entropy(row)), strata, row.sizes, set(excluded))
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    refs = await object_refs(session, selection)
    shown = sorted({r.object_id for r in refs} | set(excluded))
    warnings = await fusion_warnings(session, request.task_id, shown, local_date(now).year)
    left = await draw_freeze.scope_departures(session, request.scope, shown)
    unbacked = record_v2.unbacked_exclusions(
        [record_v2.Exclusion(i, reason) for i, reason in excluded.items()],
        [record_v2.FusionWarning(w.object_id, w.kind) for w in warnings],
        [record_v2.ScopeDeparture(d.object_id, d.kind) for d in left])
    if unbacked:
        raise DrawRefused("exclude: " + "; ".join(
            f"object {x.object_id} has no {x.reason} warning or departure, so it cannot be excluded for it"
            for x in unbacked))
    row.exclusions = sorted(excluded)
    row.exclusion_reasons = [ExclusionChoice(object_id=i, reason=excluded[i]).model_dump() for i in sorted(excluded)]
    row.selection = [r.model_dump(mode="json") for r in refs]
    row.warnings = [w.model_dump(mode="json") for w in warnings]
    row.left_scope = [d.model_dump(mode="json") for d in left]
    return refs


async def public_record(session: AsyncSession, row: Draw) -> dict[str, Any]:
    """The confirmed v2 record (docs/draw.md §7.4), with the matching of every department that has matched."""
    strata = await frozen_population(session, row.task_id)
    record = record_v2.build_record_v2(
        row.seed, strata, row.sizes,
        [record_v2.Exclusion(x["object_id"], x["reason"]) for x in row.exclusion_reasons],
        ratios=row.ratios, commitment=row.seed_commitment, public_entropy=_entropy(row),
        warnings=[record_v2.FusionWarning(w["object_id"], w["kind"], w["detail"]) for w in row.warnings],
        left_scope=[record_v2.ScopeDeparture(d["object_id"], d["kind"], d["detail"]) for d in row.left_scope],
        removed_at_freeze=[record_v2.FreezeRemoval(r["reason"], r["object_id"], r["detail"])
                           for r in row.removed_at_freeze],
        annual_cap=row.annual_cap, matching=await match_pools.department_records(session, row.task_id))
    return record
