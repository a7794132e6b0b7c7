"""The public site: no login, no cookie, Simplified Chinese, only what the public API publishes."""

from tests.workflows.world import build_world


async def test_public_pages_need_no_account(client, session_factory, browsers):
    await build_world(session_factory, client)
    visitor = browsers()
    search = await visitor.http.get("/public", params={"q": "测试企业"})
    assert search.status_code == 200 and "抽查结果查询" in search.text and "共 0 条公示结果" in search.text
    assert "set-cookie" not in search.headers
    items = await visitor.http.get("/public/items")
    assert "随机抽查事项清单" in items.text and "LEAD-01" in items.text and "重点检查事项" in items.text
    plans = await visitor.http.get("/public/plans")
    assert plans.status_code == 200 and "年度抽查工作计划" in plans.text
    draws = await visitor.http.get("/public/draws")
    assert draws.status_code == 200 and "任务编号" in draws.text


async def test_an_unknown_draw_is_a_chinese_404(client, browsers):
    page = await browsers().http.get("/public/draws/nope")
    assert page.status_code == 404 and "未找到相关记录" in page.text
    lookup = await browsers().http.get("/public/draws", params={"task_id": "20260101-abc"})
    assert lookup.status_code == 303 and lookup.headers["location"] == "/public/draws/20260101-abc"


async def test_static_files_are_served_and_nothing_else(browsers):
    visitor = browsers()
    assert (await visitor.http.get("/console/static/htmx.min.js")).status_code == 200
    assert "text/css" in (await visitor.http.get("/console/static/console.css")).headers["content-type"]
    assert (await visitor.http.get("/console/static/__init__.py")).status_code == 404
    assert (await visitor.http.get("/console/static/..%2Fpages.py")).status_code == 404


async def test_published_annual_plans_are_shown(client, session_factory, browsers):
    from tests.api.test_plans import plan_body, setup

    users = await setup(client, session_factory)
    plan = (await client.post("/api/v1/plans", headers=users["sc"], json=plan_body())).json()
    await client.post(f"/api/v1/plans/{plan['id']}/submit", headers=users["sc"])
    joint = (await client.post("/api/v1/plans/joint/2027/compile", headers=users["office"])).json()
    assert (await client.post(f"/api/v1/plans/{joint['id']}/publish", headers=users["office"])).status_code == 200
    page = await browsers().http.get("/public/plans")
    assert "2027 年 · 2027年度市场监管抽查计划" in page.text and "联合抽查计划（联席会议办公室汇总）" in page.text
    assert "D类 100.0%" in page.text and "执法稽查处" in page.text and "3、6、9 月" in page.text
