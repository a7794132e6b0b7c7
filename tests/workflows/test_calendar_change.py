"""The office changes a year of the calendar: running tasks recount their pending acknowledgement deadlines.

Not in drill mode: the real working-day calendar decides (SPEC §3)."""

import asyncio
from datetime import date, datetime, timedelta, timezone

from tests.workflows.world import build_world, task_body
from workflows.joint_task import JointTaskWorkflow

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
