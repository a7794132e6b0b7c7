"""The public draw page checks the record in the visitor's Chromium: every published test vector, and a real draw.

The vectors go through the real page route, template and JavaScript; only the JSON API behind the page is a
small app that answers each vector's record under its name (the platform's store cannot hold a tampered record).
"""

import importlib.util
import json
import random
from pathlib import Path

from fastapi import FastAPI, HTTPException
from playwright.async_api import expect

from api.console import public_pages, routes_auth
from tests.browser.conftest import assert_readable
from tests.browser.server import PHONE, LiveServer
from tests.domain.record_fuzz import mutants
from tests.workflows.draw_steps import draw_and_confirm, launch_for_drawing, match_all
from tests.workflows.world import build_world

VECTORS = json.loads((Path(__file__).resolve().parents[2] / "docs" / "draw-test-vectors.json").read_text("utf-8"))
STEP_NAMES = {"format": "记录格式", "commitment": "随机种子与承诺值", "public_entropy": "公共随机数",
              "population": "冻结名单与哈希", "sizes": "抽取数量", "exclusions": "排除理由", "selection": "抽取结果",
              "matching": "执法人员匹配"}
DONE = '#browser-verdict[data-state="done"]'
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "verify_draw.py"
VERIFY_ALL = """async (texts) => {
  const verifier = await import("/console/static/draw-verify.js");
  const steps = [];
  for (const text of texts) steps.push((await verifier.verifyRecord(verifier.parseRecord(text))).step);
  return steps;
}"""


