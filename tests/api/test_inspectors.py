"""The inspector directory: own department only, ID validation and uniqueness, masking everywhere but the owner."""

import json
from datetime import date

from domain.identifiers import make_id_card, make_uscc
from tests.api.helpers import user_headers

NUMBER = make_id_card("110105", date(1985, 3, 1), 2)


def new_inspector(**changes) -> dict:
    return {"id_card_number": NUMBER, "name": "王伟", "region_codes": ["430302"], "certificate_number": "湘执0001",
            "phone": "13812345678", "kind": "certified", "tags": ["食品"], "method_tags": ["on_site"],
            "conflict_usccs": [make_uscc("430302", 1)], **changes}


async def test_owner_sees_in_full_everyone_else_masked(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    office = await user_headers(client, session_factory, "office", "office")
    admin = await user_headers(client, session_factory, "root", "admin")
    created = await client.post("/api/v1/inspectors", headers=op, json=new_inspector(id_card_number=NUMBER.lower()))
    assert created.status_code == 201, created.text
    assert (created.json()["id_card_number"], created.json()["phone"]) == (NUMBER, "13812345678")
    inspector_id = created.json()["id"]
    masked_id = NUMBER[:6] + "********" + NUMBER[14:]
    assert masked_id.startswith("110105********")

    for headers in (op, approver):
        one = (await client.get(f"/api/v1/inspectors/{inspector_id}", headers=headers)).json()
        assert (one["id_card_number"], one["phone"]) == (NUMBER, "13812345678")
    for headers in (office, admin):
        one = await client.get(f"/api/v1/inspectors/{inspector_id}", headers=headers)
        assert one.status_code == 200
        assert (one.json()["id_card_number"], one.json()["phone"]) == (masked_id, "138****5678")
    for headers in (op, office, admin):
        page = (await client.get("/api/v1/inspectors", headers=headers)).json()
        assert page["total"] == 1
        assert (page["items"][0]["id_card_number"], page["items"][0]["phone"]) == (masked_id, "138****5678")
    filtered = await client.get("/api/v1/inspectors", headers=office, params={"department_code": "SCJG",
                                                                             "kind": "certified", "tag": "食品",
                                                                             "region_code": "430302"})
    assert filtered.json()["total"] == 1
    assert NUMBER not in (await client.get("/api/v1/inspectors", headers=op, params={"q": "王"})).text


async def test_other_departments_and_wrong_roles_get_403(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    office = await user_headers(client, session_factory, "office", "office")
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    inspector_id = (await client.post("/api/v1/inspectors", headers=op, json=new_inspector())).json()["id"]

    assert (await client.get(f"/api/v1/inspectors/{inspector_id}", headers=other)).status_code == 403
    assert (await client.patch(f"/api/v1/inspectors/{inspector_id}", headers=other,
                               json={"active": False})).status_code == 403
    assert (await client.get("/api/v1/inspectors", headers=other, params={"department_code": "SCJG"})).status_code \
        == 403
    assert (await client.get("/api/v1/inspectors", headers=other)).json()["total"] == 0  # its own, empty
    foreign = await client.post("/api/v1/inspectors", headers=other,
                                json=new_inspector(id_card_number=make_id_card("110105", date(1990, 1, 1), 7),
                                                   department_code="SCJG"))
    assert foreign.status_code == 403
    assert (await client.post("/api/v1/inspectors", headers=office, json=new_inspector())).status_code == 403
    assert (await client.patch(f"/api/v1/inspectors/{inspector_id}", headers=office,
                               json={"active": False})).status_code == 403
    assert (await client.patch(f"/api/v1/inspectors/{inspector_id}", headers=approver,
                               json={"active": False})).status_code == 403
    csv = "身份证号,姓名,人员类别\n".encode()
    assert (await client.post("/api/v1/inspectors/import", headers=office,
                              files={"file": ("a.csv", csv, "text/csv")})).status_code == 403


async def test_id_numbers_are_validated_and_unique(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    wrong_check = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    cases = [({"id_card_number": wrong_check}, "id_card_number", "check digit"),
             ({"id_card_number": "11010519850230002X"}, "id_card_number", "calendar date"),
             ({"id_card_number": "110105"}, "id_card_number", "18 characters"),
             ({"kind": "volunteer"}, "kind", ""), ({"method_tags": ["by_phone"]}, "method_tags", ""),
             ({"conflict_usccs": ["91430302XXXXXXXXXX"]}, "conflict_usccs", ""),
             ({"region_codes": ["43"]}, "region_codes", "")]
    for changes, field, words in cases:
        response = await client.post("/api/v1/inspectors", headers=op, json=new_inspector(**changes))
        assert response.status_code == 422, (changes, response.text)
        errors = response.json()["detail"]
        assert any(field in e["loc"] for e in errors), (field, errors)
        assert words in json.dumps(errors, ensure_ascii=False)
    assert (await client.post("/api/v1/inspectors", headers=op, json=new_inspector())).status_code == 201
    again = await client.post("/api/v1/inspectors", headers=op, json=new_inspector(name="另一人"))
    assert again.status_code == 409 and NUMBER not in again.text
    elsewhere = await client.post("/api/v1/inspectors", headers=other, json=new_inspector())
    assert elsewhere.status_code == 409


async def test_owner_updates_active_flag_and_conflicts(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    inspector_id = (await client.post("/api/v1/inspectors", headers=op, json=new_inspector())).json()["id"]
    conflicts = [make_uscc("430302", 1), make_uscc("430304", 2)]
    changed = await client.patch(f"/api/v1/inspectors/{inspector_id}", headers=op,
                                 json={"active": False, "conflict_usccs": conflicts, "phone": None})
    assert changed.status_code == 200, changed.text
    assert (changed.json()["active"], changed.json()["conflict_usccs"], changed.json()["phone"]) == (
        False, conflicts, None)
    bad = await client.patch(f"/api/v1/inspectors/{inspector_id}", headers=op, json={"conflict_usccs": ["bad"]})
    assert bad.status_code == 422 and "conflict_usccs" in bad.json()["detail"][0]["loc"]
    inactive = await client.get("/api/v1/inspectors", headers=op, params={"active": "false"})
    assert inactive.json()["total"] == 1
    assert (await client.get("/api/v1/inspectors/99999", headers=op)).status_code == 404


async def test_import_goes_into_the_callers_department(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    second = make_id_card("430302", date(1979, 6, 9), 5)
    data = ("\ufeff身份证号,姓名,人员类别,执法区域,联系电话,检查方式,在岗\n"
            f"{NUMBER},王伟,持证执法人员,430302;430304,13812345678,实地核查；书面检查,是\n"
            f"{second},李娜,外部专家,430302,,网络监测,否\n"
            f"{second},李娜二,外部专家,430302,,,是\n").encode()
    files = {"file": ("人员.csv", data, "text/csv")}
    report = (await client.post("/api/v1/inspectors/import", headers=op, files=files)).json()
    assert (report["accepted"], report["created"]) == (2, 2)
    assert report["rejected"] == [{"line": 4, "field": "id_card_number",
                                   "reason": "duplicate of line 3 in this file; the first occurrence is kept"}]
    page = (await client.get("/api/v1/inspectors", headers=op)).json()
    assert [(i["name"], i["kind"], i["active"], i["method_tags"]) for i in page["items"]] == [
        ("王伟", "certified", True, ["on_site", "written"]), ("李娜", "expert", False, ["online"])]
    assert page["items"][0]["id_card_number"] != NUMBER
    theirs = (await client.post("/api/v1/inspectors/import", headers=other, files=files)).json()
    assert theirs["accepted"] == 0 and {r["line"] for r in theirs["rejected"]} == {2, 3, 4}
    assert (await client.get("/api/v1/inspectors", headers=other)).json()["total"] == 0
