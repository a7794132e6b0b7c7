"""Helpers for API tests: accounts and tokens made through the real store and the real login endpoint."""

import httpx

from api.security import hash_password
from store import accounts
from store.audit import SYSTEM

PASSWORD = "correct-horse-9"


async def make_department(session_factory, code: str, name: str | None = None, region_code: str = "430300") -> None:
    async with session_factory() as session:
        await accounts.create_department(session, actor=SYSTEM, code=code, name=name or f"部门{code}",
                                         level="city", region_code=region_code)
        await session.commit()


async def make_user(session_factory, username: str, role: str, department_code: str | None = None) -> None:
    async with session_factory() as session:
        await accounts.create_user(session, actor=SYSTEM, username=username, password_hash=hash_password(PASSWORD),
                                   role=role, department_code=department_code)
        await session.commit()


async def login(client: httpx.AsyncClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    """Authorization headers for the user, obtained through POST /api/v1/auth/token."""
    response = await client.post("/api/v1/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def user_headers(client, session_factory, username: str, role: str, department_code: str | None = None):
    """Create the account (and its department when missing) and log in."""
    if department_code:
        async with session_factory() as session:
            exists = await accounts.department(session, department_code)
        if exists is None:
            await make_department(session_factory, department_code)
    await make_user(session_factory, username, role, department_code)
    return await login(client, username)
