"""The item list: own-department writes, the category/class/cap rules, versions that stay readable, audit."""

import json

from sqlalchemy import select

from store.models import AuditRecord
from tests.api.helpers import user_headers

ITEM = {"code": "SCJG-01", "name": "食品生产企业监督检查", "legal_basis": "《食品安全法》", "subject": "市场监管局",
        "content": "检查生产许可与记录", "method": "on_site", "category": "general", "item_class": "A",
        "annual_ratio_cap": 0.05, "frequency": "每年一次", "required_tags": ["食品"], "published": True}


async def test_operator_creates_reads_and_versions_an_item(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    created = await client.post("/api/v1/items", headers=op, json=ITEM)
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1 and created.json()["department_code"] == "SCJG"
    assert created.json()["annual_ratio_cap"] == 0.05

    changed = await client.patch("/api/v1/items/SCJG-01", headers=op,
                                 json={"category": "key", "item_class": "B", "annual_ratio_cap": None,
                                       "content": "检查生产许可、原料与记录"})
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert (body["version"], body["is_current"], body["category"], body["annual_ratio_cap"]) == (2, True, "key", None)

    old = await client.get("/api/v1/items/SCJG-01/versions/1", headers=op)
    assert old.status_code == 200
    assert (old.json()["is_current"], old.json()["content"], old.json()["category"]) == (False, "检查生产许可与记录",
                                                                                         "general")
    current = await client.get("/api/v1/items/SCJG-01", headers=op)
    assert current.json()["version"] == 2
    listed = await client.get("/api/v1/items", headers=op, params={"department_code": "SCJG"})
    assert [(i["code"], i["version"]) for i in listed.json()] == [("SCJG-01", 2)]
    history = await client.get("/api/v1/items", headers=op, params={"code": "SCJG-01", "all_versions": "true"})
    assert [(i["version"], i["is_current"]) for i in history.json()] == [(1, False), (2, True)]
    assert (await client.get("/api/v1/items/SCJG-01/versions/3", headers=op)).status_code == 404

    same = await client.patch("/api/v1/items/SCJG-01", headers=op, json={"content": "检查生产许可、原料与记录"})
    assert same.json()["version"] == 2  # nothing changed, no new version

    async with session_factory() as session:
        actions = (await session.execute(select(AuditRecord.action, AuditRecord.change)
                                         .where(AuditRecord.target == "item:SCJG-01").order_by(AuditRecord.id))).all()
    assert [a for a, _ in actions] == ["item.create", "item.version"]
    assert json.loads(actions[1][1])["previous_version"] == 1


async def test_other_departments_office_and_approvers_may_not_write_items(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    office = await user_headers(client, session_factory, "office", "office")
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    assert (await client.post("/api/v1/items", headers=op, json=ITEM)).status_code == 201

    foreign = await client.post("/api/v1/items", headers=other, json={**ITEM, "code": "X", "department_code": "SCJG"})
    assert foreign.status_code == 403 and "SCJG" in foreign.json()["detail"]
    assert (await client.patch("/api/v1/items/SCJG-01", headers=other, json={"name": "改"})).status_code == 403
    assert (await client.post("/api/v1/items", headers=office, json={**ITEM, "code": "OFF-1"})).status_code == 403
    assert (await client.patch("/api/v1/items/SCJG-01", headers=office, json={"name": "改"})).status_code == 403
    assert (await client.post("/api/v1/items", headers=approver, json={**ITEM, "code": "AP-1"})).status_code == 403
    assert (await client.get("/api/v1/items", headers=office)).status_code == 200
    assert (await client.post("/api/v1/items", json=ITEM)).status_code == 401
    duplicate = await client.post("/api/v1/items", headers=op, json=ITEM)
    assert duplicate.status_code == 409


async def test_item_rules_are_checked_with_the_field_named(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")

    async def refused(changes: dict, field: str) -> None:
        response = await client.post("/api/v1/items", headers=op, json={**ITEM, **changes})
        assert response.status_code == 422, response.text
        assert field in json.dumps(response.json()["detail"]), response.text

    await refused({"method": "by_phone"}, "method")
    await refused({"category": "special"}, "category")
    await refused({"item_class": "Z"}, "item_class")
    await refused({"annual_ratio_cap": 0}, "annual_ratio_cap")
    await refused({"annual_ratio_cap": 1.5}, "annual_ratio_cap")
    await refused({"annual_ratio_cap": None}, "annual_ratio_cap")                  # general needs a cap
    await refused({"annual_ratio_cap": 0.2}, "annual_ratio_cap")                   # class A at most 10 %
    await refused({"category": "key", "item_class": "B", "annual_ratio_cap": 0.3}, "annual_ratio_cap")
    await refused({"category": "key", "item_class": "A", "annual_ratio_cap": None}, "item_class")
    ok = await client.post("/api/v1/items", headers=op, json={**ITEM, "item_class": "C", "annual_ratio_cap": 0.3})
    assert ok.status_code == 201
    # A change is checked on the merged version: making it a key item without removing the cap is refused.
    patch = await client.patch(f"/api/v1/items/{ITEM['code']}", headers=op, json={"category": "key"})
    assert patch.status_code == 422 and "annual_ratio_cap" in json.dumps(patch.json()["detail"])
    assert (await client.patch("/api/v1/items/NOPE", headers=op, json={"name": "x"})).status_code == 404


async def test_department_users_read_other_departments_items_only_once_published(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    office = await user_headers(client, session_factory, "office", "office")
    admin = await user_headers(client, session_factory, "root", "admin")
    assert (await client.post("/api/v1/items", headers=op, json={**ITEM, "published": False})).status_code == 201
    assert (await client.post("/api/v1/items", headers=op, json={**ITEM, "code": "SCJG-02"})).status_code == 201

    async def codes(headers, **params) -> list[tuple[str, int]]:
        response = await client.get("/api/v1/items", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return [(i["code"], i["version"]) for i in response.json()]

    for headers in (op, approver, office, admin):
        assert await codes(headers) == [("SCJG-01", 1), ("SCJG-02", 1)]
        assert (await client.get("/api/v1/items/SCJG-01", headers=headers)).status_code == 200
    assert await codes(other) == [("SCJG-02", 1)]
    assert await codes(other, department_code="SCJG", published="false") == []
    refused = await client.get("/api/v1/items/SCJG-01", headers=other)
    assert refused.status_code == 403 and "SCJG" in refused.json()["detail"]
    assert (await client.get("/api/v1/items/SCJG-01/versions/1", headers=other)).status_code == 403
    assert (await client.get("/api/v1/items/SCJG-02", headers=other)).status_code == 200

    # Publishing makes a new version: the other department reads that one, the draft before it stays the owner's.
    published = await client.patch("/api/v1/items/SCJG-01", headers=op, json={"published": True})
    assert published.json()["version"] == 2
    assert await codes(other) == [("SCJG-01", 2), ("SCJG-02", 1)]
    assert await codes(other, code="SCJG-01", all_versions="true") == [("SCJG-01", 2)]
    assert await codes(op, code="SCJG-01", all_versions="true") == [("SCJG-01", 1), ("SCJG-01", 2)]
    assert (await client.get("/api/v1/items/SCJG-01", headers=other)).status_code == 200
    assert (await client.get("/api/v1/items/SCJG-01/versions/1", headers=other)).status_code == 403
