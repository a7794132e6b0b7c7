"""draw record v2: final seed, public entropy, freeze removals, departures, exclusion reasons, frozen matching pools,
experts in assignments, office settings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 09:00:00

Record format 2 (docs/draw.md §7): `draws` gains what the v2 record states beyond v1 (all empty for v1 draws);
`match_pools` holds each department's eligible inspectors per drawn object, frozen in the transaction that reveals
the seed; `assignments.expert` marks external experts (never one of the two officers); `office_settings` holds
rules the office sets for every task, such as the annual cap of joint inspections per object ("无事不扰").
"""

import sqlalchemy as sa
from alembic import op

import store.types


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('draws') as batch:
        batch.add_column(sa.Column('final_seed', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('public_entropy', sa.JSON(), nullable=True))
        batch.add_column(sa.Column('annual_cap', sa.Integer(), nullable=True))
        for column in ('removed_at_freeze', 'left_scope', 'exclusion_reasons'):
            batch.add_column(sa.Column(column, sa.JSON(), nullable=False, server_default='[]'))
    with op.batch_alter_table('assignments') as batch:
        batch.add_column(sa.Column('expert', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table('match_pools',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('frozen_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department_code', 'object_id', name=op.f('pk_match_pools'))
    )
    op.create_table('office_settings',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_office_settings'))
    )


def downgrade() -> None:
    op.drop_table('office_settings')
    op.drop_table('match_pools')
    with op.batch_alter_table('assignments') as batch:
        batch.drop_column('expert')
    with op.batch_alter_table('draws') as batch:
        for column in ('exclusion_reasons', 'left_scope', 'removed_at_freeze', 'annual_cap', 'public_entropy',
                       'final_seed'):
            batch.drop_column(column)
