"""What a terminal would show, as text lines, read back from Textual's SVG screenshot.

``App.export_screenshot()`` draws every segment the terminal would receive as an SVG
``<text>`` at its cell column on its line (runs of spaces are left out); this puts them back
in place, so a test can search the screen for what it shows, e.g. a title taken literally.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict

from rich.cells import cell_len

_TEXT = re.compile(r'<text class="[^"]*" x="([0-9.]+)" y="[0-9.]+" textLength="([0-9.]+)" '
                   r'clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>', re.S)


def svg_lines(svg: str) -> list[str]:
    """The screen's lines, each as the characters shown (spaces where nothing is)."""
    found = [(float(x), float(length), int(y), html.unescape(text).replace("\xa0", " "))
             for x, length, y, text in _TEXT.findall(svg)]
    if not found:
        return []
    char_width = next((length / len(text) for _, length, _, text in found
                       if text and text.isascii()), 12.2)
    lines: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for x, _, y, text in found:
        lines[y].append((round(x / char_width), text))
    shown = []
    for y in range(max(lines) + 1):
        row = ""
        for column, text in sorted(lines.get(y, [])):
            width = cell_len(row)
            row += " " * max(0, column - width) + text
        shown.append(row.rstrip())
    return shown


def svg_text(svg: str) -> str:
    """The screen as one text, line by line."""
    return "\n".join(svg_lines(svg))
