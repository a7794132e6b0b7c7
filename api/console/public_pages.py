"""The public disclosure site /public ("一公开", SPEC §8): no login; published results, item lists, annual plans
and each task's draw record with its verification — all read from the public JSON API."""

import json
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.console.api_client import ApiFailure, ConsoleApi
from api.console.pages import ConsoleRoute, Page, error_page, render
from api.console.session import ConsoleSession
from api.console.taskdata import as_list, draw_summary

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
PAGE_SIZE = 20


async def _public(request: Request) -> Page:
    """An anonymous page: no session cookie is read or written."""
    return Page(request, ConsoleSession(fresh=False), None, ConsoleApi(request.app, None))


PublicPage = Annotated[Page, Depends(_public)]


@router.get("/public")
async def search(page: PublicPage, q: Annotated[str, Query(max_length=100)] = "",
                 p: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    """Published results searchable by USCC or name (no inspector identities are ever published)."""
    try:
        found = await page.api.get("/api/v1/public/results", q=q.strip(), limit=PAGE_SIZE,
                                   offset=(p - 1) * PAGE_SIZE)
    except ApiFailure as failure:
        return error_page(page, failure)
    total = int(found.get("total", 0))
    return render(page, "public/search.html", {"q": q, "found": found, "p": p,
                                               "pages": max(1, -(-total // PAGE_SIZE))})


@router.get("/public/items")
async def items(page: PublicPage) -> Response:
    rows = as_list(await page.api.get_or([], "/api/v1/public/items"), "items")
    by_department: dict[str, list[dict]] = {}
    for row in rows:
        by_department.setdefault(row.get("department_code", ""), []).append(row)
    return render(page, "public/items.html", {"by_department": by_department})


@router.get("/public/plans")
async def plans(page: PublicPage) -> Response:
    rows = as_list(await page.api.get_or([], "/api/v1/public/plans"), "plans")
    return render(page, "public/plans.html", {"plans": rows})


@router.get("/public/draws")
async def draws(page: PublicPage, task_id: str = "", p: Annotated[int, Query(ge=1, le=10_000)] = 1) -> Response:
    """Every confirmed draw, newest first; or look one up by task number."""
    if task_id.strip():
        return RedirectResponse(f"/public/draws/{quote(task_id.strip())}", status_code=303)
    try:
        listed = await page.api.get("/api/v1/public/draws", limit=PAGE_SIZE, offset=(p - 1) * PAGE_SIZE)
    except ApiFailure as failure:
        return error_page(page, failure)
    total = int(listed.get("total", 0))
    return render(page, "public/draws.html", {"draws": as_list(listed, "draws"), "total": total, "p": p,
                                              "pages": max(1, -(-total // PAGE_SIZE))})


@router.get("/public/draws/{task_id}")
async def draw_record(page: PublicPage, task_id: str) -> Response:
    try:
        record = await page.api.get(f"/api/v1/public/draws/{task_id}")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "public/draw.html", {"task_id": task_id, "record": record, "summary": draw_summary(record),
                                             "verdict": None})


@router.get("/public/draws/{task_id}/verify")
async def verify(page: PublicPage, request: Request, task_id: str) -> Response:
    """Recompute the selection from the published record (the API does it) and say 核验一致 / 不一致."""
    try:
        verdict = await page.api.get(f"/api/v1/public/draws/{task_id}/verify")
    except ApiFailure as failure:
        verdict = {"match": None, "problem": failure.problem}
    if request.headers.get("HX-Request"):
        return render(page, "public/_verdict.html", {"verdict": verdict})
    try:
        record = await page.api.get(f"/api/v1/public/draws/{task_id}")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "public/draw.html", {"task_id": task_id, "record": record, "summary": draw_summary(record),
                                             "verdict": verdict})


@router.get("/public/draws/{task_id}/record.json")
async def download(page: PublicPage, task_id: str) -> Response:
    """The record as published, for `python scripts/verify_draw.py record.json`."""
    try:
        record = await page.api.get(f"/api/v1/public/draws/{task_id}")
    except ApiFailure as failure:
        return error_page(page, failure)
    body = json.dumps(record, ensure_ascii=False, indent=1)
    safe = "".join(ch for ch in task_id if ch.isalnum() or ch in "-_")
    return Response(body, media_type="application/json; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="draw-{safe}.json"'})
