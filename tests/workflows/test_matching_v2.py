"""Verifiable matching through the HTTP API (SPEC §6, docs/draw.md §7.5): pools frozen when the draw is confirmed,
experts never counted as one of the two officers, and result forms naming only the inspectors matched."""

from datetime import datetime, timedelta, timezone

from domain.draw import verify_record
from tests.workflows.draw_steps import launch_for_drawing, set_kind, stage
from tests.workflows.recording import replay_and_keep
from tests.workflows.test_draw_v2 import script_verdict
from tests.workflows.world import build_world, fix_inspection_day

EXPERTS = ["ENV检查员1", "ENV检查员2", "ENV检查员3"]


async def test_experts_join_but_never_fill_the_two_person_rule(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    await set_kind(session_factory, "ENV", EXPERTS, "expert")  # ENV: one officer and three experts
    task_id = await launch_for_drawing(client, w, temporal_client)
    assert (await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])).status_code == 200
    confirm = f"/api/v1/tasks/{task_id}/draw/confirm"
    short = await client.post(confirm, headers=w["lead_op"], json={})
    assert short.status_code == 422, short.text
    assert "department ENV" in short.json()["detail"] and "2 needed, 1 eligible" in short.json()["detail"]
    assert (await client.get(f"/api/v1/public/draws/{task_id}")).json()["seed"] is None  # nothing was revealed

    await set_kind(session_factory, "ENV", EXPERTS[:1], "certified")  # two officers, two experts
    confirmed = await client.post(confirm, headers=w["lead_op"], json={})
    assert confirmed.status_code == 200, confirmed.text
    drawn = [o["object_id"] for o in confirmed.json()["selection"]]
    # The pools were frozen with the seed's reveal: retiring an officer now changes nothing of this task.
    await set_kind(session_factory, "ENV", ["ENV检查员0"], "expert")

    await stage(temporal_client, task_id, "matching")
    too_many = await client.post(f"/api/v1/tasks/{task_id}/match", headers=w["env_op"], json={"experts_per_object": 9})
    assert too_many.status_code == 422 and "experts_per_object" in too_many.text
    env = await client.post(f"/api/v1/tasks/{task_id}/match", headers=w["env_op"], json={"experts_per_object": 1})
    assert env.status_code == 200, env.text
    for object_id in drawn:
        group = env.json()["assignments"][str(object_id)]
        assert sorted((i["name"], i["expert"]) for i in group)[:2] == [("ENV检查员0", False), ("ENV检查员1", False)]
        assert len(group) == 3 and group[2]["expert"] and group[2]["name"] in EXPERTS[1:]
    for dept in ("lead", "safe"):
        assert (await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])).status_code == 200

    record = (await client.get(f"/api/v1/public/draws/{task_id}")).json()
    env_record = next(m for m in record["matching"] if m["department_code"] == "ENV")
    assert env_record["algorithm"] == "jointcheck-match-v2" and env_record["experts_per_object"] == 1
    for entry in env_record["objects"]:
        assert len(entry["picks"]) == 2 and len(entry["expert_picks"]) == 1 and len(entry["experts"]) == 2
        assert not set(entry["picks"]) & set(entry["experts"]) and entry["rule"] == "local"
        assert all(name.startswith("i") and "ENV" not in name for name in entry["pool"]["local"])
    assert verify_record(record).match and script_verdict(record) is None

    # A form may name only the department's inspectors matched to that object.
    await fix_inspection_day(client, w, task_id)
    await stage(temporal_client, task_id, "inspecting")
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    obj = drawn[0]
    env_group = [i["inspector_id"] for i in env.json()["assignments"][str(obj)]]
    safe_group = [i["inspector_id"] for i in (await _matched(client, w, task_id, "SAFE", obj))]
    form = {"result_code": "no_issue", "item_codes": ["ENV-01"], "inspection_date": today}
    url = f"/api/v1/tasks/{task_id}/objects/{obj}/results"
    for strangers in ([safe_group[0]], [*env_group[:2], 999_999]):
        refused = await client.post(url, headers=w["env_op"], json={**form, "inspector_ids": strangers})
        assert refused.status_code == 422 and refused.json()["detail"].startswith("inspector_ids:"), refused.text
    listed = (await client.get("/api/v1/inspectors", headers=w["env_op"], params={"department_code": "ENV"})).json()
    unpicked = [i["id"] for i in listed["items"] if i["name"] in EXPERTS[1:] and i["id"] not in env_group]
    assert len(unpicked) == 1  # the expert of ENV's pool the draw left out for this object
    refused = await client.post(url, headers=w["env_op"], json={**form, "inspector_ids": unpicked})
    assert refused.status_code == 422 and "inspector_ids" in refused.text
    entered = await client.post(url, headers=w["env_op"], json={**form, "inspector_ids": env_group})
    assert entered.status_code == 201, entered.text
    await replay_and_keep(temporal_client, {"joint_task_matching_v2": f"joint-task-{task_id}",
                                            "object_inspection_matched_inspectors": f"joint-task-{task_id}-object-{obj}"})


async def _matched(client, w, task_id: str, department: str, object_id: int) -> list[dict]:
    detail = (await client.get(f"/api/v1/tasks/{task_id}", headers=w["office"])).json()
    event = next(e for e in detail["timeline"] if e["kind"] == "matched" and e["department_code"] == department)
    return [{"inspector_id": i} for i in event["detail"][str(object_id)]]
