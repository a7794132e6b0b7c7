"""The working-day calendar: which years are loaded, and their holidays and make-up workdays."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base
from store.types import UTCDateTime


class CalendarYear(Base):
    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(String(32), nullable=False)  # chinese_calendar | office
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    loaded_by: Mapped[str] = mapped_column(String(64), nullable=False)


class CalendarDay(Base):
    """A date that departs from Monday–Friday: a weekday holiday or a weekend make-up workday (调休)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(ForeignKey("calendar_years.year", ondelete="CASCADE"), nullable=False,
                                      index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # holiday | makeup_workday
    name: Mapped[str] = mapped_column(String(64), nullable=False, default="")
