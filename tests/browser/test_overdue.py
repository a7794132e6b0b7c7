"""In drill mode a responder's silence becomes an overdue acknowledgement on the office's dashboard."""

import pytest
from playwright.async_api import expect

from tests.browser.conftest import reload_until
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

    await overdue.get_by_role("button", name="延长期限").click()
    await expect(office.locator(".flash.ok")).to_contain_text("已延长 SAFE 的响应期限")
