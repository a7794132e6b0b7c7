"""`jointcheck worker-health`: the worker container's healthcheck — is a worker on this host polling its queue?

A live process is not enough: a worker that lost Temporal, or whose pollers stopped, does no work. Temporal itself
knows who polls a task queue and when each poller last asked; a healthy worker here asks at least once a minute
(each long poll lasts up to a minute) for both workflow and activity tasks."""

import socket
from datetime import datetime, timedelta, timezone

from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

from config.temporal import connect
from config.settings import Settings

POLLED_WITHIN = timedelta(seconds=90)
QUEUE_TYPES = {"workflow": TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, "activity": TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY}


async def idle_queue_types(settings: Settings, host: str | None = None) -> list[str]:
    """The kinds of task (workflow, activity) that no worker on `host` (this one) has polled for lately."""
    client = await connect(settings)
    # The SDK names a client `pid@hostname` unless told otherwise; a container's hostname is its own.
    suffix = f"@{host or socket.gethostname()}"
    now = datetime.now(timezone.utc)
    idle = []
    for name, kind in QUEUE_TYPES.items():
        answer = await client.workflow_service.describe_task_queue(DescribeTaskQueueRequest(
            namespace=settings.temporal_namespace, task_queue=TaskQueue(name=settings.task_queue),
            task_queue_type=kind))
        if not any(p.identity.endswith(suffix) and now - p.last_access_time.ToDatetime(timezone.utc) < POLLED_WITHIN
                   for p in answer.pollers):
            idle.append(name)
    return idle
