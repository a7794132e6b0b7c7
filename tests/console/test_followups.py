"""From the result forms to a closed task through the console alone: return and resubmit, approval, rectification
re-check, an enterprise demand, a transfer acknowledged by the receiving department, an abnormal-operation listing."""

import re
from datetime import datetime, timedelta, timezone

from tests.polling import eventually
from tests.workflows.world import REGION, build_world

BEIJING = timezone(timedelta(hours=8))
LAUNCH = {"name": "2026年食品企业联合抽查（后续处置）", "items:LEAD": "LEAD-01", "items:ENV": "ENV-01",
          "region_codes": REGION, "sample_mode": "size", "sample_size": "1", "method": "on_site", "planned": "1"}


async def _stage(client, headers, task_id: str) -> str:
    return (await client.get(f"/api/v1/tasks/{task_id}", headers=headers)).json()["stage"]


async def _reach(client, headers, task_id: str, stage: str) -> None:
    async def there():
        return await _stage(client, headers, task_id) == stage

    await eventually(there)


async def _inspecting_task(client, world, lead, env) -> tuple[str, int]:
    """Launch, accept, draw, match and schedule through the console; the task's id and its one object."""
    launched = await lead.post("/console/tasks/new", LAUNCH)
    task_id = re.search(r"/console/tasks/([^/#?]+)$", str(launched.url)).group(1)
    await env.post(f"/console/tasks/{task_id}/acknowledge", {"accept": "1", "back": "/console"})
    await _reach(client, world["lead_op"], task_id, "drawing")
    proposal = await lead.post(f"/console/tasks/{task_id}/draw")
    object_id = int(re.search(r'data-object="(\d+)"', proposal.text).group(1))
    await lead.post(f"/console/tasks/{task_id}/draw/confirm")
    await _reach(client, world["lead_op"], task_id, "matching")
    for operator in (lead, env):
        matched = await operator.post(f"/console/tasks/{task_id}/match")
        assert "已随机匹配本部门检查人员" in matched.text
    await _reach(client, world["lead_op"], task_id, "scheduling")
    today = datetime.now(BEIJING).date().isoformat()
    proposed = await lead.post(f"/console/tasks/{task_id}/schedule", {"inspection_date": today})
    assert "已提议联合检查日" in proposed.text
    confirmed = await env.post(f"/console/tasks/{task_id}/schedule", {"confirm": "1"})
    assert "已确认联合检查日" in confirmed.text
    await _reach(client, world["lead_op"], task_id, "inspecting")
    return task_id, object_id


async def _form_open(page, url: str) -> bool:
    answer = await page.get(url)
    return answer.status_code == 200 and "提交检查结果" in answer.text


