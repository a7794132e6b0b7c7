"""Request and response shapes for departments, accounts and tokens."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "office", "dept_operator", "dept_approver"]
# Passwords are checked against domain.passwords by the route (api.deps.check_new_password), not here: a schema
# error would echo the rejected password back in its `input`.
NEW_PASSWORD = "the new password: at least 12 characters of at least 3 kinds (upper, lower, digit, symbol)"


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: str


class DepartmentCreate(BaseModel):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1, max_length=128)
    level: Literal["province", "city", "county"]
    region_code: str = Field(pattern=r"^\d{6}$", description="GB/T 2260 six-digit region code")


class DepartmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    level: str
    region_code: str


class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    password: str = Field(description=NEW_PASSWORD)
    role: Role
    department_code: str | None = Field(default=None, min_length=2, max_length=32)
    display_name: str = Field(default="", max_length=128)
    phone: str | None = Field(default=None, max_length=32)


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    username: str
    display_name: str
    role: str
    department_code: str | None
    totp_enabled: bool = False


class Me(UserPublic):
    """The logged-in account, with what its role asks of it."""

    totp_required: bool = Field(description="the role must use a second factor")
    totp_enrollment_required: bool = Field(description="required but not enrolled: only enrolment is allowed")
    password_changed_at: datetime | None = None


class UserAdminView(UserPublic):
    active: bool
    locked_until: datetime | None = Field(None, description="end of a login lock after failed logins, if locked")
    password_changed_at: datetime | None = None
    created_at: datetime


class UserPage(BaseModel):
    items: list[UserAdminView]
    total: int
    limit: int
    offset: int


class PasswordChange(BaseModel):
    current_password: str
    password: str = Field(description=NEW_PASSWORD)


class PasswordReset(BaseModel):
    password: str = Field(description=NEW_PASSWORD)


class TotpEnrollment(BaseModel):
    """A new secret for the user's authenticator app; it takes effect once a code from the app confirms it."""

    secret: str = Field(description="base32, for typing into the app by hand")
    otpauth_uri: str
    qr_svg_data_uri: str = Field(description="the otpauth URI as a QR code (SVG data URI)")


class TotpCode(BaseModel):
    code: str = Field(pattern=r"^\d{6}$", description="the 6-digit code the authenticator app shows now")
