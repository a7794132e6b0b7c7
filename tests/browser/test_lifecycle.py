"""One joint task driven from the console by every role, in Chromium, until its result is public."""

import re

from playwright.async_api import expect

from tests.browser.conftest import assert_readable, login, reload_until, tab_to
from tests.browser.server import PHONE
from tests.workflows.world import REGION, build_world


async def test_lead_launches_responder_accepts_draw_results_approval_public(client, session_factory, new_page):
    await build_world(session_factory, client)

    # The lead launches: items, scope with the live count of the eligible population, a sample of one.
    lead = await new_page("lead_op")
    await lead.get_by_role("link", name="发起任务").first.click()
    await lead.get_by_label("任务名称").fill("2026年食品企业部门联合抽查")
    await lead.locator('input[name="items:LEAD"][value="LEAD-01"]').check()
    await lead.locator('input[name="items:ENV"][value="ENV-01"]').check()
    await lead.get_by_label("行政区划代码（可填多个，用逗号分隔）").fill(REGION)
    await expect(lead.locator("#population .count")).to_have_text("12")
    await lead.get_by_label("D类（高风险）", exact=True).check()
    await expect(lead.locator("#population .count")).to_have_text("3")
    await lead.get_by_label("D类（高风险）", exact=True).uncheck()
    await expect(lead.locator("#population .count")).to_have_text("12")
    await assert_readable(lead)
    await lead.get_by_label("信用风险分类").first.focus()
    await lead.get_by_label("抽取户数").fill("1")
    await lead.get_by_role("button", name="发起任务").click()
    await expect(lead.locator(".flash.ok")).to_contain_text("任务已发起")
    task_url = re.sub(r"[#?].*$", "", lead.url)
    task_id = task_url.rsplit("/", 1)[1]

    # The responding department sees it in its inbox with the time left, and accepts.
    env = await new_page("env_op")
    row = env.locator(f'#inbox tr[data-task="{task_id}"]')
    await expect(row).to_contain_text("剩余")
    await expect(row.locator("[data-urgent]")).to_have_count(0)
    await assert_readable(env)
    await tab_to(env, "接受任务")
    await env.keyboard.press("Enter")
    await expect(env.locator(".flash.ok")).to_contain_text("已接受任务")

    # The lead draws, sees the selection, confirms; the seed and the population hash are then shown.
    await reload_until(lead, task_url, '[data-stage="drawing"]')
    await lead.get_by_role("link", name="进入抽取页面").click()
    await expect(lead.locator("#commitment")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await lead.get_by_role("button", name="执行随机抽取").click()
    await expect(lead.locator("#proposal tbody tr")).to_have_count(1)
    await assert_readable(lead)
    await lead.get_by_role("button", name="确认抽取结果并公开种子").click()
    await expect(lead.locator(".flash.ok")).to_contain_text("抽取结果已确认")
    await expect(lead.locator("#seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    await expect(lead.locator("#population-hash")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    object_name = (await lead.locator("#selection tbody td").nth(1).inner_text()).strip()

    # Each department matches its inspectors; the lead proposes the day and the responder confirms it.
    for page in (lead, env):
        await reload_until(page, task_url, '[data-stage="matching"]')
        await page.get_by_role("button", name="随机匹配本部门检查人员").click()
        await expect(page.locator(".flash.ok")).to_contain_text("已随机匹配")
    await reload_until(lead, task_url, '[data-stage="scheduling"]')
    today = await lead.locator("#inspection_date").get_attribute("min")
    await lead.locator("#inspection_date").fill(today)
    await lead.get_by_role("button", name="提议联合检查日").click()
    await expect(lead.locator(".flash.ok")).to_contain_text("已提议联合检查日")
    await env.goto(task_url)
    await env.get_by_role("button", name="确认联合检查日").click()
    await expect(env.locator(".flash.ok")).to_contain_text("已确认联合检查日")

    # Both departments enter their one form for the object.
    for page, finding in ((lead, "证照齐全，现场未发现问题"), (env, "排污设施运行正常")):
        await reload_until(page, task_url, 'a.button[href$="/result"]')
        await page.get_by_role("link", name="录入检查结果").click()
        await page.get_by_label("检查结果").select_option("no_issue")
        await page.get_by_label("检查情况").fill(finding)
        await assert_readable(page)
        await page.get_by_role("button", name="提交检查结果").click()
        await expect(page.locator(".flash.ok")).to_contain_text("检查结果已提交")

    # Each department's approver approves its form from the queue: it is published.
    for approver in ("lead_ap", "env_ap"):
        page = await new_page(approver)
        card = page.locator("section.card", has_text=object_name)
        await expect(card).to_contain_text("未发现问题")
        await assert_readable(page)
        await card.get_by_role("button", name="审核通过并公示").click()
        await expect(page.locator(".flash.ok")).to_contain_text("已在公开网站公示")

    # The public, without an account and on a phone, finds both results and verifies the draw.
    public = await new_page(viewport=PHONE)
    await public.goto("/public")
    await public.get_by_label("统一社会信用代码或企业名称").fill(object_name)
    await public.get_by_role("button", name="查询").click()
    await expect(public.locator("#results tbody tr")).to_have_count(2)
    await expect(public.locator("#results")).to_contain_text("未发现问题")
    await expect(public.locator("#results")).not_to_contain_text("检查员")
    await assert_readable(public)
    await public.goto(f"/public/draws/{task_id}")
    await public.get_by_role("button", name="核验抽取结果").click()
    await expect(public.locator("#verdict")).to_have_text("核验一致")
    await assert_readable(public)
    await public.goto("/public/draws")
    await expect(public.locator(f'#draws tr[data-task="{task_id}"]')).to_contain_text("2026年食品企业部门联合抽查")

    # The task page reads at phone width too, for the lead on the road.
    phone = await new_page(viewport=PHONE)
    await login(phone, "lead_op")
    await phone.goto(task_url)
    await expect(phone.locator("#stage")).to_have_attribute("data-stage", re.compile("publishing|following_up|closed"))
    await assert_readable(phone)
