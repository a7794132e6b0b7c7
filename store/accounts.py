"""Queries and writes for departments and accounts."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from store import audit
from store.models import Department, User


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()


async def department(session: AsyncSession, code: str) -> Department | None:
    return await session.get(Department, code)


async def list_departments(session: AsyncSession) -> list[Department]:
    return list((await session.execute(select(Department).order_by(Department.code))).scalars())


async def create_department(session: AsyncSession, *, actor: audit.Actor, code: str, name: str, level: str,
                            region_code: str) -> Department:
    dept = Department(code=code, name=name, level=level, region_code=region_code)
    session.add(dept)
    await session.flush()
    await audit.append(session, actor=actor, action="department.create", target=f"department:{code}",
                       change={"code": code, "name": name, "level": level, "region_code": region_code})
    return dept


async def create_user(session: AsyncSession, *, actor: audit.Actor, username: str, password_hash: str, role: str,
                      department_code: str | None, display_name: str = "", phone: str | None = None) -> User:
    user = User(username=username, password_hash=password_hash, role=role, department_code=department_code,
                display_name=display_name or username, phone=phone)
    session.add(user)
    await session.flush()
    await audit.append(session, actor=actor, action="user.create", target=f"user:{username}",
                       change={"username": username, "role": role, "department_code": department_code})
    return user
