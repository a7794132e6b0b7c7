"""`jointcheck temporal-setup`: the production namespace with its retention, and the search attributes.

Run once per deployment (the compose job `temporal-setup`) and again after an upgrade: it creates what is missing,
corrects the retention, and fails loudly when the server does not end up with every search attribute of
worker.temporal_server.SEARCH_ATTRIBUTES under its type — the one list the dev server is started with too."""

import asyncio
import logging
import time
from datetime import timedelta

from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.namespace.v1 import NamespaceConfig
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest
from temporalio.api.workflowservice.v1 import (DescribeNamespaceRequest, RegisterNamespaceRequest,
                                               UpdateNamespaceRequest)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from config.settings import Settings
from worker.temporal_server import SEARCH_ATTRIBUTES

log = logging.getLogger("jointcheck.temporal_setup")

# A closed task's history (every step, who did it, when) stays readable in Temporal for the audit period: the
# annual review looks back over a whole year (SPEC §7 全程留痕), so a year and a month's margin.
RETENTION = timedelta(days=400)
# A namespace just registered reaches every frontend within seconds; a server just started answers within a minute.
READY_TIMEOUT_SECONDS = 120


def _value_type(kind: str) -> int:
    return IndexedValueType.Value(f"INDEXED_VALUE_TYPE_{kind.upper()}")


async def registered_search_attributes(client: Client, namespace: str) -> dict[str, str]:
    """The custom search attributes of a namespace, as name → type name (`Keyword`, `Datetime`, …)."""
    answer = await client.operator_service.list_search_attributes(ListSearchAttributesRequest(namespace=namespace))
    prefix = len("INDEXED_VALUE_TYPE_")
    return {name: IndexedValueType.Name(kind)[prefix:].title() for name, kind in answer.custom_attributes.items()}


async def _ensure_namespace(client: Client, namespace: str, retention: timedelta) -> None:
    ttl = Duration(seconds=int(retention.total_seconds()))
    try:
        described = await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=namespace))
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(namespace=namespace, workflow_execution_retention_period=ttl))
        log.info("namespace %s registered with a retention of %d days", namespace, retention.days)
        return
    if described.config.workflow_execution_retention_ttl.seconds != ttl.seconds:
        await client.workflow_service.update_namespace(UpdateNamespaceRequest(
            namespace=namespace, config=NamespaceConfig(workflow_execution_retention_ttl=ttl)))
        log.info("namespace %s: retention set to %d days", namespace, retention.days)


class NotYet(Exception):
    """The server has not caught up yet (starting, or its namespace cache not refreshed): try again shortly."""


RETRYABLE = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.NOT_FOUND, RPCStatusCode.DEADLINE_EXCEEDED)


async def _ensure_search_attributes(client: Client, namespace: str) -> None:
    wanted = {name: _value_type(kind) for name, kind in SEARCH_ATTRIBUTES.items()}
    await client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(namespace=namespace, search_attributes=wanted))
    present = await registered_search_attributes(client, namespace)
    other_type = {name: present[name] for name, kind in SEARCH_ATTRIBUTES.items() if present.get(name, kind) != kind}
    if other_type:
        raise RuntimeError(f"namespace {namespace}: search attributes registered under another type: {other_type} "
                           f"(wanted {SEARCH_ATTRIBUTES}); a type cannot change, rename the attribute")
    missing = sorted(set(SEARCH_ATTRIBUTES) - set(present))
    if missing:
        raise NotYet(f"search attributes not listed yet: {missing}")


async def _connect(settings: Settings, deadline: float) -> Client:
    while True:
        try:
            return await Client.connect(settings.temporal_address, namespace=settings.temporal_namespace)
        except RuntimeError as exc:  # the SDK's "Failed client connect": the server is not listening yet
            if time.monotonic() > deadline:
                raise
            log.info("Temporal not reachable yet (%s); retrying", exc)
            await asyncio.sleep(2)


async def set_up_temporal(settings: Settings, *, retention: timedelta = RETENTION,
                          ready_timeout: float = READY_TIMEOUT_SECONDS) -> None:
    """Create or correct the namespace and its search attributes, retrying while the server is still starting;
    raise when it does not end up as wanted."""
    deadline = time.monotonic() + ready_timeout
    namespace = settings.temporal_namespace
    client = await _connect(settings, deadline)
    while True:
        try:
            await _ensure_namespace(client, namespace, retention)
            await _ensure_search_attributes(client, namespace)
        except (NotYet, RPCError) as exc:
            if isinstance(exc, RPCError) and exc.status not in RETRYABLE or time.monotonic() > deadline:
                raise
            log.info("Temporal not ready yet (%s); retrying", exc)
            await asyncio.sleep(2)
            continue
        log.info("namespace %s: retention %d days, search attributes %s", namespace, retention.days,
                 ", ".join(SEARCH_ATTRIBUTES))
        return
