"""A task launched, answered and drawn through the console's forms (no JavaScript), then verified publicly."""

import json
import re

from domain.draw import verify_record
from tests.console.conftest import eventually
from tests.workflows.world import REGION, build_world

LAUNCH = {"name": "2026年食品企业联合抽查", "items:LEAD": "LEAD-01", "items:ENV": "ENV-01", "region_codes": REGION,
          "sample_mode": "size", "sample_size": "2", "method": "on_site", "planned": "1"}


async def _stage(client, headers, task_id: str) -> str:
    return (await client.get(f"/api/v1/tasks/{task_id}", headers=headers)).json()["stage"]


async def test_launch_accept_draw_confirm_and_verify(client, worker, session_factory, browsers):
    world = await build_world(session_factory, client)
    lead, env, public = browsers(), browsers(), browsers()
    await lead.login("lead_op")
    form = await lead.get("/console/tasks/new")
    assert form.status_code == 200 and 'name="items:ENV"' in form.text and "LEAD-01" in form.text
    count = await lead.get("/console/tasks/population", params={"region_codes": REGION})
    assert 'data-total="12"' in count.text

    launched = await lead.post("/console/tasks/new", LAUNCH)
    assert launched.status_code == 200 and "任务已发起" in launched.text
    task_id = re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1)
    assert 'data-stage="awaiting_responses"' in launched.text and "剩余" in launched.text

    await env.login("env_op")
    inbox = await env.get("/console")
    assert LAUNCH["name"] in inbox.text and f'data-task="{task_id}"' in inbox.text
    accepted = await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "1", "back": "/console"})
    assert "已接受任务" in accepted.text
    again = await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "1", "back": "/console"})
    assert "当前阶段不能进行此操作" in again.text

    await eventually(lambda: _is(client, world["lead_op"], task_id, "drawing"))
    before = await public.get(f"/public/draws/{task_id}")
    assert "承诺值" in before.text and 'id="seed"' not in before.text
    proposal = await lead.post(f"/console/tasks/{task_id}/draw")
    assert "抽取结果（待确认）" in proposal.text
    drawn = re.findall(r'name="exclude" value="(\d+)"', proposal.text)
    assert len(drawn) == 2
    confirmed = await lead.post(f"/console/tasks/{task_id}/draw/confirm", [("exclude", drawn[0])])
    assert "抽取结果已确认" in confirmed.text and 'id="seed"' in confirmed.text and drawn[0] in confirmed.text

    page = await public.get(f"/public/draws/{task_id}")
    assert page.status_code == 200 and 'id="seed"' in page.text and "核验抽取结果" in page.text
    verdict = await public.http.get(f"/public/draws/{task_id}/verify", headers={"HX-Request": "true"})
    assert "核验一致" in verdict.text and "<html" not in verdict.text
    full = await public.get(f"/public/draws/{task_id}/verify")
    assert "核验一致" in full.text and "<html" in full.text
    download = await public.http.get(f"/public/draws/{task_id}/record.json")
    assert "attachment" in download.headers["content-disposition"]
    assert verify_record(json.loads(download.text)).match


async def test_a_refused_launch_is_explained_in_chinese_and_keeps_the_form(client, worker, session_factory, browsers):
    await build_world(session_factory, client)
    lead = browsers()
    await lead.login("lead_op")
    await lead.get("/console/tasks/new")
    refused = await lead.post("/console/tasks/new", {**LAUNCH, "sample_size": ""})
    assert refused.status_code == 422
    assert "填写的内容有误" in refused.text and "三者须填写且只填写一项" in refused.text
    assert f'value="{LAUNCH["name"]}"' in refused.text
    not_yours = await lead.post("/console/tasks/new", {**LAUNCH, "items:LEAD": "ENV-01"})
    assert not_yours.status_code == 422 and "牵头部门检查事项" in not_yours.text


async def _is(client, headers, task_id, stage) -> bool:
    return await _stage(client, headers, task_id) == stage
