"""One-off setup steps shared by the CLI and the dev launcher."""

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from config.settings import Settings
from domain import passwords
from store import accounts, grants, migrate
from store.audit import SYSTEM
from store.db import make_engine, make_session_factory, sync_url
from store.models import Department
from store.passwords import hash_password

ROLES_WITH_DEPARTMENT = ("dept_operator", "dept_approver")


def migrate_and_seed_calendar(settings: Settings) -> str | None:
    """As the schema owner: apply migrations, load every chinese-calendar year the database does not have yet, and
    grant the application's role its rights; answers that role (None when it is the owner itself, or SQLite)."""
    from store.calendar import seed_from_chinese_calendar

    owner_url = settings.owner_database_url
    migrate.upgrade(owner_url)
    seed_from_chinese_calendar(sync_url(owner_url))
    role = settings.app_role
    if role is None or role == make_url(owner_url).username:
        return None
    grants.grant_app_role(sync_url(owner_url), role)
    return role


async def seed_demo_data(settings: Settings) -> bool:
    """Load the demo data set unless the database already has departments; True when loaded."""
    from store.demo import load_demo

    engine = make_engine(settings.database_url)
    try:
        factory = make_session_factory(engine)
        async with factory() as session:
            if (await session.execute(select(func.count()).select_from(Department))).scalar_one():
                return False
            await load_demo(session)
            await session.commit()
            return True
    finally:
        await engine.dispose()


async def create_account(settings: Settings, *, username: str, password: str, role: str,
                         department_code: str | None, display_name: str = "") -> None:
    """Create an account from the command line (the first admin of a new installation)."""
    if role in ROLES_WITH_DEPARTMENT and not department_code:
        raise ValueError(f"--department is required for role {role}")
    if role not in ROLES_WITH_DEPARTMENT and department_code:
        raise ValueError(f"--department is not allowed for role {role}")
    rule = passwords.broken_rule(password)
    if rule is not None:
        raise ValueError(f"password {passwords.RULES[rule]}")
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            if await accounts.user_by_username(session, username):
                raise ValueError(f"user '{username}' already exists")
            if department_code and await accounts.department(session, department_code) is None:
                raise ValueError(f"department '{department_code}' does not exist")
            await accounts.create_user(session, actor=SYSTEM, username=username,
                                       password_hash=hash_password(password), role=role,
                                       department_code=department_code, display_name=display_name)
            await session.commit()
    finally:
        await engine.dispose()
