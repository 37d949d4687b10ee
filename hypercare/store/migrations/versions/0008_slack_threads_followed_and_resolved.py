"""slack threads followed and resolved

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 00:24:06.753453
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_event_seen',
    sa.Column('event_id', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('seen_at', hypercare.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('event_id')
    )
    with op.batch_alter_table('raised_issue', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'thread_cursor', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column(
            'pending_notes', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column(
            'resolved_by', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column(
            'resolved_at', hypercare.store.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('raised_issue', schema=None) as batch_op:
        batch_op.drop_column('resolved_at')
        batch_op.drop_column('resolved_by')
        batch_op.drop_column('pending_notes')
        batch_op.drop_column('thread_cursor')

    op.drop_table('slack_event_seen')
