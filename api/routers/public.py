"""One public (一公开): published results, items and draw records, without an account (SPEC §8)."""

from fastapi import APIRouter, HTTPException, Query

from api.deps import SessionDep
from api.params import Limit, Offset
from domain.draw import verify_record
from store import draw_public, results as result_store

router = APIRouter(prefix="/api/v1/public", tags=["public"])


@router.get("/results")
async def results(session: SessionDep, q: str = Query(default="", max_length=100),
                  limit: Limit = 50, offset: Offset = 0) -> dict:
    """Published results by USCC or name: object, department, items, result and date — never inspectors."""
    return await result_store.public_results(session, q=q.strip(), limit=limit, offset=offset)


@router.get("/items")
async def items(session: SessionDep, department_code: str | None = None) -> list[dict]:
    """The published item lists (抽查事项清单)."""
    from store.masterdata import published_items

    return await published_items(session, department_code=department_code)


@router.get("/draws")
async def draw_index(session: SessionDep, limit: Limit = 50, offset: Offset = 0) -> dict:
    """Every confirmed draw, newest first, each with its population size and hash (details at /draws/{task_id})."""
    return await draw_public.published_draws(session, limit=limit, offset=offset)


@router.get("/draws/{task_id}")
async def draw_record(task_id: str, session: SessionDep) -> dict:
    """The draw record (docs/draw.md §5, §7): the commitment (and any named public value) until the draw is
    confirmed; then the whole verifiable record — v2 for tasks launched since record format 2, v1 before."""
    record = await draw_public.public_record(session, task_id)
    if record is None:
        raise HTTPException(404, f"no draw record for task '{task_id}'")
    return record


@router.get("/draws/{task_id}/verify")
async def verify(task_id: str, session: SessionDep) -> dict:
    """Recompute the record step by step (docs/draw.md §6) and say whether it matches, naming the failed `step`."""
    record = await draw_public.public_record(session, task_id)
    if record is None:
        raise HTTPException(404, f"no draw record for task '{task_id}'")
    if not record.get("seed"):
        raise HTTPException(409, "the draw is not confirmed yet: only the seed commitment is public")
    verdict = verify_record(record)
    return {"task_id": task_id, "match": verdict.match, "step": verdict.step, "reasons": verdict.reasons}
