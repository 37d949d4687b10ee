"""job leases and runs: which process holds each job now, and every run with its process

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 10:00:00

Each named job is run by exactly one process at a time, the one holding its lease (a lock:
:mod:`hypercare.store.ownership`). ``job_state`` now shows that holder (host:pid, what it
is, since when, its last heartbeat), and ``job_run`` keeps each run with the process that ran
it, so an overlap would show.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for column in ('holder', 'holder_command'):
        op.add_column('job_state', sa.Column(column, sa.String(), nullable=False,
                                             server_default=sa.text("''")))
        if op.get_bind().dialect.name != "sqlite":
            op.alter_column('job_state', column, server_default=None)
    for column in ('held_since', 'holder_beat_at'):
        op.add_column('job_state', sa.Column(column, hypercare.store.types.UTCDateTime(),
                                             nullable=True))
    op.create_table(
        'job_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('host', sa.String(), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('command', sa.String(), nullable=False),
        sa.Column('started_at', hypercare.store.types.UTCDateTime(), nullable=False),
        sa.Column('finished_at', hypercare.store.types.UTCDateTime(), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=True),
        sa.Column('result', sa.String(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_job_run_name'), 'job_run', ['name'], unique=False)
    op.create_index(op.f('ix_job_run_started_at'), 'job_run', ['started_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_job_run_started_at'), table_name='job_run')
    op.drop_index(op.f('ix_job_run_name'), table_name='job_run')
    op.drop_table('job_run')
    for column in ('holder_beat_at', 'held_since', 'holder_command', 'holder'):
        op.execute(f"ALTER TABLE job_state DROP COLUMN {column}")
