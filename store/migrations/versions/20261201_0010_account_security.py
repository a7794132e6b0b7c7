"""account security: token versions, sealed TOTP secrets, failed-login counters per username and per address

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 09:00:00

GB/T 22239-2019 level 3 accounts (SPEC §10): `users.token_version` ends every token and console session of an
account when it is bumped; `totp_secret`/`totp_pending` hold sealed TOTP secrets (api.sealed), `totp_last_step`
the last accepted time step. `login_failures` counts failures per submitted username (existing or not) and holds
its lock; `login_address_failures` counts failures per client address in a window.
"""

import sqlalchemy as sa
from alembic import op

import store.types


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('token_version', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('password_changed_at', store.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('totp_secret', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('totp_pending', sa.String(length=255), nullable=True))
        batch.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))
    op.create_table('login_failures',
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failed_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', store.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('username', name=op.f('pk_login_failures'))
    )
    op.create_index(op.f('ix_login_failures_last_failed_at'), 'login_failures', ['last_failed_at'])
    op.create_table('login_address_failures',
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('window_started_at', store.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('address', name=op.f('pk_login_address_failures'))
    )
    op.create_index(op.f('ix_login_address_failures_window_started_at'), 'login_address_failures',
                    ['window_started_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_login_address_failures_window_started_at'), table_name='login_address_failures')
    op.drop_table('login_address_failures')
    op.drop_index(op.f('ix_login_failures_last_failed_at'), table_name='login_failures')
    op.drop_table('login_failures')
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last_step')
        batch.drop_column('totp_pending')
        batch.drop_column('totp_secret')
        batch.drop_column('password_changed_at')
        batch.drop_column('token_version')
