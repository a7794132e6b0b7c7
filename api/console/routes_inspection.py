"""Matching inspectors, the joint inspection day, the result form (one per department per object), the
approver's decision and follow-ups: each a form posted to the matching JSON API call."""

from datetime import datetime, timezone

from fastapi import APIRouter
from fastapi.responses import Response

from api.console.api_client import ApiFailure
from api.console.errors import describe
from api.console.labels import FOLLOWUP_KINDS, FOLLOWUP_STATES
from api.console.pages import ConsoleRoute, UserPage, error_page, need_role, redirect, render
from api.console.routes_tasks import back_to
from api.console.taskdata import department_names, inspector_names, item_names, load_task
from domain.workdays import local_date

router = APIRouter(route_class=ConsoleRoute, include_in_schema=False)


@router.post("/console/tasks/{task_id}/match")
async def match(page: UserPage, task_id: str) -> Response:
    form = await page.form()
    experts = str(form.get("experts_per_object") or "0")
    try:
        outcome = await page.api.post(f"/api/v1/tasks/{task_id}/match",
                                      json={"experts_per_object": int(experts) if experts.isdigit() else experts})
    except ApiFailure as failure:
        return redirect(page, f"/console/tasks/{task_id}#matching", failure=failure)
    people = sum(len(v) for v in (outcome.get("assignments") or {}).values())
    return redirect(page, f"/console/tasks/{task_id}#matching",
                    ok=f"已随机匹配本部门检查人员：{len(outcome.get('assignments') or {})} 个对象，共 {people} 人次")


@router.post("/console/tasks/{task_id}/schedule")
async def schedule(page: UserPage, task_id: str) -> Response:
    form = await page.form()
    confirm = form.get("confirm") == "1"
    object_ids = [int(i) for i in form.getlist("object_ids") if str(i).isdigit()]
    body = {"confirm": True} if confirm else {"inspection_date": form.get("inspection_date") or None,
                                              "object_ids": object_ids or None}
    try:
        await page.api.post(f"/api/v1/tasks/{task_id}/schedule", json=body)
    except ApiFailure as failure:
        return redirect(page, f"/console/tasks/{task_id}#schedule", failure=failure)
    which = f"（{len(object_ids)} 个对象）" if object_ids else ""
    return redirect(page, f"/console/tasks/{task_id}#schedule",
                    ok="已确认联合检查日" if confirm else f"已提议联合检查日 {body['inspection_date']}{which}，待响应部门确认")


async def _result_context(page, task_id: str, object_id: int) -> dict:
    view = await load_task(page.api, task_id)
    obj = view.object(object_id)
    if obj is None:
        raise ApiFailure(describe(404, f"object {object_id} is not a drawn object of task {task_id}"))
    return {"v": view, "o": obj, "form": obj.forms.get(page.department) or {},
            "my_items": view.items.get(page.department, []),
            "item_names": await item_names(page.api, page.department),
            "inspectors": await inspector_names(page.api, page.department),
            "matched": obj.inspectors.get(page.department, []),
            "today": local_date(datetime.now(timezone.utc)).isoformat(),
            "departments": await department_names(page.api)}


@router.get("/console/tasks/{task_id}/objects/{object_id}/result")
async def result_form(page: UserPage, task_id: str, object_id: int) -> Response:
    need_role(page, "dept_operator")
    try:
        context = await _result_context(page, task_id, object_id)
    except ApiFailure as failure:
        return error_page(page, failure)
    return render(page, "result_form.html", {**context, "values": {}, "problem": None})


def _result_body(form) -> dict:
    demands = [line.strip() for line in str(form.get("enterprise_demands", "")).splitlines() if line.strip()]
    return {"result_code": form.get("result_code") or None, "findings": str(form.get("findings", "")).strip(),
            "item_codes": [c for c in form.getlist("item_codes") if c],
            "inspector_ids": [int(i) for i in form.getlist("inspector_ids") if str(i).isdigit()],
            "inspection_date": form.get("inspection_date") or None, "enterprise_demands": demands,
            "demands_solved_on_site": form.get("demands_solved_on_site") == "1",
            "rectification_due": form.get("rectification_due") or None,
            "confidential": form.get("confidential") == "1",
            "confidential_reason": str(form.get("confidential_reason", "")).strip()}


@router.post("/console/tasks/{task_id}/objects/{object_id}/result")
async def submit_result(page: UserPage, task_id: str, object_id: int) -> Response:
    need_role(page, "dept_operator")
    form = await page.form()
    try:
        await page.api.post(f"/api/v1/tasks/{task_id}/objects/{object_id}/results", json=_result_body(form))
    except ApiFailure as failure:
        try:
            context = await _result_context(page, task_id, object_id)
        except ApiFailure:
            return redirect(page, f"/console/tasks/{task_id}", failure=failure)
        values = {key: form.getlist(key) for key in form.keys()}
        return render(page, "result_form.html", {**context, "values": values, "problem": failure.problem},
                      status=failure.status)
    return redirect(page, f"/console/tasks/{task_id}#object-{object_id}", ok="检查结果已提交，待本部门审批人审核")


@router.post("/console/results/{result_id}/approve")
async def approve(page: UserPage, result_id: str) -> Response:
    form = await page.form()
    back = back_to(form, "/console")
    try:
        answer = await page.api.post(f"/api/v1/results/{result_id}/approve")
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    done = "已记录（涉密/不宜公示，不予公示）" if answer.get("state") == "confidential" else "审核通过，已在公开网站公示"
    return redirect(page, back, ok=done + ("（超过公示期限，记为逾期）" if answer.get("late") else ""))


@router.post("/console/results/{result_id}/return")
async def return_form(page: UserPage, result_id: str) -> Response:
    form = await page.form()
    back = back_to(form, "/console")
    try:
        await page.api.post(f"/api/v1/results/{result_id}/return", json={"reason": str(form.get("reason", "")).strip()})
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    return redirect(page, back, ok="已退回，由本部门操作员修改后重新提交")


@router.post("/console/tasks/{task_id}/objects/{object_id}/followups")
async def followup(page: UserPage, task_id: str, object_id: int) -> Response:
    form = await page.form()
    passed = {"1": True, "0": False}.get(str(form.get("passed", "")))
    body = {"kind": form.get("kind"), "action": form.get("action") or "complete",
            "outcome": str(form.get("outcome", "")).strip(), "passed": passed,
            "receiving_department_code": form.get("receiving_department_code") or None,
            "department_code": form.get("department_code") or None}
    back = f"/console/tasks/{task_id}#object-{object_id}"
    try:
        answer = await page.api.post(f"/api/v1/tasks/{task_id}/objects/{object_id}/followups", json=body)
    except ApiFailure as failure:
        return redirect(page, back, failure=failure)
    return redirect(page, back, ok=f"{FOLLOWUP_KINDS.get(answer.get('kind'), '后续处置')}："
                                   f"{FOLLOWUP_STATES.get(answer.get('state'), answer.get('state'))}")
