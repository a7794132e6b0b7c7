"""The processes benchmarks/lifecycle.py runs against: a dedicated PostgreSQL database, a fresh Temporal dev server
and `jointcheck worker` subprocesses — created by the benchmark and gone when it ends."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from config.settings import Settings
from store import migrate
from store.calendar import seed_from_chinese_calendar
from store.db import sync_url
from worker.main import worker_environment
from worker.temporal_server import dev_server_args, temporal_cli

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def dedicated_database(database_url: str):
    """Create the named database (dropping a leftover first), migrate it and seed the calendar; drop it after."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql" or url.database in (None, "", "postgres", "template0", "template1"):
        raise SystemExit("--database-url must name a dedicated PostgreSQL database, e.g. …/jc_bench_lifecycle")
    admin = url.set(database="postgres", drivername="postgresql").render_as_string(hide_password=False)

    def run(sql: str) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    run(f'CREATE DATABASE "{url.database}"')
    try:
        migrate.upgrade(database_url)
        seed_from_chinese_calendar(sync_url(database_url))
        yield database_url
    finally:
        run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def temporal_dev_server(log_path: Path, attempts: int = 3):
    """A fresh `temporal server start-dev` (in-memory persistence, headless); yields its address and pid.

    The machine is shared: a free port may be taken before the server binds it, so a failed start is retried."""
    for attempt in range(attempts):
        port = _free_port()
        log = log_path.open("ab")
        proc = subprocess.Popen([temporal_cli(), *dev_server_args(db_file=None, port=port, ui_port=None,
                                                                 namespace="default")],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while not _port_open(port) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # a server that lost a race for one of its other ports exits right after binding
        if proc.poll() is None and _port_open(port):
            break
        _terminate(proc)
    else:
        raise RuntimeError(f"the Temporal dev server did not start; see {log_path}")
    try:
        yield f"127.0.0.1:{port}", proc.pid
    finally:
        _terminate(proc)


@contextmanager
def worker_processes(settings: Settings, count: int, log_dir: Path):
    """`count` worker subprocesses on the settings' task queue; stopped (SIGTERM, then drained) afterwards."""
    procs = []
    try:
        for n in range(count):
            log = (log_dir / f"worker-{n + 1}.log").open("wb")
            procs.append(subprocess.Popen([sys.executable, "-m", "worker.cli", "worker"], cwd=REPO,
                                          env=worker_environment(settings, dict(os.environ)), stdout=log,
                                          stderr=subprocess.STDOUT, start_new_session=True))
            log.close()
        yield [p.pid for p in procs]
    finally:
        for proc in procs:
            _terminate(proc)


def _terminate(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time used so far by these processes (from /proc), to show where the time went."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """CPU time the whole machine has spent busy (all processes, all users: the machine is shared)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


async def wait_for_temporal(connect, attempts: int = 60):
    for attempt in range(attempts):
        try:
            return await connect()
        except Exception:  # noqa: BLE001 - the server may still be starting
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(0.5)
