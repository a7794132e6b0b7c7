"""`jointcheck temporal-setup` and `jointcheck worker-health` against the real Temporal dev server."""

import asyncio
import uuid
from datetime import timedelta

import pytest
from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest, RegisterNamespaceRequest

from config.settings import Settings
from worker.health import idle_queue_types
from worker.temporal_server import SEARCH_ATTRIBUTES
from worker.temporal_setup import RETENTION, registered_search_attributes, set_up_temporal


def _settings(temporal_env, namespace: str) -> Settings:
    return Settings(_env_file=None, temporal_namespace=namespace,
                    temporal_address=temporal_env.client.service_client.config.target_host)


async def _retention(client, namespace: str) -> timedelta:
    described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
    return described.config.workflow_execution_retention_ttl.ToTimedelta()


async def test_a_new_namespace_keeps_histories_for_the_audit_period_and_has_exactly_our_attributes(temporal_env):
    namespace = f"jc-setup-{uuid.uuid4().hex[:8]}"
    client = temporal_env.client
    await set_up_temporal(_settings(temporal_env, namespace))
    assert await _retention(client, namespace) == RETENTION >= timedelta(days=365)
    assert await registered_search_attributes(client, namespace) == SEARCH_ATTRIBUTES
    await set_up_temporal(_settings(temporal_env, namespace))  # a second run (the next deploy) changes nothing
    assert await registered_search_attributes(client, namespace) == SEARCH_ATTRIBUTES


async def _one_day_namespace(client) -> str:
    """A namespace registered by hand beforehand, with Temporal's shortest usual retention."""
    namespace = f"jc-setup-{uuid.uuid4().hex[:8]}"
    await client.workflow_service.register_namespace(RegisterNamespaceRequest(
        namespace=namespace, workflow_execution_retention_period=Duration(seconds=86400)))
    return namespace


async def test_an_existing_namespace_gets_the_audit_retention(temporal_env):
    client = temporal_env.client
    namespace = await _one_day_namespace(client)
    await set_up_temporal(_settings(temporal_env, namespace))
    assert await _retention(client, namespace) == RETENTION


async def test_an_attribute_of_another_type_fails_the_setup_loudly(temporal_env):
    client = temporal_env.client
    namespace = await _one_day_namespace(client)
    name = next(iter(SEARCH_ATTRIBUTES))
    for _ in range(50):  # the namespace reaches the operator service's cache within moments
        try:
            await client.operator_service.add_search_attributes(AddSearchAttributesRequest(
                namespace=namespace, search_attributes={name: IndexedValueType.INDEXED_VALUE_TYPE_INT}))
            break
        except Exception:  # noqa: BLE001 - not found yet
            await asyncio.sleep(0.2)
    with pytest.raises(RuntimeError, match=f"another type.*{name}"):
        await set_up_temporal(_settings(temporal_env, namespace), ready_timeout=30)


async def test_worker_health_sees_this_hosts_worker_polling(settings, worker):
    for _ in range(50):  # the worker's first polls reach the server moments after it starts
        if not await idle_queue_types(settings):
            break
        await asyncio.sleep(0.2)
    assert await idle_queue_types(settings) == []
    assert await idle_queue_types(settings, host="another-host") == ["workflow", "activity"]


async def test_worker_health_fails_without_a_worker(settings):
    assert await idle_queue_types(settings) == ["workflow", "activity"]
