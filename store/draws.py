"""The draw in the read model (SPEC §5): proposed from the frozen population, confirmed once, then published.

Each function runs in the caller's transaction and locks the task's draw row, so a retried activity finds either
nothing or everything. A refusal (bad seed, an exclusion that is not in the selection, an empty rule) is a
DrawRefused naming the field; store/draw_population.py keeps the population itself. This module draws record format 1
(`jointcheck-draw-v1`), which tasks launched before the seed was held by the workers keep; store/draws_v2.py draws
format 2, and store/draw_public.py publishes both.
"""

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from domain import sampling
from domain.draw_records import DrawOutcome, DrawRequest, ExclusionChoice, FusionWarning, ObjectRef, ScopeDeparture
from domain.lifecycle import ENTERED_FORM_STATES, FINAL_STAGES
from domain.workdays import local_date
from store.draw_population import freeze_population, frozen_population, population_rows
from store.models import InspectionObject
from store.models.tasks import Draw, Result, Task, TaskObject

_CHUNK = 5000


class DrawRefused(ValueError):
    """The draw cannot be made as asked; the message names the field."""


class SeedMismatch(DrawRefused):
    """The seed does not open the commitment the draw was proposed under."""


async def propose(session: AsyncSession, request: DrawRequest, *, now: datetime) -> DrawOutcome:
    """Propose a draw: the first call freezes the population; later calls redraw from it with the exclusions.
    A confirmed draw is answered as it is."""
    row = await session.get(Draw, request.task_id, with_for_update=True)
    if row is not None and row.confirmed_at is not None:
        return outcome_of(row)
    row, strata = await _frozen(session, row, request, now)
    await _select(session, row, strata, request, now)
    return outcome_of(row)


async def confirm(session: AsyncSession, request: DrawRequest, *, now: datetime) -> DrawOutcome:
    """Confirm once: reveal the seed, fix exclusions and selection, write the drawn objects; then immutable."""
    row = await session.get(Draw, request.task_id, with_for_update=True)
    if row is not None and row.confirmed_at is not None:
        return outcome_of(row)
    row, strata = await _frozen(session, row, request, now)
    selection = await _select(session, row, strata, request, now)
    row.seed, row.confirmed_at, row.confirmed_by = request.seed.lower(), now, request.actor.username
    await add_task_objects(session, request.task_id, selection)
    return outcome_of(row)


async def add_task_objects(session: AsyncSession, task_id: str, selection: list[ObjectRef]) -> None:
    """The confirmed selection as the task's drawn objects (those already written are kept as they are)."""
    existing = set((await session.execute(select(TaskObject.object_id)
                                          .where(TaskObject.task_id == task_id))).scalars())
    session.add_all(TaskObject(task_id=task_id, object_id=o.object_id, uscc=o.uscc, name=o.name,
                               region_code=o.region_code, credit_risk_class=o.credit_risk_class, stratum=o.stratum,
                               ordinal=n, schedule_confirmed_by=[])
                    for n, o in enumerate(selection, start=1) if o.object_id not in existing)


async def _frozen(session: AsyncSession, row: Draw | None, request: DrawRequest,
                  now: datetime) -> tuple[Draw, dict[str, Sequence[int]]]:
    """The task's draw row and frozen population, freezing both now when this is the first call."""
    try:
        commitment = protocol.seed_commitment(request.seed)
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    if row is not None:
        if commitment != row.seed_commitment:
            raise SeedMismatch("the seed does not open the commitment this draw was proposed under")
        return row, await frozen_population(session, request.task_id)
    try:
        strata = await freeze_population(session, request.scope,
                                         sampling.stratum_classes(request.credit_risk_ratios))
        row = new_draw(session, request, strata, protocol.ALGORITHM_VERSION, commitment, now)
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    return row, strata


def new_draw(session: AsyncSession, request: DrawRequest, strata: dict[str, Sequence[int]], algorithm: str,
             commitment: str, now: datetime, **fields) -> Draw:
    """The draw row of a population just frozen, with its compact population rows; ValueError for an empty rule."""
    sizes, ratios = sampling.planned_sizes({k: len(v) for k, v in strata.items()}, sample_size=request.sample_size,
                                           ratio=request.ratio, credit_risk_ratios=request.credit_risk_ratios)
    digests = protocol.population_sha256(strata)
    populations = population_rows(request.task_id, strata)
    row = Draw(task_id=request.task_id, algorithm=algorithm, seed_commitment=commitment, seed=None,
               scope=request.scope.model_dump(mode="json"), population_size=sum(map(len, strata.values())),
               population_sha256=digests["overall"], sizes=sizes, ratios=ratios, exclusions=[], selection=[],
               warnings=[], proposed_at=now, proposed_by=request.actor.username, **fields)
    session.add(row)
    session.add_all(populations)
    return row