def load_script():
    spec = importlib.util.spec_from_file_location("verify_draw_for_browser", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vector_site() -> FastAPI:
    """The real public pages and static files, over an API that serves the test vectors by name."""
    records = {vector["name"]: vector["record"] for vector in VECTORS["vectors"]}
    site = FastAPI()
    site.include_router(public_pages.router)
    site.include_router(routes_auth.router)

    @site.get("/api/v1/public/draws/{name}")
    async def record(name: str) -> dict:
        if name not in records:
            raise HTTPException(404, f"no vector {name!r}")
        return records[name]

    return site


async def test_the_page_agrees_with_every_test_vector(chromium):
    async with LiveServer(vector_site()) as base_url:
        context = await chromium.new_context(base_url=base_url, locale="zh-CN")
        context.set_default_timeout(20_000)
        page = await context.new_page()
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        verdicts = {}
        for vector in VECTORS["vectors"]:
            await page.goto(f"/public/draws/{vector['name']}")
            verdict = page.locator(DONE)
            await expect(verdict).to_have_count(1)
            verdicts[vector["name"]] = (await verdict.get_attribute("data-match"),
                                        await verdict.get_attribute("data-step"))
            if vector["expect"] == "MATCH":
                await expect(verdict).to_have_text("核验一致")
            else:
                await expect(verdict).to_have_text("核验不一致")
                await expect(page.locator("#browser-reason")).to_contain_text(f"未通过的步骤：{STEP_NAMES[vector['step']]}")
        await context.close()
    expected = {v["name"]: ("true", "") if v["expect"] == "MATCH" else ("false", v["step"]) for v in VECTORS["vectors"]}
    assert verdicts == expected
    # Nothing but the pages themselves and their static files: the check is the browser's own.
    assert {url.split("/")[3] for url in requests} == {"public", "console"}
    assert all("/console/static/" in url for url in requests if "/console/" in url)


async def test_exclusions_public_value_and_matching_are_shown_in_chinese(chromium):
    async with LiveServer(vector_site()) as base_url:
        context = await chromium.new_context(base_url=base_url, locale="zh-CN")
        page = await context.new_page()
        await page.goto("/public/draws/v2-complete")
        await expect(page.locator(DONE)).to_have_text("核验一致")
        exclusions = page.locator("#exclusions tbody tr")
        await expect(exclusions).to_have_count(5)
        for reason in ("本年度已接受过检查（任务融合）", "已在其他在办联合任务中（任务融合）", "冻结名单后已注销",
                       "冻结名单后已被吊销", "冻结名单后已不在抽查范围内"):
            await expect(page.locator("#exclusions")).to_contain_text(reason)
        await expect(page.locator("#exclusions")).to_contain_text("2026年3月4日注销")
        await expect(page.locator("#entropy-card")).to_contain_text("3.7.12.19.25.31.9.")
        await expect(page.locator("#removed")).to_contain_text("已达年度联合检查次数上限（无事不扰）")
        await expect(page.locator("#matching-card")).to_contain_text("本地人员不足，由相邻区域执法人员补足")
        steps = page.locator("#browser-steps li")
        await expect(steps).to_have_count(8)
        await expect(steps.first).to_have_text("记录格式：✓ 通过")

        await page.goto("/public/draws/tampered-v2-unbacked-exclusion")
        await expect(page.locator(DONE)).to_have_text("核验不一致")
        await expect(page.locator("#exclusions")).to_contain_text("记录中无相应提示")
        await expect(page.locator('#browser-steps li[data-step="selection"]')).to_have_text("抽取结果：— 未复算")
        await context.close()

        phone = await (await chromium.new_context(base_url=base_url, viewport=PHONE, locale="zh-CN")).new_page()
        await phone.goto("/public/draws/v2-complete")
        await expect(phone.locator(DONE)).to_have_text("核验一致")
        for details in await phone.locator("#matching-card details").all():
            await details.locator("summary").click()
        await assert_readable(phone)
        await phone.context.close()


async def test_the_page_and_the_script_name_the_same_step_for_damaged_records(chromium):
    """Hundreds of records with one or two values of the wrong shape: the browser fails them where Python does."""
    script, rng = load_script(), random.Random(14)
    texts = [json.dumps(mutant) for vector in VECTORS["vectors"] if vector["expect"] == "MATCH"
             for mutant in mutants(vector["record"], rng, 40)]
    expected = [(script.verify(json.loads(text)) or (None,))[0] for text in texts]
    async with LiveServer(vector_site()) as base_url:
        context = await chromium.new_context(base_url=base_url)
        page = await context.new_page()
        await page.goto("/public/draws/v1-plain")
        steps = await page.evaluate(VERIFY_ALL, texts)
        await context.close()
    assert steps == expected
    assert len(set(expected)) >= 8, "the damage reaches every step"


async def test_a_confirmed_draw_of_the_platform_verifies_in_the_browser(client, worker, session_factory, temporal_client,
                                                                       new_page):
    """A v2 record the platform serves — an exclusion with its reason, a public value, every department's matching
    from the frozen pools — checked by the page in Chromium, step by step."""
    w = await build_world(session_factory, client)
    first = await launch_for_drawing(client, w, temporal_client, scope={"credit_risk_classes": ["A"]}, sample_size=3)
    held = sorted(o["object_id"] for o in (await draw_and_confirm(client, w, first))["selection"])
    task_id = await launch_for_drawing(client, w, temporal_client, sample_size=12,
                                       public_entropy_source="抽取现场由公证员宣读的六位数字")
    proposal = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"],
                                 json={"public_entropy_value": "3 1 4 1 5 9"})
    assert proposal.status_code == 200, proposal.text
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"],
                                  json={"exclude": [{"object_id": held[0], "reason": "open_task"}]})
    assert confirmed.status_code == 200, confirmed.text
    await match_all(client, w, task_id, temporal_client)

    public = await new_page()
    await public.goto(f"/public/draws/{task_id}")
    await expect(public.locator(DONE)).to_have_text("核验一致")
    await expect(public.locator("#browser-steps li")).to_have_count(8)
    await expect(public.locator('#browser-steps li[data-step="matching"]')).to_have_text("执法人员匹配：✓ 通过")
    await expect(public.locator("#exclusions tbody tr")).to_have_count(1)
    await expect(public.locator("#exclusions")).to_contain_text("已在其他在办联合任务中（任务融合）")
    await expect(public.locator("#entropy-card")).to_contain_text("3.1.4.1.5.9.")
    await expect(public.locator("#matching-card details")).to_have_count(3)
