"""Column helpers shared by the tables."""

from __future__ import annotations

from typing import Any

from sqlmodel import Field

from hypercare.store.types import UTCDateTime


def utc_field(nullable: bool = True, index: bool = False) -> Any:
    """A timezone-aware UTC datetime column (see :class:`UTCDateTime`)."""
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable, index=index)
