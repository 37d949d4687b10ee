"""backlog scoring

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 00:57:29.349057
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('backlog_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('risk', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column(
            'effort', sa.String(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column(
            'closed_at', hypercare.store.types.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('backlog_item', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('effort')
        batch_op.drop_column('risk')
        batch_op.drop_column('value')

