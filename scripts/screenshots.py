#!/usr/bin/env python3
"""Screenshots of the console and the public site for the README: docs/screenshots/*.png.

    .venv/bin/python scripts/screenshots.py                       # starts its own stack (demo data, drill mode)
    .venv/bin/python scripts/screenshots.py --database-url postgresql+psycopg://…/empty_db
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8000   # a running `make run`

It plays one joint task with the demo accounts (the API for the steps nobody needs to see, Chromium for the
pages) and photographs each key page at 1366×768 (and the public site at phone width). Needs Debian's chromium
and a CJK font (apt-get install chromium fonts-wqy-microhei).
"""

import argparse
import asyncio
import sys
import tempfile
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.browser.server import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE, LiveServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Jointcheck-2026"  # store.demo.DEMO_PASSWORD
BEIJING = timezone(timedelta(hours=8))
DRILL_SECONDS = 20.0  # one working day of the drill: the silent responder is overdue after about a minute
SCOPE = {"region_codes": ["430302"], "tags": ["食品"]}


@asynccontextmanager
async def own_stack(database_url: str | None):
    """Temporal dev server, a fresh migrated database with the demo data, a worker and the app on a free port."""
    from temporalio.common import SearchAttributeKey
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.testing import WorkflowEnvironment

    from api.app import create_app
    from config.settings import Settings
    from worker.main import build_worker
    from worker.setup import migrate_and_seed_calendar, seed_demo_data
    from worker.temporal_server import SEARCH_ATTRIBUTES, temporal_cli

    keys = {"Keyword": SearchAttributeKey.for_keyword, "Datetime": SearchAttributeKey.for_datetime,
            "Bool": SearchAttributeKey.for_bool}
    workdir = Path(tempfile.mkdtemp(prefix="jointcheck-screens-"))
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(), data_converter=pydantic_data_converter,
        search_attributes=[keys[kind](name) for name, kind in SEARCH_ATTRIBUTES.items()])
    try:
        settings = Settings(env="dev", state_dir=workdir, database_url=database_url or "",
                            task_queue=f"screens-{uuid.uuid4().hex[:8]}", drill_workday_seconds=DRILL_SECONDS,
                            temporal_address=env.client.service_client.config.target_host)
        await asyncio.to_thread(migrate_and_seed_calendar, settings)
        await seed_demo_data(settings)
        app = create_app(settings, temporal_client=env.client)
        async with app.router.lifespan_context(app):
            async with build_worker(env.client, settings, app.state.session_factory):
                async with LiveServer(app) as base_url:
                    yield base_url
    finally:
        await env.shutdown()


