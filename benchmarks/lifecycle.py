"""Joint-task lifecycle at scale (issue 5): throughput of whole tasks, and latency of deadlines that expire together.

    .venv/bin/python benchmarks/lifecycle.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/jc_bench_lifecycle

Workers run as the production worker does (docker-compose.yml: no workflow sandbox); `--sandbox` measures them
as in development. Creates the named database (dropping a leftover first), starts a fresh Temporal dev server and `jointcheck worker`
subprocesses in drill mode, and drops/stops all of it at the end.

(a) 200 tasks x 20 objects, each driven from launch to close through the HTTP API (the in-process app, as in the
    tests): two acknowledgements, draw and confirm, three matchings, the joint inspection day, one form per
    department per object (3 x 20) and its approval (3 x 20). Prints object inspections completed per second, from
    the first launch to the last task closed; baseline: the same lifecycle, one task at a time, one request at a time.
(b) 2,000 acknowledgement deadlines expiring in the same second (tasks started with one launch instant, as every
    task pushed on one day falls due at 24:00 of the same working day). Prints p50/p99 of (overdue recorded_at -
    due_at) from the read model's overdue rows, and of (row visible in the read model - due_at); baseline: a naive
    loop polling the read model every second and writing the same overdue rows one by one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402
import psycopg  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from api.app import create_app  # noqa: E402
from benchmarks.lifecycle_deadlines import run_deadlines  # noqa: E402
from benchmarks.lifecycle_stack import (  # noqa: E402
    cpu_seconds, dedicated_database, machine_busy_seconds, temporal_dev_server, wait_for_temporal,
    worker_processes,
)
from benchmarks.lifecycle_tasks import Driver, run_tasks  # noqa: E402
from config.settings import Settings  # noqa: E402
from config.temporal import connect  # noqa: E402
from tests.workflows.world import build_world  # noqa: E402
from worker.temporal_server import temporal_cli  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/jc_bench_lifecycle")
    parser.add_argument("--part", choices=["a", "b", "both"], default="both")
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--objects", type=int, default=20, help="objects drawn per task")
    parser.add_argument("--baseline-tasks", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=64, help="API requests in flight at once")
    parser.add_argument("--workers", type=int, default=2, help="worker subprocesses")
    parser.add_argument("--deadlines", type=int, default=2000)
    parser.add_argument("--sandbox", action="store_true",
                        help="run workflows in the sandbox (development); default: without, as docker-compose.yml")
    parser.add_argument("--drill-seconds", type=float, default=150.0, help="length of a working day in drill mode")
    return parser.parse_args()


async def main() -> int:
    args = parse_args()
    logs = Path(tempfile.mkdtemp(prefix="jc-bench-lifecycle-"))
    describe_machine(args)
    print(f"{args.workers} worker processes, workflow sandbox {'on' if args.sandbox else 'off'}; drill working day "
          f"{args.drill_seconds:g} s; logs in {logs}", flush=True)
    with dedicated_database(args.database_url) as database_url, \
            temporal_dev_server(logs / "temporal.log") as (address, temporal_pid):
        settings = Settings(env="test", database_url=database_url, temporal_address=address,
                            task_queue="bench-lifecycle", drill_workday_seconds=args.drill_seconds,
                            secret_key="bench-secret-key-for-jointcheck-only", workflow_sandbox=args.sandbox)
        client = await wait_for_temporal(lambda: connect(settings))
        app = create_app(settings, temporal_client=client)
        async with app.router.lifespan_context(app), httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            world = await build_world(app.state.session_factory, http, objects=max(200, 2 * args.objects),
                                      inspectors_per_dept=6)
            with worker_processes(settings, args.workers, logs) as worker_pids:
                pids = {"Temporal dev server": [temporal_pid], f"{args.workers} workers": worker_pids}
                if args.part in ("a", "both"):
                    await measure(pids, "a", run_tasks(client, Driver(http, world.headers), args))
                if args.part in ("b", "both"):
                    await measure(pids, "b", run_deadlines(settings, client, app.state.session_factory, args))
    return 0


def describe_machine(args: argparse.Namespace) -> None:
    url = make_url(args.database_url).set(database="postgres", drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cli = subprocess.run([temporal_cli(), "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{datetime.now().astimezone():%Y-%m-%d %H:%M %z}; {os.cpu_count()} cores, {memory:.0f} GiB; "
          f"Python {platform.python_version()}; PostgreSQL {pg}; {cli}; load average {os.getloadavg()[0]:.2f}",
          flush=True)


async def measure(pids: dict[str, list[int]], part: str, work) -> None:
    """Run one part and say where the CPU went meanwhile (2 cores: at most 2 CPU-seconds per second)."""
    before = {name: cpu_seconds(p) for name, p in pids.items()}
    me, machine = time.process_time(), machine_busy_seconds()
    started = time.perf_counter()
    await work
    wall = time.perf_counter() - started
    used = {name: cpu_seconds(p) - before[name] for name, p in pids.items()}
    used["driver and in-process API"] = time.process_time() - me
    used["everything else (PostgreSQL, other users)"] = machine_busy_seconds() - machine - sum(used.values())
    shares = "; ".join(f"{name} {seconds:.0f}" for name, seconds in used.items())
    print(f"({part}) wall {wall:.0f} s; CPU-seconds: {shares}; load average now {os.getloadavg()[0]:.2f}",
          flush=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
