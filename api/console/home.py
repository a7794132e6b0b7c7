"""The home page of a department operator (inbox and to-do list), of an approver (queue), of the admin."""

from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.pages import Page, error_page, render
from api.console.routes_notifications import unread
from api.console.taskdata import active_tasks, as_list, department_names, inspector_names, item_names
from domain.lifecycle import ENTERABLE_FORM_STATES

QUEUE_SIZE = 100


def _todo(view, dept: str) -> list[dict]:
    """What the task waits for from this department, as links (the API decides whether it is allowed)."""
    base = f"/console/tasks/{view.id}"
    todo = []
    if view.stage == "drawing" and view.lead == dept:
        todo.append({"text": "执行随机抽取", "href": f"{base}/draw"})
    if view.stage == "matching" and dept in view.participants and dept not in view.matched:
        todo.append({"text": "随机匹配本部门检查人员", "href": f"{base}#matching"})
    if view.stage == "scheduling":
        live = view.live
        if view.lead == dept and not live.get("schedule"):
            todo.append({"text": "提议联合检查日", "href": f"{base}#schedule"})
        elif view.lead != dept and live.get("schedule") and dept not in (live.get("schedule_confirmed_by") or []):
            todo.append({"text": "确认联合检查日", "href": f"{base}#schedule"})
    for obj in view.objects:
        form = obj.forms.get(dept)
        if form and form.get("state") in ENTERABLE_FORM_STATES:
            word = "修改被退回的检查结果" if form["state"] == "returned" else "录入检查结果"
            todo.append({"text": f"{word}：{obj.name}", "href": f"{base}/objects/{obj.object_id}/result"})
        for f in obj.followups:
            if f.get("state") == "open" and f.get("department_code") == dept:
                todo.append({"text": f"办理后续处置：{obj.name}", "href": f"{base}#object-{obj.object_id}"})
            if f.get("state") == "awaiting_acknowledgement" and f.get("receiving_department_code") == dept:
                todo.append({"text": f"确认接收移送：{obj.name}", "href": f"{base}#object-{obj.object_id}"})
    return todo


async def operator_home(page: Page) -> Response:
    dept = page.department
    views = await active_tasks(page.api)
    inbox = [(v, v.responses[dept]) for v in views
             if v.stage == "awaiting_responses" and v.responses.get(dept, {}).get("state") == "pending"]
    todo = [(v, item) for v in views for item in _todo(v, dept)]
    return render(page, "operator_home.html", {"inbox": inbox, "todo": todo, "views": views,
                                               "notifications": await unread(page.api),
                                               "departments": await department_names(page.api)})


async def approver_home(page: Page) -> Response:
    """The approver's queue: the department's forms awaiting approval, oldest submission first."""
    dept = page.department
    try:
        found = await page.api.get("/api/v1/results", state="awaiting_approval", department_code=dept,
                                   limit=QUEUE_SIZE)
    except ApiFailure as failure:
        return error_page(page, failure)
    tasks = {t["task_id"]: t for t in as_list(await page.api.get_or([], "/api/v1/tasks", limit=500), "tasks")}
    return render(page, "approver_home.html", {
        "queue": as_list(found, "results"), "total": int(found.get("total", 0)),
        "tasks": tasks, "item_names": await item_names(page.api, dept),
        "inspectors": await inspector_names(page.api, dept), "notifications": await unread(page.api),
        "departments": await department_names(page.api)})


async def admin_home(page: Page) -> Response:
    return render(page, "admin_home.html", {"departments": await department_names(page.api)})
