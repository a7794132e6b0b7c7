"""How deadlines are counted (SPEC §3, Civil Code arts. 201 and 203): the one module that knows it.

The day of the event is not counted; counting starts the next day; only working days count; the deadline is
24:00 of the last counted working day, written as 00:00 of the day after. Everything is in Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class YearSchedule:
    """One year as published by the State Council: weekdays that are off, and weekend days that are worked (调休)."""

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]

    def __post_init__(self) -> None:
        # Strict so that two equal schedules are equal objects: a change to a year is then a plain != test.
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "makeup_workdays", frozenset(self.makeup_workdays))
        for day in self.holidays | self.makeup_workdays:
            if day.year != self.year:
                raise ValueError(f"calendar {self.year}: {day.isoformat()} is not in that year")
        weekend_holidays = sorted(day.isoformat() for day in self.holidays if day.weekday() >= 5)
        if weekend_holidays:
            raise ValueError(f"calendar {self.year}: holidays must be weekdays, got {weekend_holidays}")
        weekday_makeups = sorted(day.isoformat() for day in self.makeup_workdays if day.weekday() < 5)
        if weekday_makeups:
            raise ValueError(f"calendar {self.year}: make-up workdays must be weekend days, got {weekday_makeups}")

    @classmethod
    def from_published(cls, year: int, days_off: Iterable[date], days_worked: Iterable[date]) -> YearSchedule:
        """A schedule from a notice that lists whole holiday periods, weekends included; redundant days are dropped."""
        days_off, days_worked = set(days_off), set(days_worked)
        overlap = sorted(day.isoformat() for day in days_off & days_worked)
        if overlap:
            raise ValueError(f"calendar {year}: days both off and worked: {overlap}")
        return cls(year=year,
                   holidays=frozenset(day for day in days_off if day.weekday() < 5),
                   makeup_workdays=frozenset(day for day in days_worked if day.weekday() >= 5))


class WorkdayCalendar:
    """Working days: loaded years follow their schedule, any other year falls back to Monday–Friday."""

    def __init__(self, schedules: Mapping[int, YearSchedule] | None = None) -> None:
        schedules = dict(schedules or {})
        for year, schedule in schedules.items():
            if schedule.year != year:
                raise ValueError(f"calendar: schedule for {schedule.year} filed under {year}")
        self._schedules: Mapping[int, YearSchedule] = MappingProxyType(schedules)

    @property
    def schedules(self) -> Mapping[int, YearSchedule]:
        """The loaded years' schedules, read-only."""
        return self._schedules

    def is_loaded(self, year: int) -> bool:
        """Whether a schedule is loaded for the year (otherwise deadlines over it are provisional)."""
        return year in self._schedules

    def is_workday(self, day: date) -> bool:
        """Whether the day is a working day."""
        schedule = self._schedules.get(day.year)
        if schedule is None:
            return day.weekday() < 5
        if day in schedule.makeup_workdays:
            return True
        return day.weekday() < 5 and day not in schedule.holidays

    def with_schedule(self, schedule: YearSchedule) -> WorkdayCalendar:
        """A new calendar with the year's schedule loaded or replaced."""
        return WorkdayCalendar({**self._schedules, schedule.year: schedule})


@dataclass(frozen=True)
class Deadline:
    """A due instant; `years` lists the calendar years it depended on, to recompute it when one of them changes."""

    due_at: datetime
    provisional: bool
    drill: bool
    years: frozenset[int] = field(default=frozenset())


def add_working_days(start: datetime, working_days: int, calendar: WorkdayCalendar) -> Deadline:
    """The deadline `working_days` working days after the event at `start` (SPEC §3)."""
    _require_count("working_days", working_days, minimum=1)
    day = local_date(start)
    counted = 0
    years: set[int] = set()
    while counted < working_days:
        day += _ONE_DAY
        years.add(day.year)
        if calendar.is_workday(day):
            counted += 1
    return Deadline(due_at=_start_of(day + _ONE_DAY), provisional=not all(map(calendar.is_loaded, years)),
                    drill=False, years=frozenset(years))


def drill_deadline(start: datetime, working_days: int, seconds_per_workday: float) -> Deadline:
    """A drill-mode deadline: every working day lasts `seconds_per_workday` seconds, calendar ignored."""
    _require_aware(start)
    _require_count("working_days", working_days, minimum=1)
    _require_positive_seconds(seconds_per_workday)
    due_at = start.astimezone(SHANGHAI) + timedelta(seconds=working_days * seconds_per_workday)
    return Deadline(due_at=due_at, provisional=False, drill=True)


def reminder_at(deadline: Deadline, working_days_before: int, calendar: WorkdayCalendar) -> datetime:
    """00:00 of the n-th working day counted back from the due instant; it may lie before the event itself."""
    if deadline.drill:
        raise ValueError("reminder_at: a drill deadline needs drill_reminder_at")
    _require_count("working_days_before", working_days_before, minimum=1)
    # The last day that begins before the due instant is the first one counted back.
    day = (deadline.due_at.astimezone(SHANGHAI) - timedelta(microseconds=1)).date()
    counted = 1 if calendar.is_workday(day) else 0
    while counted < working_days_before:
        day -= _ONE_DAY
        if calendar.is_workday(day):
            counted += 1
    return _start_of(day)


def drill_reminder_at(deadline: Deadline, working_days_before: int, seconds_per_workday: float) -> datetime:
    """The drill-mode reminder: `working_days_before` drill working days before the due instant."""
    _require_count("working_days_before", working_days_before, minimum=1)
    _require_positive_seconds(seconds_per_workday)
    return deadline.due_at - timedelta(seconds=working_days_before * seconds_per_workday)


def working_days_overdue(due_at: datetime, now: datetime, calendar: WorkdayCalendar) -> int:
    """Working days that have begun after `due_at` and before `now`, each counted whole once any part has elapsed.

    0 when now <= due_at. One minute late on a working day is 1 working day overdue; late only over a weekend
    or a holiday is still 0 working days overdue, although the step is overdue (due_at < now says so).
    """
    _require_aware(due_at)
    _require_aware(now)
    if now <= due_at:
        return 0
    day, last_day = local_date(due_at), local_date(now)
    overdue = 0
    while day <= last_day:
        elapsed_part = max(_start_of(day), due_at) < min(_start_of(day + _ONE_DAY), now)
        if elapsed_part and calendar.is_workday(day):
            overdue += 1
        day += _ONE_DAY
    return overdue


def drill_working_days_overdue(due_at: datetime, now: datetime, seconds_per_workday: float) -> int:
    """working_days_overdue in drill mode: drill working days begun since `due_at`, 0 when not overdue."""
    _require_aware(due_at)
    _require_aware(now)
    _require_positive_seconds(seconds_per_workday)
    late = (now - due_at).total_seconds()
    return 0 if late <= 0 else int(-(-late // seconds_per_workday))


def local_date(instant: datetime) -> date:
    """The Asia/Shanghai calendar date of an aware instant ("today in Beijing" of workflow.now() or datetime.now())."""
    _require_aware(instant)
    return instant.astimezone(SHANGHAI).date()


def end_of_day(day: date) -> datetime:
    """24:00 of a calendar day in Beijing (written as 00:00 of the next day): a deadline given as a date."""
    return _start_of(day + _ONE_DAY)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _require_aware(instant: datetime) -> None:
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a datetime, got {type(instant).__name__}")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant.isoformat()}: a time zone is required")


def _require_count(name: str, value: int, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")


def _require_positive_seconds(seconds: float) -> None:
    if not seconds > 0:
        raise ValueError(f"seconds_per_workday: must be positive, got {seconds!r}")
