"""A joint task driven from launch to close through the HTTP API, on the real Temporal dev server, in drill mode.

One working day lasts DRILL seconds, so the 2-day acknowledgement and 20-day publication deadlines really expire.
The task takes most paths a task can take (a decline, an overdue acknowledgement extended, a returned form, a
confidential one, an overdue publication, every kind of follow-up): its histories are the replay test's "full" ones.
"""

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from temporalio.client import WorkflowExecutionStatus

from tests.polling import eventually
from tests.workflows.recording import replay_and_keep
from tests.workflows.world import DEPARTMENTS, build_world, fix_inspection_day, task_body

DRILL = 1.0
BEIJING = timezone(timedelta(hours=8))
# A fourth department, invited only to decline.
WITH_HEALTH = {**DEPARTMENTS, "HEALTH": "卫生健康委员会"}


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"drill_workday_seconds": DRILL})


async def overdue_rows(client, office, **match):
    rows = (await client.get("/api/v1/office/overdue", headers=office)).json()
    return [r for r in rows if all(r.get(k) == v for k, v in match.items())]


async def test_full_lifecycle_through_the_api(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client, departments=WITH_HEALTH)
    counted = await client.get("/api/v1/tasks/population", headers=w["lead_op"],
                               params={"region_codes": task_body()["scope"]["region_codes"]})
    assert counted.json() == {"total": 12, "by_credit_risk_class": {"A": 3, "B": 3, "C": 3, "D": 3}}
    bad_class = await client.get("/api/v1/tasks/population", headers=w["lead_op"], params={"credit_risk_classes": "E"})
    assert bad_class.status_code == 422 and "credit_risk_classes" in bad_class.text
    body = task_body()
    body["responders"].append({"department_code": "HEALTH", "item_codes": ["HEALTH-01"]})
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=body)
    assert launched.status_code == 201, launched.text
    task = launched.json()
    task_id = task["id"]
    assert task["stage"] == "awaiting_responses" and len(task["seed_commitment"]) == 64
    assert {r["department_code"] for r in task["responders"]} == {"ENV", "SAFE", "HEALTH"}
    assert all(r["drill"] for r in task["responders"])

    # HEALTH declines and ENV accepts in time; SAFE stays silent until its acknowledgement is overdue and the office
    # steps in.
    declined = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["health_op"],
                                 json={"accept": False, "reason": "本部门无对应检查事项"})
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    ack = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"], json={"accept": True})
    assert ack.status_code == 200 and ack.json()["late"] is False
    again = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"], json={"accept": True})
    assert again.status_code == 409
    early_draw = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])
    assert early_draw.status_code == 409
    rows = await eventually(lambda: overdue_rows(client, w["office"], task_id=task_id, step="acknowledgement", status="overdue"))
    assert rows[0]["department_code"] == "SAFE" and rows[0]["working_days_overdue"] >= 1
    not_office = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/extend",
                                   headers=w["lead_op"], json={"working_days": 2})
    assert not_office.status_code == 403
    extended = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/extend",
                                 headers=w["office"], json={"working_days": 3, "reason": "系统故障"})
    assert extended.status_code == 200, extended.text
    late_ack = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["safe_op"], json={"accept": True})
    assert late_ack.status_code == 200
    assert await overdue_rows(client, w["office"], task_id=task_id, step="acknowledgement", status="overdue") == []

    # The lead draws, sees the selection, confirms; the draw record verifies publicly.
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")
    await eventually(lambda: _stage_is(handle, "drawing"))
    not_lead = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["env_op"])
    assert not_lead.status_code == 403
    proposal = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])
    assert proposal.status_code == 200, proposal.text
    assert len(proposal.json()["selection"]) == 3 and proposal.json()["population_size"] == 12
    # No other task holds these objects: none has a warning, so none may be excluded (that would be a re-roll).
    unwarned = proposal.json()["selection"][0]["object_id"]
    refused = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"],
                                json={"exclude": [unwarned]})
    assert refused.status_code == 422 and f"exclude: object {unwarned}" in refused.json()["detail"]
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"], json={})
    assert confirmed.status_code == 200, confirmed.text
    selection = [o["object_id"] for o in confirmed.json()["selection"]]
    assert selection == [o["object_id"] for o in proposal.json()["selection"]]
    verdict = await client.get(f"/api/v1/public/draws/{task_id}/verify")
    assert verdict.status_code == 200 and verdict.json()["match"] is True and verdict.json()["step"] is None
    index = (await client.get("/api/v1/public/draws")).json()
    assert [(d["task_id"], d["sample_size"], d["population_size"], d["lead_department_name"])
            for d in index["draws"]] == [(task_id, 3, 12, "市场监督管理局")]

    # Each department matches its inspectors; the lead proposes the day and the responders confirm it.
    for dept in ("lead", "env", "safe"):
        matched = await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])
        assert matched.status_code == 200, matched.text
        assert all(len(v) >= 2 for v in matched.json()["assignments"].values())
    today = datetime.now(BEIJING).date().isoformat()
    await fix_inspection_day(client, w, task_id)
    await eventually(lambda: _stage_is(handle, "inspecting"))

    # One form per department per object; a second one is refused.
    first, second, third = selection
    codes = {"lead": ("corrected_on_site", "LEAD-01"), "env": ("pending_followup", "ENV-01"),
             "safe": ("no_issue", "SAFE-01")}
    for obj in selection:
        for dept, (code, item) in codes.items():
            body = {"result_code": code if obj == first else "no_issue", "item_codes": [item],
                    "inspection_date": today, "findings": "现场检查"}
            if body["result_code"] == "corrected_on_site":
                # The enterprise raised a demand that could not be answered on site: a 7-working-day follow-up.
                body.update(rectification_due=today, enterprise_demands=["希望提供整改指导"], demands_solved_on_site=False)
            if (obj, dept) == (second, "safe"):
                body.update(confidential=True, confidential_reason="涉及安全生产敏感信息")
            r = await client.post(f"/api/v1/tasks/{task_id}/objects/{obj}/results", headers=w[f"{dept}_op"], json=body)
            assert r.status_code == 201, r.text
    dup = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/results", headers=w["env_op"],
                            json={"result_code": "no_issue", "inspection_date": today})
    assert dup.status_code == 409
    unknown = await client.post(f"/api/v1/tasks/{task_id}/objects/999999/results", headers=w["env_op"],
                                json={"result_code": "no_issue", "inspection_date": today})
    assert unknown.status_code == 404

    # The approver's queue holds exactly its own department's submitted forms; another department's is refused.
    queue = (await client.get("/api/v1/results", headers=w["env_ap"], params={"state": "awaiting_approval"})).json()
    assert queue["total"] == 3 and {r["department_code"] for r in queue["results"]} == {"ENV"}
    assert {r["object_id"] for r in queue["results"]} == set(selection) and all(r["uscc"] for r in queue["results"])
    foreign = await client.get("/api/v1/results", headers=w["env_ap"], params={"department_code": "SAFE"})
    assert foreign.status_code == 403

    # Approvers approve; one form is returned and resubmitted; one stays unapproved until publication is overdue.
    wrong = await client.post(f"/api/v1/results/{task_id}:{first}:LEAD/approve", headers=w["env_ap"])
    assert wrong.status_code == 403
    returned = await client.post(f"/api/v1/results/{task_id}:{second}:ENV/return", headers=w["env_ap"],
                                 json={"reason": "结论依据不足"})
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    resubmitted = await client.post(f"/api/v1/tasks/{task_id}/objects/{second}/results", headers=w["env_op"],
                                    json={"result_code": "no_issue", "item_codes": ["ENV-01"], "inspection_date": today})
    assert resubmitted.status_code == 201
    for obj in selection:
        for dept in ("lead", "env", "safe"):
            if (obj, dept) == (third, "safe"):
                continue
            ok = await client.post(f"/api/v1/results/{task_id}:{obj}:{dept.upper()}/approve", headers=w[f"{dept}_ap"])
            assert ok.status_code == 200, ok.text
            assert ok.json()["state"] == ("confidential" if (obj, dept) == (second, "safe") else "published")
    rows = await eventually(lambda: overdue_rows(client, w["office"], task_id=task_id, step="publication", status="overdue"),
                            timeout=20 * DRILL + 15)
    assert rows[0]["department_code"] == "SAFE" and rows[0]["object_id"] == third
    # The Temporal UI can find the task by its search attributes while publication is overdue.
    flagged = f"JointcheckOverdue = true AND JointcheckLeadDepartment = 'LEAD' AND WorkflowId = 'joint-task-{task_id}'"
    assert await eventually(lambda: _listed(temporal_client, flagged))
    late = await client.post(f"/api/v1/results/{task_id}:{third}:SAFE/approve", headers=w["safe_ap"])
    assert late.status_code == 200 and late.json()["late"] is True

    # Follow-up: the enterprise demand (overdue by now), a case filing opened by hand, the rectification re-check,
    # and a transfer that the receiving department acknowledges.
    demand_overdue = await eventually(lambda: overdue_rows(client, w["office"], task_id=task_id,
                                                           step="enterprise_demand", status="overdue"))
    assert [r["department_code"] for r in demand_overdue] == ["LEAD"]
    answered = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                                 json={"kind": "enterprise_demand", "outcome": "已书面答复"})
    assert answered.status_code == 200 and answered.json()["state"] == "done", answered.text
    opened = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                               json={"kind": "case_filing", "action": "open"})
    assert opened.status_code == 200 and opened.json()["state"] == "open", opened.text
    filed = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                              json={"kind": "case_filing", "outcome": "已立案（湘潭市监立〔2026〕1号）"})
    assert filed.status_code == 200 and filed.json()["state"] == "done", filed.text
    recheck = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                                json={"kind": "rectification_recheck", "passed": True, "outcome": "已整改"})
    assert recheck.status_code == 200 and recheck.json()["state"] == "done", recheck.text
    transfer = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["env_op"],
                                 json={"kind": "transfer", "receiving_department_code": "SAFE", "outcome": "移送"})
    assert transfer.status_code == 200 and transfer.json()["state"] == "awaiting_acknowledgement", transfer.text
    not_receiver = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["lead_op"],
                                     json={"kind": "transfer", "action": "acknowledge"})
    assert not_receiver.status_code == 403
    received = await client.post(f"/api/v1/tasks/{task_id}/objects/{first}/followups", headers=w["safe_op"],
                                 json={"kind": "transfer", "action": "acknowledge"})
    assert received.status_code == 200 and received.json()["state"] == "done"

    # The task closes; the public site shows the published results, without inspectors.
    await eventually(lambda: _stage_is(handle, "closed"))
    await asyncio.wait_for(handle.result(), timeout=30)
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    closed = f"JointcheckStage = 'closed' AND JointcheckOverdue = false AND WorkflowId = 'joint-task-{task_id}'"
    assert await eventually(lambda: _listed(temporal_client, closed))
    detail = (await client.get(f"/api/v1/tasks/{task_id}", headers=w["office"])).json()
    assert detail["stage"] == "closed"
    kinds = [e["kind"] for e in detail["timeline"]]
    assert {"launched", "ack_overdue", "response_extended", "draw_confirmed", "closed"} <= set(kinds)
    public = (await client.get("/api/v1/public/results", params={"q": ""})).json()
    published = [r for r in public["results"] if r["task_id"] == task_id]
    assert len(published) == 8, "the confidential form is recorded, never published"
    assert not any("inspector" in key for r in published for key in r)
    await replay_and_keep(temporal_client, {
        "joint_task_full": f"joint-task-{task_id}",
        "object_inspection_followups": f"joint-task-{task_id}-object-{first}",
        "object_inspection_returned_confidential": f"joint-task-{task_id}-object-{second}",
        "object_inspection_publication_overdue": f"joint-task-{task_id}-object-{third}"})


async def _listed(temporal_client, query: str) -> list[str]:
    return [e.id async for e in temporal_client.list_workflows(query)]


async def _stage_is(handle, stage: str) -> bool:
    from workflows.joint_task import JointTaskWorkflow

    return (await handle.query(JointTaskWorkflow.state)).stage == stage
