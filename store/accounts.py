"""Queries and writes for departments and accounts."""

from datetime import datetime, timezone

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store import audit, login_guard
from store.models import Department, User


async def user_by_username(session: AsyncSession, username: str) -> User | None:
    if "\x00" in username:  # no username has one, and PostgreSQL refuses it in any text
        return None
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


async def list_users(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[User], int]:
    """A page of accounts by username, and how many there are."""
    total = (await session.execute(select(func.count()).select_from(User))).scalar_one()
    rows = await session.execute(select(User).order_by(User.username).limit(limit).offset(offset))
    return list(rows.scalars()), total


def _revoke_sessions(user: User) -> None:
    """Every token and console session issued before now stops working (api.security)."""
    user.token_version += 1


async def set_active(session: AsyncSession, *, actor: audit.Actor, user: User, active: bool) -> None:
    """Disable (ending every session at once) or enable an account; enabling also lifts a login lock."""
    user.active = active
    if active:
        await login_guard.clear(session, user.username)
    else:
        _revoke_sessions(user)
    await session.flush()
    await audit.append(session, actor=actor, action="user.enable" if active else "user.disable",
                       target=f"user:{user.username}")


async def set_password(session: AsyncSession, *, actor: audit.Actor, user: User, password_hash: str,
                       by_admin: bool) -> None:
    """A new password (the admin's reset, or the user's own change); every existing session ends."""
    user.password_hash = password_hash
    user.password_changed_at = datetime.now(timezone.utc)
    _revoke_sessions(user)
    if by_admin:
        await login_guard.clear(session, user.username)
    await session.flush()
    await audit.append(session, actor=actor, action="user.reset_password" if by_admin else "user.change_password",
                       target=f"user:{user.username}")


async def start_totp(session: AsyncSession, *, actor: audit.Actor, user: User, sealed_secret: str) -> None:
    """Keep a new (sealed) secret until the user proves with a code that the authenticator holds it."""
    user.totp_pending = sealed_secret
    await session.flush()
    await audit.append(session, actor=actor, action="user.totp_enrollment_started", target=f"user:{user.username}")


async def confirm_totp(session: AsyncSession, *, actor: audit.Actor, user: User, step: int) -> None:
    """The pending secret becomes the account's second factor; sessions opened without it end."""
    user.totp_secret, user.totp_pending, user.totp_last_step = user.totp_pending, None, step
    _revoke_sessions(user)
    await session.flush()
    await audit.append(session, actor=actor, action="user.totp_enrolled", target=f"user:{user.username}")


async def reset_totp(session: AsyncSession, *, actor: audit.Actor, user: User) -> None:
    """The admin removes an account's second factor (a lost phone); its sessions end and it enrols anew."""
    user.totp_secret = user.totp_pending = user.totp_last_step = None
    _revoke_sessions(user)
    await session.flush()
    await audit.append(session, actor=actor, action="user.reset_totp", target=f"user:{user.username}")


async def use_totp_step(session: AsyncSession, user: User, step: int) -> bool:
    """Record `step` as used unless it (or a later one) already was: True when the code may be accepted."""
    used = await session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step).returning(User.id).execution_options(synchronize_session=False))
    if used.first() is None:
        return False
    user.totp_last_step = step
    return True
