"""Annual plans (年度抽查工作计划) through the API: draft, submit, compile, publish, adjust, public read."""

from decimal import Decimal

from store.models import Item
from tests.api.helpers import user_headers


async def add_item(session_factory, code: str, department_code: str, *, category: str = "key",
                   cap: str | None = None, current: bool = True) -> None:
    async with session_factory() as session:
        session.add(Item(code=code, version=1, is_current=current, department_code=department_code, name=f"事项{code}",
                         legal_basis="《产品质量法》", subject="市场监管局", content="检查内容", method="on_site",
                         category=category, item_class="A" if category == "general" else "B",
                         annual_ratio_cap=Decimal(cap) if cap else None, created_by="seed"))
        await session.commit()


def plan_body(**overrides) -> dict:
    body = {"year": 2027, "name": "2027年度市场监管抽查计划", "item_codes": ["SC-01"],
            "object_scope": {"region_codes": ["430300"], "kinds": ["enterprise"], "credit_risk_classes": ["C", "D"]},
            "credit_risk_ratios": {"A": 0.01, "B": 0.04, "C": 0.2, "D": 1.0},
            "lead_office": "执法稽查处", "cooperating_offices": ["产品质量处"], "planned_months": [6, 3, 9]}
    return {**body, **overrides}


async def setup(client, session_factory) -> dict:
    """Two departments with an operator each, an approver, the office and the admin; items for both."""
    users = {"sc": await user_headers(client, session_factory, "sc_op", "dept_operator", "SC"),
             "sw": await user_headers(client, session_factory, "sw_op", "dept_operator", "SW"),
             "approver": await user_headers(client, session_factory, "sc_ap", "dept_approver", "SC"),
             "office": await user_headers(client, session_factory, "office", "office"),
             "admin": await user_headers(client, session_factory, "root", "admin")}
    await add_item(session_factory, "SC-01", "SC")
    await add_item(session_factory, "SC-02", "SC", category="general", cap="0.05")
    await add_item(session_factory, "SW-01", "SW")
    return users


async def test_department_plan_lifecycle_to_publication(client, session_factory):
    u = await setup(client, session_factory)
    created = await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["state"] == "draft" and plan["department_code"] == "SC" and plan["planned_months"] == [3, 6, 9]
    plan_id = plan["id"]
    edited = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"name": "2027年度抽查计划（修订）"})
    assert edited.status_code == 200 and edited.json()["name"] == "2027年度抽查计划（修订）"
    assert (await client.get(f"/api/v1/plans/{plan_id}/adjustments", headers=u["sc"])).json() == []

    submitted = await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u["sc"])
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert (await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u["sc"])).status_code == 409
    sw_plan = (await client.post("/api/v1/plans", headers=u["sw"], json=plan_body(
        name="2027年度商务抽查计划", item_codes=["SW-01"], credit_risk_ratios={}, ratio=0.05))).json()
    await client.post(f"/api/v1/plans/{sw_plan['id']}/submit", headers=u["sw"])

    compiled = await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])
    assert compiled.status_code == 200, compiled.text
    joint = compiled.json()
    assert joint["kind"] == "joint" and joint["state"] == "compiled"
    assert joint["department_plan_ids"] == [plan_id, sw_plan["id"]]
    assert joint["item_codes"] == ["SC-01", "SW-01"] and joint["planned_months"] == [3, 6, 9]
    assert (await client.get(f"/api/v1/plans/{plan_id}", headers=u["sc"])).json()["state"] == "compiled"
    assert (await client.get("/api/v1/public/plans", params={"year": 2027})).json() == []
    # Nothing new to compile.
    assert (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).status_code == 409

    published = await client.post(f"/api/v1/plans/{joint['id']}/publish", headers=u["office"])
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert (await client.post(f"/api/v1/plans/{joint['id']}/publish", headers=u["office"])).status_code == 409
    public = (await client.get("/api/v1/public/plans", params={"year": 2027})).json()
    assert {p["id"] for p in public} == {joint["id"], plan_id, sw_plan["id"]}
    sc_public = next(p for p in public if p["id"] == plan_id)
    assert sc_public["department_name"] == "部门SC" and sc_public["credit_risk_ratios"]["D"] == 1.0
    assert sc_public["published_at"] and sc_public["adjustments"] == []
    assert (await client.get("/api/v1/public/plans", params={"year": 2026})).json() == []

    # Published plans are visible to every department.
    listed = (await client.get("/api/v1/plans", headers=u["sw"], params={"year": 2027})).json()
    assert {p["id"] for p in listed} == {joint["id"], plan_id, sw_plan["id"]}


