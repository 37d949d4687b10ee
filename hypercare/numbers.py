"""Numbers typed by people (ids, references, counts): parsed one way, within bounds.

``str.isdigit`` accepts superscripts and other scripts' digits that ``int`` then refuses, and
``int`` accepts 5,000 digits that no database column or date holds: every record id, ticket
number and count a person types is read here, so an absurd one is "not found" or a clear
usage error, never an ``OverflowError``.
"""

from __future__ import annotations

import re

MAX_ID = 2**31 - 1
"""The largest record id (Odoo's and the store's integer columns)."""

_DIGITS = re.compile(r"[0-9]{1,12}")


def parse_id(text: str) -> int | None:
    """``text`` as a record id (ASCII digits, 1 to :data:`MAX_ID`), else None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_count(text: str, *, low: int, high: int) -> int | None:
    """``text`` as a whole number from ``low`` to ``high`` (an optional ``-``), else None."""
    digits = text.strip()
    negative = digits.startswith("-")
    if not _DIGITS.fullmatch(digits.removeprefix("-")):
        return None
    value = -int(digits[1:]) if negative else int(digits)
    return value if low <= value <= high else None
