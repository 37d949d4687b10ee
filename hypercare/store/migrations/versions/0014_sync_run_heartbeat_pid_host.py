"""sync runs: heartbeat, pid and host, so a run whose process died is found abandoned

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 23:00:00

A ``kill -9`` left its run ``running`` for ever. Each run now records the process running it
(pid and host) and a heartbeat as its pages commit; a later start stores a run whose process
is gone as ``abandoned`` (:mod:`hypercare.sync.liveness`). Runs recorded before keep no pid,
host or heartbeat: one still ``running`` is judged by its start time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMNs, as in 0013: a batch copy of the table is never needed to add a column
    op.add_column('sync_run', sa.Column('heartbeat_at', hypercare.store.types.UTCDateTime(),
                                        nullable=True))
    op.add_column('sync_run', sa.Column('pid', sa.Integer(), nullable=True))
    op.add_column('sync_run', sa.Column('host', sa.String(), nullable=False,
                                        server_default=sa.text("''")))
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('sync_run', 'host', server_default=None)
    op.create_index(op.f('ix_sync_run_status'), 'sync_run', ['status'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_sync_run_status'), table_name='sync_run')
    for column in ('host', 'pid', 'heartbeat_at'):
        op.execute(f"ALTER TABLE sync_run DROP COLUMN {column}")
