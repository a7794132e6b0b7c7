"""Request and response shapes for departments, accounts and tokens."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["admin", "office", "dept_operator", "dept_approver"]


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
    password: str = Field(min_length=8, max_length=128)
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
