"""The draw in the read model (SPEC §5): freeze the population once, keep it compactly, publish the record.

Population storage: one `draw_populations` row per stratum; the ascending ids become their gaps (the first id,
then each difference) packed as unsigned 64-bit little-endian integers and zlib-compressed. Gaps of a dense
directory are tiny, so a million ids take well under a megabyte and decode in tens of milliseconds.
"""

import operator
import sys
import zlib
from array import array
from collections.abc import Sequence
from datetime import date, datetime, timedelta, timezone
from itertools import accumulate, islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from store.models import Department, InspectionObject
from store.models.tasks import Draw, DrawPopulation, Result, Task, TaskObject
from store.scope import ascending_id_parts, scope_conditions
from workflows.messages import DrawOutcome, DrawRequest, FusionWarning, ObjectRef, ObjectScope

_CHUNK = 5000
_ENTERED_FORM_STATES = ("awaiting_approval", "returned", "published", "confidential")
_FINISHED_STAGES = ("closed", "cancelled")
_SHANGHAI = timezone(timedelta(hours=8))


def encode_ids(ids: Sequence[int]) -> bytes:
    """Strictly ascending ids → compressed little-endian u64 gaps; ValueError for ids out of order."""
    gaps = array("Q", ids[:1])
    try:
        gaps.extend(map(operator.sub, islice(ids, 1, None), ids))
    except OverflowError as exc:  # a negative gap
        raise ValueError("population: object ids must be strictly ascending") from exc
    if 0 in gaps[1:]:
        raise ValueError("population: an object id appears twice")
    if sys.byteorder == "big":
        gaps.byteswap()
    return zlib.compress(gaps.tobytes(), 1)


def decode_ids(blob: bytes) -> protocol.AscendingIds:
    """The ascending ids encode_ids packed."""
    gaps = array("Q")
    gaps.frombytes(zlib.decompress(blob))
    if sys.byteorder == "big":
        gaps.byteswap()
    return protocol.AscendingIds(array("Q", accumulate(gaps)))


async def freeze_population(session: AsyncSession, scope: ObjectScope,
                            classes: Sequence[str] | None = None) -> dict[str, protocol.AscendingIds]:
    """Eligible object ids, ascending: one stratum per credit-risk class in `classes`, else the single "all"."""
    keys = [protocol.NON_STRATIFIED] if classes is None else list(classes)
    if session.bind.dialect.name == "postgresql":
        # Each part is ascending by the SQL's ORDER BY over the primary key, so no pass over a million ids here
        # (encode_ids, which makes that pass anyway before anything is kept, refuses ids out of order); only the
        # joins between parts are checked, and the parts merged by a sort if they overlap.
        parts: dict[str, dict[int, protocol.AscendingIds]] = {}
        async for number, rows in ascending_id_parts(session, scope, classes, protocol.NON_STRATIFIED):
            for key, blob in rows:
                parts.setdefault(key, {})[number] = protocol.AscendingIds.from_big_endian(blob, presorted=True)
        found = {key: protocol.AscendingIds.concatenate([by_number[n] for n in sorted(by_number)])
                 for key, by_number in parts.items()}
    else:
        o = InspectionObject
        conditions = scope_conditions(scope)
        if classes is not None:
            conditions.append(o.credit_risk_class.in_(classes))
        grouped: dict[str, list[int]] = {}
        for object_id, cls in await session.execute(select(o.id, o.credit_risk_class).where(*conditions)
                                                    .order_by(o.id)):
            grouped.setdefault(protocol.NON_STRATIFIED if classes is None else cls, []).append(object_id)
        found = {key: protocol.AscendingIds(ids) for key, ids in grouped.items()}
    return {key: found.get(key, protocol.AscendingIds()) for key in keys}


async def frozen_population(session: AsyncSession, task_id: str) -> dict[str, protocol.AscendingIds]:
    """The population stored at the task's first draw."""
    rows = (await session.execute(select(DrawPopulation).where(DrawPopulation.task_id == task_id))).scalars()
    return {row.stratum: decode_ids(row.ids) for row in rows}


def plan_sizes(request: DrawRequest, strata: dict[str, Sequence[int]]) -> tuple[dict[str, int], dict[str, str] | None]:
    """Sample size per stratum and the ratios they follow from (None for a fixed sample size)."""
    if request.credit_risk_ratios:
        ratios = {k: str(v) for k, v in request.credit_risk_ratios.items()}
        return protocol.sizes_from_ratios({k: len(v) for k, v in strata.items()}, ratios), ratios
    (key, ids), = strata.items()
    if request.sample_size is not None:
        return {key: min(request.sample_size, len(ids))}, None
    if request.ratio is not None:
        return {key: protocol.size_from_ratio(len(ids), request.ratio)}, {key: str(request.ratio)}
    raise ValueError("the task gives neither a sample size nor a ratio")


