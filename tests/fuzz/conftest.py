"""The fuzz run's stack: one database with the demo data, a real server and worker, and a token per role."""

import asyncio
import uuid

import httpx
import pytest

from config.settings import Settings
from store.demo import DEMO_PASSWORD
from tests.fuzz.stack import ThreadedStack
from worker.setup import seed_demo_data

# One account of each kind (store.demo); None is the anonymous caller.
ROLES = {"anonymous": None, "admin": "admin", "office": "office", "operator": "scjg_op", "approver": "scjg_ap"}


@pytest.fixture(scope="module")
def fuzz_settings(test_databases, temporal_env) -> Settings:
    url = test_databases.fresh()
    settings = Settings(env="test", database_url=url, task_queue=f"fuzz-{uuid.uuid4().hex[:12]}",
                        temporal_address=temporal_env.client.service_client.config.target_host,
                        secret_key="test-secret-key-for-jointcheck-only", drill_workday_seconds=None)
    asyncio.run(seed_demo_data(settings))
    yield settings
    test_databases.drop(url)


@pytest.fixture(scope="module")
def live_api(fuzz_settings) -> str:
    with ThreadedStack(fuzz_settings) as base_url:
        yield base_url


@pytest.fixture(scope="module")
def tokens(live_api) -> dict[str, dict[str, str]]:
    headers = {}
    for role, username in ROLES.items():
        if username is None:
            headers[role] = {}
            continue
        answer = httpx.post(f"{live_api}/api/v1/auth/token", data={"username": username, "password": DEMO_PASSWORD})
        answer.raise_for_status()
        headers[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return headers


@pytest.fixture(scope="module", params=list(ROLES))
def role(request) -> str:
    return request.param
