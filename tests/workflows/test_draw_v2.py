"""Record format 2 through the HTTP API on the real Temporal dev server (issue 14): exclusions only for a reason the
record proves, the public value a task names at launch, the office's annual cap — each published and verified."""

import copy
from datetime import datetime, timedelta, timezone
import importlib.util
from pathlib import Path

from domain.draw import verify_record
from tests.workflows.draw_steps import draw_and_confirm, launch_for_drawing, match_all
from tests.workflows.recording import replay_and_keep
from tests.workflows.world import build_world

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"


def script_verdict(record: dict):
    """What scripts/verify_draw.py (standard library only) says: None for MATCH, else (step, reasons)."""
    spec = importlib.util.spec_from_file_location("verify_draw_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verify(record)


async def _record(client, task_id: str) -> dict:
    return (await client.get(f"/api/v1/public/draws/{task_id}")).json()


async def test_an_exclusion_needs_the_warning_that_backs_it(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    # The first task draws every class-A object: they are in another open task when the second one draws.
    first = await launch_for_drawing(client, w, temporal_client, scope={"credit_risk_classes": ["A"]}, sample_size=3)
    held = {o["object_id"] for o in (await draw_and_confirm(client, w, first))["selection"]}
    second = await launch_for_drawing(client, w, temporal_client, sample_size=12)
    proposal = (await client.post(f"/api/v1/tasks/{second}/draw", headers=w["lead_op"])).json()
    warned = {x["object_id"] for x in proposal["warnings"] if x["kind"] == "open_task"}
    assert warned == held and all(first in x["detail"] for x in proposal["warnings"])
    unwarned = next(o["object_id"] for o in proposal["selection"] if o["object_id"] not in held)
    a, b, c = sorted(held)

    confirm = f"/api/v1/tasks/{second}/draw/confirm"
    for exclude, named in (([unwarned], unwarned), ([{"object_id": unwarned, "reason": "open_task"}], unwarned),
                           ([{"object_id": a, "reason": "inspected_this_year"}], a), ([a, a], None)):
        refused = await client.post(confirm, headers=w["lead_op"], json={"exclude": exclude})
        assert refused.status_code == 422, refused.text
        assert refused.json()["detail"].startswith("exclude:")
        assert named is None or f"object {named}" in refused.json()["detail"]
    bad_reason = await client.post(confirm, headers=w["lead_op"], json={"exclude": [{"object_id": a, "reason": "x"}]})
    assert bad_reason.status_code == 422 and "exclude" in bad_reason.text

    # An id alone stands for its one reason; an exclusion with its reason is taken as given.
    confirmed = await client.post(confirm, headers=w["lead_op"],
                                  json={"exclude": [a, {"object_id": b, "reason": "open_task"}]})
    assert confirmed.status_code == 200, confirmed.text
    chosen = {o["object_id"] for o in confirmed.json()["selection"]}
    assert len(chosen) == 10 and not chosen & {a, b} and c in chosen
    await match_all(client, w, second, temporal_client)
    record = await _record(client, second)
    assert record["algorithm"] == "jointcheck-draw-v2"
    assert record["exclusions"] == [{"object_id": a, "reason": "open_task"}, {"object_id": b, "reason": "open_task"}]
    assert {(x["object_id"], x["kind"]) for x in record["warnings"]} == {(i, "open_task") for i in held}
    verdict = (await client.get(f"/api/v1/public/draws/{second}/verify")).json()
    assert verdict == {"task_id": second, "match": True, "step": None, "reasons": []}
    assert script_verdict(record) is None

    # The record proves the reason: without its warning, the exclusion fails at its step, in both verifiers.
    forged = copy.deepcopy(record)
    forged["warnings"] = [x for x in forged["warnings"] if x["object_id"] != a]
    assert verify_record(forged).step == "exclusions" and script_verdict(forged)[0] == "exclusions"
    await replay_and_keep(temporal_client, {"joint_task_draw_v2_exclusions": f"joint-task-{second}"})


async def test_a_public_value_named_at_launch_is_needed_at_the_draw_and_decides_it(client, worker, session_factory,
                                                                                   temporal_client):
    w = await build_world(session_factory, client)
    source = "2026年12月10日福利彩票3D开奖号码（按开奖公告顺序）"
    task_id = await launch_for_drawing(client, w, temporal_client, public_entropy_source=source)
    before = await _record(client, task_id)
    assert before["status"] == "committed" and before["public_entropy"] == {"source": source, "value": None}

    draw = f"/api/v1/tasks/{task_id}/draw"
    missing = await client.post(draw, headers=w["lead_op"])
    assert missing.status_code == 422 and "public_entropy_value" in missing.json()["detail"]
    unreadable = await client.post(draw, headers=w["lead_op"], json={"public_entropy_value": "三 七 五"})
    assert unreadable.status_code == 422 and "public_entropy_value" in unreadable.json()["detail"]
    given = await client.post(draw, headers=w["lead_op"], json={"public_entropy_value": "３　７，５"})
    assert given.status_code == 200 and given.json()["public_entropy_value"] == "３　７，５"
    again = await client.post(draw, headers=w["lead_op"], json={"public_entropy_value": "3 7 5"})  # the same value
    assert again.status_code == 200 and again.json()["selection"] == given.json()["selection"]
    other = await client.post(draw, headers=w["lead_op"], json={"public_entropy_value": "3 7 6"})
    assert other.status_code == 422 and "cannot change" in other.json()["detail"]
    confirmed = await client.post(f"{draw}/confirm", headers=w["lead_op"], json={})
    assert confirmed.json()["selection"] == given.json()["selection"]

    record = await _record(client, task_id)
    assert record["public_entropy"] == {"source": source, "value": "３　７，５", "canonical": "3.7.5."}
    assert record["final_seed"] != record["seed"]
    assert verify_record(record).match and script_verdict(record) is None
    # Only the right value verifies: another value fails, whether or not final_seed is recomputed to follow it.
    wrong = copy.deepcopy(record)
    wrong["public_entropy"].update(value="3 7 6", canonical="3.7.6.")
    assert verify_record(wrong).step == "public_entropy" and script_verdict(wrong)[0] == "public_entropy"
    from domain.public_entropy import mixed_seed

    wrong["final_seed"] = mixed_seed(record["seed"], "3.7.6.")
    assert verify_record(wrong).step == "selection" and script_verdict(wrong)[0] == "selection"


async def test_objects_at_the_annual_cap_leave_the_population(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    not_office = await client.put("/api/v1/office/draw-settings", headers=w["lead_op"],
                                  json={"annual_inspection_cap": 1})
    assert not_office.status_code == 403
    too_small = await client.put("/api/v1/office/draw-settings", headers=w["office"],
                                 json={"annual_inspection_cap": 0})
    assert too_small.status_code == 422 and "annual_inspection_cap" in too_small.text
    first = await launch_for_drawing(client, w, temporal_client, sample_size=4)
    once = {o["object_id"] for o in (await draw_and_confirm(client, w, first))["selection"]}

    capped = await client.put("/api/v1/office/draw-settings", headers=w["office"], json={"annual_inspection_cap": 1})
    assert capped.status_code == 200
    assert (await client.get("/api/v1/office/draw-settings", headers=w["office"])).json() == \
        {"annual_inspection_cap": 1}
    second = await launch_for_drawing(client, w, temporal_client, sample_size=8)
    confirmed = await draw_and_confirm(client, w, second)
    assert confirmed["population_size"] == 8 and confirmed["removed_at_freeze"] == 4
    assert not {o["object_id"] for o in confirmed["selection"]} & once
    record = await _record(client, second)
    assert record["annual_cap"] == 1 and sorted(record["population"]["all"]) == sorted(set(w.object_ids) - once)
    assert [(r["object_id"], r["reason"]) for r in record["removed_at_freeze"]] == [(i, "annual_cap") for i in sorted(once)]
    assert all("已接受 1 次联合检查" in r["detail"] for r in record["removed_at_freeze"])
    assert verify_record(record).match and script_verdict(record) is None
    audit = (await client.get("/api/v1/audit", headers=w["office"], params={"action": "office.annual_cap"})).json()
    assert [r["change"] for r in audit["records"]] == [{"before": None, "after": 1}]


async def test_the_fairness_report_counts_what_the_draws_drew(client, worker, session_factory, temporal_client):
    w = await build_world(session_factory, client)
    classes = {object_id: "ABCD"[n % 4] for n, object_id in enumerate(w.object_ids)}
    stratified = await launch_for_drawing(client, w, temporal_client, sample_size=None,
                                          credit_risk_ratios={"A": 1, "B": 0.5, "C": 0.3, "D": 1})
    plain = await launch_for_drawing(client, w, temporal_client, sample_size=4)
    drawn: list[int] = []
    for task_id in (stratified, plain):
        drawn += [o["object_id"] for o in (await draw_and_confirm(client, w, task_id))["selection"]]
    year = datetime.now(timezone(timedelta(hours=8))).year

    report = (await client.get(f"/api/v1/public/fairness/{year}")).json()
    assert report["draws"] == 2 and report["eligible_objects"] == 12 and "objects_alerted" not in report
    assert report["never_drawn"] == 12 - len(set(drawn))
    # Expected selections: the stratified draw takes A 3, B 2, C 1, D 3; the plain one 4 of 12, a third per class.
    expected = {"A": 4, "B": 3, "C": 2, "D": 4}
    assert report["classes"] == [
        {"credit_risk_class": cls, "eligible": 3, "drawn": len({i for i in drawn if classes[i] == cls}),
         "selections": sum(1 for i in drawn if classes[i] == cls), "expected_selections": expected[cls]}
        for cls in "ABCD"]
    most = report["drawn_most"]
    assert [m["times"] for m in most] == sorted((drawn.count(i) for i in set(drawn)), reverse=True)[:10]
    assert all(m["name"].startswith("测试企业") and m["draws_eligible"] == 2 for m in most)

    assert (await client.get(f"/api/v1/office/fairness/{year}", headers=w["lead_op"])).status_code == 403
    office = (await client.get(f"/api/v1/office/fairness/{year}", headers=w["office"])).json()
    assert office["alert_below"] == 0.001 and office["objects_alerted"] == [] and office["inspectors_alerted"] == []
    assert (await client.get("/api/v1/public/fairness/1999")).status_code == 422
