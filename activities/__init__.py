"""Temporal activities; `build_activities` wires them to a session factory for the worker."""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from config.settings import Settings


def build_activities(session_factory: async_sessionmaker[AsyncSession], settings: Settings) -> list:
    """Every activity callable the worker registers."""
    from activities.calendar import CalendarActivities
    from activities.draw import DrawActivities
    from activities.lifecycle import LifecycleActivities

    return [*CalendarActivities(session_factory, settings).all(), *DrawActivities(session_factory, settings).all(),
            *LifecycleActivities(session_factory, settings).all()]
