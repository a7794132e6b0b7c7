"""Read-model writes of the joint-task lifecycle: each activity is one idempotent transaction keyed by the record."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from config.settings import Settings
from domain.records import (
    FollowupRecord, FormRecord, NotificationRecord, OverdueRecord, ReadModelBatch, ScheduleRecord, TaskEvent,
    TaskSnapshot,
)
from store import read_model, results


class LifecycleActivities:
    """Owns the session factory; every method opens, writes and commits its own session."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = session_factory
        self._settings = settings

    def all(self) -> list:
        # The workflows write through record_batch; the one-record activities serve histories recorded before it.
        return [self.record_batch, self.record_task, self.record_event, self.notify, self.record_overdue,
                self.record_schedule, self.record_form, self.record_followup]

    @activity.defn(name="record_batch")
    async def record_batch(self, batch: ReadModelBatch) -> list[str]:
        """A workflow's queued writes in one transaction (what the workflows call); answers the keys written."""
        async with self._sessions.begin() as session:
            return await read_model.record_batch(session, batch)

    @activity.defn(name="record_task")
    async def record_task(self, snapshot: TaskSnapshot) -> None:
        """Upsert the task row, its participants and its responders."""
        async with self._sessions.begin() as session:
            await read_model.record_task(session, snapshot)

    @activity.defn(name="record_event")
    async def record_event(self, event: TaskEvent) -> None:
        """Add a timeline event and, with it in the same transaction, its audit record — once."""
        async with self._sessions.begin() as session:
            await read_model.record_events(session, [event])

    @activity.defn(name="notify")
    async def notify(self, notification: NotificationRecord) -> None:
        """Put a notification in the outbox, once."""
        async with self._sessions.begin() as session:
            await read_model.record_notifications(session, [notification])

    @activity.defn(name="record_overdue")
    async def record_overdue(self, record: OverdueRecord) -> None:
        """Record (or resolve) an overdue step and flag the response, form or follow-up it belongs to."""
        async with self._sessions.begin() as session:
            await read_model.record_overdue(session, record)

    @activity.defn(name="record_schedule")
    async def record_schedule(self, record: ScheduleRecord) -> None:
        """Store the joint inspection day of the drawn objects."""
        async with self._sessions.begin() as session:
            await read_model.record_schedule(session, record)

    @activity.defn(name="record_form")
    async def record_form(self, record: FormRecord) -> None:
        """Upsert a result form by result_id, ignoring writes older than the stored revision."""
        async with self._sessions.begin() as session:
            await results.record_form(session, record)

    @activity.defn(name="record_followup")
    async def record_followup(self, record: FollowupRecord) -> None:
        """Upsert a follow-up by followup_id, ignoring writes older than the stored revision."""
        async with self._sessions.begin() as session:
            await results.record_followup(session, record)
