"""A pack as Markdown for a wiki: GitHub pipe tables, warnings as block quotes.

Text from the pack is escaped: control characters removed (:func:`hypercare.text.clean`),
Markdown punctuation gets a backslash, ``<`` and ``>`` become entities (so ``<script>`` is
shown, never run, by a wiki that allows raw HTML), pipes are escaped (a ``|`` in a title never
adds a column), line breaks inside a table cell become ``<br>`` and a text that starts a line
or a list item cannot start a block (``#`` heading, ``>`` quote, ``-``/``+``/``1.`` list,
``=`` underline, ``~~~`` fence).
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from hypercare.export.formatting import (
    EMPTY_DETAIL,
    EMPTY_TITLE,
    NUMERIC_KINDS,
    confidential_text,
    display,
    generated_text,
    kpi_text,
    number,
    numbered,
    period_text,
    series_summary,
    sparkline,
    target_text,
    trend,
    zone_of,
)
from hypercare.services.packs.model import Pack, Section, Series, Table
from hypercare.text import clean

_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(\d*)([#>+\-=.)~])")


def escape(text: str, *, block: bool = False) -> str:
    """Inline text: Markdown punctuation and HTML made literal, on one line. ``block``: the
    text starts a line, so a leading ``#``, ``-``, ``1.`` ... must not start a block."""
    text = _ENTITY.sub("&amp;", clean(text))
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    text = " ".join(_SPECIAL.sub(r"\\\1", text).split())
    if block:
        text = _BLOCK_START.sub(r"\1\\\2", text)
    return text


def cell(text: str) -> str:
    """A table cell: escaped, line breaks kept as ``<br>``."""
    lines = [escape(line) for line in clean(text).splitlines() if line.strip()]
    return "<br>".join(lines)


def pipe_table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    """A GitHub pipe table (cells already escaped); ``right``: right-aligned columns."""
    right = right or set()
    rule = ["---:" if i in right else "---" for i in range(len(header))]
    lines = [header, rule, *rows]
    return "\n".join("| " + " | ".join(line) + " |" for line in lines)


def write_markdown(pack: Pack) -> str:
    """The whole pack as one Markdown document."""
    zone = zone_of(pack)
    out: list[str] = [f"# {escape(pack.title)}", "",
                      f"**{escape(period_text(pack))}** · {escape(generated_text(pack))}", ""]
    if pack.empty:
        out += [f"> **{escape(EMPTY_TITLE)}** {escape(EMPTY_DETAIL)}", ""]
    out += [f"- {escape(note, block=True)}" for note in pack.notes]
    if confidential := confidential_text(pack):
        out.append(f"- {escape(confidential, block=True)}")
    if pack.notes or confidential:
        out.append("")
    out += _headline(pack)
    if pack.sections:
        out += ["## Contents", ""]
        out += [f"{n}. {escape(s.title, block=True)}" for n, s in numbered(pack.sections)]
        out.append("")
    for n, section in numbered(pack.sections):
        out += _section(n, section, zone)
    out.append(f"*{escape(generated_text(pack))} by hypercare.*")
    return "\n".join(out) + "\n"


def _headline(pack: Pack) -> list[str]:
    if not pack.headline:
        return []
    rows = []
    for line in pack.headline:
        change = trend(line)
        rows.append([escape(line.label), escape(kpi_text(line.value, line.unit)),
                     escape(kpi_text(line.previous, line.unit)), escape(change.text),
                     escape(target_text(line))])
    header = ["KPI", "This week", "Week before", "Change", "Target"]
    return ["## Headline", "", pipe_table(header, rows, right={1, 2}), ""]


def _section(n: int, section: Section, zone: ZoneInfo | None) -> list[str]:
    out = [f"## {n}. {escape(section.title)}", ""]
    for sentence in section.summary:
        out += [escape(sentence, block=True), ""]
    for warning in section.warnings:
        out += [f"> **⚠ Warning:** {escape(warning)}", ""]
    for table in section.tables:
        out += _table(table, zone)
    for series in section.charts:
        out += _chart(series)
    if not (section.summary or section.tables or section.charts or section.warnings):
        out += ["*Nothing to report.*", ""]
    return out


def _table(table: Table, zone: ZoneInfo | None) -> list[str]:
    out = [f"### {escape(table.title)}", ""]
    if not table.rows:
        out += ["*No rows.*", ""]
    else:
        header = [cell(c.label) for c in table.columns]
        right = {i for i, c in enumerate(table.columns) if c.kind in NUMERIC_KINDS}
        rows = [[cell(display(value, column.kind, zone))
                 for value, column in zip(row, table.columns, strict=False)]
                for row in table.rows]
        out += [pipe_table(header, rows, right), ""]
    if table.note:
        out += [f"*{escape(table.note)}*", ""]
    return out


def _chart(series: Series) -> list[str]:
    unit = f" ({escape(series.unit)})" if series.unit else ""
    out = [f"### Chart: {escape(series.title)}{unit}", ""]
    if not series.values:
        return [*out, "*No data.*", ""]
    if series.kind == "line":
        out += [f"`{sparkline(series.values)}` {escape(series_summary(series))}", ""]
    top = max(abs(v) for v in series.values) or 1.0
    rows = []
    for label, value in zip(series.labels, series.values, strict=False):
        row = [cell(label), escape(number(value))]
        if series.kind == "bar":
            row.append("█" * max(1 if value else 0, round(abs(value) / top * 20)))
        rows.append(row)
    header = ["Label", "Value"] + ([""] if series.kind == "bar" else [])
    return [*out, pipe_table(header, rows, right={1}), ""]