async def _select(session: AsyncSession, row: Draw, strata: dict[str, Sequence[int]], request: DrawRequest,
                  now: datetime) -> list[ObjectRef]:
    """Run the protocol over the frozen population and keep selection, exclusions and fusion warnings."""
    try:
        selection = protocol.select(request.seed, strata, row.sizes, request.exclude, row.algorithm)
    except ValueError as exc:
        raise DrawRefused(str(exc)) from exc
    refs = await object_refs(session, selection)
    warnings = await fusion_warnings(session, request.task_id, [r.object_id for r in refs], local_date(now).year)
    row.exclusions = sorted(set(request.exclude))
    row.selection = [r.model_dump(mode="json") for r in refs]
    row.warnings = [w.model_dump(mode="json") for w in warnings]
    return refs


async def object_refs(session: AsyncSession, selection: protocol.DrawSelection) -> list[ObjectRef]:
    """The selected objects in drawing order, as the workflows carry them."""
    stratum_of = {i: key for key, ids in selection.strata.items() for i in ids}
    found: dict[int, ObjectRef] = {}
    o = InspectionObject
    for chunk in _chunks(list(selection.objects)):
        rows = await session.execute(select(o.id, o.uscc, o.name, o.region_code, o.credit_risk_class)
                                     .where(o.id.in_(chunk)))
        for object_id, uscc, name, region, cls in rows:
            found[object_id] = ObjectRef(object_id=object_id, uscc=uscc, name=name, region_code=region,
                                         credit_risk_class=cls, stratum=stratum_of[object_id])
    return [found[i] for i in selection.objects]


async def fusion_warnings(session: AsyncSession, task_id: str, object_ids: list[int],
                          year: int) -> list[FusionWarning]:
    """Task fusion (任务融合, SPEC §4 step 3): objects with a result this year, or drawn by another open task."""
    inspected: dict[int, list[str]] = {}
    open_tasks: dict[int, list[str]] = {}
    for chunk in _chunks(object_ids):
        rows = await session.execute(
            select(Result.object_id, Result.task_id, Result.department_code, Result.inspection_date)
            .where(Result.object_id.in_(chunk), Result.task_id != task_id, Result.state.in_(ENTERED_FORM_STATES),
                   Result.inspection_date >= date(year, 1, 1), Result.inspection_date <= date(year, 12, 31))
            .order_by(Result.inspection_date, Result.result_id))
        for object_id, other, dept, day in rows:
            inspected.setdefault(object_id, []).append(f"{day.isoformat()} {dept}（任务 {other}）")
        rows = await session.execute(
            select(TaskObject.object_id, Task.task_id, Task.name).join(Task, Task.task_id == TaskObject.task_id)
            .where(TaskObject.object_id.in_(chunk), TaskObject.task_id != task_id,
                   Task.stage.not_in(FINAL_STAGES)).order_by(Task.task_id))
        for object_id, other, name in rows:
            open_tasks.setdefault(object_id, []).append(f"{other}（{name}）")
    warnings = []
    for object_id in object_ids:
        if object_id in inspected:
            warnings.append(FusionWarning(object_id=object_id, kind="inspected_this_year",
                                          detail=f"{year}年已检查：" + "；".join(inspected[object_id])))
        if object_id in open_tasks:
            warnings.append(FusionWarning(object_id=object_id, kind="open_task",
                                          detail="另有在办任务已抽中：" + "；".join(open_tasks[object_id])))
    return warnings


def outcome_of(row: Draw) -> DrawOutcome:
    """The stored draw as the workflow sees it (never the seed: it is revealed in the public record only)."""
    return DrawOutcome(task_id=row.task_id, population_size=row.population_size,
                       population_sha256=row.population_sha256, sizes=row.sizes,
                       selection=[ObjectRef.model_validate(o) for o in row.selection],
                       warnings=[FusionWarning.model_validate(w) for w in row.warnings],
                       exclusions=row.exclusions, confirmed=row.confirmed_at is not None, algorithm=row.algorithm,
                       left_scope=[ScopeDeparture.model_validate(d) for d in row.left_scope or []],
                       exclusion_reasons=[ExclusionChoice.model_validate(x) for x in row.exclusion_reasons or []],
                       public_entropy_value=(row.public_entropy or {}).get("value"),
                       removed_at_freeze=len(row.removed_at_freeze or []))


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
