"""The working-day calendar as shipped: statutory holidays and 调休 make-up workdays from `chinese_calendar`.

Only whole-day facts are taken from the package; counting stays in domain.workdays, because
chinese_calendar.find_workday counts the start day and SPEC §3 does not.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

import chinese_calendar

from domain.workdays import WorkdayCalendar, YearSchedule


def supported_years() -> range:
    """The years the installed chinese_calendar has data for (2004–2026 in version 1.11)."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


@cache
def chinese_calendar_year(year: int) -> YearSchedule | None:
    """The year's schedule according to chinese_calendar, or None for a year it has no data for."""
    if year not in supported_years():
        return None
    holidays: set[date] = set()
    makeup_workdays: set[date] = set()
    day = date(year, 1, 1)
    while day.year == year:
        try:
            worked = chinese_calendar.is_workday(day)
        except NotImplementedError:
            # The package's own range check is authoritative, should it ever disagree with supported_years().
            return None
        if day.weekday() < 5 and not worked:
            holidays.add(day)
        elif day.weekday() >= 5 and worked:
            makeup_workdays.add(day)
        day += timedelta(days=1)
    return YearSchedule(year=year, holidays=frozenset(holidays), makeup_workdays=frozenset(makeup_workdays))


def seeded_calendar() -> WorkdayCalendar:
    """A calendar with every year chinese_calendar knows loaded; other years fall back to Monday–Friday."""
    schedules = {year: chinese_calendar_year(year) for year in supported_years()}
    return WorkdayCalendar({year: schedule for year, schedule in schedules.items() if schedule is not None})
