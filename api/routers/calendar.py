"""The working-day calendar (工作日历) and the deadline calculator (SPEC §2, §3, §9)."""

import logging
from datetime import datetime

from fastapi import APIRouter, HTTPException, Path, Query, Request

from activities.calendar import DeadlineRequest, deadline_for
from api.deps import CurrentUser, SessionDep, SettingsDep, actor_of, require_roles
from api.params import instant_in_range
from api.schemas.calendar import (CalendarDayPublic, CalendarYearLoaded, CalendarYearPublic, CalendarYearPut,
                                  DeadlinePublic, schedule_errors)
from domain.workdays import YearSchedule
from store import calendar as calendar_store
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["calendar"])
log = logging.getLogger(__name__)
OFFICE = require_roles("office")
YEAR = Path(ge=2000, le=2100, description="calendar year")


def _needs_offset(field: str) -> str:
    return (f"{field} needs a timezone offset (ISO 8601), e.g. 2026-09-30T10:00:00+08:00; "
            "URL-encode '+' as %2B")


def aware_instant(value: str, field: str) -> datetime:
    """An ISO 8601 instant with an offset; a naive one is refused because the hour would be ambiguous."""
    # A '+' that was not URL-encoded arrives as a space: put it back rather than refuse a well-meant request.
    text = value.strip()
    if " " in text and "T" in text:
        text = text[::-1].replace(" ", "+", 1)[::-1]
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise HTTPException(422, [
            {"loc": ["query", field], "msg": f"'{value}' is not an ISO 8601 date-time", "type": "value_error"}]) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise HTTPException(422, [
            {"loc": ["query", field], "msg": _needs_offset(field), "type": "value_error"}])
    try:
        return instant_in_range(instant)
    except ValueError as exc:
        raise HTTPException(422, [{"loc": ["query", field], "msg": str(exc), "type": "value_error"}]) from None


@router.get("/calendar/deadline", response_model=DeadlinePublic,
            responses={422: {"description": "start without a timezone offset, or working_days outside 1..365"}})
async def deadline(request: Request, settings: SettingsDep, session: SessionDep, _user: CurrentUser,
                   start: str = Query(description="the event, ISO 8601 with offset"),
                   working_days: int = Query(ge=1, le=365)) -> DeadlinePublic:
    """The due instant N working days after `start`, counted as SPEC §3 says (or in drill mode)."""
    event = aware_instant(start, "start")
    # deadline_for opens its own session; on SQLite every transaction holds the write lock (store.db), so the
    # request's own transaction (the login lookup) must end first or the two would wait on each other.
    await session.commit()
    answer = await deadline_for(request.app.state.session_factory, settings.drill_workday_seconds,
                                DeadlineRequest(start=event, working_days=working_days))
    return DeadlinePublic(start=event, working_days=working_days, due_at=answer.due_at,
                          provisional=answer.provisional, drill=answer.drill)


@router.get("/calendar/{year}", response_model=CalendarYearPublic)
async def get_year(session: SessionDep, _user: CurrentUser, year: int = YEAR) -> CalendarYearPublic:
    """The year's holidays and make-up workdays; a year never loaded is Monday–Friday and provisional."""
    return await _year_public(session, year)


@router.put("/calendar/{year}", response_model=CalendarYearLoaded,
            responses={403: {"description": "only the office loads the calendar"},
                       422: {"description": "a date outside the year, a weekend holiday, a weekday make-up "
                                            "workday, or a date in both lists"}})
async def put_year(body: CalendarYearPut, request: Request, session: SessionDep, year: int = YEAR,
                   user: User = OFFICE) -> CalendarYearLoaded:
    """Load the year's schedule as published by the State Council; it replaces what was there."""
    problems = schedule_errors(year, body)
    if problems:
        raise HTTPException(422, problems)
    schedule = YearSchedule(year=year, holidays=frozenset(body.holidays),
                            makeup_workdays=frozenset(body.makeup_workdays))
    await calendar_store.replace_year(session, actor=actor_of(user), schedule=schedule, names=body.names)
    await session.commit()
    notified = await _tell_running_tasks(request, year)
    return CalendarYearLoaded(**(await _year_public(session, year)).model_dump(), running_tasks_notified=notified)


async def _tell_running_tasks(request: Request, year: int) -> bool:
    # Running workflows recompute their deadlines through these hooks (the app registers the Temporal one).
    notified = True
    for hook in getattr(request.app.state, "calendar_changed_hooks", []):
        try:
            await hook(year)
        except Exception:  # noqa: BLE001 - the year is saved; a failed notice must not look like a failed load
            log.exception("calendar %s saved, but a calendar-changed hook failed", year)
            notified = False
    return notified


async def _year_public(session, year: int) -> CalendarYearPublic:
    meta, days = await calendar_store.year_detail(session, year)

    def listed(kind: str) -> list[CalendarDayPublic]:
        return [CalendarDayPublic(date=d.day, name=d.name) for d in days if d.kind == kind]

    return CalendarYearPublic(
        year=year, loaded=meta is not None, provisional=meta is None, source=meta.source if meta else None,
        loaded_at=meta.loaded_at if meta else None, loaded_by=meta.loaded_by if meta else None,
        holidays=listed("holiday"), makeup_workdays=listed("makeup_workday"))
