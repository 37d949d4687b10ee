"""The clock tests hand to the services: it stands still until the test moves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class Clock:
    """A callable returning ``now``: ``start`` (the current time when not given) until a test
    moves it with ``advance(...)`` or sets ``now``."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start if start is not None else datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock on by ``timedelta(**delta)``."""
        self.now += timedelta(**delta)
