"""Bulk import through store.importing and the CLI: encodings, XLSX, bad rows, duplicates, idempotency."""

import io
import json
import os
import subprocess
import sys
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from sqlalchemy import select

from domain.identifiers import make_id_card, make_uscc
from store import accounts, importing
from store.audit import SYSTEM, Actor
from store.db import make_engine, make_session_factory
from store.import_files import open_table
from store.models import AuditRecord, InspectionObject, Inspector

HEADER_ZH = "统一社会信用代码,名称,地址,法定代表人,区划代码,行业代码,对象类型,信用风险分类,标签,状态\n"
OPERATOR = Actor(username="op", role="dept_operator", department_code="SCJG")


def object_line(serial: int, *, name: str | None = None, kind: str = "企业", risk: str = "B") -> str:
    return (f"{make_uscc('430302', serial)},{name or f'湘潭测试{serial}有限公司'},湖南省湘潭市建设路{serial}号,张三,"
            f"430302,C1419,{kind},{risk},食品；餐饮,存续\n")


@pytest.fixture
async def sessions(database_url):
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    async with factory() as session:
        for code in ("SCJG", "WSJK"):
            await accounts.create_department(session, actor=SYSTEM, code=code, name=code, level="city",
                                             region_code="430300")
        await session.commit()
    yield factory
    await engine.dispose()


async def run(sessions, data: bytes, *, kind: str = "objects", filename: str = "objects.csv",
              department: str | None = "SCJG", **options) -> dict:
    async with sessions() as session:
        report = await importing.import_file(session, kind=kind, binary=io.BytesIO(data), filename=filename,
                                             actor=OPERATOR, department_code=department, **options)
        await session.commit()
    return report


async def stored_objects(sessions) -> dict[str, InspectionObject]:
    async with sessions() as session:
        return {o.uscc: o for o in (await session.execute(select(InspectionObject))).scalars()}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
async def test_csv_in_utf8_bom_and_gbk_is_read_with_chinese_headers_and_labels(sessions, encoding):
    data = (HEADER_ZH + object_line(1) + object_line(2, kind="个体工商户", risk="D")).encode(encoding)
    report = await run(sessions, data)
    assert report == {"accepted": 2, "created": 2, "updated": 0, "unchanged": 0, "rejected": []}
    stored = await stored_objects(sessions)
    first, second = stored[make_uscc("430302", 1)], stored[make_uscc("430302", 2)]
    assert first.name == "湘潭测试1有限公司" and first.tags == ["食品", "餐饮"] and first.kind == "enterprise"
    assert second.kind == "individual" and second.credit_risk_class == "D" and second.status == "active"
    assert first.owner_department_code == "SCJG"


