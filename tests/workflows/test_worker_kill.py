"""The worker is killed (SIGKILL) twice in the middle of a joint task; a new one finishes it, and the read model
holds exactly the rows the workflows asked for: nothing lost, nothing twice.

The worker runs as a real `jointcheck worker` process sharing this test's database (a SQLite file written by two
processes, or PostgreSQL) and task queue; the task is driven through the HTTP API in drill mode.
"""

import asyncio
import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from temporalio.client import WorkflowExecutionStatus

from domain.keys import object_workflow_id
from store.models import AuditRecord
from store.models.tasks import (
    Assignment, Draw, Followup, Matching, Notification, OverdueStep, Result, Task, TaskObject, TaskParticipant,
    TaskResponse, TimelineEvent,
)
from tests.polling import eventually
from tests.workflows.test_lifecycle_e2e import overdue_rows
from tests.workflows.worker_process import WorkerProcess
from tests.workflows.world import build_world, fix_inspection_day, task_body
from workflows.joint_task import JointTaskWorkflow

DRILL = 1.0
BEIJING = timezone(timedelta(hours=8))
OBJECTS = 4
DEPARTMENTS = ("lead", "env", "safe")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"drill_workday_seconds": DRILL})


class Workers:
    """The worker processes of one test, numbered in start order; all are gone when the test ends."""

    def __init__(self, settings, tmp_path) -> None:
        self._settings, self._tmp, self.started = settings, tmp_path, []

    def start(self) -> WorkerProcess:
        worker = WorkerProcess(self._settings, self._tmp / f"worker-{len(self.started) + 1}.log")
        self.started.append(worker)
        return worker

    def stop_all(self) -> None:
        for worker in self.started:
            worker.stop()


@pytest.fixture
def workers(settings, tmp_path):
    pool = Workers(settings, tmp_path)
    yield pool
    pool.stop_all()


