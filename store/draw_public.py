"""The public draw records (SPEC §8): the commitment until the draw is confirmed, then the full verifiable record in
its own format — `jointcheck-draw-v1` for tasks launched before record format 2, `jointcheck-draw-v2` after."""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import draw as protocol
from store import draws_v2
from store.draw_population import frozen_population
from store.models import Department
from store.models.tasks import Draw, Task


async def public_record(session: AsyncSession, task_id: str) -> dict[str, Any] | None:
    """The task's draw record as published now; None when there is no such task."""
    row = await session.get(Draw, task_id)
    if row is None or row.confirmed_at is None:
        return await _before_confirmation(session, task_id, row)
    if row.algorithm == protocol.RECORD_V2:
        record = await draws_v2.public_record(session, row)
    else:
        strata = await frozen_population(session, task_id)
        record = protocol.build_record(row.seed, strata, row.sizes, row.exclusions, ratios=row.ratios,
                                       commitment=row.seed_commitment, version=row.algorithm)
    objects = [{k: o[k] for k in ("object_id", "uscc", "name", "stratum")} for o in row.selection]
    return {"task_id": task_id, "status": "confirmed", "confirmed_at": row.confirmed_at, "objects": objects,
            **record}


async def _before_confirmation(session: AsyncSession, task_id: str, row: Draw | None) -> dict[str, Any] | None:
    """Only the commitment (and the public value the task named, once given): nothing the seed follows from."""
    task = await session.get(Task, task_id)
    if row is None and task is None:
        return None
    named = (task.input or {}).get("public_entropy_source") if task is not None else None
    # Tasks launched with record format 2 carry the field (None when they name no public value).
    v2 = row.algorithm == protocol.RECORD_V2 if row is not None else "public_entropy_source" in (task.input or {})
    record = {"task_id": task_id, "status": "proposed" if row is not None else "committed",
              "algorithm": protocol.RECORD_V2 if v2 else protocol.ALGORITHM_VERSION,
              "seed_commitment": row.seed_commitment if row is not None else task.seed_commitment, "seed": None}
    if v2:
        held = row.public_entropy if row is not None else None
        record["public_entropy"] = held or ({"source": named, "value": None} if named else None)
    return record


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
