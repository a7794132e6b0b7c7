"""Reading and loading the working-day calendar (SPEC §2): chinese-calendar seed, office-loaded years."""

from datetime import date, datetime, timezone

import chinese_calendar
from sqlalchemy import create_engine, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.calendar_seed import chinese_calendar_year, supported_years
from domain.workdays import WorkdayCalendar, YearSchedule
from store import audit
from store.models import CalendarDay, CalendarYear


def _rows_for(schedule: YearSchedule, names: dict[date, str] | None = None) -> list[CalendarDay]:
    names = names or {}
    rows = [CalendarDay(day=d, year=schedule.year, kind="holiday", name=names.get(d, ""))
            for d in sorted(schedule.holidays)]
    rows += [CalendarDay(day=d, year=schedule.year, kind="makeup_workday", name=names.get(d, ""))
             for d in sorted(schedule.makeup_workdays)]
    return rows


def _chinese_calendar_names(schedule: YearSchedule) -> dict[date, str]:
    """The festival each seeded date belongs to (国庆节, 春节 …), so the seeded years read like a State Council notice."""
    chinese = {h.value: h.chinese for h in chinese_calendar.Holiday}
    english = {**chinese_calendar.holidays, **chinese_calendar.workdays}
    return {d: chinese.get(english[d], english[d]) for d in schedule.holidays | schedule.makeup_workdays
            if english.get(d)}


def seed_from_chinese_calendar(sync_database_url: str) -> list[int]:
    """Insert each year chinese-calendar knows and the database lacks; never touches a year already there."""
    engine = create_engine(sync_database_url)
    seeded: list[int] = []
    try:
        with Session(engine) as session, session.begin():
            present = set(session.execute(select(CalendarYear.year)).scalars())
            for year in supported_years():
                if year in present:
                    continue
                schedule = chinese_calendar_year(year)
                if schedule is None:
                    continue
                session.add(CalendarYear(year=year, source="chinese_calendar",
                                         loaded_at=datetime.now(timezone.utc), loaded_by="system"))
                session.flush()
                session.add_all(_rows_for(schedule, _chinese_calendar_names(schedule)))
                seeded.append(year)
    finally:
        engine.dispose()
    return seeded


async def load_calendar(session: AsyncSession) -> WorkdayCalendar:
    """The calendar as the domain needs it: every loaded year with its exceptions."""
    years = {y: (set(), set()) for y in (await session.execute(select(CalendarYear.year))).scalars()}
    for row in (await session.execute(select(CalendarDay))).scalars():
        years[row.year][0 if row.kind == "holiday" else 1].add(row.day)
    return WorkdayCalendar({y: YearSchedule(year=y, holidays=frozenset(h), makeup_workdays=frozenset(m))
                            for y, (h, m) in years.items()})


async def year_detail(session: AsyncSession, year: int) -> tuple[CalendarYear | None, list[CalendarDay]]:
    """The year's load record (None when never loaded) and its exception days in date order."""
    meta = await session.get(CalendarYear, year)
    days = (await session.execute(select(CalendarDay).where(CalendarDay.year == year)
                                  .order_by(CalendarDay.day))).scalars().all()
    return meta, list(days)


async def replace_year(session: AsyncSession, *, actor: audit.Actor, schedule: YearSchedule,
                       names: dict[date, str] | None = None) -> CalendarYear:
    """The office loads a year's schedule as published by the State Council; it replaces what was there."""
    meta, old_days = await year_detail(session, schedule.year)
    before = {"holidays": [str(d.day) for d in old_days if d.kind == "holiday"],
              "makeup_workdays": [str(d.day) for d in old_days if d.kind == "makeup_workday"]}
    await session.execute(delete(CalendarDay).where(CalendarDay.year == schedule.year))
    now = datetime.now(timezone.utc)
    if meta is None:
        meta = CalendarYear(year=schedule.year, source="office", loaded_at=now, loaded_by=actor.username)
        session.add(meta)
    else:
        meta.source, meta.loaded_at, meta.loaded_by = "office", now, actor.username
    await session.flush()
    session.add_all(_rows_for(schedule, names))
    await audit.append(session, actor=actor, action="calendar.load_year", target=f"calendar:{schedule.year}",
                       change={"before": before,
                               "after": {"holidays": sorted(map(str, schedule.holidays)),
                                         "makeup_workdays": sorted(map(str, schedule.makeup_workdays))}})
    return meta
