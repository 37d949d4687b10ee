"""The store: engine and sessions, tables, and every query (services call these functions
with a keyword-only ``session``; they never build SQL themselves).

``Session`` is re-exported so services can name the type of the session they hand over
without importing SQLModel or SQLAlchemy (an import-linter contract keeps them out).
"""

from sqlmodel import Session as Session

__all__ = ["Session"]
