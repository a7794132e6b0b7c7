"""The application's database role (SPEC §10): rows yes, schema no; audit records appended and linked, never
rewritten or deleted. PostgreSQL only: SQLite has no roles."""

import pytest
from psycopg import errors
from sqlalchemy import create_engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError

from config.settings import Settings
from store import audit
from store.db import make_engine, make_session_factory, sync_url
from store.models import AuditRecord, Department
from tests.deploy.postgres_roles import create_role_database, drop_role_database
from worker.setup import migrate_and_seed_calendar


@pytest.fixture(scope="module")
def role_settings():
    db = create_role_database()
    try:
        settings = Settings(_env_file=None, **{k.removeprefix("JOINTCHECK_").lower(): v
                                               for k, v in db.settings_env().items()})
        assert migrate_and_seed_calendar(settings) == db.names["app"]
        yield settings
    finally:
        drop_role_database(db)


@pytest.fixture
async def app_sessions(role_settings):
    engine = make_engine(role_settings.database_url)
    yield make_session_factory(engine)
    await engine.dispose()


def _refused(url: str, statement: str) -> str:
    """Run one statement on its own connection; answer PostgreSQL's reason for refusing it."""
    engine = create_engine(sync_url(url))
    try:
        with pytest.raises(DBAPIError) as caught, engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()
    assert isinstance(caught.value.orig, errors.InsufficientPrivilege), caught.value.orig
    return str(caught.value.orig)


async def _linked_and_unlinked(sessions) -> tuple[int, int]:
    """Write two records; link the first (as the worker's chainer does) and leave the second unlinked."""
    async with sessions.begin() as session:
        first = await audit.append(session, actor=audit.SYSTEM, action="test.privilege", target="test:linked")
    assert await audit.link_all(sessions) >= 1
    async with sessions.begin() as session:
        second = await audit.append(session, actor=audit.SYSTEM, action="test.privilege", target="test:unlinked")
    return first.id, second.id


def test_the_app_role_cannot_change_the_schema(role_settings):
    url = role_settings.database_url
    assert "permission denied for schema public" in _refused(url, "CREATE TABLE intruder (id int)")
    assert "must be owner" in _refused(url, "ALTER TABLE audit_records ADD COLUMN note text")
    assert "must be owner" in _refused(url, "DROP TABLE audit_records")
    assert "must be owner" in _refused(url, "DROP TRIGGER audit_records_append_only ON audit_records")
    assert "permission denied" in _refused(url, "UPDATE alembic_version SET version_num = '0001'")


async def test_the_app_role_writes_rows_and_links_the_audit_chain(role_settings, app_sessions):
    async with app_sessions.begin() as session:
        session.add(Department(code="TEST-LP", name="权限测试局", level="city", region_code="430300"))
    async with app_sessions.begin() as session:
        await session.execute(update(Department).where(Department.code == "TEST-LP").values(name="权限测试二局"))
    async with app_sessions.begin() as session:
        await session.execute(delete(Department).where(Department.code == "TEST-LP"))
    linked, unlinked = await _linked_and_unlinked(app_sessions)
    assert await audit.link_all(app_sessions) == 1  # the chainer links what was written since
    async with app_sessions() as session:
        verdict = await audit.verify_chain(session)
        rows = (await session.execute(select(AuditRecord).where(AuditRecord.id.in_([linked, unlinked])))).scalars()
        assert verdict.ok and all(r.seq is not None for r in rows)


async def test_the_app_role_cannot_rewrite_or_delete_audit_records(role_settings, app_sessions):
    linked, unlinked = await _linked_and_unlinked(app_sessions)
    url = role_settings.database_url
    assert "permission denied" in _refused(url, f"UPDATE audit_records SET actor = 'x' WHERE id = {linked}")
    assert "permission denied" in _refused(url, f"UPDATE audit_records SET change = '{{}}' WHERE id = {unlinked}")
    assert "permission denied" in _refused(url, f"DELETE FROM audit_records WHERE id = {linked}")
    assert "permission denied" in _refused(url, "TRUNCATE audit_records")
    # The link columns are the app's to set once; a linked record keeps its place in the chain.
    assert "already linked" in _refused(url, f"UPDATE audit_records SET seq = seq + 100000 WHERE id = {linked}")
    assert "already linked" in _refused(url, f"UPDATE audit_records SET hash = NULL WHERE id = {linked}")
    assert "together" in _refused(url, f"UPDATE audit_records SET seq = 999999 WHERE id = {unlinked}")


async def test_the_guard_holds_for_the_schema_owner_too(role_settings, app_sessions):
    linked, unlinked = await _linked_and_unlinked(app_sessions)
    owner = role_settings.owner_database_url
    assert "append-only" in _refused(owner, f"DELETE FROM audit_records WHERE id = {unlinked}")
    assert "append-only" in _refused(owner, "TRUNCATE audit_records")
    assert "already linked" in _refused(owner, f"UPDATE audit_records SET actor = 'x' WHERE id = {linked}")
    assert "only the chain link" in _refused(
        owner, f"UPDATE audit_records SET actor = 'x', seq = 999999, prev_hash = 'p', hash = 'h' WHERE id = {unlinked}")


def test_only_the_app_role_connects_besides_the_owner(role_settings):
    """deploy/postgres/roles.sql: PUBLIC may not connect to the application's database, nor to Temporal's."""
    temporal_db = role_settings.database_name.removesuffix("_jc") + "_temporal"
    app_url = role_settings.database_url
    engine = create_engine(sync_url(app_url.rsplit("/", 1)[0] + f"/{temporal_db}"))
    try:
        with pytest.raises(DBAPIError, match="permission denied for database"):
            engine.connect().close()
    finally:
        engine.dispose()
