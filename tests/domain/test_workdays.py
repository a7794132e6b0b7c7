from datetime import date, datetime, timedelta, timezone

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.calendar_seed import chinese_calendar_year, seeded_calendar, supported_years
from domain.workdays import (
    SHANGHAI,
    Deadline,
    WorkdayCalendar,
    YearSchedule,
    add_working_days,
    drill_deadline,
    drill_reminder_at,
    drill_working_days_overdue,
    end_of_day,
    local_date,
    reminder_at,
    working_days_overdue,
)

CALENDAR = seeded_calendar()


def bj(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def due(start: datetime, working_days: int, calendar: WorkdayCalendar = CALENDAR) -> datetime:
    return add_working_days(start, working_days, calendar).due_at


def test_spec_example_national_day_2026():
    deadline = add_working_days(datetime.fromisoformat("2026-09-30T10:00+08:00"), 2, CALENDAR)
    assert deadline == Deadline(due_at=datetime.fromisoformat("2026-10-10T00:00+08:00"), provisional=False,
                                drill=False, years=frozenset({2026}))
    assert deadline.due_at.tzinfo is SHANGHAI


def test_national_day_2026_and_its_makeup_weekend_workdays():
    assert [chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 11)] == [False] * 7 + [True] * 3
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday, worked (调休)
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, worked (调休)
    assert due(bj(2026, 9, 18, 17), 1) == bj(2026, 9, 21)  # Fri → Sun 20 is day 1
    assert due(bj(2026, 10, 9, 9), 1) == bj(2026, 10, 11)  # Fri → Sat 10 is day 1
    assert due(bj(2026, 9, 30, 10), 3) == bj(2026, 10, 11)
    assert due(bj(2026, 9, 30, 10), 4) == bj(2026, 10, 13)  # Sun 11 is off


def test_spring_festival_2026_and_its_makeup_saturdays():
    off = [date(2026, 2, d) for d in (15, 16, 17, 18, 19, 20, 21, 22, 23)]
    assert not any(map(chinese_calendar.is_workday, off))
    assert chinese_calendar.is_workday(date(2026, 2, 14)) and chinese_calendar.is_workday(date(2026, 2, 28))
    assert due(bj(2026, 2, 13, 10), 1) == bj(2026, 2, 15)  # Sat 14 is day 1
    assert due(bj(2026, 2, 13, 10), 2) == bj(2026, 2, 25)  # day 2 is Tue 24
    assert due(bj(2026, 2, 24, 10), 4) == bj(2026, 3, 1)  # 25, 26, 27, Sat 28


def test_start_on_a_holiday_counts_from_the_next_day():
    assert due(bj(2026, 10, 1, 9), 1) == bj(2026, 10, 9)
    assert due(bj(2026, 10, 3, 9), 2) == bj(2026, 10, 10)


def test_start_late_in_the_evening_still_counts_from_the_next_day():
    assert due(bj(2026, 9, 30, 23, 59), 2) == bj(2026, 10, 10)
    assert due(bj(2026, 10, 8, 23, 59), 2) == bj(2026, 10, 11)


def test_start_in_utc_is_counted_on_the_beijing_date():
    # 16:30 UTC on 8 October is 00:30 on 9 October in Beijing: day 1 is Sat 10, day 2 is Mon 12.
    assert due(datetime(2026, 10, 8, 15, 59, tzinfo=timezone.utc), 2) == bj(2026, 10, 11)
    assert due(datetime(2026, 10, 8, 16, 30, tzinfo=timezone.utc), 2) == bj(2026, 10, 13)


def test_year_boundary_into_new_year_2026():
    # Dec 31 (1); Jan 1-3 off; Sun Jan 4 worked (2); Jan 5, 6, 7 (3-5).
    deadline = add_working_days(bj(2025, 12, 30, 15), 5, CALENDAR)
    assert (deadline.due_at, deadline.provisional, deadline.years) == (bj(2026, 1, 8), False, {2025, 2026})


