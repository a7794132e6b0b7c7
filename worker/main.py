"""The Temporal worker process: every workflow and activity on the configured task queue."""

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities import build_activities
from config.settings import Settings
from config.temporal import connect
from store.db import make_engine, make_session_factory
from worker.chainer import keep_linking
from worker.metrics import worker_runtime
from workflows.registry import WORKFLOWS

log = logging.getLogger("jointcheck.worker")


# A worker holds every open workflow it has run in its cache; one evicted from it is replayed from its whole
# history on its next task, so the cache is sized for thousands of open tasks and objects. Local activities (the
# read-model writes) and activities each hold a database connection: together they stay within the pool's kept
# connections (store.db.POOL_SIZE), so none waits for a connection, and none is opened and closed per write.
MAX_CACHED_WORKFLOWS = 10_000
MAX_CONCURRENT_LOCAL_ACTIVITIES = 12
MAX_CONCURRENT_ACTIVITIES = 6


def build_worker(client: Client, settings: Settings, session_factory) -> Worker:
    """A worker wired to the given client and database (the tests build theirs the same way)."""
    return Worker(client, task_queue=settings.task_queue, workflows=WORKFLOWS,
                  activities=build_activities(session_factory, settings), max_cached_workflows=MAX_CACHED_WORKFLOWS,
                  max_concurrent_local_activities=MAX_CONCURRENT_LOCAL_ACTIVITIES,
                  max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES,
                  **({} if settings.workflow_sandbox else {"workflow_runner": UnsandboxedWorkflowRunner()}))


def worker_environment(settings: Settings, base: dict[str, str]) -> dict[str, str]:
    """`base` plus the JOINTCHECK_* variables that make a `jointcheck worker` process run with these settings."""
    env = {**base, "JOINTCHECK_ENV": settings.env, "JOINTCHECK_DATABASE_URL": settings.database_url,
           "JOINTCHECK_TEMPORAL_ADDRESS": settings.temporal_address,
           "JOINTCHECK_TEMPORAL_NAMESPACE": settings.temporal_namespace, "JOINTCHECK_TASK_QUEUE": settings.task_queue,
           "JOINTCHECK_SECRET_KEY": settings.secret_key.get_secret_value(),
           "JOINTCHECK_WORKFLOW_SANDBOX": str(settings.workflow_sandbox).lower(),
           "JOINTCHECK_LOG_FORMAT": settings.log_format,
           "JOINTCHECK_WORKER_METRICS_ADDRESS": settings.worker_metrics_address}
    env.pop("JOINTCHECK_DRILL_WORKDAY_SECONDS", None)
    if settings.drill_workday_seconds:
        env["JOINTCHECK_DRILL_WORKDAY_SECONDS"] = str(settings.drill_workday_seconds)
    return env


async def run_worker(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM, then drain and shut down before the interpreter exits."""
    engine = make_engine(settings.database_url)
    runtime = worker_runtime(settings)
    if settings.worker_metrics_address:
        log.info("Temporal SDK metrics at http://%s/metrics", settings.worker_metrics_address)
    client = await _connect_with_retry(settings, runtime)
    sessions = make_session_factory(engine)
    worker = build_worker(client, settings, sessions)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling task queue %s on %s", settings.task_queue, settings.temporal_address)
    # Every worker also links the audit chain (one at a time: link_pending locks); any one running is enough.
    chainer = asyncio.create_task(keep_linking(sessions, stop))
    async with worker:
        await stop.wait()
    await chainer
    await engine.dispose()


async def _connect_with_retry(settings: Settings, runtime: Runtime, attempts: int = 60) -> Client:
    for attempt in range(attempts):
        try:
            return await connect(settings, runtime)
        except Exception:  # noqa: BLE001 - Temporal may still be starting
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")
