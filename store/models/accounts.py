"""Departments and user accounts (SPEC §1, §2), and the failed-login counters that throttle logins (SPEC §10)."""

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.models.base import Base, CreatedAt
from store.types import UTCDateTime

ROLES = ("admin", "office", "dept_operator", "dept_approver")
DEPARTMENT_ROLES = ("dept_operator", "dept_approver")
LEVELS = ("province", "city", "county")


class Department(CreatedAt, Base):
    __tablename__ = "departments"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False)
    region_code: Mapped[str] = mapped_column(String(6), nullable=False)


class User(CreatedAt, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(String(256), nullable=False)
    role: Mapped[str] = mapped_column(String(32), nullable=False)
    department_code: Mapped[str | None] = mapped_column(ForeignKey("departments.code"), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    # Tokens and console sessions carry this number; bumping it ends every one of them (api.security).
    token_version: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # TOTP secrets, sealed (api.sealed): the confirmed one, and one awaiting its first code.
    totp_secret: Mapped[str | None] = mapped_column(String(255), nullable=True)
    totp_pending: Mapped[str | None] = mapped_column(String(255), nullable=True)
    # The last time step whose code was accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger, nullable=True)

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None


class LoginFailure(Base):
    """Recent failed logins for a username, whether or not such an account exists (so a lock reveals nothing)."""

    __tablename__ = "login_failures"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AddressFailure(Base):
    """Failed logins from one client address in its current window (shared by every API process)."""

    __tablename__ = "login_address_failures"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False)
