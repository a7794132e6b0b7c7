"""Part (b) of benchmarks/lifecycle.py: thousands of acknowledgement deadlines expiring in the same second."""

from __future__ import annotations

import asyncio
import statistics
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from temporalio.client import Client

from config.settings import Settings
from domain.records import (
    SYSTEM_ACTOR, ActorRef, NotificationRecord, ObjectScope, OverdueRecord, Participant, TaskEvent, TaskInput,
)
from store import read_model
from store.models.tasks import OverdueStep, Task, TaskResponse
from tests.workflows.world import REGION
from workflows.joint_task import JointTaskWorkflow

LEAD = ActorRef(username="lead_op", role="dept_operator", department_code="LEAD")
NAIVE_POLL_SECONDS = 1.0


def _task_input(task_id: str, launched_at: datetime) -> TaskInput:
    return TaskInput(task_id=task_id, name=f"基准任务 {task_id}", initiated_by=LEAD,
                     lead=Participant(department_code="LEAD", item_codes=["LEAD-01"]),
                     responders=[Participant(department_code="ENV", item_codes=["ENV-01"])],
                     scope=ObjectScope(region_codes=[REGION]), sample_size=1, launched_at=launched_at)


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=100, method="inclusive")
    return q[49], q[98], ordered[-1]


Seen = dict[str, tuple[datetime, datetime, float]]


async def _watch_overdue(sessions, prefix: str, count: int, until: float) -> Seen:
    """Poll the read model every 50 ms: per overdue row, (due_at, recorded_at, wall time it became visible)."""
    seen: Seen = {}
    while len(seen) < count and time.time() < until:
        async with sessions() as session:
            rows = (await session.execute(
                select(OverdueStep.key, OverdueStep.due_at, OverdueStep.recorded_at)
                .where(OverdueStep.task_id.startswith(prefix), OverdueStep.step == "acknowledgement"))).all()
        now = time.time()
        for key, due_at, recorded_at in rows:
            seen.setdefault(key, (due_at, recorded_at, now))
        await asyncio.sleep(0.05)
    return seen


def _report(label: str, seen: Seen, count: int) -> float:
    recorded = [(rec - due).total_seconds() for due, rec, _ in seen.values()]
    visible = [wall - due.timestamp() for due, _, wall in seen.values()]
    r50, r99, rmax = _percentiles(recorded)
    v50, v99, vmax = _percentiles(visible)
    print(f"(b) {label}: {len(seen)}/{count} overdue rows; recorded_at - due_at p50 {r50:.2f} s, p99 {r99:.2f} s, "
          f"max {rmax:.2f} s; visible in the read model - due_at p50 {v50:.2f} s, p99 {v99:.2f} s, max {vmax:.2f} s",
          flush=True)
    return r99


async def _temporal_deadlines(client: Client, settings: Settings, sessions, count: int) -> float:
    """Start `count` tasks launched at one instant; each one responder whose 2-working-day deadline is the same."""
    launched_at = datetime.now(timezone.utc)
    due = launched_at + timedelta(seconds=2 * settings.drill_workday_seconds)
    gate = asyncio.Semaphore(50)

    async def start(n: int) -> None:
        async with gate:
            task = _task_input(f"bench-b-{n:05d}", launched_at)
            await client.start_workflow(JointTaskWorkflow.run, task, id=f"joint-task-{task.task_id}",
                                        task_queue=settings.task_queue)

    await asyncio.gather(*(start(n) for n in range(count)))
    while True:  # every task launched (its response row written) before the shared deadline?
        async with sessions() as session:
            launched = len((await session.execute(select(TaskResponse.task_id).where(
                TaskResponse.task_id.startswith("bench-b-")))).all())
        if launched == count:
            break
        await asyncio.sleep(0.5)
    margin = (due - datetime.now(timezone.utc)).total_seconds()
    print(f"(b) {count} tasks launched at one instant; all launched {margin:.1f} s before their common deadline "
          f"{due.isoformat(timespec='seconds')}", flush=True)
    if margin < 1:
        raise SystemExit("(b) launching took longer than the deadline: raise --drill-seconds")
    seen = await _watch_overdue(sessions, "bench-b-", count, due.timestamp() + 300)
    return _report("Temporal timers", seen, count)


async def _naive_deadlines(sessions, count: int) -> float:
    """The same deadlines in plain rows, found by a loop that polls every second and writes each overdue step."""
    due = datetime.now(timezone.utc) + timedelta(seconds=5)
    async with sessions.begin() as session:
        for n in range(count):
            task_id = f"naive-b-{n:05d}"
            session.add(Task(task_id=task_id, name=task_id, lead_department_code="LEAD", initiated_by="lead_op",
                             initiator_role="dept_operator", stage="awaiting_responses", seed_commitment="0" * 64,
                             input={}, planned=True, method="on_site", created_at=due, updated_at=due))
            session.add(TaskResponse(task_id=task_id, department_code="ENV", state="pending", due_at=due, drill=True))
    watcher = asyncio.create_task(_watch_overdue(sessions, "naive-b-", count, due.timestamp() + 300))
    done = 0
    while done < count:
        async with sessions() as session:
            rows = (await session.execute(select(TaskResponse.task_id, TaskResponse.due_at).where(
                TaskResponse.task_id.startswith("naive-b-"), TaskResponse.state == "pending",
                TaskResponse.overdue.is_(False), TaskResponse.due_at <= datetime.now(timezone.utc)))).all()
        for task_id, due_at in rows:
            await _naive_overdue(sessions, task_id, due_at)
        done += len(rows)
        await asyncio.sleep(NAIVE_POLL_SECONDS)
    return _report(f"naive loop polling every {NAIVE_POLL_SECONDS:.0f} s", await watcher, count)


async def _naive_overdue(sessions, task_id: str, due_at: datetime) -> None:
    """What the workflow writes when an acknowledgement timer fires: overdue step, office notification, event."""
    now = datetime.now(timezone.utc)
    async with sessions.begin() as session:
        await read_model.record_overdue(session, OverdueRecord(
            key=f"{task_id}:ack:ENV", task_id=task_id, step="acknowledgement", department_code="ENV", due_at=due_at,
            recorded_at=now))
        await read_model.record_notifications(session, [NotificationRecord(
            key=f"naive:{task_id}:n1", task_id=task_id, kind="ack_overdue", message="ENV 未在期限内响应",
            created_at=now)])
        await read_model.record_events(session, [TaskEvent(
            key=f"naive:{task_id}:2", task_id=task_id, at=now, actor=SYSTEM_ACTOR, kind="ack_overdue",
            department_code="ENV", detail={"due_at": due_at.isoformat()})])


async def run_deadlines(settings: Settings, client: Client, sessions, args) -> None:
    temporal_p99 = await _temporal_deadlines(client, settings, sessions, args.deadlines)
    naive_p99 = await _naive_deadlines(sessions, args.deadlines)
    print(f"(b) p99 of recorded_at - due_at: Temporal {temporal_p99:.2f} s (target <= 2 s), naive loop "
          f"{naive_p99:.2f} s: {naive_p99 / max(temporal_p99, 1e-3):.1f}x", flush=True)
