"""What the application's database role may do on PostgreSQL (SPEC §10): read and write rows, never change the
schema; on the audit log only append records and link the unlinked ones (the guard trigger of migration 0009
refuses any other change, and DELETE and TRUNCATE, to everyone)."""

from sqlalchemy import create_engine, text

from store.models.audit import AuditRecord

AUDIT_TABLE = AuditRecord.__tablename__
# store.audit.link_pending sets these three once per record; nothing else of an audit record is ever written.
LINK_COLUMNS = ("seq", "prev_hash", "hash")


def app_role_statements(role: str, quote) -> list[str]:
    """The statements that leave `role` with exactly the rights the API and the worker use (idempotent)."""
    r = quote(role)
    links = ", ".join(LINK_COLUMNS)
    return [
        # Start from nothing, so a right granted by hand or by an older release does not linger.
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {r}",
        # PostgreSQL before 15 lets every role create objects in `public`; the owner of the schema takes it back.
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {AUDIT_TABLE} FROM {r}",
        f"GRANT UPDATE ({links}) ON {AUDIT_TABLE} TO {r}",
        f"REVOKE INSERT, UPDATE, DELETE ON alembic_version FROM {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
    ]


def grant_app_role(sync_database_url: str, role: str) -> None:
    """As the schema owner, give the application's role its rights on every table there is now."""
    engine = create_engine(sync_database_url)
    try:
        with engine.begin() as conn:
            for statement in app_role_statements(role, conn.dialect.identifier_preparer.quote):
                conn.execute(text(statement))
    finally:
        engine.dispose()