async def test_adjustments_after_submission_need_a_reason_and_are_kept(client, session_factory):
    u = await setup(client, session_factory)
    plan_id = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u["sc"])
    no_reason = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"planned_months": [4]})
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    adjusted = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={
        "planned_months": [4, 10], "item_codes": ["SC-01", "SC-02"], "reason": "省局通知调整抽查时间"})
    assert adjusted.status_code == 200, adjusted.text
    assert adjusted.json()["planned_months"] == [4, 10] and adjusted.json()["state"] == "submitted"
    second = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={
        "ratio": 0.03, "credit_risk_ratios": {}, "reason": "突发事件，统一比例"})
    assert second.status_code == 200 and second.json()["ratio"] == 0.03
    history = (await client.get(f"/api/v1/plans/{plan_id}/adjustments", headers=u["sc"])).json()
    assert [h["reason"] for h in history] == ["省局通知调整抽查时间", "突发事件，统一比例"]
    assert history[0]["before"] == {"planned_months": [3, 6, 9], "item_codes": ["SC-01"]}
    assert history[0]["after"] == {"planned_months": [4, 10], "item_codes": ["SC-01", "SC-02"]}
    assert history[1]["before"]["ratio"] is None and history[1]["after"]["ratio"] == 0.03
    assert history[0]["by"] == "sc_op"

    # The office adjusts the joint plan, with a reason, and it stays on record after publication.
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).json()
    await client.post(f"/api/v1/plans/{joint['id']}/publish", headers=u["office"])
    refused = await client.patch(f"/api/v1/plans/{joint['id']}", headers=u["office"], json={"name": "新名称计划"})
    assert refused.status_code == 422 and "reason" in refused.json()["detail"][0]["loc"]
    renamed = await client.patch(f"/api/v1/plans/{joint['id']}", headers=u["office"],
                                 json={"name": "2027年度部门联合抽查工作计划（调整）", "reason": "联席会议决定"})
    assert renamed.status_code == 200
    public = {p["id"]: p for p in (await client.get("/api/v1/public/plans")).json()}
    assert public[joint["id"]]["adjustments"][0]["reason"] == "联席会议决定"
    assert public[plan_id]["adjustments"][1]["fields"] == ["credit_risk_ratios", "ratio"]


async def test_late_plan_joins_a_published_joint_plan_with_a_reason(client, session_factory):
    u = await setup(client, session_factory)
    first = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    await client.post(f"/api/v1/plans/{first}/submit", headers=u["sc"])
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"],
                               json={"name": "2027年度联合抽查计划"})).json()
    assert joint["name"] == "2027年度联合抽查计划"
    await client.post(f"/api/v1/plans/{joint['id']}/publish", headers=u["office"])
    late = (await client.post("/api/v1/plans", headers=u["sw"], json=plan_body(item_codes=["SW-01"]))).json()["id"]
    await client.post(f"/api/v1/plans/{late}/submit", headers=u["sw"])
    no_reason = await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])
    assert no_reason.status_code == 422 and no_reason.json()["detail"][0]["loc"] == ["body", "reason"]
    added = await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"], json={"reason": "商务局补报"})
    assert added.status_code == 200 and added.json()["department_plan_ids"] == [first, late]
    assert (await client.get(f"/api/v1/plans/{late}", headers=u["sw"])).json()["state"] == "published"
    history = (await client.get(f"/api/v1/plans/{joint['id']}/adjustments", headers=u["office"])).json()
    assert history[0]["before"]["department_plan_ids"] == [first]
    assert history[0]["after"]["department_plan_ids"] == [first, late]


async def test_visibility_departments_see_their_own_and_published(client, session_factory):
    u = await setup(client, session_factory)
    sc_plan = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    sw_plan = (await client.post("/api/v1/plans", headers=u["sw"], json=plan_body(item_codes=["SW-01"]))).json()["id"]
    assert [p["id"] for p in (await client.get("/api/v1/plans", headers=u["sc"])).json()] == [sc_plan]
    assert [p["id"] for p in (await client.get("/api/v1/plans", headers=u["approver"])).json()] == [sc_plan]
    for role in ("office", "admin"):
        assert {p["id"] for p in (await client.get("/api/v1/plans", headers=u[role])).json()} == {sc_plan, sw_plan}
    assert (await client.get(f"/api/v1/plans/{sw_plan}", headers=u["sc"])).status_code == 403
    assert (await client.get(f"/api/v1/plans/{sw_plan}/adjustments", headers=u["sc"])).status_code == 403
    assert (await client.get("/api/v1/plans/999", headers=u["sc"])).status_code == 404
    await client.post(f"/api/v1/plans/{sc_plan}/submit", headers=u["sc"])
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).json()["id"]
    assert (await client.get(f"/api/v1/plans/{joint}", headers=u["sc"])).status_code == 403
    assert (await client.get("/api/v1/plans")).status_code == 401


