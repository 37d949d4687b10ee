"""outbox delivery and slack posts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:31:55.189732
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('slack_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('recipient', sa.String(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(), nullable=False),
    sa.Column('ts', sa.String(), nullable=False),
    sa.Column('activity', sa.JSON(), nullable=False),
    sa.Column('updated_at', hypercare.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject', 'recipient', name='uq_slack_post_subject')
    )
    with op.batch_alter_table('slack_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slack_post_subject'), ['subject'], unique=False)

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'claimed_by', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column(
            'claimed_at', hypercare.store.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'claimed_at', hypercare.store.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column(
            'channel', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column(
            'slack_ts', sa.String(), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_column('slack_ts')
        batch_op.drop_column('channel')
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('claimed_by')

    with op.batch_alter_table('slack_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slack_post_subject'))

    op.drop_table('slack_post')
