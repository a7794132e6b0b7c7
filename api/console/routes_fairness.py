"""The draw's fairness (SPEC §5, §8): for the office, the annual cap of joint inspections per object ("无事不扰")
and the objects and inspectors picked far more often than chance; for everyone, the yearly report on /public."""

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.pages import ConsoleRoute, UserPage, error_page, need_role, redirect, render
from api.console.public_pages import PublicPage
from domain.workdays import local_date

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
Year = Annotated[int | None, Query(ge=2000, le=2999)]


@router.get("/console/office/draws")
async def office_draws(page: UserPage, year: Year = None) -> Response:
    need_role(page, "office", "admin")
    year = year or this_year()
    try:
        settings = await page.api.get("/api/v1/office/draw-settings")
        report = await page.api.get(f"/api/v1/office/fairness/{year}")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "office_draws.html", {"settings": settings, "report": report, "year": year})


@router.post("/console/office/draws")
async def set_cap(page: UserPage) -> Response:
    form = await page.form()
    text = str(form.get("annual_inspection_cap") or "").strip()
    cap = int(text) if text.isdigit() else (text or None)
    try:
        await page.api.put("/api/v1/office/draw-settings", json={"annual_inspection_cap": cap})
    except ApiFailure as failure:
        return redirect(page, "/console/office/draws", failure=failure)
    done = f"已设置：每个对象每年至多接受 {cap} 次联合检查" if cap else "已取消年度联合检查次数上限"
    return redirect(page, "/console/office/draws", ok=f"{done}（此后冻结的抽取名单适用）")


@router.get("/public/fairness")
async def public_fairness(page: PublicPage, year: Year = None) -> Response:
    """The yearly fairness report: per credit-risk class, drawn of how many; never drawn; drawn most."""
    year = year or this_year()
    try:
        report = await page.api.get(f"/api/v1/public/fairness/{year}")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "public/fairness.html", {"report": report, "year": year})


def this_year() -> int:
    """The current year in Beijing."""
    return local_date(datetime.now(timezone.utc)).year
