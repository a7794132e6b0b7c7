"""The other ways a joint task goes: a decline, a removed silent responder, cancellation by the lead and by the
office (children included), and the office's notices and statistics — all through the HTTP API, drill mode."""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.keys import object_workflow_id
from domain.records import ActorRef, FollowupView
from tests.workflows.recording import replay_and_keep
from tests.workflows.world import build_world, task_body
from workflows.inputs import FollowupInput
from workflows.joint_task import JointTaskWorkflow

DRILL = 1.0
BEIJING = timezone(timedelta(hours=8))


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"drill_workday_seconds": DRILL})


async def _state(handle):
    return await handle.query(JointTaskWorkflow.state)


async def _until_stage(handle, stage: str, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while (state := await _state(handle)).stage != stage:
        assert asyncio.get_running_loop().time() < deadline, f"stage {state.stage}, expected {stage}"
        await asyncio.sleep(0.2)
    return state


async def _launch(client, w, temporal_client):
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=task_body())
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    return task_id, temporal_client.get_workflow_handle(f"joint-task-{task_id}")


async def _to_inspecting(client, w, task_id: str, handle, responders: tuple[str, ...]) -> list[int]:
    """Accept, draw, confirm, match and fix the day: the task is inspecting; answers the drawn object ids."""
    for dept in responders:
        ok = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w[f"{dept}_op"], json={"accept": True})
        assert ok.status_code == 200
    await _until_stage(handle, "drawing")
    assert (await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])).status_code == 200
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"], json={})
    selection = [o["object_id"] for o in confirmed.json()["selection"]]
    for dept in ("lead", *responders):
        assert (await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])).status_code == 200
    today = datetime.now(BEIJING).date().isoformat()
    await client.post(f"/api/v1/tasks/{task_id}/schedule", headers=w["lead_op"], json={"inspection_date": today})
    for dept in responders:
        await client.post(f"/api/v1/tasks/{task_id}/schedule", headers=w[f"{dept}_op"], json={"confirm": True})
    await _until_stage(handle, "inspecting")
    return selection


async def test_a_decline_and_a_removed_silent_responder_leave_the_lead_to_draw_alone(client, worker, session_factory,
                                                                                     temporal_client):
    w = await build_world(session_factory, client)
    task_id, handle = await _launch(client, w, temporal_client)
    no_reason = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"], json={"accept": False})
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    declined = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"],
                                 json={"accept": False, "reason": "本部门无对应检查事项"})
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    lead_answers = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["lead_op"], json={"accept": True})
    assert lead_answers.status_code in (403, 404)

    # Removing needs a reason, only the office may do it, and only a department that has not answered.
    not_office = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/remove", headers=w["lead_op"],
                                   json={"reason": "逾期未响应"})
    assert not_office.status_code == 403
    no_reason = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/remove", headers=w["office"],
                                  json={})
    assert no_reason.status_code == 422
    answered = await client.post(f"/api/v1/office/tasks/{task_id}/responders/ENV/remove", headers=w["office"],
                                 json={"reason": "逾期未响应"})
    assert answered.status_code == 409
    removed = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/remove", headers=w["office"],
                                json={"reason": "逾期未响应"})
    assert removed.status_code == 200, removed.text
    assert removed.json()["state"] == "removed"

    state = await _until_stage(handle, "drawing")
    assert state.participants == ["LEAD"]
    env_draw = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["env_op"])
    assert env_draw.status_code == 403
    detail = (await client.get(f"/api/v1/tasks/{task_id}", headers=w["office"])).json()
    kinds = {e["kind"] for e in detail["timeline"]}
    assert {"launched", "responses_complete"} <= kinds
    responses = {r["department_code"]: r for r in detail["responses"]}
    assert responses["ENV"]["state"] == "declined" and responses["ENV"]["reason"] == "本部门无对应检查事项"
    await replay_and_keep(temporal_client, {"joint_task_declined_and_removed": f"joint-task-{task_id}"})


