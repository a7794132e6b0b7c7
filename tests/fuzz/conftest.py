"""The fuzz run's stack: one database with the demo data, a real server and worker, and a token per role."""

import asyncio
import re
import uuid

import pytest
import requests

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
def tokens(live_api, http_session) -> dict[str, dict[str, str]]:
    """Authorization headers per role, from POST /api/v1/auth/token with the demo accounts."""
    headers = {}
    for role, username in ROLES.items():
        if username is None:
            headers[role] = {}
            continue
        answer = http_session.post(f"{live_api}/api/v1/auth/token",
                                   data={"username": username, "password": DEMO_PASSWORD})
        answer.raise_for_status()
        headers[role] = {"Authorization": f"Bearer {answer.json()['access_token']}"}
    return headers


@pytest.fixture(scope="module")
def live_task_id(live_api, tokens, http_session) -> str:
    """A running joint task (lead: the operator's department), so updates reach a workflow and its validators."""
    answer = http_session.post(f"{live_api}/api/v1/tasks", headers=tokens["operator"], json={
        "name": "模糊测试任务", "lead_item_codes": ["XT-SCJG-01"], "sample_size": 2,
        "responders": [{"department_code": "XT-WSJK", "item_codes": ["XT-WSJK-01"]}]})
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


@pytest.fixture(scope="module")
def boundary_roles(live_api, tokens, http_session) -> dict[str, str]:
    """For each operation, the first role (operator, office, admin, approver) it does not refuse outright."""
    from tests.fuzz.test_api_fuzz import OPENAPI

    chosen = {}
    for path, operations in OPENAPI["paths"].items():
        url = live_api + re.sub(r"\{[^}]+\}", "1", path)
        for method in operations:
            for role in ("operator", "office", "admin", "approver"):
                answer = http_session.request(method.upper(), url, headers=tokens[role], json={})
                if answer.status_code not in (401, 403):
                    break
            chosen[f"{method.upper()} {path}"] = role
    return chosen


@pytest.fixture(scope="module", params=list(ROLES))
def role(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def http_session(live_api) -> requests.Session:
    """One keep-alive connection for the whole run, as a client library would use."""
    with requests.Session() as session:
        yield session
