"""How both workflows write the read model: records queued and written in batches, and the timeline events and
notifications numbered so that a replay or a retry writes the same keys (the read model is idempotent by key)."""

import asyncio

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from domain.keys import event_key, notification_key
    from domain.records import ActorRef, NotificationRecord, ReadModelBatch, TaskEvent
    from workflows.common import call


class ReadModel:
    """A workflow's read-model writes, queued and written in batches: one local activity per batch, not per record.

    Records queued while a batch is being written go into the next batch, in order (group commit); `flush` returns
    once everything queued before it is in the read model. Events and notifications share one counter per
    workflow: their keys are `<workflow id>:<n>` and `<workflow id>:n<n>` in the order the workflow made them."""

    def __init__(self, task_id: str, object_id: int | None = None) -> None:
        self._task_id, self._object_id = task_id, object_id
        self._queued = ReadModelBatch()
        self._writing = asyncio.Lock()
        self._seq = 0

    def queue(self, kind: str, record: BaseModel) -> None:
        # A copy: the workflow goes on changing its own objects while the record waits for its batch.
        getattr(self._queued, kind).append(record.model_copy(deep=True))

    def event(self, actor: ActorRef, kind: str, detail: dict, *, department: str | None = None) -> None:
        """A timeline event of the task (of the object, for an object's workflow)."""
        self._seq += 1
        self.queue("events", TaskEvent(
            key=event_key(workflow.info().workflow_id, self._seq), task_id=self._task_id, at=workflow.now(),
            actor=actor, kind=kind, object_id=self._object_id, department_code=department, detail=detail))

    def notify(self, department: str | None, kind: str, message: str) -> None:
        """A notification in the outbox, for a department (None: for the office)."""
        self._seq += 1
        self.queue("notifications", NotificationRecord(
            key=notification_key(workflow.info().workflow_id, self._seq), task_id=self._task_id, kind=kind,
            message=message, department_code=department, created_at=workflow.now()))

    async def flush(self) -> None:
        async with self._writing:
            if self._queued.is_empty():
                return
            batch, self._queued = self._queued, ReadModelBatch()
            await call("record_batch", batch, list[str])
