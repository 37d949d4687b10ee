"""affected signals from thread replies

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 19:06:04.082626
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('affected_signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('raised_id', sa.Integer(), nullable=False),
    sa.Column('ticket_odoo_id', sa.Integer(), nullable=True),
    sa.Column('who', sa.String(), nullable=False),
    sa.Column('who_name', sa.String(), nullable=False),
    sa.Column('text', sa.String(), nullable=False),
    sa.Column('event_key', sa.String(), nullable=False),
    sa.Column('created_at', hypercare.store.types.UTCDateTime(), nullable=False),
    sa.Column('state', sa.String(), nullable=False),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.Column('decided_at', hypercare.store.types.UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_key')
    )
    with op.batch_alter_table('affected_signal', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_affected_signal_raised_id'), ['raised_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_affected_signal_ticket_odoo_id'), ['ticket_odoo_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('affected_signal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affected_signal_ticket_odoo_id'))
        batch_op.drop_index(batch_op.f('ix_affected_signal_raised_id'))

    op.drop_table('affected_signal')
