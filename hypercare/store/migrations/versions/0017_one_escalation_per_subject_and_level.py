"""escalations: one per subject and level, with every trigger that applies

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-08 11:00:00

A ticket with two breached clocks had two L2 escalations (one per trigger), each alerted and
acknowledged apart. Now there is one per subject and level: ``triggers`` lists every trigger
on record there, and a later one is added to it. Existing duplicates are merged into the
oldest row of their subject and level (its triggers the union, open when any was open), and
the unique constraint moves from (subject, trigger_key) to (subject, level).
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

import hypercare.store.types

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

_RANK = {"open": 0, "pending_approval": 1, "acknowledged": 2}


def upgrade() -> None:
    op.add_column('escalation', sa.Column('triggers', sa.JSON(), nullable=False,
                                          server_default=sa.text("'[]'")))
    op.add_column('escalation', sa.Column('updated_at', hypercare.store.types.UTCDateTime(),
                                          nullable=True))
    _merge_duplicates(op.get_bind())
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_escalation_trigger', type_='unique')
        batch_op.create_unique_constraint('uq_escalation_level', ['subject', 'level'])
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column('escalation', 'triggers', server_default=None)


def _merge_duplicates(bind: sa.engine.Connection) -> None:
    rows = bind.execute(sa.text(
        "SELECT id, subject, level, trigger_key, status FROM escalation ORDER BY id")).all()
    groups: dict[tuple[str, int], list[sa.Row[tuple[int, str, int, str, str]]]] = \
        defaultdict(list)
    for row in rows:
        groups[(row.subject, row.level)].append(row)
    for group in groups.values():
        keeper, *others = group
        triggers = list(dict.fromkeys(r.trigger_key for r in group))
        status = min((r.status for r in group), key=lambda s: _RANK.get(s, 3))
        bind.execute(sa.text("UPDATE escalation SET triggers = :triggers, status = :status "
                             "WHERE id = :id"),
                     {"triggers": json.dumps(triggers), "status": status, "id": keeper.id})
        for other in others:
            bind.execute(sa.text("DELETE FROM escalation WHERE id = :id"), {"id": other.id})


def downgrade() -> None:
    with op.batch_alter_table('escalation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_escalation_level', type_='unique')
        batch_op.create_unique_constraint('uq_escalation_trigger', ['subject', 'trigger_key'])
    op.execute("ALTER TABLE escalation DROP COLUMN updated_at")
    op.execute("ALTER TABLE escalation DROP COLUMN triggers")
