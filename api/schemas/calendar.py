"""Request and response shapes of the working-day calendar and the deadline calculator (SPEC §2, §3, §9)."""

from datetime import date, datetime

from pydantic import BaseModel, Field

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CalendarDayPublic(BaseModel):
    date: date
    name: str = Field(description="the festival the day belongs to, empty when unknown")


class CalendarYearPublic(BaseModel):
    year: int
    loaded: bool = Field(description="false: no schedule for this year, Monday–Friday assumed")
    provisional: bool = Field(description="deadlines over this year are provisional (true when not loaded)")
    source: str | None = Field(description="chinese_calendar (shipped seed) or office (loaded by the office)")
    loaded_at: datetime | None
    loaded_by: str | None
    holidays: list[CalendarDayPublic] = Field(description="weekdays that are not working days")
    makeup_workdays: list[CalendarDayPublic] = Field(description="weekend days that are working days (调休)")


class CalendarYearLoaded(CalendarYearPublic):
    running_tasks_notified: bool = Field(description="false when telling running tasks failed (see the log)")


class CalendarYearPut(BaseModel):
    """A year's schedule as the State Council publishes it: weekday holidays and weekend make-up workdays."""

    holidays: list[date] = Field(max_length=366)
    makeup_workdays: list[date] = Field(default=[], max_length=366)
    names: dict[date, str] = Field(default={}, description="optional festival name per listed date")


def schedule_errors(year: int, body: CalendarYearPut) -> list[dict]:
    """Every date that does not fit the year's schedule, in FastAPI's validation-error shape."""
    problems: list[dict] = []

    def problem(loc: list, msg: str) -> None:
        problems.append({"loc": ["body", *loc], "msg": msg, "type": "value_error"})

    for field, days, weekend_wanted in (("holidays", body.holidays, False),
                                        ("makeup_workdays", body.makeup_workdays, True)):
        for index, day in enumerate(days):
            weekday = WEEKDAY_NAMES[day.weekday()]
            if day.year != year:
                problem([field, index], f"{day.isoformat()} is not in {year}")
            elif weekend_wanted and day.weekday() < 5:
                problem([field, index], f"{day.isoformat()} is a {weekday}: a make-up workday must be a weekend day")
            elif not weekend_wanted and day.weekday() >= 5:
                problem([field, index], f"{day.isoformat()} is a {weekday}: a holiday must be a weekday "
                                        "(weekend days are off anyway)")
        duplicates = sorted({d.isoformat() for d in days if days.count(d) > 1})
        if duplicates:
            problem([field], f"listed twice: {', '.join(duplicates)}")
    for day in sorted(set(body.holidays) & set(body.makeup_workdays)):
        problem(["makeup_workdays"], f"{day.isoformat()} is listed both as a holiday and as a make-up workday")
    listed = set(body.holidays) | set(body.makeup_workdays)
    for day, name in body.names.items():
        if day not in listed:
            problem(["names", day.isoformat()], f"{day.isoformat()} is neither a listed holiday nor a make-up workday")
        elif len(name) > 64:
            problem(["names", day.isoformat()], "a name has at most 64 characters")
    return problems


class DeadlinePublic(BaseModel):
    start: datetime
    working_days: int
    due_at: datetime = Field(description="24:00 of the last counted working day, Asia/Shanghai")
    provisional: bool = Field(description="true when a year the count crossed has no loaded schedule")
    drill: bool = Field(description="true in drill mode (演练模式): every working day lasts a few seconds")