async def test_xlsx_with_a_title_row_and_english_headers(sessions):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["湘潭市检查对象名录（2026）"])
    sheet.append(["uscc", "name", "region_code", "kind", "credit_risk_class", "tags", "phone", "备注"])
    sheet.append([make_uscc("430304", 7), "岳塘超市", 430304, "enterprise", "a", "食品;公共场所", 13873201234, "x"])
    sheet.append([None, None, None, None, None, None, None, None])
    sheet.append([make_uscc("430304", 8), "岳塘餐馆", "430304", "product", "C", None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    report = await run(sessions, buffer.getvalue(), filename="名录.xlsx")
    assert report["created"] == 2 and report["rejected"] == []
    stored = await stored_objects(sessions)
    first = stored[make_uscc("430304", 7)]
    assert (first.region_code, first.credit_risk_class, first.phone) == ("430304", "A", "13873201234")
    assert first.tags == ["食品", "公共场所"] and stored[make_uscc("430304", 8)].kind == "product"


async def test_bad_rows_are_listed_with_line_and_field_and_good_rows_are_stored(sessions):
    bad_check = make_uscc("430302", 3)[:-1] + ("0" if make_uscc("430302", 3)[-1] != "0" else "1")
    data = (HEADER_ZH + object_line(1)
            + bad_check + ",坏代码公司,,,430302,,企业,B,,\n"        # line 3
            + object_line(4, kind="公司")                          # line 4: unknown kind
            + f"{make_uscc('430302', 5)},区划错,,,4303,,企业,B,,\n"  # line 5: region code
            + object_line(1, name="重复的一行")                      # line 6: duplicate of line 2
            + f"{make_uscc('430302', 6)},,,,430302,,企业,B,,\n"     # line 7: name missing
            + object_line(8)).encode()
    report = await run(sessions, data, batch_size=3)
    assert report["accepted"] == 2 and report["created"] == 2
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [
        (3, "uscc"), (4, "kind"), (5, "region_code"), (6, "uscc"), (7, "name")]
    assert "check character" in report["rejected"][0]["reason"]
    assert "duplicate of line 2" in report["rejected"][3]["reason"]
    stored = await stored_objects(sessions)
    assert sorted(stored) == sorted([make_uscc("430302", 1), make_uscc("430302", 8)])
    assert stored[make_uscc("430302", 1)].name == "湘潭测试1有限公司"  # the first occurrence wins


async def test_reimport_changes_nothing_and_a_changed_row_is_updated(sessions):
    data = (HEADER_ZH + "".join(object_line(n) for n in range(1, 8))).encode()
    first = await run(sessions, data, batch_size=3)
    assert (first["created"], first["updated"], first["unchanged"]) == (7, 0, 0)
    before = await stored_objects(sessions)
    again = await run(sessions, data, batch_size=3)
    assert (again["accepted"], again["created"], again["updated"], again["unchanged"]) == (7, 0, 0, 7)
    after = await stored_objects(sessions)
    assert {k: o.updated_at for k, o in after.items()} == {k: o.updated_at for k, o in before.items()}
    changed = data.replace("湘潭测试3有限公司".encode(), "湘潭测试三有限公司".encode())
    third = await run(sessions, changed, batch_size=3)
    assert (third["created"], third["updated"], third["unchanged"]) == (0, 1, 6)
    # A file without the address column updates what it has and keeps the stored addresses.
    slim = ("uscc,name,region_code,kind,credit_risk_class\n"
            f"{make_uscc('430302', 3)},改名公司,430302,enterprise,B\n").encode()
    fourth = await run(sessions, slim)
    assert (fourth["updated"], fourth["unchanged"]) == (1, 0)
    obj = (await stored_objects(sessions))[make_uscc("430302", 3)]
    assert (obj.name, obj.address, obj.tags) == ("改名公司", "湖南省湘潭市建设路3号", ["食品", "餐饮"])


async def test_one_audit_record_per_import_with_counts_and_digest(sessions):
    data = (HEADER_ZH + object_line(1) + object_line(2)).encode()
    await run(sessions, data)
    async with sessions() as session:
        records = (await session.execute(select(AuditRecord).where(AuditRecord.action == "objects.import"))).scalars()
        records = list(records)
    assert len(records) == 1
    change = json.loads(records[0].change)
    assert change["created"] == 2 and change["rows"] == 2 and len(change["sha256"]) == 64


@pytest.mark.parametrize(("data", "filename", "status", "words"), [
    (b"", "objects.csv", 422, "empty"),
    ("名称,区划代码,对象类型,信用风险分类\n某公司,430302,企业,B\n".encode(), "objects.csv", 422, "uscc"),
    ("统一社会信用代码,名称,对象类型,信用风险分类\n".encode(), "objects.csv", 422, "region_code"),
    (b"%PDF-1.4\x00\x01binary", "report.pdf", 415, "unsupported"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old.xls", 415, ".xls"),
    (b"PK\x03\x04not really a zip", "objects.xlsx", 415, "XLSX"),
])
async def test_unreadable_files_are_refused_before_anything_is_written(sessions, data, filename, status, words):
    with pytest.raises(importing.FileProblem) as problem:
        await run(sessions, data, filename=filename)
    assert problem.value.status_code == status and words in problem.value.reason
    assert await stored_objects(sessions) == {}


def inspector_line(serial: int, *, number: str | None = None, conflicts: str = "") -> str:
    number = number or make_id_card("430302", date(1980, 1, serial), serial)
    return f"{number},检查员{serial},430302；430304,湘潭执{serial:04d},1387320{serial:04d},持证执法人员,食品,实地核查,{conflicts},是\n"


INSPECTOR_HEADER = "身份证号,姓名,执法区域,执法证号,联系电话,人员类别,专业标签,检查方式,回避对象,在岗\n"


async def test_inspectors_import_validates_ids_and_keeps_departments_apart(sessions):
    good = make_id_card("430302", date(1980, 1, 1), 1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    data = (INSPECTOR_HEADER + inspector_line(1, conflicts=make_uscc("430302", 9))
            + inspector_line(2, number=bad) + inspector_line(3, conflicts="91430302XXXXXXXXXX")).encode("gbk")
    report = await run(sessions, data, kind="inspectors", filename="人员.csv")
    assert report["created"] == 1
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(3, "id_card_number"), (4, "conflict_usccs")]
    async with sessions() as session:
        row = (await session.execute(select(Inspector))).scalar_one()
    assert (row.department_code, row.kind, row.method_tags, row.active) == ("SCJG", "certified", ["on_site"], True)
    assert row.region_codes == ["430302", "430304"] and row.conflict_usccs == [make_uscc("430302", 9)]
    # Another department importing the same person is refused for that row, and nothing of SCJG's changes.
    other = await run(sessions, (INSPECTOR_HEADER + inspector_line(1).replace("检查员1", "别人")).encode(),
                      kind="inspectors", department="WSJK")
    assert other["accepted"] == 0 and other["rejected"][0]["reason"].startswith("already registered")
    again = await run(sessions, data, kind="inspectors")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)


def test_cli_imports_a_file_and_prints_the_report(database_url, tmp_path: Path):
    csv_path = tmp_path / "对象.csv"
    csv_path.write_bytes((HEADER_ZH + object_line(1) + object_line(2) + "bad,坏,,,430302,,企业,B,,\n").encode("gbk"))
    env = {**os.environ, "JOINTCHECK_DATABASE_URL": database_url}
    jointcheck = Path(sys.executable).parent / "jointcheck"
    done = subprocess.run([str(jointcheck), "import", "objects", str(csv_path)], env=env, capture_output=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr.decode()
    report = json.loads(done.stdout)
    assert (report["accepted"], report["created"]) == (2, 2)
    assert report["rejected"] == [{"line": 4, "field": "uscc", "reason": "must be 18 characters (got 3)"}]
    assert b"\r[" in done.stderr and b"100%" in done.stderr  # the progress line redraws in place
    again = subprocess.run([str(jointcheck), "import", "objects", str(csv_path)], env=env, capture_output=True,
                           text=True, timeout=120, cwd=tmp_path)
    assert json.loads(again.stdout)["unchanged"] == 2
    missing = subprocess.run([str(jointcheck), "import", "inspectors", str(csv_path), "--department", "NOPE"],
                             env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert missing.returncode == 2 and "NOPE" in missing.stderr


async def test_an_object_owner_must_be_a_department_on_every_database(sessions):
    """PostgreSQL checks it per statement (migration 0003), SQLite by its foreign key: the rule is the same."""
    from sqlalchemy import delete
    from sqlalchemy.exc import IntegrityError

    from store.models import Department

    await run(sessions, (HEADER_ZH + object_line(1)).encode())
    async with sessions() as session:
        session.add(InspectionObject(uscc=make_uscc("430302", 2), name="无主", region_code="430302", kind="enterprise",
                                     credit_risk_class="A", owner_department_code="NOPE"))
        with pytest.raises(IntegrityError):
            await session.flush()
    async with sessions() as session:
        with pytest.raises(IntegrityError):
            await session.execute(delete(Department).where(Department.code == "SCJG"))
    with pytest.raises(IntegrityError):
        await run(sessions, (HEADER_ZH + object_line(3)).encode(), department="NOPE")
    assert sorted(await stored_objects(sessions)) == [make_uscc("430302", 1)]


async def test_rows_the_csv_reader_or_the_database_cannot_take_are_rejected_alone(sessions):
    good = "".join(object_line(n) for n in range(1, 41))  # past the 4 KiB sniffed for binary files
    data = (HEADER_ZH + good + object_line(41, name="坏\x00名") + object_line(42, name="长" * 140_000)
            + object_line(43)).encode()
    report = await run(sessions, data)
    assert report["created"] == 41
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(42, "name"), (43, "row")]
    assert "NUL" in report["rejected"][0]["reason"] and "field limit" in report["rejected"][1]["reason"]


def excel_workbook(rows: list[list]) -> bytes:
    """An XLSX file laid out as Excel and WPS write it: every text cell points into a shared-string table.

    (openpyxl writes inline strings, so a workbook made with it never exercises the shared-string table.)
    """
    strings: dict[str, int] = {}
    sheet_rows = []
    for row_number, row in enumerate(rows, start=1):
        cells = []
        for column, value in enumerate(row):
            ref = f"{chr(65 + column)}{row_number}"
            if value is None:
                continue
            if isinstance(value, bool):
                cells.append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, (int, float)):
                cells.append(f'<c r="{ref}"><v>{value}</v></c>')
            else:
                index = strings.setdefault(value, len(strings))
                cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        sheet_rows.append(f'<row r="{row_number}">{"".join(cells)}</row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    shared = "".join(f'<si><t xml:space="preserve">{escape(text)}</t></si>' for text in strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{content_type}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{content_type}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{content_type}.sharedStrings+xml"/>'
            "</Types>"),
        "_rels/.rels": (f'<Relationships xmlns="{package}"><Relationship Id="rId1" Type="{relationships}/'
                        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<workbook xmlns="{main}" xmlns:r="{relationships}"><sheets>'
                            '<sheet name="名录" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relationships}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{relationships}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
        "xl/worksheets/sheet1.xml": (f'<worksheet xmlns="{main}"><sheetData>{"".join(sheet_rows)}</sheetData>'
                                     "</worksheet>"),
        "xl/sharedStrings.xml": (f'<sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
                                 f"{shared}</sst>"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml)
    return buffer.getvalue()


def read_with_openpyxl(data: bytes) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return [list(values) for values in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()


def read_with_open_table(data: bytes) -> list[list[str]]:
    table = open_table(io.BytesIO(data), "名录.xlsx")
    try:
        return [cells for _line, cells in table.rows]
    finally:
        table.close()


def test_xlsx_shared_strings_read_from_disk_match_openpyxl():
    rows = [["统一社会信用代码", "名称", "区划代码", "对象类型", "在岗"],
            [make_uscc("430304", 1), "岳塘区建设北路1号", 430304, "企业", True],
            [make_uscc("430304", 2), "岳塘区建设北路1号", 430304.0, "企业", False],  # repeated shared strings
            ["_x005F_x0041_ & < > \" '", "𠀀 outside the BMP ", 1.5, "  空格  ", None],
            ["", "x" * 5000, -7, "个体工商户", None]]
    data = excel_workbook(rows)
    assert "xl/sharedStrings.xml" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    expected = [["" if v is None else str(v).lower() if isinstance(v, bool) else
                 str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values]
                for values in read_with_openpyxl(data)]
    got = read_with_open_table(data)
    assert got == expected
    assert got[1] == [make_uscc("430304", 1), "岳塘区建设北路1号", "430304", "企业", "true"]
    assert got[3][:2] == ["_x0041_ & < > \" '", "𠀀 outside the BMP "]


async def test_an_excel_workbook_with_shared_strings_imports_like_its_csv(sessions):
    header = ["统一社会信用代码", "名称", "地址", "区划代码", "对象类型", "信用风险分类", "标签"]
    rows = [[make_uscc("430302", n), f"湘潭测试{n}有限公司", f"湖南省湘潭市建设路{n}号", "430302",
             "企业" if n % 2 else "个体工商户", "ABCD"[n % 4], "食品"] for n in range(1, 301)]
    rows[41][0] = rows[41][0][:-1] + ("0" if rows[41][0][-1] != "0" else "1")  # line 43: wrong check character
    report = await run(sessions, excel_workbook([header, *rows]), filename="名录.xlsx")
    assert (report["accepted"], report["created"]) == (299, 299)
    assert [(r["line"], r["field"]) for r in report["rejected"]] == [(43, "uscc")]
    stored = await stored_objects(sessions)
    assert stored[make_uscc("430302", 300)].address == "湖南省湘潭市建设路300号"
    assert stored[make_uscc("430302", 2)].kind == "individual"


def test_xlsx_shared_strings_are_not_held_in_memory():
    """Nearly every text cell of a directory export is a distinct shared string: they must not pile up."""
    filler = "湖南省湘潭市岳塘区建设北路某某大厦" * 24
    texts = [f"{n:06d}{filler}" for n in range(20_000)]
    data = excel_workbook([[text] for text in texts])
    text_bytes = sum(sys.getsizeof(text) for text in texts)
    del texts
    read_with_open_table(excel_workbook([["warm up the imports"]]))
    tracemalloc.start()
    try:
        table = open_table(io.BytesIO(data), "big.xlsx")
        count = sum(1 for _ in table.rows)
        table.close()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert peak < text_bytes / 3, (peak, text_bytes)  # openpyxl on its own: more than the texts themselves
