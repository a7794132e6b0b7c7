"""audit_records: the chain is linked after commit (seq), so concurrent writers no longer serialise on it

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 23:45:00

Records are written unlinked (seq, prev_hash, hash NULL) in their mutation's transaction; store.audit.link_pending
gives them their chain position and hashes. Records chained before this revision keep their links: their chain
order was their id order.
"""

import sqlalchemy as sa
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_records') as batch:
        batch.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=True)
        batch.alter_column('hash', existing_type=sa.String(length=64), nullable=True)
        batch.create_unique_constraint('uq_audit_records_seq', ['seq'])
    op.execute("UPDATE audit_records SET seq = id")
    op.create_index('ix_audit_records_unlinked', 'audit_records', ['id'], postgresql_where=sa.text('seq IS NULL'),
                    sqlite_where=sa.text('seq IS NULL'))


def downgrade() -> None:
    op.drop_index('ix_audit_records_unlinked', table_name='audit_records')
    op.execute("DELETE FROM audit_records WHERE seq IS NULL")
    with op.batch_alter_table('audit_records') as batch:
        batch.drop_constraint('uq_audit_records_seq', type_='unique')
        batch.drop_column('seq')
        batch.alter_column('hash', existing_type=sa.String(length=64), nullable=False)
        batch.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