async def test_role_and_department_refusals(client, session_factory):
    u = await setup(client, session_factory)
    for who in ("office", "admin", "approver"):
        assert (await client.post("/api/v1/plans", headers=u[who], json=plan_body())).status_code == 403, who
    plan_id = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    for who in ("sw", "office", "admin", "approver"):
        assert (await client.patch(f"/api/v1/plans/{plan_id}", headers=u[who],
                                   json={"name": "别人的计划"})).status_code == 403, who
        assert (await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u[who])).status_code == 403, who
    await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u["sc"])
    for who in ("sc", "sw", "admin", "approver"):
        assert (await client.post("/api/v1/plans/joint/2027/compile", headers=u[who])).status_code == 403, who
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).json()["id"]
    for who in ("sc", "admin", "approver"):
        assert (await client.post(f"/api/v1/plans/{joint}/publish", headers=u[who])).status_code == 403, who
        assert (await client.patch(f"/api/v1/plans/{joint}", headers=u[who],
                                   json={"name": "改名计划", "reason": "x"})).status_code == 403, who
    # A department plan is published through its joint plan, never on its own.
    assert (await client.post(f"/api/v1/plans/{plan_id}/publish", headers=u["office"])).status_code == 409
    assert (await client.post(f"/api/v1/plans/{joint}/submit", headers=u["sc"])).status_code == 403


async def test_invalid_plans_are_refused_naming_the_field(client, session_factory):
    u = await setup(client, session_factory)
    cases = [
        (plan_body(item_codes=["SW-01"]), "item_codes", "SW-01"),
        (plan_body(item_codes=["NOPE"]), "item_codes", "NOPE"),
        (plan_body(planned_months=[13]), "planned_months", ""),
        (plan_body(planned_months=[]), "planned_months", ""),
        (plan_body(credit_risk_ratios={"E": 0.1}), "credit_risk_ratios", ""),
        (plan_body(credit_risk_ratios={"A": 0}), "credit_risk_ratios", ""),
        (plan_body(credit_risk_ratios={"A": 1.5}), "credit_risk_ratios", ""),
        (plan_body(ratio=0.1), "body", "exactly one of ratio, credit_risk_ratios"),
        (plan_body(credit_risk_ratios={}), "body", "exactly one of ratio, credit_risk_ratios"),
        (plan_body(credit_risk_ratios={}, ratio=0.12345), "ratio", "4 decimal places"),
        (plan_body(credit_risk_ratios={}, ratio=0.2, item_codes=["SC-02"]), "ratio", "cap of general item SC-02"),
        (plan_body(object_scope={"kinds": ["robot"]}), "object_scope", ""),
        (plan_body(object_scope={"region_codes": ["43"]}), "object_scope", "region"),
        (plan_body(object_scope={"colour": ["red"]}), "object_scope", ""),
        (plan_body(lead_office=""), "lead_office", ""),
        (plan_body(year=1999), "year", ""),
    ]
    for body, field, text in cases:
        refused = await client.post("/api/v1/plans", headers=u["sc"], json=body)
        assert refused.status_code == 422, (body, refused.text)
        assert any(field in d["loc"] and text in d["msg"] for d in refused.json()["detail"]), refused.json()
    await add_item(session_factory, "SC-OLD", "SC", current=False)
    old = await client.post("/api/v1/plans", headers=u["sc"], json=plan_body(item_codes=["SC-OLD"]))
    assert old.status_code == 422 and "SC-OLD" in old.json()["detail"][0]["msg"]
    plan_id = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    both = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"ratio": 0.05})
    assert both.status_code == 422 and both.json()["detail"][0]["loc"] == ["body", "ratio"]
    null = await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"name": None})
    assert null.status_code == 422 and "name" in null.json()["detail"][0]["msg"]
    assert (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).status_code == 409


async def test_every_plan_mutation_is_audited(client, session_factory):
    u = await setup(client, session_factory)
    plan_id = (await client.post("/api/v1/plans", headers=u["sc"], json=plan_body())).json()["id"]
    await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"name": "草稿改名计划"})
    await client.post(f"/api/v1/plans/{plan_id}/submit", headers=u["sc"])
    await client.patch(f"/api/v1/plans/{plan_id}", headers=u["sc"], json={"planned_months": [5], "reason": "调整"})
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=u["office"])).json()["id"]
    await client.post(f"/api/v1/plans/{joint}/publish", headers=u["office"])
    log = (await client.get("/api/v1/audit", headers=u["office"], params={"target": "plan:"})).json()
    actions = [(r["action"], r["target"], r["actor"]) for r in reversed(log["records"])]
    assert actions == [("plan.create", f"plan:{plan_id}", "sc_op"), ("plan.edit", f"plan:{plan_id}", "sc_op"),
                       ("plan.submit", f"plan:{plan_id}", "sc_op"), ("plan.adjust", f"plan:{plan_id}", "sc_op"),
                       ("plan.compile", f"plan:{joint}", "office"), ("plan.publish", f"plan:{joint}", "office")]
    assert (await client.get("/api/v1/audit/verify", headers=u["office"])).json()["ok"] is True
