"""Deadline arithmetic as activities: the calendar may change between runs, so workflows never compute it."""

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from config.settings import Settings
from domain import workdays
from store.calendar import load_calendar


class DeadlineRequest(BaseModel):
    start: datetime
    working_days: int
    remind_working_days_before: int = 0


class DeadlineAnswer(BaseModel):
    due_at: datetime
    provisional: bool
    drill: bool
    years: list[int] = []
    remind_at: datetime | None = None


class CalendarActivities:
    """Owns the session factory and the drill setting."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> None:
        self._sessions = session_factory
        self._drill_seconds = settings.drill_workday_seconds

    def all(self) -> list:
        return [self.compute_deadline]

    @activity.defn(name="compute_deadline")
    async def compute_deadline(self, request: DeadlineRequest) -> DeadlineAnswer:
        """Due time (and reminder time) N working days after start, by SPEC §3 or drill mode."""
        return await deadline_for(self._sessions, self._drill_seconds, request)


async def deadline_for(sessions: async_sessionmaker[AsyncSession], drill_seconds: float | None,
                       request: DeadlineRequest) -> DeadlineAnswer:
    """Shared by the activity and the API's deadline endpoint so both count the same way."""
    n_before = request.remind_working_days_before
    if drill_seconds:
        deadline = workdays.drill_deadline(request.start, request.working_days, drill_seconds)
        remind = workdays.drill_reminder_at(deadline, n_before, drill_seconds) if n_before else None
    else:
        async with sessions() as session:
            calendar = await load_calendar(session)
        deadline = workdays.add_working_days(request.start, request.working_days, calendar)
        remind = workdays.reminder_at(deadline, n_before, calendar) if n_before else None
    return DeadlineAnswer(due_at=deadline.due_at, provisional=deadline.provisional, drill=deadline.drill,
                          years=sorted(deadline.years), remind_at=remind)
