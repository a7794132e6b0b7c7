"""Bounds shared by every route's numbers and dates, so that what the database or the calendar arithmetic
cannot hold is refused with a 422 naming the field, before any query or computation.

Row ids are PostgreSQL `integer` columns: an id beyond 2^31-1 cannot exist. Offsets share the bound (no list is
that long). Dates and instants stay within 1900–2999: a working-day count from 9999-12-31 or an instant in
year 1 at +14:00 would leave the range Python's datetime can hold.
"""

from datetime import date, datetime
from typing import Annotated

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, Field

INT4_MAX = 2**31 - 1
MAX_PAGE = 500
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)

RowId = Annotated[int, Path(ge=1, le=INT4_MAX)]
Offset = Annotated[int, Query(ge=0, le=INT4_MAX, description="rows to skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="rows to return")]
BodyId = Annotated[int, Field(ge=1, le=INT4_MAX)]


def day_in_range(day: date) -> date:
    """The day itself, or ValueError when it is outside 1900-01-01..2999-12-31."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return day


def instant_in_range(instant: datetime) -> datetime:
    """The instant itself, or ValueError when its own date is outside 1900-01-01..2999-12-31."""
    if not EARLIEST_DAY <= instant.replace(tzinfo=None).date() <= LATEST_DAY:
        raise ValueError(f"must be between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}")
    return instant


Day = Annotated[date, AfterValidator(day_in_range)]
Instant = Annotated[AwareDatetime, AfterValidator(instant_in_range)]