async def test_the_lead_cancels_with_a_reason_and_the_task_refuses_everything_after(client, worker, session_factory,
                                                                                     temporal_client):
    w = await build_world(session_factory, client)
    task_id, handle = await _launch(client, w, temporal_client)
    no_reason = await client.post(f"/api/v1/tasks/{task_id}/cancel", headers=w["lead_op"], json={})
    assert no_reason.status_code == 422 and "reason" in no_reason.text
    responder = await client.post(f"/api/v1/tasks/{task_id}/cancel", headers=w["env_op"], json={"reason": "不想做"})
    assert responder.status_code == 403
    cancelled = await client.post(f"/api/v1/tasks/{task_id}/cancel", headers=w["lead_op"],
                                  json={"reason": "上级部署调整"})
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["stage"] == "cancelled"
    result = await asyncio.wait_for(handle.result(), timeout=20)
    assert (result["stage"], result["cancel_reason"]) == ("cancelled", "上级部署调整")
    late = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"], json={"accept": True})
    assert late.status_code in (404, 409)
    detail = (await client.get(f"/api/v1/tasks/{task_id}", headers=w["office"])).json()
    assert detail["stage"] == "cancelled" and detail["cancel_reason"] == "上级部署调整"
    await replay_and_keep(temporal_client, {"joint_task_cancelled_awaiting_responses": f"joint-task-{task_id}"})


async def test_the_office_cancels_an_inspecting_task_and_every_object_closes(client, worker, session_factory,
                                                                              temporal_client):
    w = await build_world(session_factory, client)
    task_id, handle = await _launch(client, w, temporal_client)
    selection = await _to_inspecting(client, w, task_id, handle, ("env", "safe"))
    today = datetime.now(BEIJING).date().isoformat()
    submitted = await client.post(f"/api/v1/tasks/{task_id}/objects/{selection[0]}/results", headers=w["env_op"],
                                  json={"result_code": "no_issue", "inspection_date": today, "item_codes": ["ENV-01"]})
    assert submitted.status_code == 201

    cancelled = await client.post(f"/api/v1/tasks/{task_id}/cancel", headers=w["office"],
                                  json={"reason": "对象已注销，任务终止"})
    assert cancelled.status_code == 200, cancelled.text
    assert (await asyncio.wait_for(handle.result(), timeout=30))["stage"] == "cancelled"
    for object_id in selection:
        child = temporal_client.get_workflow_handle(f"joint-task-{task_id}-object-{object_id}")
        await asyncio.wait_for(child.result(), timeout=30)
    after = await client.post(f"/api/v1/tasks/{task_id}/objects/{selection[1]}/results", headers=w["env_op"],
                              json={"result_code": "no_issue", "inspection_date": today})
    assert after.status_code in (404, 409)
    await replay_and_keep(temporal_client, {"joint_task_cancelled_inspecting": f"joint-task-{task_id}",
                                            "object_inspection_cancelled": f"joint-task-{task_id}-object-{selection[0]}"})


