"""Text from outside hypercare (Odoo, Slack, files) is data: cleaned once where it enters,
cut to fit where it is shown.

:func:`clean` is applied where text enters (the Odoo record mapping, Slack intake, files given
to ``classify``): C0 and C1 control characters removed (tab and newline kept where the field
may hold several lines), CR LF and lone CR turned into LF, and the bidirectional overrides and
isolates (U+202A-U+202E, U+2066-U+2069) removed, since they make a line read differently from
what it holds; the left-to-right and right-to-left marks (U+200E, U+200F) stay. Stored text is
then safe to show in a terminal, a file or a message.

Each output still renders text as data (Rich ``Text``, escaped HTML, neutralized cells, escaped
Slack mrkdwn) and cuts it to its own limits with :func:`shorten`. Pure: no Rich, no I/O.
"""

from __future__ import annotations

import re

ELLIPSIS = "…"

_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
_UNSAFE_MULTILINE = re.compile(f"[{_CONTROLS}{_BIDI_OVERRIDES}]")
_UNSAFE_LINE = re.compile(f"[{_CONTROLS}{_BIDI_OVERRIDES}]|\r\n?")
_SPACES = re.compile(r"[ \t\n]+")


def clean(value: object, *, multiline: bool = True) -> str:
    """``value`` as safe text: controls and bidirectional overrides removed, line ends LF.

    ``multiline=False`` (titles, names): newlines and tabs become single spaces and the
    result is stripped, so the text is one line."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        return _UNSAFE_MULTILINE.sub("", text)
    text = _UNSAFE_LINE.sub(lambda m: " " if m.group().startswith("\r") else "", text)
    return _SPACES.sub(" ", text).strip()


def is_clean(value: str, *, multiline: bool = True) -> bool:
    """True when :func:`clean` would leave ``value`` as it is."""
    return clean(value, multiline=multiline) == value


def shorten(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` characters, an ellipsis marking the cut."""
    if limit <= 0:
        return ""
    if len(value) <= limit:
        return value
    return value[: limit - 1].rstrip() + ELLIPSIS


def one_line(value: str, limit: int) -> str:
    """``value`` as one line of at most ``limit`` characters (a table row, a toast)."""
    return shorten(_SPACES.sub(" ", clean(value, multiline=True)).strip(), limit)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
"""What makes a spreadsheet run a cell as a formula (the usual CSV-injection guard; a line
feed too, since :func:`clean` turns a leading carriage return into one)."""


def looks_like_formula(value: str) -> bool:
    """True when a spreadsheet would take the text ``value`` for a formula."""
    return value.startswith(FORMULA_START)


def neutralize_formula(value: str) -> str:
    """``value`` as a spreadsheet cell that stays text: a leading apostrophe when it would
    start a formula (``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM(...)``, ``-2+3``).

    The one rule for every CSV hypercare writes (the CLI's ``--format csv`` and the packs);
    the XLSX writer stores such text as a string with Excel's quote prefix instead. Only for
    text: numbers are written as numbers."""
    return "'" + value if looks_like_formula(value) else value
