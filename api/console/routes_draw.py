"""The draw page: the seed commitment (and the public random value the task named) before, the proposed selection
with its task-fusion warnings and departures from the scope — the only objects that may be excluded, each for a
reason —, and after confirmation the revealed seed and the frozen population's hash."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.pages import ConsoleRoute, Page, UserPage, error_page, redirect, render
from api.console.taskdata import TaskView, department_names, draw_summary, load_task

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


async def _render(page: Page, view: TaskView, proposal: dict | None = None, status: int = 200) -> Response:
    record = await page.api.get_or(None, f"/api/v1/public/draws/{view.id}")
    warnings: dict[int, list[dict]] = {}
    for w in [*(proposal or {}).get("warnings", []), *(proposal or {}).get("left_scope", [])]:
        warnings.setdefault(int(w["object_id"]), []).append(w)
    return render(page, "draw.html", {"v": view, "record": record, "proposal": proposal, "warnings": warnings,
                                      "summary": draw_summary(record),
                                      "departments": await department_names(page.api),
                                      "is_lead": page.role == "dept_operator" and page.department == view.lead},
                  status=status)


@router.get("/console/tasks/{task_id}/draw")
async def draw_page(page: UserPage, task_id: str) -> Response:
    try:
        view = await load_task(page.api, task_id)
    except ApiFailure as failure:
        return error_page(page, failure)
    return await _render(page, view)


@router.post("/console/tasks/{task_id}/draw")
async def draw(page: UserPage, task_id: str) -> Response:
    """Freeze the population and show the selection (the same selection every time until it is confirmed)."""
    form = await page.form()
    value = str(form.get("public_entropy_value") or "").strip()
    try:
        proposal = await page.api.post(f"/api/v1/tasks/{task_id}/draw",
                                       json={"public_entropy_value": value} if value else None)
        view = await load_task(page.api, task_id)
    except ApiFailure as failure:
        return redirect(page, f"/console/tasks/{task_id}/draw", failure=failure)
    return await _render(page, view, proposal)


@router.post("/console/tasks/{task_id}/draw/confirm")
async def confirm(page: UserPage, task_id: str) -> Response:
    form = await page.form()
    exclude = [_exclusion(str(x)) for x in form.getlist("exclude") if str(x).strip()]
    try:
        outcome = await page.api.post(f"/api/v1/tasks/{task_id}/draw/confirm", json={"exclude": exclude})
    except ApiFailure as failure:
        return redirect(page, f"/console/tasks/{task_id}/draw", failure=failure)
    replaced = f"，排除 {len(exclude)} 户并按同一规则补抽" if exclude else ""
    return redirect(page, f"/console/tasks/{task_id}/draw",
                    ok=f"抽取结果已确认：共 {len(outcome.get('selection', []))} 户{replaced}；随机种子已公开")


def _exclusion(value: str) -> dict | str:
    """"<object id>:<reason>" as the API's {object_id, reason}; anything else goes as typed, for the API to refuse."""
    object_id, _, reason = value.partition(":")
    if object_id.isdigit() and reason:
        return {"object_id": int(object_id), "reason": reason}
    return int(value) if value.isdigit() else value
