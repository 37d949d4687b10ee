"""ticket: Odoo's category column renamed odoo_category

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08 09:00:00

The store kept Odoo's helpdesk category in ``ticket.category`` while everywhere else
``category`` is hypercare's classification (defect, training gap, policy ambiguity). The
column is now ``odoo_category``, as the read models and ``tickets list`` already call it; the
values stay as they are.
"""

from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def _rename(old: str, new: str) -> None:
    # ALTER TABLE ... RENAME COLUMN on both SQLite (3.25+) and PostgreSQL: no batch copy of the
    # ticket table is needed, so a large store migrates at once, its indexes untouched
    with op.batch_alter_table('ticket', schema=None, recreate='never') as batch_op:
        batch_op.alter_column(old, new_column_name=new)


def upgrade() -> None:
    _rename('category', 'odoo_category')


def downgrade() -> None:
    _rename('odoo_category', 'category')
