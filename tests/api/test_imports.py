"""Bulk import through the HTTP endpoints, for both directories and every accepted format (UTF-8 CSV, GBK CSV,
XLSX): bad rows are listed with line and reason, good rows are stored, a second import of the same file changes
nothing, and the upload is read in bounded pieces, never whole."""

import io
from datetime import date

import openpyxl
import pytest

from domain.identifiers import make_id_card, make_uscc
from store import importing
from store.audit import Actor
from tests.api.helpers import user_headers

OBJECT_HEADER = ["统一社会信用代码", "名称", "地址", "区划代码", "对象类型", "信用风险分类", "标签", "联系电话"]
INSPECTOR_HEADER = ["身份证号", "姓名", "执法区域", "联系电话", "人员类别", "检查方式", "回避对象"]


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def object_rows() -> tuple[list[list[str]], dict[int, str], int]:
    """Rows after the header, the expected rejected {line: field}, and the number of good rows."""
    good = [[make_uscc("430302", n), f"雨湖测试{n}有限公司", f"湘潭市雨湖区{n}号", "430302", "企业", "B",
             "食品；餐饮", "13873200001"] for n in range(1, 6)]
    rows = [good[0], good[1],
            [_wrong_check(make_uscc("430302", 9)), "校验位错", "", "430302", "企业", "B", "", ""],  # line 4
            good[2],
            [make_uscc("430302", 10), "类型错", "", "430302", "公司", "B", "", ""],               # line 6
            [make_uscc("430302", 11), "", "", "430302", "企业", "B", "", ""],                    # line 7
            good[3],
            [make_uscc("430302", 12), "电话错", "", "430302", "企业", "B", "", "打电话"],          # line 9
            [good[0][0], "重复行", "", "430302", "企业", "A", "", ""],                           # line 10
            good[4]]
    return rows, {4: "uscc", 6: "kind", 7: "name", 9: "phone", 10: "uscc"}, 5


def inspector_rows() -> tuple[list[list[str]], dict[int, str], int]:
    good = [[make_id_card("430302", date(1980, 2, n), n), f"检查员{n}", "430302；430304", f"1380000{n:04d}",
             "持证执法人员", "实地核查", make_uscc("430302", n)] for n in range(1, 5)]
    rows = [good[0],
            [_wrong_check(make_id_card("430302", date(1981, 1, 1), 9)), "校验码错", "430302", "", "持证执法人员",
             "", ""],                                                                                  # line 3
            good[1],
            [make_id_card("430302", date(1981, 1, 2), 10), "类别错", "430302", "", "志愿者", "", ""],      # line 5
            [make_id_card("430302", date(1981, 1, 3), 11), "区划错", "43", "", "持证执法人员", "", ""],     # line 6
            good[2],
            [make_id_card("430302", date(1981, 1, 4), 12), "回避错", "430302", "", "持证执法人员", "",
             "91430302XXXXXXXXXX"],                                                                    # line 8
            good[3]]
    return rows, {3: "id_card_number", 5: "kind", 6: "region_codes", 8: "conflict_usccs"}, 4


CASES = {"objects": (OBJECT_HEADER, object_rows), "inspectors": (INSPECTOR_HEADER, inspector_rows)}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def encode(header: list[str], rows: list[list[str]], file_format: str) -> tuple[str, bytes, str]:
    """(filename, bytes, content type) of the rows in one of the accepted formats."""
    if file_format == "xlsx":
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return "名录.xlsx", buffer.getvalue(), XLSX_TYPE
    text = "".join(",".join(row) + "\r\n" for row in [header, *rows])
    return "名录.csv", text.encode(file_format), "text/csv"


async def listed(client, headers, kind: str) -> list[dict]:
    response = await client.get(f"/api/v1/{kind}", headers=headers, params={"limit": 500})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.mark.parametrize("file_format", ["utf-8", "gbk", "xlsx"])
@pytest.mark.parametrize("kind", ["objects", "inspectors"])
async def test_import_lists_bad_rows_keeps_good_ones_and_a_second_import_changes_nothing(
        client, session_factory, kind, file_format):
    op = await user_headers(client, session_factory, "scjg_op", "dept_operator", "SCJG")
    header, make_rows = CASES[kind]
    rows, bad, good_count = make_rows()
    filename, data, content_type = encode(header, rows, file_format)
    if file_format == "gbk":
        assert data != data.decode("gbk").encode("utf-8")  # really GBK bytes, not UTF-8

    response = await client.post(f"/api/v1/{kind}/import", headers=op,
                                 files={"file": (filename, data, content_type)})
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["accepted"], report["created"], report["updated"], report["unchanged"]) == (
        good_count, good_count, 0, 0)
    assert {r["line"]: r["field"] for r in report["rejected"]} == bad
    assert all(r["reason"] for r in report["rejected"])
    stored = await listed(client, op, kind)
    assert len(stored) == good_count
    assert {s["name"] for s in stored} == {row[1] for row in rows if row[1].startswith(("雨湖测试", "检查员"))}

    again = (await client.post(f"/api/v1/{kind}/import", headers=op,
                               files={"file": (filename, data, content_type)})).json()
    assert (again["accepted"], again["created"], again["updated"], again["unchanged"]) == (
        good_count, 0, 0, good_count)
    assert {r["line"]: r["field"] for r in again["rejected"]} == bad
    assert await listed(client, op, kind) == stored


class ReadRecorder(io.BytesIO):
    """A file that remembers how much each read asked for."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.requests: list[int] = []

    def read(self, size: int | None = -1) -> bytes:
        self.requests.append(-1 if size is None else size)
        return super().read(size)

    def read1(self, size: int = -1) -> bytes:
        self.requests.append(size)
        return super().read1(size)


async def test_the_upload_is_read_in_bounded_pieces_never_whole(session_factory):
    lines = "".join(f"{make_uscc('430302', n)},流式测试{n:06d}有限公司,湘潭市岳塘区建设北路{n}号,430302,企业,C,食品,\n"
                    for n in range(1, 40_001))
    binary = ReadRecorder((",".join(OBJECT_HEADER) + "\n" + lines).encode("gbk"))
    size = len(binary.getvalue())
    assert size > 4 * importing.BATCH_SIZE * 50  # several MiB: larger than any one piece read
    async with session_factory() as session:
        report = await importing.import_file(session, kind="objects", binary=binary, filename="objects.csv",
                                             actor=Actor(username="t", role="system", department_code=None),
                                             department_code=None)
        await session.commit()
    assert report["created"] == 40_000 and report["rejected"] == []
    assert binary.requests and -1 not in binary.requests
    assert max(binary.requests) <= 1 << 20 < size // 2
