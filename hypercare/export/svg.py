"""Charts as inline SVG: a line over labelled points, or horizontal bars by category.

Styled with presentation attributes only (no CSS, no fonts to load), dark strokes on white
and every value written out, so a chart reads the same in an e-mail client, on screen and
on a greyscale print. Axes always include zero. Every label is escaped (quotes too) and
cleaned of control characters, which XML does not allow.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date
from html import escape as escape_html

from hypercare.export.formatting import number, series_summary
from hypercare.services.packs.model import Series
from hypercare.text import clean

FONT = "Segoe UI, Helvetica, Arial, sans-serif"
INK = "#243b53"
MUTED = "#52606d"
GRID = "#d9e2ec"
BAR = "#627d98"
WIDTH = 680


def chart_svg(series: Series) -> str:
    """The chart of ``series`` (a small "no data" box when it has no values)."""
    if not series.values:
        box = (f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="59" fill="none" '
               f'stroke="{GRID}" stroke-dasharray="4 3"/>')
        return _frame(series, 60, [box, _text(WIDTH / 2, 34, "No data", anchor="middle")])
    if series.kind == "bar":
        return _bars(series)
    return _line(series)


def escape(text: str) -> str:
    """``text`` for SVG content or an attribute: one line, no control character, escaped."""
    return escape_html(clean(text, multiline=False), quote=True)


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low``..``high`` (about ``count`` of them)."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw - 1e-12)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    steps = round((end - start) / step)
    return [round(start + i * step, 10) for i in range(steps + 1)]


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 11,
          fill: str = MUTED, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="{FONT}" '
            f'font-size="{size}" font-weight="{weight}" fill="{fill}">'
            f"{escape(text)}</text>")


def _frame(series: Series, height: float, parts: list[str]) -> str:
    summary = f"{series.title}: {series_summary(series)}"
    return (f'<svg width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" role="img" aria-label="{escape(summary)}" '
            f'style="max-width:100%;height:auto;display:block">'
            f"<title>{escape(summary)}</title>"
            f'<rect x="0" y="0" width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>'
            + "".join(parts) + "</svg>")


def axis_labels(labels: tuple[str, ...], count: int) -> list[str]:
    """``count`` labels; ISO dates shortened to ``20 Nov`` (the period is in the title)."""
    padded = list(labels[:count]) + [""] * (count - len(labels))
    try:
        days = [date.fromisoformat(label) if label else None for label in padded]
    except ValueError:
        return padded
    return [f"{day.day} {day:%b}" if day else "" for day in days]


def _short(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _line(series: Series) -> str:
    left, right, top, bottom, height = 56.0, 24.0, 28.0, 44.0, 250.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    values = series.values
    scale = ticks(min(0.0, *values), max(0.0, *values))
    low, high = scale[0], scale[-1]

    def x_at(i: int) -> float:
        return left + plot_w / 2 if len(values) == 1 else left + plot_w * i / (len(values) - 1)

    def y_at(v: float) -> float:
        return top + plot_h * (high - v) / (high - low)

    parts = _y_axis(scale, left, WIDTH - right, y_at, series.unit)
    labels = axis_labels(series.labels, len(values))
    widest = max((len(label) for label in labels), default=1)
    every = max(1, math.ceil(len(values) * (min(widest, 16) * 6.2 + 10) / plot_w))
    for i in range(len(values) - 1, -1, -every):  # the latest label is always shown
        label = _short(labels[i], 16)
        half = len(label) * 3.1
        x, anchor = x_at(i), "middle"
        if x + half > WIDTH - 2:
            x, anchor = WIDTH - 2.0, "end"
        elif x - half < 2:
            x, anchor = 2.0, "start"
        parts.append(_text(x, top + plot_h + 18, label, anchor=anchor, size=10))
    points = " ".join(f"{x_at(i):.1f},{y_at(v):.1f}" for i, v in enumerate(values))
    base = y_at(max(low, 0.0))
    if len(values) > 1:
        parts.append(f'<polygon points="{x_at(0):.1f},{base:.1f} {points} '
                     f'{x_at(len(values) - 1):.1f},{base:.1f}" fill="{GRID}" '
                     'fill-opacity="0.45" stroke="none"/>')
        parts.append(f'<polyline points="{points}" fill="none" stroke="{INK}" '
                     'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>')
    shown = set(range(len(values))) if len(values) <= 16 else {
        0, len(values) - 1, values.index(max(values)), values.index(min(values))}
    for i, v in enumerate(values):
        parts.append(f'<circle cx="{x_at(i):.1f}" cy="{y_at(v):.1f}" r="3.5" fill="#ffffff" '
                     f'stroke="{INK}" stroke-width="2"/>')
        if i in shown:
            parts.append(_text(x_at(i), y_at(v) - 9, number(v), anchor="middle", size=10,
                               fill=INK, weight="bold"))
    return _frame(series, height, parts)


def _y_axis(scale: list[float], x0: float, x1: float, y_at: Callable[[float], float],
            unit: str) -> list[str]:
    parts = []
    for tick in scale:
        y = y_at(tick)
        colour, width = (MUTED, 1.2) if tick == 0 else (GRID, 1.0)
        parts.append(f'<line x1="{x0:.1f}" y1="{y:.1f}" x2="{x1:.1f}" y2="{y:.1f}" '
                     f'stroke="{colour}" stroke-width="{width}"/>')
        parts.append(_text(x0 - 8, y + 4, number(tick), anchor="end", size=10))
    if unit:
        parts.append(_text(x0 - 8, 14, unit, anchor="end", size=10, weight="bold"))
    return parts


def _bars(series: Series) -> str:
    labels = list(series.labels) + [""] * (len(series.values) - len(series.labels))
    label_w = min(210.0, max(60.0, 6.4 * max(len(label) for label in labels) + 16))
    left, right, top, row = label_w, 64.0, 12.0, 26.0
    height = top + row * len(series.values) + 34
    plot_w = WIDTH - left - right
    scale = ticks(min(0.0, *series.values), max(0.0, *series.values))
    low, high = scale[0], scale[-1]

    def x_at(v: float) -> float:
        return left + plot_w * (v - low) / (high - low)

    parts = []
    axis_y = top + row * len(series.values)
    for tick in scale:
        x = x_at(tick)
        colour = MUTED if tick == 0 else GRID
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4:.1f}" x2="{x:.1f}" y2="{axis_y:.1f}" '
                     f'stroke="{colour}" stroke-width="1"/>')
        parts.append(_text(x, axis_y + 15, number(tick), anchor="middle", size=10))
    if series.unit:
        parts.append(_text(WIDTH - 4, axis_y + 29, series.unit, anchor="end", size=10,
                           weight="bold"))
    zero = x_at(0.0)
    for i, (label, value) in enumerate(zip(labels, series.values, strict=False)):
        y = top + row * i
        name = _text(left - 8, y + 17, _short(label, 30), anchor="end", size=11, fill=INK)
        parts.append(f"<g><title>{escape(label)}</title>{name}</g>" if len(label) > 30
                     else name)
        start, end = sorted((zero, x_at(value)))
        parts.append(f'<rect x="{start:.1f}" y="{y + 5:.1f}" width="{max(end - start, 1):.1f}" '
                     f'height="16" fill="{BAR}" stroke="{INK}" stroke-width="0.6"/>')
        parts.append(_text(end + 6 if value >= 0 else start - 6, y + 17, number(value),
                           anchor="start" if value >= 0 else "end", size=11, fill=INK,
                           weight="bold"))
    return _frame(series, height, parts)
