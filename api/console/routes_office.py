"""The joint-meeting office (联席会议办公室): overdue list, punctuality chart, notices, exports, resolving an
overdue acknowledgement, and loading a year of the working-day calendar."""

import re
from datetime import datetime
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from api.console.api_client import ApiFailure
from api.console.charts import punctuality_svg
from api.console.exports import stats_csv, stats_xlsx
from api.console.pages import ConsoleRoute, Page, UserPage, error_page, need_role, redirect, render, shanghai_time
from api.console.routes_notifications import unread
from api.console.routes_tasks import back_to
from api.console.taskdata import as_list, department_names
from domain.workdays import SHANGHAI

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)
DATE_LINE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s*(.*)$")


async def dashboard(page: Page) -> Response:
    """The office's home: every overdue or soon-due step, most urgent first (the API's order)."""
    need_role(page, "office", "admin")
    try:
        overdue = await page.api.get("/api/v1/office/overdue")
        stats = await page.api.get("/api/v1/office/stats")
    except ApiFailure as failure:
        return error_page(page, failure)
    notices = as_list(await page.api.get_or([], "/api/v1/office/notices"), "notices")
    return render(page, "office.html", {"overdue": overdue, "stats": stats, "notices": notices[:20],
                                        "notifications": await unread(page.api),
                                        "chart": Markup(punctuality_svg(stats)),
                                        "departments": await department_names(page.api)})


@router.get("/console/office")
async def office_page(page: UserPage) -> Response:
    return await dashboard(page)


async def _stats(page: Page) -> list[dict]:
    need_role(page, "office", "admin")
    return await page.api.get("/api/v1/office/stats")


def _download(content: bytes, media_type: str, suffix: str) -> Response:
    name = f"部门统计-{datetime.now(SHANGHAI):%Y%m%d}.{suffix}"
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename=department-stats.{suffix}; filename*=UTF-8''{quote(name)}"})


@router.get("/console/office/stats.csv")
async def export_csv(page: UserPage) -> Response:
    try:
        return _download(stats_csv(await _stats(page)), "text/csv; charset=utf-8", "csv")
    except ApiFailure as failure:
        return error_page(page, failure)


@router.get("/console/office/stats.xlsx")
async def export_xlsx(page: UserPage) -> Response:
    try:
        return _download(stats_xlsx(await _stats(page)),
                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")
    except ApiFailure as failure:
        return error_page(page, failure)


@router.post("/console/office/notices")
async def issue_notice(page: UserPage) -> Response:
    form = await page.form()
    body = {"department_code": form.get("department_code") or "", "text": str(form.get("text", "")).strip(),
            "task_id": str(form.get("task_id", "")).strip() or None}
    back = back_to(form, "/console#notices")
    try:
        await page.api.post("/api/v1/office/notices", json=body)
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    return redirect(page, back, ok="通报已发出并记入该部门名下")


@router.post("/console/office/tasks/{task_id}/responders/{department_code}/{action}")
async def resolve(page: UserPage, task_id: str, department_code: str, action: str) -> Response:
    """Extend an overdue responder's deadline, or remove the department so the draw can go on."""
    form = await page.form()
    back = back_to(form, "/console")
    if action not in ("extend", "remove"):
        return redirect(page, back)
    body = {"reason": str(form.get("reason", "")).strip()}
    if action == "extend":
        days = str(form.get("working_days", "2")).strip()
        body["working_days"] = int(days) if days.isdigit() else days
    try:
        answer = await page.api.post(f"/api/v1/office/tasks/{task_id}/responders/{department_code}/{action}",
                                     json=body)
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    if action == "extend":
        due = (answer.get("due") or {}).get("due_at")
        return redirect(page, back, ok=f"已延长 {department_code} 的响应期限至 {shanghai_time(due)}")
    return redirect(page, back, ok=f"已将 {department_code} 移出任务")


def _parse_dates(text: str) -> tuple[list[str], dict[str, str]]:
    days, names = [], {}
    for line in str(text or "").splitlines():
        match = DATE_LINE.match(line)
        if not match:
            continue
        y, m, d = match.group(1).split("-")
        day = f"{int(y):04d}-{int(m):02d}-{int(d):02d}"
        days.append(day)
        if match.group(2).strip():
            names[day] = match.group(2).strip()
    return days, names


@router.get("/console/office/calendar")
async def calendar_page(page: UserPage, year: int | None = None) -> Response:
    need_role(page, "office", "admin")
    year = year or datetime.now(SHANGHAI).year + 1
    try:
        calendar = await page.api.get(f"/api/v1/calendar/{year}")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "calendar.html", {"year": year, "calendar": calendar})


@router.post("/console/office/calendar")
async def load_year(page: UserPage) -> Response:
    form = await page.form()
    year = str(form.get("year", "")).strip()
    holidays, names = _parse_dates(form.get("holidays", ""))
    makeup, makeup_names = _parse_dates(form.get("makeup_workdays", ""))
    body = {"holidays": holidays, "makeup_workdays": makeup, "names": {**names, **makeup_names}}
    try:
        answer = await page.api.put(f"/api/v1/calendar/{year}", json=body)
    except ApiFailure as failure:
        return redirect(page, f"/console/office/calendar?year={quote(year)}", failure=failure)
    told = "，在办任务的期限已按新日历重算" if answer.get("running_tasks_notified", True) else "（通知在办任务失败，请查看日志）"
    return redirect(page, f"/console/office/calendar?year={quote(year)}",
                    ok=f"已载入 {year} 年节假日 {len(holidays)} 天、调休上班日 {len(makeup)} 天{told}")
