"""master data calendar plans

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 01:05:12.942987
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('loaded_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('loaded_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )
    op.create_table('region_adjacency',
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('adjacent_code', sa.String(length=6), nullable=False),
    sa.PrimaryKeyConstraint('region_code', 'adjacent_code', name=op.f('pk_region_adjacency'))
    )
    op.create_table('annual_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('joint_plan_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('object_scope', sa.JSON(), nullable=False),
    sa.Column('ratio', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('credit_risk_ratios', sa.JSON(), nullable=False),
    sa.Column('lead_office', sa.String(length=128), nullable=False),
    sa.Column('cooperating_offices', sa.JSON(), nullable=False),
    sa.Column('planned_months', sa.JSON(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('published_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_annual_plans_department_code_departments')),
    sa.ForeignKeyConstraint(['joint_plan_id'], ['annual_plans.id'], name=op.f('fk_annual_plans_joint_plan_id_annual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_plans'))
    )
    with op.batch_alter_table('annual_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_plans_year'), ['year'], unique=False)

    op.create_table('calendar_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['year'], ['calendar_years.year'], name=op.f('fk_calendar_days_year_calendar_years'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_days'))
    )
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_days_year'), ['year'], unique=False)

    op.create_table('inspection_objects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('address', sa.String(length=512), nullable=False),
    sa.Column('legal_representative', sa.String(length=64), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('industry_code', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('credit_risk_class', sa.String(length=1), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('owner_department_code', sa.String(length=32), nullable=True),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_department_code'], ['departments.code'], name=op.f('fk_inspection_objects_owner_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_objects')),
    sa.UniqueConstraint('uscc', name=op.f('uq_inspection_objects_uscc'))
    )
    with op.batch_alter_table('inspection_objects', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_objects_industry', ['industry_code'], unique=False)
        batch_op.create_index('ix_inspection_objects_scope', ['status', 'region_code', 'credit_risk_class'], unique=False)

    op.create_table('inspectors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('id_card_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('region_codes', sa.JSON(), nullable=False),
    sa.Column('certificate_number', sa.String(length=64), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('method_tags', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('conflict_usccs', sa.JSON(), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_inspectors_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspectors')),
    sa.UniqueConstraint('id_card_number', name=op.f('uq_inspectors_id_card_number'))
    )
    with op.batch_alter_table('inspectors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspectors_department_code'), ['department_code'], unique=False)

    op.create_table('items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('legal_basis', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(length=256), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('item_class', sa.String(length=1), nullable=False),
    sa.Column('annual_ratio_cap', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('frequency', sa.String(length=64), nullable=False),
    sa.Column('required_tags', sa.JSON(), nullable=False),
    sa.Column('object_tags', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['department_code'], ['departments.code'], name=op.f('fk_items_department_code_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_items')),
    sa.UniqueConstraint('code', 'version', name='uq_items_code_version')
    )
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_items_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_items_department_code'), ['department_code'], unique=False)

    op.create_table('annual_plan_adjustments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['annual_plans.id'], name=op.f('fk_annual_plan_adjustments_plan_id_annual_plans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_plan_adjustments'))
    )
    with op.batch_alter_table('annual_plan_adjustments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_plan_adjustments_plan_id'), ['plan_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('annual_plan_adjustments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_plan_adjustments_plan_id'))

    op.drop_table('annual_plan_adjustments')
    with op.batch_alter_table('items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_items_department_code'))
        batch_op.drop_index(batch_op.f('ix_items_code'))

    op.drop_table('items')
    with op.batch_alter_table('inspectors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspectors_department_code'))

    op.drop_table('inspectors')
    with op.batch_alter_table('inspection_objects', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_objects_scope')
        batch_op.drop_index('ix_inspection_objects_industry')

    op.drop_table('inspection_objects')
    with op.batch_alter_table('calendar_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_days_year'))

    op.drop_table('calendar_days')
    with op.batch_alter_table('annual_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annual_plans_year'))

    op.drop_table('annual_plans')
    op.drop_table('region_adjacency')
    op.drop_table('calendar_years')
