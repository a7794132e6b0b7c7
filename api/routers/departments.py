"""Departments (admin writes, any user reads); accounts are in api.routers.users."""

from fastapi import APIRouter, HTTPException, status

from api import errors
from api.deps import CurrentUser, SessionDep, actor_of, require_roles
from api.schemas.accounts import DepartmentCreate, DepartmentPublic
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
