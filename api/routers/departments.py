"""Departments (admin writes, any user reads) and accounts (admin)."""

from fastapi import APIRouter, HTTPException, status

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, require_roles
from api.schemas.accounts import DepartmentCreate, DepartmentPublic, UserCreate, UserPublic
from api.security import hash_password
from store import accounts
from store.models import User

router = APIRouter(prefix="/api/v1", tags=["departments and accounts"])
ADMIN = require_roles("admin")


@router.get("/departments", response_model=list[DepartmentPublic])
async def list_departments(session: SessionDep, _user: CurrentUser) -> list[DepartmentPublic]:
    """Every department."""
    return [DepartmentPublic.model_validate(d) for d in await accounts.list_departments(session)]


@router.post("/departments", response_model=DepartmentPublic, status_code=201,
             responses={409: {"description": "code already used"}})
async def create_department(body: DepartmentCreate, session: SessionDep, admin: User = ADMIN) -> DepartmentPublic:
    """Add a department."""
    if await accounts.department(session, body.code):
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("department", body.code))
    dept = await accounts.create_department(session, actor=actor_of(admin), **body.model_dump())
    await session.commit()
    return DepartmentPublic.model_validate(dept)


@router.post("/users", response_model=UserPublic, status_code=201,
             responses={409: {"description": "username taken"}, 422: {"description": "role/department mismatch"}})
async def create_user(body: UserCreate, session: SessionDep, admin: User = ADMIN) -> UserPublic:
    """Create an account; department roles need an existing department_code, others must not have one."""
    if await validate_account(session, body.username, body.role, body.department_code) is not None:
        raise HTTPException(status.HTTP_409_CONFLICT, errors.already_exists("user", body.username))
    user = await accounts.create_user(session, actor=actor_of(admin), username=body.username,
                                      password_hash=hash_password(body.password), role=body.role,
                                      department_code=body.department_code, display_name=body.display_name,
                                      phone=body.phone)
    await session.commit()
    return UserPublic.model_validate(user)


async def validate_account(session, username: str, role: str, department_code: str | None) -> User | None:
    """Raise 422 for a role/department mismatch; return the existing user with that name, if any."""
    if role in ("dept_operator", "dept_approver"):
        if not department_code:
            raise HTTPException(422, errors.field_error("department_code", f"required for role '{role}'"))
        if await accounts.department(session, department_code) is None:
            raise HTTPException(422, errors.field_error("department_code",
                                                        errors.not_found("department", department_code)))
    elif department_code:
        raise HTTPException(422, errors.field_error("department_code", f"must be empty for role '{role}'"))
    return await accounts.user_by_username(session, username)
