"""lifecycle read model

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-23 01:28:38.001193
"""

from alembic import op
import sqlalchemy as sa

import store.types


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assignments',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('inspector_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('from_adjacent_region', sa.Boolean(), nullable=False),
    sa.Column('assigned_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'object_id', 'department_code', 'inspector_id', name=op.f('pk_assignments'))
    )
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.create_index('ix_assignments_object_department', ['object_id', 'department_code'], unique=False)

    op.create_table('draw_populations',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('stratum', sa.String(length=16), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('ids', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'stratum', name=op.f('pk_draw_populations'))
    )
    op.create_table('draws',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('algorithm', sa.String(length=64), nullable=False),
    sa.Column('seed_commitment', sa.String(length=64), nullable=False),
    sa.Column('seed', sa.String(length=64), nullable=True),
    sa.Column('scope', sa.JSON(), nullable=False),
    sa.Column('population_size', sa.Integer(), nullable=False),
    sa.Column('population_sha256', sa.String(length=64), nullable=False),
    sa.Column('sizes', sa.JSON(), nullable=False),
    sa.Column('ratios', sa.JSON(), nullable=True),
    sa.Column('exclusions', sa.JSON(), nullable=False),
    sa.Column('selection', sa.JSON(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('proposed_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('proposed_by', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_draws'))
    )
    op.create_table('followups',
    sa.Column('followup_id', sa.String(length=160), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('due_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('receiving_department_code', sa.String(length=32), nullable=True),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('followup_id', name=op.f('pk_followups'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followups_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_followups_task_id'), ['task_id'], unique=False)

    op.create_table('matchings',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('record', sa.JSON(), nullable=False),
    sa.Column('matched_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('matched_by', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department_code', name=op.f('pk_matchings'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.Column('issued_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_department_code'), ['department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_task_id'), ['task_id'], unique=False)

    op.create_table('notifications',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_pending', ['delivered_at', 'department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_task_id'), ['task_id'], unique=False)

    op.create_table('overdue_steps',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('due_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_overdue_steps'))
    )
    with op.batch_alter_table('overdue_steps', schema=None) as batch_op:
        batch_op.create_index('ix_overdue_steps_department', ['department_code', 'step'], unique=False)
        batch_op.create_index('ix_overdue_steps_open', ['resolved_at', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_overdue_steps_task_id'), ['task_id'], unique=False)

    op.create_table('results',
    sa.Column('result_id', sa.String(length=128), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('result_code', sa.String(length=32), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('inspector_ids', sa.JSON(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=True),
    sa.Column('enterprise_demands', sa.JSON(), nullable=False),
    sa.Column('demands_solved_on_site', sa.Boolean(), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('confidential_reason', sa.Text(), nullable=False),
    sa.Column('rectification_due', sa.Date(), nullable=True),
    sa.Column('submitted_by', sa.String(length=64), nullable=True),
    sa.Column('submitted_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('publish_due_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('publish_due_provisional', sa.Boolean(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('result_id', name=op.f('pk_results'))
    )
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.create_index('ix_results_department_state', ['department_code', 'state'], unique=False)
        batch_op.create_index('ix_results_object', ['object_id'], unique=False)
        batch_op.create_index('ix_results_public', ['state', 'confidential', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_results_task_id'), ['task_id'], unique=False)

    op.create_table('task_objects',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('region_code', sa.String(length=6), nullable=False),
    sa.Column('credit_risk_class', sa.String(length=1), nullable=False),
    sa.Column('stratum', sa.String(length=16), nullable=False),
    sa.Column('ordinal', sa.Integer(), nullable=False),
    sa.Column('inspection_date', sa.Date(), nullable=True),
    sa.Column('schedule_confirmed_by', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'object_id', name=op.f('pk_task_objects'))
    )
    with op.batch_alter_table('task_objects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_objects_object_id'), ['object_id'], unique=False)

    op.create_table('task_participants',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('item_codes', sa.JSON(), nullable=False),
    sa.Column('item_versions', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department_code', name=op.f('pk_task_participants'))
    )
    with op.batch_alter_table('task_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_participants_department_code'), ['department_code'], unique=False)

    op.create_table('task_responses',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('department_code', sa.String(length=32), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('due_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('drill', sa.Boolean(), nullable=False),
    sa.Column('remind_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('responded_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', 'department_code', name=op.f('pk_task_responses'))
    )
    with op.batch_alter_table('task_responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_responses_department_code'), ['department_code'], unique=False)

    op.create_table('tasks',
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=256), nullable=False),
    sa.Column('lead_department_code', sa.String(length=32), nullable=False),
    sa.Column('initiated_by', sa.String(length=64), nullable=False),
    sa.Column('initiator_role', sa.String(length=32), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('seed_commitment', sa.String(length=64), nullable=False),
    sa.Column('input', sa.JSON(), nullable=False),
    sa.Column('planned', sa.Boolean(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=16), nullable=False),
    sa.Column('window_start', sa.Date(), nullable=True),
    sa.Column('window_end', sa.Date(), nullable=True),
    sa.Column('created_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('task_id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_lead_department_code'), ['lead_department_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index('ix_tasks_stage_updated', ['stage', 'updated_at'], unique=False)

    op.create_table('timeline_events',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=64), nullable=False),
    sa.Column('at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('actor_department_code', sa.String(length=32), nullable=True),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=True),
    sa.Column('department_code', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_timeline_events'))
    )
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.create_index('ix_timeline_events_task_at', ['task_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_index('ix_timeline_events_task_at')

    op.drop_table('timeline_events')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_stage_updated')
        batch_op.drop_index(batch_op.f('ix_tasks_plan_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_lead_department_code'))

    op.drop_table('tasks')
    with op.batch_alter_table('task_responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_responses_department_code'))

    op.drop_table('task_responses')
    with op.batch_alter_table('task_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_participants_department_code'))

    op.drop_table('task_participants')
    with op.batch_alter_table('task_objects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_objects_object_id'))

    op.drop_table('task_objects')
    with op.batch_alter_table('results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_results_task_id'))
        batch_op.drop_index('ix_results_public')
        batch_op.drop_index('ix_results_object')
        batch_op.drop_index('ix_results_department_state')

    op.drop_table('results')
    with op.batch_alter_table('overdue_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_overdue_steps_task_id'))
        batch_op.drop_index('ix_overdue_steps_open')
        batch_op.drop_index('ix_overdue_steps_department')

    op.drop_table('overdue_steps')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_task_id'))
        batch_op.drop_index('ix_notifications_pending')

    op.drop_table('notifications')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_task_id'))
        batch_op.drop_index(batch_op.f('ix_notices_department_code'))

    op.drop_table('notices')
    op.drop_table('matchings')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followups_task_id'))
        batch_op.drop_index(batch_op.f('ix_followups_department_code'))

    op.drop_table('followups')
    op.drop_table('draws')
    op.drop_table('draw_populations')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_assignments_object_department')

    op.drop_table('assignments')
