"""In drill mode a responder's silence becomes an overdue acknowledgement on the office's dashboard."""

import re

import pytest
from playwright.async_api import expect

from tests.browser.conftest import assert_readable, reload_until
from tests.browser.server import PHONE
from tests.workflows.world import REGION, build_world

DRILL = 1.0


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"drill_workday_seconds": DRILL})


async def test_office_sees_and_resolves_an_overdue_acknowledgement(client, session_factory, new_page):
    await build_world(session_factory, client)
    lead = await new_page("lead_op")
    await lead.goto("/console/tasks/new")
    await lead.get_by_label("任务名称").fill("演练：响应逾期")
    await lead.locator('input[name="items:LEAD"][value="LEAD-01"]').check()
    await lead.locator('input[name="items:SAFE"][value="SAFE-01"]').check()
    await lead.get_by_label("行政区划代码（可填多个，用逗号分隔）").fill(REGION)
    await lead.get_by_label("抽取户数").fill("2")
    await lead.get_by_role("button", name="发起任务").click()
    await expect(lead.locator(".flash.ok")).to_contain_text("任务已发起")
    task_id = lead.url.split("#")[0].rsplit("/", 1)[1]

    office = await new_page("office")
    row = f'#overdue-table tr[data-task="{task_id}"][data-step="acknowledgement"][data-department="SAFE"]'
    await reload_until(office, "/console", row + ".urgent", timeout=45)
    overdue = office.locator(row)
    await expect(overdue).to_contain_text("已逾期")
    await expect(overdue).to_contain_text("响应")
    assert int(await overdue.locator("td").nth(1).inner_text()) >= 1
    await expect(office.locator("svg.chart")).to_be_visible()
    await assert_readable(office)

    # A notice to the late department, from its overdue row (the text is prepared, the office may edit it).
    await overdue.get_by_text("通报该部门…").click()
    notice = overdue.get_by_label("通报内容")
    await expect(notice).to_have_value(re.compile("演练：响应逾期.*响应环节逾期"))
    await overdue.get_by_role("button", name="发出通报").click()
    await expect(office.locator(".flash.ok")).to_contain_text("通报已发出")
    await expect(office.locator("#notices")).to_contain_text("演练：响应逾期")

    await office.locator(row).get_by_role("button", name="延长期限").click()
    await expect(office.locator(".flash.ok")).to_contain_text("已延长 SAFE 的响应期限")

    # The dashboard and the calendar page read on a phone as well.
    phone = await new_page("office", viewport=PHONE)
    await assert_readable(phone)
    await phone.goto("/console/office/calendar")
    await assert_readable(phone)
