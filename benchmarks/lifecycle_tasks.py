"""Part (a) of benchmarks/lifecycle.py: whole joint tasks driven through the HTTP API, many at once and one by one."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import httpx
from temporalio.client import Client

from tests.workflows.world import task_body

BEIJING = timezone(timedelta(hours=8))
DEPARTMENTS = ("lead", "env", "safe")
RETRY_PAUSE = 0.1
MAX_RETRY_PAUSE = 2.0


class Driver:
    """The people of the small city, acting through the API; `gate` bounds the requests in flight."""

    def __init__(self, http: httpx.AsyncClient, headers, gate: asyncio.Semaphore | None = None) -> None:
        self.http, self.headers, self.gate = http, headers, gate
        self.retries = 0

    async def post(self, user: str, path: str, *, body: dict | None = None, ok: int = 200,
                   not_yet: tuple[int, ...] = ()) -> dict:
        """POST as `user`; answers in `not_yet` mean "the workflow is not there yet" and are retried."""
        pause = RETRY_PAUSE
        while True:
            if self.gate is None:
                response = await self._send(user, path, body)
            else:
                async with self.gate:
                    response = await self._send(user, path, body)
            if response.status_code == ok:
                return response.json()
            if response.status_code not in not_yet:
                raise RuntimeError(f"{user} POST {path}: {response.status_code} {response.text}")
            self.retries += 1
            await asyncio.sleep(pause)
            pause = min(2 * pause, MAX_RETRY_PAUSE)

    async def _send(self, user: str, path: str, body: dict | None) -> httpx.Response:
        return await self.http.post(path, headers=self.headers[user], json=body, timeout=600)

    async def each(self, calls, parallel: bool) -> list:
        if parallel:
            return await asyncio.gather(*calls)
        return [await call for call in calls]

    async def lifecycle(self, objects: int, *, parallel: bool) -> str:
        """One task from launch to closed; `parallel` lets the departments act at the same time."""
        task = await self.post("lead_op", "/api/v1/tasks", body=task_body(sample_size=objects), ok=201)
        t = f"/api/v1/tasks/{task['id']}"
        await self.each([self.post(f"{d}_op", f"{t}/acknowledge", body={"accept": True}) for d in ("env", "safe")],
                        parallel)
        await self.post("lead_op", f"{t}/draw", not_yet=(409,))
        drawn = await self.post("lead_op", f"{t}/draw/confirm", body={})
        selection = [o["object_id"] for o in drawn["selection"]]
        await self.each([self.post(f"{d}_op", f"{t}/match", not_yet=(409,)) for d in DEPARTMENTS], parallel)
        today = datetime.now(BEIJING).date().isoformat()
        await self.post("lead_op", f"{t}/schedule", body={"inspection_date": today}, not_yet=(409,))
        await self.each([self.post(f"{d}_op", f"{t}/schedule", body={"confirm": True}) for d in ("env", "safe")],
                        parallel)
        await self.each([self.inspect(task["id"], obj, parallel) for obj in selection], parallel)
        return task["id"]

    async def inspect(self, task_id: str, obj: int, parallel: bool) -> None:
        """Each department enters its form for the object (once its workflow exists), then its approver approves."""
        today = datetime.now(BEIJING).date().isoformat()
        forms = [self.post(f"{d}_op", f"/api/v1/tasks/{task_id}/objects/{obj}/results", ok=201, not_yet=(404,),
                           body={"result_code": "no_issue", "item_codes": [f"{d.upper()}-01"],
                                 "inspection_date": today, "findings": "现场检查未发现问题"})
                 for d in DEPARTMENTS]
        await self.each(forms, parallel)
        await self.each([self.post(f"{d}_ap", f"/api/v1/results/{task_id}:{obj}:{d.upper()}/approve")
                         for d in DEPARTMENTS], parallel)


async def _closed(client: Client, task_ids: list[str]) -> None:
    await asyncio.gather(*(client.get_workflow_handle(f"joint-task-{t}").result() for t in task_ids))


async def run_tasks(client: Client, driver: Driver, args) -> None:
    started = time.perf_counter()
    done = [await driver.lifecycle(args.objects, parallel=False) for _ in range(args.baseline_tasks)]
    await _closed(client, done)
    sequential = args.baseline_tasks * args.objects / (time.perf_counter() - started)
    print(f"(a) baseline, one task at a time, one request at a time: {args.baseline_tasks} tasks x "
          f"{args.objects} objects, {sequential:.2f} object inspections/s", flush=True)

    driver.gate = asyncio.Semaphore(args.concurrency)
    started = time.perf_counter()
    done = await asyncio.gather(*(driver.lifecycle(args.objects, parallel=True) for _ in range(args.tasks)))
    await _closed(client, list(done))
    elapsed = time.perf_counter() - started
    rate = args.tasks * args.objects / elapsed
    print(f"(a) {args.tasks} tasks x {args.objects} objects = {args.tasks * args.objects} object inspections "
          f"closed in {elapsed:.1f} s: {rate:.1f} object inspections/s (target >= 20); "
          f"{rate / sequential:.1f}x the one-at-a-time baseline", flush=True)
