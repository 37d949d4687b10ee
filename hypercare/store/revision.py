"""Developer tool: autogenerate the next Alembic revision from the tables.

Usage: ``python -m hypercare.store.revision "add backlog item"``. It migrates a scratch
SQLite database to the current head, diffs it against ``tables.py`` and writes
``migrations/versions/NNNN_<slug>.py``. Then add the id to ``schema.SCHEMA_REVISIONS``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from hypercare.store.engine import create_store_engine
from hypercare.store.schema import MIGRATIONS_DIR, SCHEMA_REVISIONS, upgrade_schema


def main(argv: list[str]) -> int:
    from alembic import command
    from alembic.config import Config

    if len(argv) != 1:
        print(__doc__)
        return 2
    message = argv[0]
    next_id = f"{len(SCHEMA_REVISIONS) + 1:04d}" if SCHEMA_REVISIONS else "0001"
    slug = re.sub(r"[^a-z0-9]+", "_", message.lower()).strip("_")[:40]
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_store_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        if SCHEMA_REVISIONS and (MIGRATIONS_DIR / "versions").glob("*.py"):
            upgrade_schema(engine)
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True, rev_id=next_id)
        engine.dispose()
    for path in (MIGRATIONS_DIR / "versions").glob(f"{next_id}_*.py"):
        path.rename(path.with_name(f"{next_id}_{slug}.py"))
    print(f"wrote revision {next_id}; add it to SCHEMA_REVISIONS in hypercare/store/schema.py")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
