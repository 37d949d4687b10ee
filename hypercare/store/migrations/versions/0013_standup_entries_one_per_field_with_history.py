"""stand-up entries one per (stand-up, item, field), their history, the agenda as it started

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 22:30:00

``standup_entry`` held one row per recorded decision, so the same field could be decided
several times and be counted twice. Those rows move, as they are, to ``standup_change``
(the history, with what each change replaced); ``standup_entry`` then keeps one row per
stand-up, item and field with the last value that was not undone.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHANGE_COLUMNS = ("id", "standup_id", "item_ref", "subject", "changes", "undo", "decided_by",
                  "decided_at", "undone")


def _change_table(name: str = 'standup_change') -> None:
    """The per-decision table: ``standup_change`` now, ``standup_entry`` before 0013."""
    op.create_table(name,
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standup_id', sa.Integer(), nullable=False),
    sa.Column('item_ref', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('undo', sa.JSON(), nullable=False),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.Column('decided_at', hypercare.store.types.UTCDateTime(), nullable=False),
    sa.Column('undone', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['standup_id'], ['standup.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{name}_standup_id'), ['standup_id'],
                              unique=False)


def _entry_table() -> None:
    op.create_table('standup_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standup_id', sa.Integer(), nullable=False),
    sa.Column('item_ref', sa.String(), nullable=False),
    sa.Column('subject', sa.String(), nullable=False),
    sa.Column('field', sa.String(), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(), nullable=False),
    sa.Column('decided_at', hypercare.store.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['standup_id'], ['standup.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('standup_id', 'item_ref', 'field')
    )
    with op.batch_alter_table('standup_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standup_entry_standup_id'), ['standup_id'],
                              unique=False)


def upgrade() -> None:
    bind = op.get_bind()
    _change_table()
    old = sa.table('standup_entry', *_columns())
    changes = sa.table('standup_change', *_columns())
    rows = [dict(r._mapping) for r in bind.execute(sa.select(old).order_by(old.c.id))]
    if rows:
        bind.execute(changes.insert(), rows)
    with op.batch_alter_table('standup_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standup_entry_standup_id'))
    op.drop_table('standup_entry')
    _entry_table()
    latest: dict[tuple[int, str, str], dict[str, Any]] = {}
    for row in rows:
        if row["undone"]:
            continue
        for field, value in (_json(row["changes"]) or {}).items():
            latest[(row["standup_id"], row["item_ref"], field)] = {
                "standup_id": row["standup_id"], "item_ref": row["item_ref"],
                "subject": row["subject"], "field": field, "value": value,
                "decided_by": row["decided_by"], "decided_at": row["decided_at"]}
    if latest:
        entry = sa.table('standup_entry', sa.column('standup_id'), sa.column('item_ref'),
                         sa.column('subject'), sa.column('field'), sa.column('value', sa.JSON()),
                         sa.column('decided_by'), sa.column('decided_at'))
        bind.execute(entry.insert(), list(latest.values()))
    # a plain ADD COLUMN: a batch copy of ``standup`` would have to drop the table the
    # entries point at (SQLite checks foreign keys)
    op.add_column('standup', sa.Column('agenda', sa.JSON(), nullable=False,
                                       server_default=sa.text("'[]'")))
    if bind.dialect.name != "sqlite":
        op.alter_column('standup', 'agenda', server_default=None)


def _columns() -> list[sa.ColumnClause[Any]]:
    return [sa.column(c, sa.JSON()) if c in ("changes", "undo") else sa.column(c)
            for c in CHANGE_COLUMNS]


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str | bytes) else value


def downgrade() -> None:
    op.execute("ALTER TABLE standup DROP COLUMN agenda")
    with op.batch_alter_table('standup_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standup_entry_standup_id'))
    op.drop_table('standup_entry')
    _change_table('standup_entry')
    op.execute("INSERT INTO standup_entry SELECT id, standup_id, item_ref, subject, changes, "
               "undo, decided_by, decided_at, undone FROM standup_change")
    with op.batch_alter_table('standup_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standup_change_standup_id'))
    op.drop_table('standup_change')