def stratum_classes(request: DrawRequest) -> list[str] | None:
    """The credit-risk classes to stratify by, or None for one stratum; ValueError for an unknown class."""
    if not request.credit_risk_ratios:
        return None
    unknown = sorted(set(request.credit_risk_ratios) - set(protocol.CREDIT_RISK_CLASSES))
    if unknown:
        raise ValueError(f"credit_risk_ratios: unknown credit-risk classes {unknown}")
    return sorted(request.credit_risk_ratios)


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
            .where(Result.object_id.in_(chunk), Result.task_id != task_id, Result.state.in_(_ENTERED_FORM_STATES),
                   Result.inspection_date >= date(year, 1, 1), Result.inspection_date <= date(year, 12, 31))
            .order_by(Result.inspection_date, Result.result_id))
        for object_id, other, dept, day in rows:
            inspected.setdefault(object_id, []).append(f"{day.isoformat()} {dept}（任务 {other}）")
        rows = await session.execute(
            select(TaskObject.object_id, Task.task_id, Task.name).join(Task, Task.task_id == TaskObject.task_id)
            .where(TaskObject.object_id.in_(chunk), TaskObject.task_id != task_id,
                   Task.stage.not_in(_FINISHED_STAGES)).order_by(Task.task_id))
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
    """The stored draw as the workflow sees it."""
    return DrawOutcome(task_id=row.task_id, population_size=row.population_size,
                       population_sha256=row.population_sha256, sizes=row.sizes,
                       selection=[ObjectRef.model_validate(o) for o in row.selection],
                       warnings=[FusionWarning.model_validate(w) for w in row.warnings],
                       exclusions=row.exclusions, confirmed=row.confirmed_at is not None)


def population_rows(task_id: str, strata: dict[str, Sequence[int]]) -> list[DrawPopulation]:
    """The frozen population as one compact row per stratum; ValueError if its ids are not strictly ascending."""
    return [DrawPopulation(task_id=task_id, stratum=key, size=len(ids), ids=encode_ids(ids))
            for key, ids in strata.items()]


def store_task_objects(session: AsyncSession, task_id: str, selection: list[ObjectRef],
                       existing: set[int]) -> None:
    """One task_objects row per drawn object (rows already there are kept)."""
    session.add_all(TaskObject(task_id=task_id, object_id=o.object_id, uscc=o.uscc, name=o.name,
                               region_code=o.region_code, credit_risk_class=o.credit_risk_class, stratum=o.stratum,
                               ordinal=n, schedule_confirmed_by=[])
                    for n, o in enumerate(selection, start=1) if o.object_id not in existing)


async def task_object_ids(session: AsyncSession, task_id: str) -> set[int]:
    return set((await session.execute(select(TaskObject.object_id).where(TaskObject.task_id == task_id))).scalars())


async def public_record(session: AsyncSession, task_id: str) -> dict[str, Any] | None:
    """The public draw record: the commitment until the draw is confirmed, then the full verifiable record."""
    row = await session.get(Draw, task_id)
    if row is None or row.confirmed_at is None:
        task = await session.get(Task, task_id)
        commitment = row.seed_commitment if row is not None else (task.seed_commitment if task else None)
        if commitment is None:
            return None
        return {"task_id": task_id, "status": "proposed" if row is not None else "committed",
                "algorithm": protocol.ALGORITHM_VERSION, "seed_commitment": commitment, "seed": None}
    strata = await frozen_population(session, task_id)
    record = protocol.build_record(row.seed, strata, row.sizes, row.exclusions, ratios=row.ratios,
                                   commitment=row.seed_commitment, version=row.algorithm)
    objects = [{k: o[k] for k in ("object_id", "uscc", "name", "stratum")} for o in row.selection]
    return {"task_id": task_id, "status": "confirmed", "confirmed_at": row.confirmed_at, "objects": objects,
            **record}


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def shanghai_year(at: datetime) -> int:
    """The calendar year of an instant in Asia/Shanghai (UTC+8, no daylight saving)."""
    return at.astimezone(_SHANGHAI).year


async def published_draws(session: AsyncSession, *, limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """Confirmed draws, newest first: the index of the public draw records ({"total", "draws": [...]})."""
    confirmed = Draw.confirmed_at.is_not(None)
    total = int((await session.execute(select(func.count()).select_from(Draw).where(confirmed))).scalar_one())
    rows = (await session.execute(
        select(Draw.task_id, Task.name, Task.lead_department_code, Draw.confirmed_at, Draw.population_size,
               Draw.selection, Draw.population_sha256, Department.name)
        .join(Task, Task.task_id == Draw.task_id).outerjoin(Department, Department.code == Task.lead_department_code)
        .where(confirmed)
        .order_by(Draw.confirmed_at.desc(), Draw.task_id).limit(limit).offset(offset))).all()
    draws = [{"task_id": r[0], "task_name": r[1], "lead_department_code": r[2], "confirmed_at": r[3],
              "population_size": r[4], "sample_size": len(r[5]), "population_sha256": r[6],
              "lead_department_name": r[7]} for r in rows]
    return {"total": total, "limit": limit, "offset": offset, "draws": draws}