class Api:
    """The JSON API as each demo account, for the steps the screenshots do not show."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, timeout=60)
        self.tokens: dict[str, str] = {}

    async def __call__(self, user: str, method: str, path: str, json=None):
        if user not in self.tokens:
            answer = await self.http.post("/api/v1/auth/token", data={"username": user, "password": PASSWORD})
            answer.raise_for_status()
            self.tokens[user] = answer.json()["access_token"]
        answer = await self.http.request(method, path, json=json,
                                         headers={"Authorization": f"Bearer {self.tokens[user]}"})
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path} as {user}: {answer.status_code} {answer.text}")
        return answer.json()

    async def until_stage(self, task_id: str, stage: str, timeout: float = 60) -> None:
        for _ in range(int(timeout / 0.5)):
            if (await self("office", "GET", f"/api/v1/tasks/{task_id}"))["stage"] == stage:
                return
            await asyncio.sleep(0.5)
        raise RuntimeError(f"task {task_id} did not reach {stage}")


async def shot(page, name: str, *, full: bool = True) -> None:
    await page.wait_for_load_state("networkidle")
    await page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)
    print(f"  docs/screenshots/{name}.png")


async def logged_in(browser, base_url: str, user: str | None, viewport=DESKTOP):
    context = await browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN")
    page = await context.new_page()
    if user:
        await page.goto("/console/login")
        await page.get_by_label("用户名").fill(user)
        await page.get_by_label("密码").fill(PASSWORD)
        await page.get_by_role("button", name="登录").click()
        await page.wait_for_url("**/console")
    return page


async def scenario(browser, base_url: str) -> None:
    api = Api(base_url)
    # An earlier open task has drawn most food businesses of the district: the new draw shows fusion warnings.
    earlier = await api("scjg_op", "POST", "/api/v1/tasks", {
        "name": "2026年特种设备使用单位专项抽查", "lead_item_codes": ["XT-SCJG-03"], "scope": SCOPE,
        "sample_size": 150})
    await api.until_stage(earlier["id"], "drawing")
    await api("scjg_op", "POST", f"/api/v1/tasks/{earlier['id']}/draw")
    await api("scjg_op", "POST", f"/api/v1/tasks/{earlier['id']}/draw/confirm", {"exclude": []})
    silent = await api("scjg_op", "POST", "/api/v1/tasks", {
        "name": "2026年危险化学品经营企业联合抽查", "lead_item_codes": ["XT-SCJG-02"],
        "responders": [{"department_code": "XT-YJGL", "item_codes": ["XT-YJGL-01"]},
                       {"department_code": "XT-STHJ", "item_codes": ["XT-STHJ-01"]}],
        "scope": {"region_codes": ["430304"]}, "sample_size": 2})

    page = await logged_in(browser, base_url, None)
    await page.goto("/console/login")
    await shot(page, "01-login", full=False)

    lead = await logged_in(browser, base_url, "scjg_op")
    await lead.goto("/console/tasks/new")
    await lead.get_by_label("任务名称").fill("2026年食品生产企业部门联合抽查")
    await lead.locator('input[name="items:XT-SCJG"][value="XT-SCJG-01"]').check()
    await lead.locator('input[name="items:XT-STHJ"][value="XT-STHJ-01"]').check()
    await lead.get_by_label("行政区划代码（可填多个，用逗号分隔）").fill("430302")
    await lead.get_by_label("标签").fill("食品")
    await lead.get_by_label("抽取户数").fill("3")
    await lead.locator("#population .count").wait_for()
    await shot(lead, "02-launch-task")
    await lead.get_by_role("button", name="发起任务").click()
    await lead.locator(".flash.ok").wait_for()
    task_id = lead.url.split("#")[0].rsplit("/", 1)[1]

    responder = await logged_in(browser, base_url, "sthj_op")
    if any(r.get("drill") for r in silent["responders"]):  # wait until the older task has under a day left: red
        for _ in range(60):
            if await responder.locator(f'#inbox tr[data-task="{silent["id"]}"] [data-urgent]').count():
                break
            await asyncio.sleep(1)
            await responder.goto("/console")
    await shot(responder, "03-responder-inbox", full=False)
    await api("sthj_op", "POST", f"/api/v1/tasks/{task_id}/acknowledge", {"accept": True})
    await api.until_stage(task_id, "drawing")

    await lead.goto(f"/console/tasks/{task_id}/draw")
    await lead.get_by_role("button", name="执行随机抽取").click()
    await lead.locator("#proposal").wait_for()
    await shot(lead, "04-draw-fusion-warnings")
    warned = lead.locator("#proposal tr.urgent input[name=exclude]")
    if await warned.count():
        await warned.first.check()
    await lead.get_by_role("button", name="确认抽取结果并公开种子").click()
    await lead.locator("#seed").wait_for()
    await shot(lead, "05-draw-confirmed")

    await api.until_stage(task_id, "matching")
    for user in ("scjg_op", "sthj_op"):
        await api(user, "POST", f"/api/v1/tasks/{task_id}/match")
    await api.until_stage(task_id, "scheduling")
    today = datetime.now(BEIJING).date().isoformat()
    await api("scjg_op", "POST", f"/api/v1/tasks/{task_id}/schedule", {"inspection_date": today})
    await api("sthj_op", "POST", f"/api/v1/tasks/{task_id}/schedule", {"confirm": True})
    await api.until_stage(task_id, "inspecting")

    for _ in range(60):  # the per-object workflows open their forms a moment after the stage changes
        await lead.goto(f"/console/tasks/{task_id}")
        if await lead.locator('a.button[href$="/result"]').count():
            break
        await asyncio.sleep(0.5)
    await lead.get_by_role("link", name="录入检查结果").first.click()
    await lead.get_by_label("检查结果").select_option("corrected_on_site")
    await lead.get_by_label("整改期限（责令改正时必填）").fill((datetime.now(BEIJING).date() + timedelta(days=15)).isoformat())
    await lead.get_by_label("检查情况").fill("原料进货查验记录不全，已责令当场改正并限期补齐台账。")
    await lead.get_by_label("企业诉求（每行一条，可不填）").fill("希望提供食品安全管理制度范本")
    await shot(lead, "06-result-form")
    await lead.get_by_role("button", name="提交检查结果").click()
    await lead.locator(".flash.ok").wait_for()
    detail = await api("scjg_op", "GET", f"/api/v1/tasks/{task_id}")
    objects = [o["object_id"] for o in detail["objects"]]
    for n, object_id in enumerate(objects):
        if n:
            await api("scjg_op", "POST", f"/api/v1/tasks/{task_id}/objects/{object_id}/results",
                      {"result_code": "no_issue", "inspection_date": today, "findings": "未发现问题",
                       "item_codes": ["XT-SCJG-01"]})
        await api("sthj_op", "POST", f"/api/v1/tasks/{task_id}/objects/{object_id}/results",
                  {"result_code": "no_issue", "inspection_date": today, "findings": "排污许可证在有效期内",
                   "item_codes": ["XT-STHJ-01"]})

    approver = await logged_in(browser, base_url, "scjg_ap")
    await shot(approver, "07-approval-queue")
    for object_id in objects:
        await api("scjg_ap", "POST", f"/api/v1/results/{task_id}:{object_id}:XT-SCJG/approve")
        await api("sthj_ap", "POST", f"/api/v1/results/{task_id}:{object_id}:XT-STHJ/approve")
    await lead.goto(f"/console/tasks/{task_id}")
    await shot(lead, "08-task-timeline")

    office = await logged_in(browser, base_url, "office")
    if any(r.get("drill") for r in silent["responders"]):
        print("  waiting for the silent responder's acknowledgement to be overdue (drill mode) …")
        row = f'#overdue-table tr[data-task="{silent["id"]}"].urgent'
        for _ in range(120):
            await office.goto("/console")
            if await office.locator(row).count():
                break
            await asyncio.sleep(1)
    await shot(office, "09-office-dashboard")
    await office.goto(f"/console/office/calendar?year={datetime.now(BEIJING).year + 1}")
    await shot(office, "10-office-calendar")

    public = await logged_in(browser, base_url, None)
    await public.goto(f"/public?q={detail['objects'][0]['uscc']}")
    await shot(public, "11-public-search", full=False)
    await public.goto(f"/public/draws/{task_id}")
    await public.get_by_role("button", name="核验抽取结果").click()
    await public.locator("#verdict").wait_for()
    await shot(public, "12-public-draw-verified")
    await public.goto("/public/items")
    await shot(public, "13-public-items", full=False)
    phone = await logged_in(browser, base_url, None, viewport=PHONE)
    await phone.goto("/public")
    await shot(phone, "14-public-phone", full=False)
    await api.http.aclose()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running server with the demo data (else a stack is started)")
    parser.add_argument("--database-url", help="an empty database for the started stack (default: SQLite)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium fonts-wqy-microhei", file=sys.stderr)
        return 1
    from playwright.async_api import async_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, "--lang=zh-CN"])
        try:
            if args.base_url:
                await scenario(browser, args.base_url)
            else:
                async with own_stack(args.database_url) as base_url:
                    await scenario(browser, base_url)
        finally:
            await browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
