"""inspection_objects: the scope index carries the object id, so a draw reads its population from the index alone

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 16:00:00

Key (status, region_code, id): a region's eligible ids come out of an index-only scan already ascending, which is
what the draw freezes and hashes (docs/draw.md); credit_risk_class rides along (INCLUDE on PostgreSQL) for
stratified draws and the population counts. Replaces the old (status, region_code, credit_risk_class) key.
"""

from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_inspection_objects_scope', table_name='inspection_objects')
    op.create_index('ix_inspection_objects_scope', 'inspection_objects', ['status', 'region_code', 'id'],
                    postgresql_include=['credit_risk_class'])


def downgrade() -> None:
    op.drop_index('ix_inspection_objects_scope', table_name='inspection_objects')
    op.create_index('ix_inspection_objects_scope', 'inspection_objects',
                    ['status', 'region_code', 'credit_risk_class'])
