"""The office changes a year of the calendar: running tasks recount their pending acknowledgement deadlines, and
their objects the publication and follow-up deadlines still running.

Not in drill mode: the real working-day calendar decides (SPEC §3)."""

import asyncio
from datetime import date, datetime, timedelta, timezone

from domain.keys import object_workflow_id
from tests.polling import eventually
from tests.workflows.recording import replay_and_keep
from tests.workflows.world import build_world, fix_inspection_day, task_body
from workflows.joint_task import JointTaskWorkflow
from workflows.object_inspection import ObjectInspectionWorkflow

BEIJING = timezone(timedelta(hours=8))


async def _due(handle, dept: str) -> datetime:
    state = await handle.query(JointTaskWorkflow.state)
    return next(r.due.due_at for r in state.responders if r.department_code == dept)


async def _working_days_after(client, headers, start: date, count: int) -> list[date]:
    """The next `count` weekday working days after `start`, by the calendar the API serves."""
    found, day, years = [], start, {}
    while len(found) < count:
        day += timedelta(days=1)
        if day.year not in years:
            years[day.year] = (await client.get(f"/api/v1/calendar/{day.year}", headers=headers)).json()
        holidays = {d["date"] for d in years[day.year]["holidays"]}
        makeups = {d["date"] for d in years[day.year]["makeup_workdays"]}
        if day.weekday() < 5 and day.isoformat() not in holidays and day.isoformat() not in makeups:
            found.append(day)
    return found


async def _add_holiday(client, headers, day: date) -> dict:
    year = (await client.get(f"/api/v1/calendar/{day.year}", headers=headers)).json()
    body = {"holidays": sorted({d["date"] for d in year["holidays"]} | {day.isoformat()}),
            "makeup_workdays": [d["date"] for d in year["makeup_workdays"]]}
    answer = await client.put(f"/api/v1/calendar/{day.year}", headers=headers, json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _eventually_later(handle, dept: str, than: datetime, timeout: float = 20.0) -> datetime:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        due = await _due(handle, dept)
        if due > than:
            return due
        assert asyncio.get_running_loop().time() < deadline, f"{dept} deadline still {due}"
        await asyncio.sleep(0.2)


async def test_a_new_holiday_moves_pending_deadlines_and_keeps_an_extension(client, worker, session_factory,
                                                                            temporal_client):
    w = await build_world(session_factory, client)
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=task_body())
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    assert not any(r["drill"] for r in launched.json()["responders"])
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")

    # The office gives SAFE 5 working days from now; ENV keeps the standard 2 counted from the launch.
    extended = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/extend", headers=w["office"],
                                 json={"working_days": 5, "reason": "机构改革"})
    assert extended.status_code == 200, extended.text
    env_before, safe_before = await _due(handle, "ENV"), await _due(handle, "SAFE")
    assert safe_before > env_before

    # A new weekday holiday on the first counted working day pushes both deadlines one working day later.
    launched_on = datetime.now(BEIJING).date()
    first_working_day = (await _working_days_after(client, w["office"], launched_on, 1))[0]
    loaded = await _add_holiday(client, w["office"], first_working_day)
    assert loaded["running_tasks_notified"] is True

    env_after = await _eventually_later(handle, "ENV", env_before)
    safe_after = await _eventually_later(handle, "SAFE", safe_before)
    assert env_after.astimezone(BEIJING).date() > env_before.astimezone(BEIJING).date()
    assert safe_after > env_after, "the extension was lost when the calendar changed"
    # The read model follows (the snapshot activity runs after the signal).
    for _ in range(50):
        detail = (await client.get(f"/api/v1/tasks/{task_id}", headers=w["office"])).json()
        stored = {r["department_code"]: datetime.fromisoformat(r["due_at"]) for r in detail["responses"]}
        if stored == {"ENV": env_after, "SAFE": safe_after}:
            break
        await asyncio.sleep(0.2)
    assert stored == {"ENV": env_after, "SAFE": safe_after}
    await replay_and_keep(temporal_client, {"joint_task_calendar_change": f"joint-task-{task_id}"})


async def _object_dues(child) -> tuple[datetime, datetime]:
    """The ENV form's publication deadline and the enterprise demand's deadline of the object."""
    progress = await child.query(ObjectInspectionWorkflow.progress)
    form = next(f for f in progress.forms if f.department_code == "ENV")
    demand = next(f for f in progress.followups if f.kind == "enterprise_demand")
    return form.publish_due_at, demand.due_at


async def test_a_new_holiday_moves_the_publication_and_follow_up_deadlines_of_an_inspected_object(
        client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=task_body(sample_size=1))
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")
    for dept in ("env", "safe"):
        ok = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w[f"{dept}_op"], json={"accept": True})
        assert ok.status_code == 200, ok.text

    async def drawing():
        return (await handle.query(JointTaskWorkflow.state)).stage == "drawing"

    await eventually(drawing)
    assert (await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])).status_code == 200
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"], json={})
    (object_id,) = [o["object_id"] for o in confirmed.json()["selection"]]
    for dept in ("lead", "env", "safe"):
        assert (await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])).status_code == 200
    await fix_inspection_day(client, w, task_id)

    # LEAD's form is approved with a demand left to answer (7 working days); ENV's waits for approval (20).
    today = datetime.now(BEIJING).date()
    url = f"/api/v1/tasks/{task_id}/objects/{object_id}/results"

    async def lead_form_entered():
        answer = await client.post(url, headers=w["lead_op"], json={
            "result_code": "no_issue", "item_codes": ["LEAD-01"], "inspection_date": today.isoformat(),
            "enterprise_demands": ["希望简化年报流程"], "demands_solved_on_site": False})
        return answer.status_code != 404 and answer  # the object opens for forms once the task is inspecting

    lead_form = await eventually(lead_form_entered)
    assert lead_form.status_code == 201, lead_form.text
    approved = await client.post(f"/api/v1/results/{task_id}:{object_id}:LEAD/approve", headers=w["lead_ap"])
    assert approved.status_code == 200, approved.text
    env_form = await client.post(url, headers=w["env_op"], json={
        "result_code": "no_issue", "item_codes": ["ENV-01"], "inspection_date": today.isoformat()})
    assert env_form.status_code == 201, env_form.text
    child = temporal_client.get_workflow_handle(object_workflow_id(task_id, object_id))
    publish_before, demand_before = await _object_dues(child)

    # A new weekday holiday on the next working day: both deadlines move one working day later.
    first_working_day = (await _working_days_after(client, w["office"], today, 1))[0]
    loaded = await _add_holiday(client, w["office"], first_working_day)
    assert loaded["running_tasks_notified"] is True

    async def both_moved():
        publish, demand = await _object_dues(child)
        return publish > publish_before and demand > demand_before and (publish, demand)

    publish_after, demand_after = await eventually(both_moved)
    assert publish_after.astimezone(BEIJING).date() > publish_before.astimezone(BEIJING).date()
    assert demand_after.astimezone(BEIJING).date() > demand_before.astimezone(BEIJING).date()
    await replay_and_keep(temporal_client, {"joint_task_calendar_change_inspecting": f"joint-task-{task_id}",
                                            "object_inspection_calendar_change": child.id})