def test_a_year_without_schedule_falls_back_to_monday_to_friday_and_is_provisional():
    only_2025 = WorkdayCalendar({2025: chinese_calendar_year(2025)})
    deadline = add_working_days(bj(2025, 12, 30, 15), 5, only_2025)
    assert (deadline.due_at, deadline.provisional) == (bj(2026, 1, 7), True)


def test_year_2031_has_no_data():
    assert chinese_calendar_year(2031) is None and not CALENDAR.is_loaded(2031)
    deadline = add_working_days(bj(2031, 1, 1, 9), 5, CALENDAR)  # a Wednesday; New Year's Day not known
    assert (deadline.due_at, deadline.provisional, deadline.years) == (bj(2031, 1, 9), True, {2031})


def test_bad_input_is_rejected():
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 9, 30, 10), 2, CALENDAR)
    with pytest.raises(ValueError):
        add_working_days(bj(2026, 9, 30, 10), 0, CALENDAR)
    with pytest.raises(ValueError):
        drill_deadline(datetime(2026, 9, 30, 10), 2, 1.0)
    with pytest.raises(ValueError):
        working_days_overdue(bj(2026, 10, 10), datetime(2026, 10, 12), CALENDAR)


@given(st.datetimes(min_value=datetime(2003, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(SHANGHAI)),
       st.integers(1, 30))
def test_deadline_counts_exactly_n_working_days_after_the_event_day(start, working_days):
    deadline = add_working_days(start, working_days, CALENDAR)
    counted_days = [start.date() + timedelta(days=i) for i in range(1, (deadline.due_at.date() - start.date()).days)]
    assert sum(map(CALENDAR.is_workday, counted_days)) == working_days
    assert CALENDAR.is_workday(counted_days[-1])
    assert deadline.provisional == any(not CALENDAR.is_loaded(day.year) for day in counted_days)
    first_counted = next(day for day in counted_days if CALENDAR.is_workday(day))
    assert reminder_at(deadline, working_days, CALENDAR) == bj(first_counted.year, first_counted.month,
                                                              first_counted.day)


def test_seed_matches_chinese_calendar_day_by_day():
    assert supported_years() == range(2004, 2027)
    assert chinese_calendar_year(2003) is None and chinese_calendar_year(2027) is None
    for offset in range((date(2026, 12, 31) - date(2004, 1, 1)).days + 1):
        day = date(2004, 1, 1) + timedelta(days=offset)
        assert CALENDAR.is_workday(day) == chinese_calendar.is_workday(day), day
    schedule = chinese_calendar_year(2026)
    assert schedule.makeup_workdays == {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9),
                                        date(2026, 9, 20), date(2026, 10, 10)}
    assert date(2026, 10, 1) in schedule.holidays and date(2026, 10, 3) not in schedule.holidays


def test_year_schedule_is_validated_and_normalised_from_a_published_notice():
    with pytest.raises(ValueError):
        YearSchedule(2026, frozenset({date(2026, 10, 3)}), frozenset())  # a Saturday is no holiday to declare
    with pytest.raises(ValueError):
        YearSchedule(2026, frozenset(), frozenset({date(2026, 10, 9)}))  # a Friday is worked anyway
    with pytest.raises(ValueError):
        YearSchedule(2026, frozenset({date(2027, 1, 1)}), frozenset())
    notice = YearSchedule.from_published(2026, {date(2026, 10, d) for d in range(1, 8)},
                                         {date(2026, 9, 20), date(2026, 10, 10)})
    assert notice.holidays == {date(2026, 10, d) for d in (1, 2, 5, 6, 7)}
    assert notice.makeup_workdays == {date(2026, 9, 20), date(2026, 10, 10)}
    with pytest.raises(ValueError):
        WorkdayCalendar({2025: notice})