async def test_killed_worker_loses_and_duplicates_nothing(client, session_factory, temporal_client, workers):
    w = await build_world(session_factory, client)
    first = workers.start()
    launched = await client.post("/api/v1/tasks", headers=w["lead_op"], json=task_body(sample_size=OBJECTS))
    assert launched.status_code == 201, launched.text
    task_id = launched.json()["id"]
    handle = temporal_client.get_workflow_handle(f"joint-task-{task_id}")
    ack = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["env_op"], json={"accept": True})
    assert ack.status_code == 200, ack.text

    # Kill 1: SAFE's acknowledgement deadline passes while no worker runs; the next worker records it overdue.
    first.kill()
    await asyncio.sleep(2 * DRILL + 0.5)
    workers.start()
    rows = await eventually(lambda: overdue_rows(client, w["office"], task_id=task_id, step="acknowledgement",
                                                 status="overdue"), timeout=40)
    assert [r["department_code"] for r in rows] == ["SAFE"]
    extended = await client.post(f"/api/v1/office/tasks/{task_id}/responders/SAFE/extend", headers=w["office"],
                                 json={"working_days": 5, "reason": "工作进程重启"})
    assert extended.status_code == 200, extended.text
    late = await client.post(f"/api/v1/tasks/{task_id}/acknowledge", headers=w["safe_op"], json={"accept": True})
    assert late.status_code == 200 and late.json()["state"] == "accepted", late.text

    selection, assignments = await _draw_match_schedule(client, w, task_id, handle)

    # Kill 2: in the middle of the result forms, some entered, some in flight, some not yet sent.
    forms = [(obj, dept) for obj in selection for dept in DEPARTMENTS]
    sent = [asyncio.create_task(_submit(client, w, task_id, obj, dept)) for obj, dept in forms]
    await _until_done(sent, at_least=len(sent) // 3)
    workers.started[-1].kill()
    assert sum(t.done() for t in sent) < len(sent), "every form was in before the kill"
    workers.start()
    statuses = await asyncio.gather(*sent)
    assert statuses == [201] * len(forms)

    approved = await asyncio.gather(*(_approve(client, w, task_id, obj, dept) for obj, dept in forms))
    assert all(status == 200 for status, _ in approved), approved
    await asyncio.wait_for(handle.result(), timeout=30)
    assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
    state = await handle.query(JointTaskWorkflow.state)
    assert state.stage == "closed"

    await _assert_read_model_matches(session_factory, temporal_client, state, assignments)
    verdict = await client.get("/api/v1/audit/verify", headers=w["office"])
    assert verdict.json()["ok"] is True, verdict.json()
    assert [p.process.returncode for p in workers.started[:2]] == [-9, -9]


async def _draw_match_schedule(client, w, task_id, handle) -> tuple[list[int], set[tuple]]:
    await eventually(lambda: _stage_is(handle, "drawing"))
    proposal = await client.post(f"/api/v1/tasks/{task_id}/draw", headers=w["lead_op"])
    assert proposal.status_code == 200, proposal.text
    confirmed = await client.post(f"/api/v1/tasks/{task_id}/draw/confirm", headers=w["lead_op"], json={})
    assert confirmed.status_code == 200, confirmed.text
    selection = [o["object_id"] for o in confirmed.json()["selection"]]
    assert len(selection) == OBJECTS
    assignments = set()
    for dept in DEPARTMENTS:
        matched = await client.post(f"/api/v1/tasks/{task_id}/match", headers=w[f"{dept}_op"])
        assert matched.status_code == 200, matched.text
        assignments |= {(int(obj), dept.upper(), i["inspector_id"])
                        for obj, inspectors in matched.json()["assignments"].items() for i in inspectors}
    await fix_inspection_day(client, w, task_id)
    await eventually(lambda: _stage_is(handle, "inspecting"))
    return selection, assignments


async def _submit(client, w, task_id: str, obj: int, dept: str) -> int:
    body = {"result_code": "no_issue", "item_codes": [f"{dept.upper()}-01"],
            "inspection_date": datetime.now(BEIJING).date().isoformat(), "findings": "现场检查"}
    r = await client.post(f"/api/v1/tasks/{task_id}/objects/{obj}/results", headers=w[f"{dept}_op"], json=body,
                          timeout=120)
    return r.status_code


async def _approve(client, w, task_id: str, obj: int, dept: str) -> tuple[int, str]:
    r = await client.post(f"/api/v1/results/{task_id}:{obj}:{dept.upper()}/approve", headers=w[f"{dept}_ap"],
                          timeout=120)
    return r.status_code, r.text


async def _until_done(tasks: list[asyncio.Task], *, at_least: int) -> None:
    while sum(t.done() for t in tasks) < at_least:
        await asyncio.sleep(0.02)


async def _stage_is(handle, stage: str) -> bool:
    return (await handle.query(JointTaskWorkflow.state)).stage == stage


async def _written_keys(temporal_client, state) -> dict[str, set[str]]:
    """Per kind of row, the keys the task's workflows wrote: each batch's local-activity marker keeps its answer."""
    ids = [f"joint-task-{state.task_id}", *(object_workflow_id(state.task_id, o.object_id) for o in state.selection)]
    written: dict[str, set[str]] = defaultdict(set)
    for workflow_id in ids:
        async for event in temporal_client.get_workflow_handle(workflow_id).fetch_history_events():
            marker = event.marker_recorded_event_attributes
            if not event.HasField("marker_recorded_event_attributes") or marker.marker_name != "core_local_activity":
                continue
            if json.loads(marker.details["data"].payloads[0].data)["activity_type"] == "record_batch":
                for key in json.loads(marker.details["result"].payloads[0].data):
                    kind, _, natural_key = key.partition(":")
                    written[kind].add(natural_key)
    return written


def _numbers(keys: list[str], prefix: str) -> list[int]:
    """Event keys read `<workflow id>:<n>` and notification keys `<workflow id>:n<n>`, one counter per workflow."""
    return sorted(int(k[len(prefix):].lstrip("n")) for k in keys if k.startswith(prefix) and ":" not in k[len(prefix):])


async def _assert_read_model_matches(session_factory, temporal_client, state, assignments) -> None:
    task_id = state.task_id

    async def keys(column, where) -> list:
        async with session_factory() as session:
            return list((await session.execute(select(column).where(where))).scalars())

    assert await keys(Task.stage, Task.task_id == task_id) == ["closed"]
    assert sorted(await keys(TaskParticipant.department_code, TaskParticipant.task_id == task_id)) == \
        sorted(state.participants)
    assert sorted(await keys(TaskResponse.state, TaskResponse.task_id == task_id)) == ["accepted", "accepted"]
    assert await keys(func.count(), Draw.task_id == task_id) == [1]
    assert sorted(await keys(TaskObject.object_id, TaskObject.task_id == task_id)) == \
        sorted(o.object_id for o in state.selection)
    assert sorted(await keys(Matching.department_code, Matching.task_id == task_id)) == \
        sorted(state.matched_departments)
    async with session_factory() as session:
        stored = (await session.execute(select(Assignment.object_id, Assignment.department_code,
                                               Assignment.inspector_id).where(Assignment.task_id == task_id))).all()
    assert sorted(map(tuple, stored)) == sorted(assignments)

    # The rows are exactly the ones the workflows' histories say were written: none lost, none twice, none extra.
    written = await _written_keys(temporal_client, state)
    events = await keys(TimelineEvent.key, TimelineEvent.task_id == task_id)
    notices = await keys(Notification.key, Notification.task_id == task_id)
    assert sorted(events) == sorted(written["event"]) and sorted(notices) == sorted(written["notification"])
    for workflow_id in {k.rsplit(":", 1)[0] for k in events + notices}:  # each workflow counts 1..n without gaps
        numbers = _numbers(events, f"{workflow_id}:") + _numbers(notices, f"{workflow_id}:")
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), workflow_id
    forms = {f.result_id: f for p in state.objects.values() for f in p.forms}
    assert sorted(await keys(Result.result_id, Result.task_id == task_id)) == sorted(forms) == sorted(written["form"])
    assert set(await keys(Result.state, Result.task_id == task_id)) == {"published"}
    assert await keys(Followup.followup_id, Followup.task_id == task_id) == []
    late = {f"{f.result_id}:publication" for f in forms.values() if f.late}
    # On a loaded machine ENV's prompt answer can reach the task after its 2-drill-second deadline fired: then the
    # task holds that acknowledgement as overdue too (SAFE's, extended, no longer says so).
    acks = {f"{task_id}:ack:SAFE"} | {f"{task_id}:ack:{r.department_code}" for r in state.responders if r.overdue}
    overdue = await keys(OverdueStep.key, OverdueStep.task_id == task_id)
    assert sorted(overdue) == sorted(acks | late) == sorted(written["overdue"])
    # Each timeline event was audited once, in the transaction that wrote it.
    audited = await keys(func.count(), AuditRecord.action.startswith("task.") & AuditRecord.target.startswith(
        f"task:{task_id}"))
    assert audited == [len(events)]
