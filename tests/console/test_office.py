"""The office's pages: dashboard with the SVG chart, CSV/XLSX export, notices, calendar loading."""

import io

from openpyxl import load_workbook

from tests.api.helpers import user_headers


async def _office(client, session_factory, browsers):
    await user_headers(client, session_factory, "office1", "office")
    await user_headers(client, session_factory, "op1", "dept_operator", "D1")
    office = browsers()
    await office.login("office1")
    return office


async def test_dashboard_chart_and_exports(client, session_factory, browsers):
    office = await _office(client, session_factory, browsers)
    home = await office.get("/console")
    assert "监管看板" in home.text and "<svg" in home.text and "各部门响应及时率与公示及时率" in home.text
    assert "当前没有逾期或即将到期的环节" in home.text
    csv = await office.http.get("/console/office/stats.csv")
    assert csv.status_code == 200 and csv.content.startswith("\ufeff".encode())
    assert "部门代码,部门,牵头发起任务数" in csv.content.decode("utf-8-sig").splitlines()[0]
    assert "D1" in csv.content.decode("utf-8-sig")
    xlsx = await office.http.get("/console/office/stats.xlsx")
    assert "attachment" in xlsx.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.title == "部门统计" and sheet["B1"].value == "部门"
    assert "D1" in [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


async def test_issue_a_notice(client, session_factory, browsers):
    office = await _office(client, session_factory, browsers)
    await office.get("/console")
    page = await office.post("/console/office/notices", {"department_code": "D1", "text": "响应不及时，予以通报"})
    assert "通报已发出" in page.text and "响应不及时，予以通报" in page.text
    refused = await office.post("/console/office/notices", {"department_code": "NOPE", "text": "通报内容"})
    assert "填写的内容有误" in refused.text and "部门：不存在" in refused.text


async def test_load_a_calendar_year(client, session_factory, browsers):
    office = await _office(client, session_factory, browsers)
    page = await office.get("/console/office/calendar?year=2031")
    assert "尚未载入" in page.text and '<label for="holidays">' in page.text
    bad = await office.post("/console/office/calendar", {"year": "2031", "holidays": "2031-01-04 周六不是工作日",
                                                         "makeup_workdays": ""})
    assert "填写的内容有误" in bad.text and "节假日" in bad.text
    good = await office.post("/console/office/calendar", {"year": "2031", "holidays": "2031-01-01 元旦\n2031-10-01 国庆节",
                                                          "makeup_workdays": "2031-09-28 国庆节"})
    assert "已载入 2031 年节假日 2 天、调休上班日 1 天" in good.text
    assert "2031-10-01 国庆节" in good.text and "尚未载入" not in good.text


async def test_an_operator_cannot_open_office_pages(client, session_factory, browsers):
    await _office(client, session_factory, browsers)
    operator = browsers()
    await operator.login("op1")
    page = await operator.get("/console/office/calendar")
    assert page.status_code == 403 and "无权操作" in page.text
    assert (await operator.http.get("/console/office/stats.csv")).status_code == 403