def test_changing_a_year_moves_deadlines_that_depend_on_it():
    published = CALENDAR.schedules[2026]
    extra_day_off = YearSchedule(2026, published.holidays | {date(2026, 10, 9)}, published.makeup_workdays)
    moved = CALENDAR.with_schedule(extra_day_off)
    assert due(bj(2026, 9, 30, 10), 2, moved) == bj(2026, 10, 11)  # Oct 8, then make-up Saturday Oct 10
    assert due(bj(2026, 9, 30, 10), 2) == bj(2026, 10, 10)  # the original calendar is untouched


def test_drill_deadline():
    deadline = drill_deadline(datetime(2026, 9, 30, 2, tzinfo=timezone.utc), 2, 3.0)
    assert deadline == Deadline(due_at=bj(2026, 9, 30, 10, 0, 6), provisional=False, drill=True)
    assert drill_reminder_at(deadline, 1, 3.0) == bj(2026, 9, 30, 10, 0, 3)
    with pytest.raises(ValueError):
        reminder_at(deadline, 1, CALENDAR)
    assert drill_working_days_overdue(deadline.due_at, deadline.due_at, 3.0) == 0
    assert drill_working_days_overdue(deadline.due_at, deadline.due_at + timedelta(seconds=0.5), 3.0) == 1
    assert drill_working_days_overdue(deadline.due_at, deadline.due_at + timedelta(seconds=6), 3.0) == 2


def test_reminder_at_counts_working_days_back_from_the_due_instant():
    deadline = add_working_days(bj(2026, 9, 30, 10), 2, CALENDAR)
    assert reminder_at(deadline, 1, CALENDAR) == bj(2026, 10, 9)
    assert reminder_at(deadline, 2, CALENDAR) == bj(2026, 10, 8)
    assert reminder_at(deadline, 3, CALENDAR) == bj(2026, 9, 30)  # before the event: the caller decides
    after_makeup_saturday = add_working_days(bj(2026, 10, 9, 10), 1, CALENDAR)
    assert reminder_at(after_makeup_saturday, 1, CALENDAR) == bj(2026, 10, 10)
    publication = add_working_days(bj(2026, 9, 25, 10), 20, CALENDAR)
    # Sep 28-30 (3), Oct 8-10 (6), 12-16 (11), 19-23 (16), 26-29 (20); five back from the 30th is the 23rd.
    assert publication.due_at == bj(2026, 10, 30)
    assert reminder_at(publication, 5, CALENDAR) == bj(2026, 10, 23)


@pytest.mark.parametrize(("now", "overdue"), [
    (bj(2026, 10, 9, 23, 59), 0),
    (bj(2026, 10, 10), 0),
    (bj(2026, 10, 10, 0, 5), 1),  # a few minutes into Saturday 10, a make-up workday
    (bj(2026, 10, 11, 12), 1),
    (bj(2026, 10, 12, 9), 2),
    (datetime(2026, 10, 14, 1, tzinfo=timezone.utc), 4),  # 09:00 on Wednesday 14 in Beijing
])
def test_working_days_overdue(now, overdue):
    assert working_days_overdue(bj(2026, 10, 10), now, CALENDAR) == overdue


def test_overdue_only_over_a_weekend_is_zero_working_days():
    assert working_days_overdue(bj(2026, 10, 17), bj(2026, 10, 18, 23), CALENDAR) == 0
    assert working_days_overdue(bj(2026, 10, 17), bj(2026, 10, 19, 8), CALENDAR) == 1


def test_today_in_beijing_is_the_date_of_the_instant_at_utc_plus_8():
    # 16:30 UTC on 31 December is already New Year's Day in Beijing; 15:59 UTC is not.
    assert local_date(datetime(2026, 12, 31, 16, 30, tzinfo=timezone.utc)) == date(2027, 1, 1)
    assert local_date(datetime(2026, 12, 31, 15, 59, tzinfo=timezone.utc)) == date(2026, 12, 31)
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 12, 31, 12, 0))


def test_a_date_deadline_ends_at_midnight_beijing():
    assert end_of_day(date(2026, 3, 20)) == bj(2026, 3, 21) == datetime(2026, 3, 20, 16, tzinfo=timezone.utc)

