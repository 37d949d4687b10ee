"""scheduled job states

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 00:46:31.549779
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_state',
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('schedule', sa.String(), nullable=False),
    sa.Column('runs', sa.Integer(), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('missed', sa.Integer(), nullable=False),
    sa.Column('last_started_at', hypercare.store.types.UTCDateTime(), nullable=True),
    sa.Column('last_finished_at', hypercare.store.types.UTCDateTime(), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=True),
    sa.Column('last_result', sa.String(), nullable=False),
    sa.Column('running_since', hypercare.store.types.UTCDateTime(), nullable=True),
    sa.Column('owner', sa.String(), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    op.drop_table('job_state')
