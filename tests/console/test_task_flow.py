"""A task launched, answered and drawn through the console's forms (no JavaScript), then verified publicly."""

import json
import re

from domain.draw import verify_record
from tests.polling import eventually
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
    drawn = re.findall(r'data-object="(\d+)"', proposal.text)
    assert len(drawn) == 2 and 'name="exclude"' not in proposal.text and proposal.text.count("不可排除") == 2
    # Without a warning no object may be excluded: that would be a re-roll.
    refused = await lead.post(f"/console/tasks/{task_id}/draw/confirm", [("exclude", drawn[0])])
    assert "不能排除" in refused.text and "flash error" in refused.text
    confirmed = await lead.post(f"/console/tasks/{task_id}/draw/confirm")
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


async def test_the_office_initiates_a_task_for_a_lead_department(client, worker, session_factory, browsers):
    world = await build_world(session_factory, client)
    office = browsers()
    await office.login("office")
    form = await office.get("/console/tasks/new")
    assert '<label for="lead_department_code">' in form.text
    launched = await office.post("/console/tasks/new", {**LAUNCH, "lead_department_code": "LEAD",
                                                        "items:SAFE": "SAFE-01"})
    assert launched.status_code == 200 and "任务已发起" in launched.text
    assert "联席会议办公室" in launched.text and 'data-stage="awaiting_responses"' in launched.text
    assert "取消任务" in launched.text  # the office may also cancel what it launched
    listed = await office.get("/console/tasks")
    assert LAUNCH["name"] in listed.text
    task_id = re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1)

    # The responding department declines, giving its reason; the office sees it on the task page.
    env = browsers()
    await env.login("env_op")
    no_reason = await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "0", "back": "/console"})
    assert "理由" in no_reason.text and "flash error" in no_reason.text
    declined = await env.post(f"/console/tasks/{task_id}/acknowledge",
                              {"accept": "0", "reason": "本季度无排污检查力量", "back": "/console"})
    assert "已拒绝任务" in declined.text and "暂无待响应的任务" in declined.text
    seen = await office.get(f"/console/tasks/{task_id}")
    assert "已拒绝" in seen.text and "本季度无排污检查力量" in seen.text

    # SAFE stays silent: the office takes it out of the task, with a reason, and the draw can start.
    back = f"/console/tasks/{task_id}"
    removed = await office.post(f"/console/office/tasks/{task_id}/responders/SAFE/remove",
                                {"reason": "联系不上，先行实施", "back": back})
    assert "已将 SAFE 移出任务" in removed.text and "已移除" in removed.text
    await eventually(lambda: _is(client, world["office"], task_id, "drawing"))


async def test_fusion_warnings_then_exclude_and_replace(client, worker, session_factory, browsers):
    world = await build_world(session_factory, client)
    lead = browsers()
    await lead.login("lead_op")
    alone = {k: v for k, v in LAUNCH.items() if k != "items:ENV"}
    task_ids = []
    for name, size in (("先行专项抽查", "12"), ("后续联合抽查", "2")):
        launched = await lead.post("/console/tasks/new", {**alone, "name": name, "sample_size": size})
        task_ids.append(re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1))
    first, second = task_ids
    await eventually(lambda: _is(client, world["lead_op"], first, "drawing"))
    await lead.post(f"/console/tasks/{first}/draw")
    await lead.post(f"/console/tasks/{first}/draw/confirm")

    await eventually(lambda: _is(client, world["lead_op"], second, "drawing"))
    proposal = await lead.post(f"/console/tasks/{second}/draw")
    assert "有 2 户存在任务融合提示" in proposal.text and proposal.text.count("另有在办任务") >= 2
    drawn = re.findall(r'name="exclude" value="(\d+):open_task"', proposal.text)
    assert len(drawn) == 2
    confirmed = await lead.post(f"/console/tasks/{second}/draw/confirm", [("exclude", f"{drawn[0]}:open_task")])
    assert "排除 1 户并按同一规则补抽" in confirmed.text and "排除对象及理由" in confirmed.text
    assert f"对象 #{drawn[0]}：已在其他在办联合任务中（任务融合）" in confirmed.text
    selection = re.search(r'<table class="stack-sm" id="selection">.*?</table>', confirmed.text, re.S).group(0)
    assert selection.count("<tr>") == 3  # the header row and two drawn objects, the excluded one replaced


async def test_a_joint_inspection_day_per_object(client, worker, session_factory, browsers):
    from datetime import datetime, timedelta, timezone

    world = await build_world(session_factory, client)
    lead, env = browsers(), browsers()
    await lead.login("lead_op")
    await env.login("env_op")
    launched = await lead.post("/console/tasks/new", LAUNCH)
    task_id = re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1)
    await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "1", "back": "/console"})
    await eventually(lambda: _is(client, world["lead_op"], task_id, "drawing"))
    await lead.post(f"/console/tasks/{task_id}/draw")
    await lead.post(f"/console/tasks/{task_id}/draw/confirm")
    await eventually(lambda: _is(client, world["lead_op"], task_id, "matching"))
    await lead.post(f"/console/tasks/{task_id}/match")
    await env.post(f"/console/tasks/{task_id}/match")
    await eventually(lambda: _is(client, world["lead_op"], task_id, "scheduling"))

    page = await lead.get(f"/console/tasks/{task_id}")
    objects = re.findall(r'name="object_ids" value="(\d+)"', page.text)
    assert len(objects) == 2 and "适用对象" in page.text
    today = datetime.now(timezone(timedelta(hours=8))).date()
    first = await lead.post(f"/console/tasks/{task_id}/schedule",
                            {"inspection_date": today.isoformat(), "object_ids": objects[0]})
    assert "（1 个对象）" in first.text and "尚未提议" in first.text
    early = await env.post(f"/console/tasks/{task_id}/schedule", {"confirm": "1"})
    assert "flash error" in early.text  # not every object has a day yet
    later = (today + timedelta(days=3)).isoformat()
    second = await lead.post(f"/console/tasks/{task_id}/schedule", {"inspection_date": later, "object_ids": objects[1]})
    assert "尚未提议" not in second.text and later in second.text and today.isoformat() in second.text
    confirmed = await env.post(f"/console/tasks/{task_id}/schedule", {"confirm": "1"})
    assert "已确认联合检查日" in confirmed.text
    await eventually(lambda: _is(client, world["lead_op"], task_id, "inspecting"))
