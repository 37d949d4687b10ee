"""Alembic environment: runs on the connection hypercare hands over (see store/schema.py).

For development, generate a revision with::

    python -m hypercare.store.revision "message"
"""

from __future__ import annotations

from typing import Literal

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import hypercare.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)

#: Tables owned by other libraries sharing the database (APScheduler, Slack OAuth stores).
FOREIGN_TABLES = {"apscheduler_jobs", "slack_installations", "slack_bots", "slack_oauth_states"}


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name in FOREIGN_TABLES)


def _render_item(type_: str, obj: object, autogen_context: object) -> str | Literal[False]:
    """Render SQLModel's AutoString as plain sa.String so revisions need no sqlmodel import."""
    if type_ == "type" and type(obj).__name__ == "AutoString":
        return "sa.String()"
    return False


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        include_name=_include_name,
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("hypercare migrations run through `hypercare db upgrade`, not bare alembic")
run_migrations(connection)
