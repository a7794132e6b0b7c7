"""The Temporal worker process: every workflow and activity on the configured task queue."""

import asyncio
import logging
import signal

from temporalio.client import Client
from temporalio.worker import Worker

from activities import build_activities
from api.temporal import connect
from config.settings import Settings
from store.db import make_engine, make_session_factory
from workflows.registry import WORKFLOWS

log = logging.getLogger("jointcheck.worker")


# A worker holds every open workflow it has run in its cache; one evicted from it is replayed from its whole
# history on its next task, so the cache is sized for thousands of open tasks and objects. Local activities (the
# read-model writes) and activities each hold a database connection: together they stay within the pool
# (store.db: 10 + 20 overflow), so none waits for a connection while its workflow task waits for it.
MAX_CACHED_WORKFLOWS = 10_000
MAX_CONCURRENT_LOCAL_ACTIVITIES = 20
MAX_CONCURRENT_ACTIVITIES = 10


def build_worker(client: Client, settings: Settings, session_factory) -> Worker:
    """A worker wired to the given client and database (the tests build theirs the same way)."""
    return Worker(client, task_queue=settings.task_queue, workflows=WORKFLOWS,
                  activities=build_activities(session_factory, settings), max_cached_workflows=MAX_CACHED_WORKFLOWS,
                  max_concurrent_local_activities=MAX_CONCURRENT_LOCAL_ACTIVITIES,
                  max_concurrent_activities=MAX_CONCURRENT_ACTIVITIES)


async def run_worker(settings: Settings) -> None:
    """Run until SIGINT/SIGTERM, then drain and shut down before the interpreter exits."""
    engine = make_engine(settings.database_url)
    client = await _connect_with_retry(settings)
    worker = build_worker(client, settings, make_session_factory(engine))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info("worker polling task queue %s on %s", settings.task_queue, settings.temporal_address)
    async with worker:
        await stop.wait()
    await engine.dispose()


async def _connect_with_retry(settings: Settings, attempts: int = 60) -> Client:
    for attempt in range(attempts):
        try:
            return await connect(settings)
        except Exception:  # noqa: BLE001 - Temporal may still be starting
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)
    raise AssertionError("unreachable")
