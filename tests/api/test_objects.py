"""The object directory: writers, validation naming the field, filters and paging, phone masking, import."""

import io
import json

import openpyxl
from sqlalchemy import select

from domain.identifiers import make_uscc
from store.models import AuditRecord
from tests.api.helpers import user_headers


def new_object(serial: int, **changes) -> dict:
    return {"uscc": make_uscc("430302", serial), "name": f"湘潭测试{serial}有限公司", "region_code": "430302",
            "industry_code": "C1419", "kind": "enterprise", "credit_risk_class": "B", "tags": ["食品"],
            "phone": "13873201234", **changes}


async def test_operator_and_office_write_objects_and_the_phone_is_masked_for_others(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    office = await user_headers(client, session_factory, "office", "office")
    created = await client.post("/api/v1/objects", headers=op, json=new_object(1, uscc=make_uscc("430302", 1).lower()))
    assert created.status_code == 201, created.text
    assert created.json()["uscc"] == make_uscc("430302", 1) and created.json()["owner_department_code"] == "SCJG"
    assert created.json()["phone"] == "13873201234"
    by_office = await client.post("/api/v1/objects", headers=office, json=new_object(2))
    assert by_office.status_code == 201 and by_office.json()["owner_department_code"] is None

    uscc = make_uscc("430302", 1)
    assert (await client.get(f"/api/v1/objects/{uscc}", headers=op)).json()["phone"] == "13873201234"
    assert (await client.get(f"/api/v1/objects/{uscc}", headers=other)).json()["phone"] == "138****1234"
    assert (await client.get(f"/api/v1/objects/{uscc}", headers=office)).json()["phone"] == "138****1234"
    listed = await client.get("/api/v1/objects", headers=op)
    assert listed.json()["total"] == 2 and {o["phone"] for o in listed.json()["items"]} == {"138****1234"}

    assert (await client.post("/api/v1/objects", headers=op, json=new_object(1))).status_code == 409
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    admin = await user_headers(client, session_factory, "root", "admin")
    assert (await client.post("/api/v1/objects", headers=approver, json=new_object(3))).status_code == 403
    assert (await client.post("/api/v1/objects", headers=admin, json=new_object(3))).status_code == 403
    assert (await client.patch(f"/api/v1/objects/{uscc}", headers=approver, json={"status": "revoked"})).status_code \
        == 403
    assert (await client.get("/api/v1/objects")).status_code == 401


async def test_bad_uscc_enums_and_region_code_are_422_naming_the_field(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    good = make_uscc("430302", 5)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = [({"uscc": wrong_check}, "uscc", "check character"), ({"uscc": "123"}, "uscc", "18 characters"),
             ({"uscc": good[:5] + "I" + good[6:]}, "uscc", "invalid character"),
             ({"kind": "company"}, "kind", ""), ({"credit_risk_class": "E"}, "credit_risk_class", ""),
             ({"status": "closed"}, "status", ""), ({"region_code": "4303"}, "region_code", ""),
             ({"phone": "call me"}, "phone", "digits")]
    for changes, field, words in cases:
        response = await client.post("/api/v1/objects", headers=op, json=new_object(5, **changes))
        assert response.status_code == 422, (changes, response.text)
        errors = response.json()["detail"]
        assert any(e["loc"][-1] == field for e in errors), (field, errors)
        assert words in json.dumps(errors, ensure_ascii=False)


async def test_filters_search_and_paging(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    for serial in range(1, 8):
        body = new_object(serial, region_code="430304" if serial % 2 else "430302",
                          credit_risk_class="ABCD"[serial % 4], tags=["食品", "风险高"] if serial == 3 else ["餐饮"],
                          kind="individual" if serial == 4 else "enterprise")
        assert (await client.post("/api/v1/objects", headers=op, json=body)).status_code == 201

    async def found(**params) -> list[str]:
        response = await client.get("/api/v1/objects", headers=op, params=params)
        assert response.status_code == 200, response.text
        return [o["name"] for o in response.json()["items"]]

    assert await found(region_code="430304") == [f"湘潭测试{n}有限公司" for n in (1, 3, 5, 7)]
    assert await found(tag="风险高") == ["湘潭测试3有限公司"]
    assert await found(kind="individual") == ["湘潭测试4有限公司"]
    assert await found(credit_risk_class="A") == ["湘潭测试4有限公司"]
    assert await found(q="测试6") == ["湘潭测试6有限公司"]
    assert await found(q=make_uscc("430302", 2)[:17].lower()) == ["湘潭测试2有限公司"]
    page = (await client.get("/api/v1/objects", headers=op, params={"limit": 3, "offset": 3})).json()
    assert page["total"] == 7 and [o["name"] for o in page["items"]] == [f"湘潭测试{n}有限公司" for n in (4, 5, 6)]
    assert (await client.get("/api/v1/objects", headers=op, params={"kind": "shop"})).status_code == 422


async def test_status_changes_are_patched_and_audited(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    other = await user_headers(client, session_factory, "wsjk_op", "dept_operator", "WSJK")
    uscc = make_uscc("430302", 9)
    await client.post("/api/v1/objects", headers=op, json=new_object(9))
    revoked = await client.patch(f"/api/v1/objects/{uscc}", headers=other, json={"status": "revoked", "tags": []})
    assert revoked.status_code == 200, revoked.text
    assert (revoked.json()["status"], revoked.json()["tags"], revoked.json()["phone"]) == ("revoked", [], "138****1234")
    bad = await client.patch(f"/api/v1/objects/{uscc}", headers=op, json={"status": "closed"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "status"
    assert (await client.patch(f"/api/v1/objects/{uscc}", headers=op, json={"name": None})).status_code == 422
    assert (await client.get("/api/v1/objects", headers=op, params={"status": "revoked"})).json()["total"] == 1
    async with session_factory() as session:
        change = (await session.execute(select(AuditRecord.change).where(AuditRecord.action == "object.update")))
        assert json.loads(change.scalar_one()) == {"status": "revoked", "tags": []}


async def test_import_endpoint_reports_rows_and_refuses_unreadable_files(client, session_factory):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    book = openpyxl.Workbook()
    book.active.append(["统一社会信用代码", "名称", "区划代码", "对象类型", "信用风险分类", "联系电话"])
    book.active.append([make_uscc("430302", 1), "甲公司", "430302", "企业", "A", "13873200001"])
    book.active.append([make_uscc("430302", 1)[:-1] + "0", "乙公司", "430302", "企业", "A", None])
    book.active.append([make_uscc("430302", 3), "丙公司", "430302", "行为", "D", None])
    buffer = io.BytesIO()
    book.save(buffer)
    files = {"file": ("名录.xlsx", buffer.getvalue(),
                      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
    report = await client.post("/api/v1/objects/import", headers=op, files=files)
    assert report.status_code == 200, report.text
    body = report.json()
    assert (body["accepted"], body["created"], body["updated"], body["unchanged"]) == (2, 2, 0, 0)
    assert [(r["line"], r["field"]) for r in body["rejected"]] == [(3, "uscc")]
    again = (await client.post("/api/v1/objects/import", headers=op, files=files)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    one = await client.get(f"/api/v1/objects/{make_uscc('430302', 1)}", headers=op)
    assert one.json()["owner_department_code"] == "SCJG" and one.json()["phone"] == "13873200001"

    missing = await client.post("/api/v1/objects/import", headers=op,
                                files={"file": ("a.csv", "名称,区划代码\n甲,430302\n".encode(), "text/csv")})
    assert missing.status_code == 422 and "uscc" in json.dumps(missing.json()["detail"])
    empty = await client.post("/api/v1/objects/import", headers=op, files={"file": ("a.csv", b"", "text/csv")})
    assert empty.status_code == 422 and "empty" in json.dumps(empty.json()["detail"])
    pdf = await client.post("/api/v1/objects/import", headers=op,
                            files={"file": ("a.pdf", b"%PDF-1.4\x00\x00", "application/pdf")})
    assert pdf.status_code == 415
    approver = await user_headers(client, session_factory, "scjg_ap", "dept_approver", "SCJG")
    assert (await client.post("/api/v1/objects/import", headers=approver, files=files)).status_code == 403
    async with session_factory() as session:
        imports = (await session.execute(select(AuditRecord).where(AuditRecord.action == "objects.import"))).all()
    assert len(imports) == 2  # one per import that ran, none for the refused files
