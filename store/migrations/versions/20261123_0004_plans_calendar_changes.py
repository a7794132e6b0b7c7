"""plans: author, submission and update times; one joint plan per year

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-23 02:00:00
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

_JOINT = sa.text("kind = 'joint'")


def upgrade() -> None:
    with op.batch_alter_table('annual_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('submitted_at', store.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=True))
    op.create_index('uq_annual_plans_joint_year', 'annual_plans', ['year'], unique=True,
                    sqlite_where=_JOINT, postgresql_where=_JOINT)


def downgrade() -> None:
    op.drop_index('uq_annual_plans_joint_year', table_name='annual_plans')
    with op.batch_alter_table('annual_plans', schema=None) as batch_op:
        batch_op.drop_column('updated_at')
        batch_op.drop_column('submitted_at')
        batch_op.drop_column('created_by')
