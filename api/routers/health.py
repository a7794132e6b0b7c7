"""Liveness and readiness: the database and Temporal must both answer."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

router = APIRouter(tags=["health"])


@router.get("/healthz", responses={503: {"description": "database or Temporal unreachable"}})
async def healthz(request: Request) -> JSONResponse:
    """200 when the database and Temporal both answer, 503 otherwise; the body says which."""
    database = "ok"
    try:
        async with request.app.state.session_factory() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means unreachable
        database = f"unreachable: {type(exc).__name__}"
    temporal_ok, temporal = await request.app.state.temporal.healthy()
    if not temporal_ok:
        temporal = f"unreachable: {temporal}"
    ok = database == "ok" and temporal_ok
    return JSONResponse(status_code=200 if ok else 503,
                        content={"status": "ok" if ok else "degraded", "database": database, "temporal": temporal})