async def test_office_notices_and_statistics_through_the_api(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    await _launch(client, w, temporal_client)
    refused = await client.post("/api/v1/office/notices", headers=w["lead_op"],
                                json={"department_code": "SAFE", "text": "响应不及时"})
    assert refused.status_code == 403
    unknown = await client.post("/api/v1/office/notices", headers=w["office"],
                                json={"department_code": "NOPE", "text": "响应不及时"})
    assert unknown.status_code == 422 and "department" in unknown.text
    issued = await client.post("/api/v1/office/notices", headers=w["office"],
                               json={"department_code": "SAFE", "text": "响应不及时，予以通报"})
    assert issued.status_code == 201, issued.text
    listed = (await client.get("/api/v1/office/notices", headers=w["office"], params={"department_code": "SAFE"})).json()
    assert [n["text"] for n in listed] == ["响应不及时，予以通报"]
    stats = {s["department_code"]: s for s in (await client.get("/api/v1/office/stats", headers=w["office"])).json()}
    assert stats["SAFE"]["notices"] == 1 and stats["LEAD"]["notices"] == 0
    assert (await client.get("/api/v1/office/stats", headers=w["env_op"])).status_code == 403


async def test_the_outbox_tells_each_department_its_own_pushes_and_a_channel_marks_them_delivered(
        client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    task_id, _ = await _launch(client, w, temporal_client)
    pushed = []
    for _ in range(50):
        pushed = (await client.get("/api/v1/notifications", headers=w["env_op"])).json()
        if pushed:
            break
        await asyncio.sleep(0.2)
    assert [(n["kind"], n["task_id"], n["department_code"]) for n in pushed] == [("pushed", task_id, "ENV")]
    # SAFE's push is SAFE's: ENV's channel cannot mark it, and an unknown key names the field.
    safe_key = (await client.get("/api/v1/notifications", headers=w["safe_op"])).json()[0]["key"]
    foreign = await client.post("/api/v1/notifications/delivered", headers=w["env_op"], json={"keys": [safe_key]})
    assert foreign.status_code == 422 and "keys" in foreign.text
    empty = await client.post("/api/v1/notifications/delivered", headers=w["env_op"], json={"keys": []})
    assert empty.status_code == 422
    done = await client.post("/api/v1/notifications/delivered", headers=w["env_op"], json={"keys": [pushed[0]["key"]]})
    assert done.status_code == 200 and done.json() == {"delivered": 1}
    assert (await client.get("/api/v1/notifications", headers=w["env_op"])).json() == []
    assert len((await client.get("/api/v1/notifications", headers=w["safe_op"])).json()) == 1
    audit_rows = (await client.get("/api/v1/audit", headers=w["office"], params={"action": "notification.delivered"}))
    assert audit_rows.status_code == 200 and "notification.delivered" in audit_rows.text


async def test_a_transfer_reaches_a_department_outside_the_task_and_each_department_completes_its_own(
        client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    body = task_body(responders=[{"department_code": "ENV", "item_codes": ["ENV-01"]}])
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=body)
    task_id = launched.json()["id"]
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")
    first, *rest = await _to_inspecting(client, w, task_id, handle, ("env",))
    today = datetime.now(BEIJING).date().isoformat()
    for dept, item in (("lead", "LEAD-01"), ("env", "ENV-01")):
        for obj in (first, *rest):
            code = "pending_followup" if obj == first else "no_issue"
            r = await client.post(f"/api/v1/tasks/{task_id}/objects/{obj}/results", headers=w[f"{dept}_op"],
                                  json={"result_code": code, "item_codes": [item], "inspection_date": today})
            assert r.status_code == 201, r.text
            approved = await client.post(f"/api/v1/results/{task_id}:{obj}:{dept.upper()}/approve",
                                         headers=w[f"{dept}_ap"])
            assert approved.status_code == 200, approved.text
    assert (await client.get(f"/api/v1/tasks/{task_id}", headers=w["safe_op"])).status_code == 403

    # ENV names no department: it transfers its own follow-up, not the lead's (both are open on this object).
    sent = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["env_op"],
                             json={"kind": "transfer", "receiving_department_code": "SAFE", "outcome": "移送应急管理局"})
    assert sent.status_code == 200, sent.text
    assert (sent.json()["department_code"], sent.json()["state"]) == ("ENV", "awaiting_acknowledgement")

    # SAFE takes no part in the task, yet finds it, reads it and acknowledges the transfer.
    listed = (await client.get("/api/v1/tasks", headers=w["safe_op"])).json()
    assert task_id in [t["task_id"] for t in listed]
    detail = await client.get(f"/api/v1/tasks/{task_id}", headers=w["safe_op"])
    assert detail.status_code == 200
    received = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["safe_op"],
                                 json={"kind": "transfer", "action": "acknowledge"})
    assert received.status_code == 200 and received.json()["state"] == "done", received.text
    lead_own = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                                 json={"kind": "transfer", "receiving_department_code": "ENV", "outcome": "移送"})
    assert lead_own.status_code == 200 and lead_own.json()["department_code"] == "LEAD"

    # An API of the previous release (a deploy rolls process by process) still sends the one `followup` update for
    # every action: the workflow takes it, validated, as the matching one-action update.
    child = temporal_client.get_workflow_handle(object_workflow_id(task_id, first))
    env = ActorRef(username="env_op", role="dept_operator", department_code="ENV")
    with pytest.raises(WorkflowUpdateFailedError):
        await child.execute_update("followup", FollowupInput(actor=env, kind="transfer", action="complete"),
                                   result_type=FollowupView)
    legacy = await child.execute_update("followup", FollowupInput(actor=env, kind="transfer", action="acknowledge"),
                                        result_type=FollowupView)
    assert (legacy.department_code, legacy.state) == ("LEAD", "done")
    await replay_and_keep(temporal_client, {"object_inspection_transfer_outside_task": f"joint-task-{task_id}-object-{first}"})