async def test_return_resubmit_approve_and_every_followup_until_closed(client, worker, session_factory, browsers):
    world = await build_world(session_factory, client)
    lead, env, lead_ap, env_ap = browsers(), browsers(), browsers(), browsers()
    for browser, user in ((lead, "lead_op"), (env, "env_op"), (lead_ap, "lead_ap"), (env_ap, "env_ap")):
        await browser.login(user)
    task_id, object_id = await _inspecting_task(client, world, lead, env)
    result_url = f"/console/tasks/{task_id}/objects/{object_id}/result"
    today = datetime.now(BEIJING).date()

    await eventually(lambda: _form_open(lead, result_url))
    form = await lead.get(result_url)
    assert '<label for="rectification_due">' in form.text and "LEAD检查员" in form.text
    inspectors = re.findall(r'name="inspector_ids" value="(\d+)" checked', form.text)
    assert len(inspectors) >= 2
    entered = await lead.post(result_url, [
        ("result_code", "corrected_on_site"), ("inspection_date", today.isoformat()), ("item_codes", "LEAD-01"),
        *[("inspector_ids", i) for i in inspectors], ("findings", "进货查验记录不全，已责令改正"),
        ("rectification_due", (today + timedelta(days=10)).isoformat()),
        ("enterprise_demands", "希望提供食品安全管理制度范本")])
    assert "检查结果已提交" in entered.text
    await eventually(lambda: _form_open(env, result_url))
    entered = await env.post(result_url, {"result_code": "pending_followup", "inspection_date": today.isoformat(),
                                          "findings": "疑似超标排放，需移送", "demands_solved_on_site": "1"})
    assert "检查结果已提交" in entered.text

    # The approver of ENV returns its form with a reason; the operator sees why, corrects and resubmits.
    queue = await env_ap.get("/console")
    assert f'data-result="{task_id}:{object_id}:ENV"' in queue.text and "疑似超标排放" in queue.text
    assert f'data-result="{task_id}:{object_id}:LEAD"' not in queue.text
    returned = await env_ap.post(f"/console/results/{task_id}:{object_id}:ENV/return",
                                 {"reason": "请写明排放口编号", "back": "/console"})
    assert "已退回" in returned.text and "暂无待审核的检查结果" in returned.text
    todo = await env.get("/console")
    assert "修改被退回的检查结果" in todo.text
    again = await env.get(result_url)
    assert "此表已被审核退回：请写明排放口编号" in again.text and "疑似超标排放，需移送" in again.text
    resubmitted = await env.post(result_url, {"result_code": "pending_followup", "inspection_date": today.isoformat(),
                                              "findings": "2号排放口疑似超标排放，需移送", "demands_solved_on_site": "1"})
    assert "检查结果已提交" in resubmitted.text
    for approver, dept in ((env_ap, "ENV"), (lead_ap, "LEAD")):
        queue = await approver.get("/console")
        assert f'data-result="{task_id}:{object_id}:{dept}"' in queue.text
        approved = await approver.post(f"/console/results/{task_id}:{object_id}:{dept}/approve", {"back": "/console"})
        assert "已在公开网站公示" in approved.text

    # Follow-ups, each from the task page: the re-check, the demand, the transfer and its acknowledgement.
    task_url = f"/console/tasks/{task_id}"

    async def followups_open():
        page = await lead.get(task_url)
        return page.text.count('data-followup=') >= 3 and page

    page = await eventually(followups_open)
    assert "整改复查" in page.text and "企业诉求答复" in page.text and "移送主管部门" in page.text
    opened = await lead.post(f"{task_url}/objects/{object_id}/followups",
                             {"kind": "abnormal_listing", "action": "open"})
    assert "列入经营异常名录：待办理" in opened.text
    for kind, extra in (("rectification_recheck", {"passed": "1"}), ("enterprise_demand", {}),
                        ("abnormal_listing", {})):
        done = await lead.post(f"{task_url}/objects/{object_id}/followups",
                               {"kind": kind, "action": "complete", "department_code": "LEAD", "outcome": "已办理",
                                **extra})
        assert "：已完成" in done.text, kind
    sent = await env.post(f"{task_url}/objects/{object_id}/followups",
                          {"kind": "transfer", "action": "complete", "department_code": "ENV",
                           "receiving_department_code": "LEAD", "outcome": "移送市场监管部门"})
    assert "移送主管部门：待接收部门确认" in sent.text
    home = await lead.get("/console")
    assert "确认接收移送" in home.text
    assert 'data-kind="transfer_received"' in home.text and "收到移送：测试企业" in home.text
    keys = re.findall(r'name="key" value="([^"]+)"', home.text)
    read = await lead.post("/console/notifications/read", [("back", "/console"), *[("key", k) for k in keys]])
    assert f"已将 {len(keys)} 条通知标为已读" in read.text and 'id="notifications"' not in read.text
    acknowledged = await lead.post(f"{task_url}/objects/{object_id}/followups",
                                   {"kind": "transfer", "action": "acknowledge", "department_code": "ENV"})
    assert "移送主管部门：已完成" in acknowledged.text

    await _reach(client, world["lead_op"], task_id, "closed")
    closed = await lead.get(task_url)
    assert 'data-stage="closed"' in closed.text and "任务办结" in closed.text
    public = await browsers().http.get("/public", params={"q": "测试企业"})
    assert public.text.count("发现问题已责令改正") == 1 and "发现问题待后续处理" in public.text
