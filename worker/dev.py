"""`jointcheck dev`: the whole system on one machine, state kept under ./.jointcheck/ between runs."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time

from config.settings import Settings
from worker.temporal_server import dev_server_args, temporal_cli


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _wait_for_port(host: str, port: int, proc: subprocess.Popen, what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode} while starting")
        if _port_open(host, port):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{what} did not open {host}:{port} within {timeout:.0f}s")


def _stop(procs: list[tuple[str, subprocess.Popen]]) -> None:
    """Stop children newest first (API, worker, then Temporal) so nothing loses its server mid-call."""
    for name, proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                print(f"{name} did not stop in time; killing it", file=sys.stderr)
                proc.kill()
                proc.wait()


def run_dev(settings: Settings) -> int:
    """Start Temporal, migrate, seed on first start, run worker and API; Ctrl-C stops all of it."""
    from worker.setup import migrate_and_seed_calendar, seed_demo_data

    state_dir = settings.state_dir.resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    host, port = settings.temporal_address.rsplit(":", 1)
    for busy_port, what in ((int(port), "Temporal"), (settings.api_port, "the API"),
                            (settings.temporal_ui_port, "the Temporal UI")):
        if _port_open("127.0.0.1", busy_port):
            print(f"port {busy_port} for {what} is already in use: is another jointcheck running?", file=sys.stderr)
            return 1
    procs: list[tuple[str, subprocess.Popen]] = []
    # Children ignore the terminal's Ctrl-C (own process group); we stop them in order ourselves.
    spawn = dict(start_new_session=True)
    env = {**os.environ, "JOINTCHECK_DATABASE_URL": settings.database_url,
           "JOINTCHECK_STATE_DIR": str(state_dir)}
    stop_requested = False

    def request_stop(_sig, _frame) -> None:
        nonlocal stop_requested
        stop_requested = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        temporal = subprocess.Popen(
            [temporal_cli(), *dev_server_args(db_file=state_dir / "temporal.db", port=int(port),
                                              ui_port=settings.temporal_ui_port,
                                              namespace=settings.temporal_namespace)],
            stdout=open(state_dir / "temporal.log", "a"), stderr=subprocess.STDOUT, **spawn)
        procs.append(("temporal", temporal))
        _wait_for_port(host, int(port), temporal, "the Temporal dev server")
        migrate_and_seed_calendar(settings)
        first_start = asyncio.run(seed_demo_data(settings))
        procs.append(("worker", subprocess.Popen([sys.executable, "-m", "worker.cli", "worker"], env=env, **spawn)))
        api = subprocess.Popen([sys.executable, "-m", "worker.cli", "api"], env=env, **spawn)
        procs.append(("api", api))
        _wait_for_port(settings.api_host, settings.api_port, api, "the API")
        _print_banner(settings, first_start)
        while not stop_requested:
            for name, proc in procs:
                if proc.poll() is not None:
                    print(f"{name} exited with code {proc.returncode}; stopping everything", file=sys.stderr)
                    return 1
            time.sleep(0.5)
        print("stopping jointcheck …")
        return 0
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        _stop(procs)


def _print_banner(settings: Settings, first_start: bool) -> None:
    from store.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

    base = f"http://{settings.api_host}:{settings.api_port}"
    print("\njointcheck is running" + (" (demo data loaded)" if first_start else ""))
    print(f"  console      {base}/console")
    print(f"  public site  {base}/public")
    print(f"  API docs     {base}/docs")
    print(f"  health       {base}/healthz")
    print(f"  Temporal UI  http://127.0.0.1:{settings.temporal_ui_port}")
    print(f"  data         {settings.state_dir.resolve()}")
    print(f"\ndemo accounts (password for all: {DEMO_PASSWORD}):")
    for username, role, department, label in DEMO_ACCOUNTS:
        print(f"  {username:<14} {role:<14} {department or '':<10} {label}")
    print("\nCtrl-C stops everything; the next `make run` resumes where this one stopped.\n", flush=True)
