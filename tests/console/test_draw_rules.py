"""The console's side of record format 2 (no JavaScript): a public random value named at launch and given at the
draw, the office's annual cap, and the yearly fairness report on the public site."""

import re

from tests.console.test_task_flow import LAUNCH
from tests.workflows.draw_steps import stage
from tests.workflows.world import build_world

SOURCE = "2026年12月10日福利彩票3D开奖号码（按开奖公告顺序）"


async def test_a_public_value_named_at_launch_is_given_at_the_draw(client, worker, session_factory, browsers,
                                                                  temporal_client):
    await build_world(session_factory, client)
    lead, env, public = browsers(), browsers(), browsers()
    await lead.login("lead_op")
    form = await lead.get("/console/tasks/new")
    assert '<label for="public_entropy_source">' in form.text
    launched = await lead.post("/console/tasks/new", {**LAUNCH, "public_entropy_source": SOURCE})
    assert "任务已发起" in launched.text
    task_id = re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1)
    await env.login("env_op")
    await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "1", "back": "/console"})
    await stage(temporal_client, task_id, "drawing")
    before = await public.get(f"/public/draws/{task_id}")
    assert 'id="entropy-source"' in before.text and SOURCE in before.text and 'id="seed"' not in before.text
    page = await lead.get(f"/console/tasks/{task_id}/draw")
    assert SOURCE in page.text and 'id="public_entropy_value"' in page.text
    refused = await lead.post(f"/console/tasks/{task_id}/draw", {"public_entropy_value": "三七五"})
    assert "公共随机数：只能填写数字" in refused.text
    proposal = await lead.post(f"/console/tasks/{task_id}/draw", {"public_entropy_value": "３　７，５"})
    assert "抽取结果（待确认）" in proposal.text and "３　７，５" in proposal.text
    confirmed = await lead.post(f"/console/tasks/{task_id}/draw/confirm")
    assert "抽取结果已确认" in confirmed.text and "3.7.5." in confirmed.text and SOURCE in confirmed.text

    record = await public.get(f"/public/draws/{task_id}")
    assert "公共随机数" in record.text and "３　７，５" in record.text
    verdict = await public.http.get(f"/public/draws/{task_id}/verify", headers={"HX-Request": "true"})
    assert "核验一致" in verdict.text


async def test_the_office_sets_the_annual_cap_and_reads_the_fairness_report(client, worker, session_factory,
                                                                           browsers):
    await build_world(session_factory, client)
    office, lead, public = browsers(), browsers(), browsers()
    await office.login("office")
    page = await office.get("/console/office/draws")
    assert page.status_code == 200 and "未设置" in page.text and "异常提示" in page.text
    too_big = await office.post("/console/office/draws", {"annual_inspection_cap": "500"})
    assert "年度联合检查次数上限：数值太大" in too_big.text
    saved = await office.post("/console/office/draws", {"annual_inspection_cap": "2"})
    assert "每个对象每年至多接受 2 次联合检查" in saved.text and 'id="cap">2<' in saved.text
    lifted = await office.post("/console/office/draws", {"annual_inspection_cap": ""})
    assert "已取消年度联合检查次数上限" in lifted.text

    await lead.login("lead_op")
    not_office = await lead.get("/console/office/draws")
    assert not_office.status_code == 403
    report = await public.get("/public/fairness")
    assert report.status_code == 200 and "抽取公平性报告" in report.text and 'id="draw-count">0<' in report.text
