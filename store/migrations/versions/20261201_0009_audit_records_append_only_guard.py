"""audit_records: a guard trigger on PostgreSQL — append and link only, no other change, no DELETE or TRUNCATE

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00

The application's role has column rights for linking (store.grants); this trigger refuses, to every role, any
UPDATE other than linking a record that is still unlinked (seq, prev_hash and hash, all three at once), any DELETE
and any TRUNCATE. SQLite has no roles and stays as it was: the hash chain itself shows any change there.
"""

from alembic import op


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

GUARD = """
CREATE FUNCTION audit_records_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'audit records are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF OLD.seq IS NOT NULL OR OLD.prev_hash IS NOT NULL OR OLD.hash IS NOT NULL THEN
        RAISE EXCEPTION 'audit record % is already linked into the chain', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.seq IS NULL OR NEW.prev_hash IS NULL OR NEW.hash IS NULL THEN
        RAISE EXCEPTION 'linking audit record % sets seq, prev_hash and hash together', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- Every other column, present and future, stays as it was written.
    IF to_jsonb(NEW) - ARRAY['seq', 'prev_hash', 'hash']
            IS DISTINCT FROM to_jsonb(OLD) - ARRAY['seq', 'prev_hash', 'hash'] THEN
        RAISE EXCEPTION 'only the chain link of audit record % may be set', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(GUARD)
    op.execute("CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
               "FOR EACH ROW EXECUTE FUNCTION audit_records_guard()")
    op.execute("CREATE TRIGGER audit_records_no_truncate BEFORE TRUNCATE ON audit_records "
               "FOR EACH STATEMENT EXECUTE FUNCTION audit_records_guard()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER audit_records_no_truncate ON audit_records")
    op.execute("DROP TRIGGER audit_records_append_only ON audit_records")
    op.execute("DROP FUNCTION audit_records_guard()")
