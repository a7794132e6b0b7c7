"""Joint tasks in the console: the list, launching one (with the live population count), the task page,
and a responding department's answer."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.launch import population_count, scope_of, task_body
from api.console.pages import ConsoleRoute, Page, UserPage, error_page, need_role, redirect, render
from api.console.taskdata import as_list, department_names, inspector_names, load_task
from domain.lifecycle import STAGES

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


def back_to(form, default: str) -> str:
    target = str(form.get("back") or "")
    return target if target.startswith("/console") and not target.startswith("//") else default


@router.get("/console/tasks")
async def task_list(page: UserPage, stage: str | None = None) -> Response:
    try:
        tasks = as_list(await page.api.get("/api/v1/tasks", stage=stage or None, limit=200), "tasks")
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "task_list.html", {"tasks": tasks, "stage": stage or "",
                                           "departments": await department_names(page.api)})


async def _launch_context(page: Page) -> dict:
    departments = await department_names(page.api)
    items = as_list(await page.api.get_or([], "/api/v1/items"), "items")
    by_department: dict[str, list[dict]] = {}
    for item in items:
        if item.get("is_current", True):
            by_department.setdefault(item["department_code"], []).append(item)
    plans = as_list(await page.api.get_or([], "/api/v1/plans", state="published"), "plans")
    return {"departments": departments, "items": by_department, "plans": plans}


@router.get("/console/tasks/new")
async def launch_form(page: UserPage) -> Response:
    need_role(page, "dept_operator", "office")
    return render(page, "task_new.html", {**await _launch_context(page), "values": {}, "problem": None})


@router.post("/console/tasks/new")
async def launch(page: UserPage) -> Response:
    need_role(page, "dept_operator", "office")
    form = await page.form()
    body = task_body(form, user_role=page.role, lead_code=page.department)
    try:
        created = await page.api.post("/api/v1/tasks", json=body)
    except ApiFailure as failure:
        values = {key: form.getlist(key) for key in form.keys()}
        return render(page, "task_new.html", {**await _launch_context(page), "values": values,
                                              "problem": failure.problem}, status=failure.status)
    return redirect(page, f"/console/tasks/{created['id']}",
                    ok=f"任务已发起并推送响应部门；随机种子承诺值 {created['seed_commitment'][:16]}… 已公开")


@router.get("/console/tasks/population")
async def population(page: UserPage, request: Request) -> Response:
    """The live count of the eligible population for the scope being drafted (an htmx fragment)."""
    scope = scope_of(request.query_params)
    try:
        count = await population_count(page.api, scope)
    except ApiFailure as failure:
        count = {"total": None, "by_class": {}, "problem": failure.problem}
    return render(page, "_population.html", {"count": count})


@router.get("/console/tasks/{task_id}")
async def task_page(page: UserPage, task_id: str) -> Response:
    try:
        view = await load_task(page.api, task_id)
    except ApiFailure as failure:
        return error_page(page, failure)
    names = {}
    if page.department and any(page.department in o.inspectors for o in view.objects):
        names = await inspector_names(page.api, page.department)
    record = await page.api.get_or(None, f"/api/v1/public/draws/{task_id}")
    return render(page, "task.html", {"v": view, "departments": await department_names(page.api),
                                      "inspector_names": names, "record": record, "stages": STAGE_ORDER})


STAGE_ORDER = [s for s in STAGES if s != "cancelled"]


@router.post("/console/tasks/{task_id}/acknowledge")
async def acknowledge(page: UserPage, task_id: str) -> Response:
    form = await page.form()
    accept = form.get("accept") == "1"
    back = back_to(form, f"/console/tasks/{task_id}")
    try:
        answer = await page.api.post(f"/api/v1/tasks/{task_id}/acknowledge",
                                     json={"accept": accept, "reason": str(form.get("reason", "")).strip()})
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    late = "（已超过响应期限，记为逾期响应）" if answer.get("late") else ""
    return redirect(page, back, ok=("已接受任务" if accept else "已拒绝任务") + late)


@router.post("/console/tasks/{task_id}/cancel")
async def cancel(page: UserPage, task_id: str) -> Response:
    form = await page.form()
    try:
        await page.api.post(f"/api/v1/tasks/{task_id}/cancel", json={"reason": str(form.get("reason", "")).strip()})
    except ApiFailure as failure:
        return redirect(page, f"/console/tasks/{task_id}", failure=failure)
    return redirect(page, f"/console/tasks/{task_id}", ok="任务已取消")

