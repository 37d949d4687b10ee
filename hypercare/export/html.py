"""A pack as ONE self-contained HTML file for the steering committee.

No external CSS, scripts, fonts or images: styles are in the file (inline where e-mail clients
drop ``<style>``), charts are inline SVG. Prints on A4 with each section on a new page, table
headers repeated and rows kept whole. Every text from the pack is escaped (quotes too, so it
is safe in attributes) and cleaned of control characters (:func:`hypercare.text.clean`).
"""

from __future__ import annotations

from html import escape
from zoneinfo import ZoneInfo

from hypercare.export.formatting import (
    EMPTY_DETAIL,
    EMPTY_TITLE,
    NUMERIC_KINDS,
    Trend,
    confidential_text,
    display,
    generated_text,
    kpi_parts,
    kpi_text,
    numbered,
    period_text,
    series_summary,
    slug,
    target_text,
    trend,
    zone_of,
)
from hypercare.export.svg import chart_svg
from hypercare.services.packs.model import KpiLine, Pack, Section, Series, Table
from hypercare.text import clean

FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
VERDICT_COLOURS = {"better": "#2f6f4e", "worse": "#b42318"}
S_TABLE = "border-collapse:collapse;width:100%;font-size:13px;margin:4px 0 6px"
S_TH = ("text-align:left;background:#f0f4f8;color:#243b53;border-bottom:2px solid #9fb3c8;"
        "padding:6px 8px;font-weight:600;vertical-align:bottom")
S_TD = "border-bottom:1px solid #e4e7eb;padding:6px 8px;vertical-align:top"
S_NUM = ";text-align:right;white-space:nowrap"
S_SHORT = ";white-space:nowrap"
S_LONG = ";min-width:220px"
SHORT_TEXT, LONG_TEXT = 12, 40
"""Text columns: all values up to SHORT_TEXT stay on one line; one past LONG_TEXT makes the
column wrap anywhere (with a minimum width) so long words never push the table wider."""
S_WARN = ("border:1px solid #f0c48a;border-left:5px solid #b45309;background:#fff8ed;"
          "color:#5c2c06;padding:10px 14px;margin:12px 0;border-radius:3px")
S_NOTE = "font-size:12px;color:#627d98;font-style:italic;margin:2px 0 16px"
S_H2 = ("font-size:21px;line-height:1.3;color:#102a43;border-bottom:1px solid #d9e2ec;"
        "padding-bottom:6px;margin:44px 0 12px;font-weight:600")
S_H3 = "font-size:15px;color:#243b53;margin:22px 0 6px;font-weight:600"

CSS = """
body { margin: 0; background: #eef1f4; }
.page { max-width: 1000px; margin: 0 auto; padding: 36px 44px 48px; background: #ffffff; }
td, th { overflow-wrap: break-word; }
td.long { overflow-wrap: anywhere; }
table.data tbody tr:nth-child(even) td { background: #f8fafc; }
.toc a { color: #243b53; text-decoration: none; border-bottom: 1px dotted #9fb3c8; }
.toc a:hover { border-bottom-style: solid; }
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { background: #ffffff; }
  .page { max-width: none; padding: 0; }
  section.section { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, figure, svg, .warning, .tile, .lead p { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table.data { font-size: 9.5pt !important; }
  td.tile { padding: 6px 8px !important; }
  td.tile div { font-size: 8pt !important; }
  td.tile div.value { font-size: 15pt !important; }
  td.tile span.unit { font-size: 8.5pt !important; }
  a { color: inherit !important; text-decoration: none !important; border: 0 !important; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def e(text: object) -> str:
    """Escaped text (quotes too), line breaks kept as ``<br>``."""
    return "<br>".join(escape(line, quote=True) for line in clean(text).splitlines())


def write_html(pack: Pack) -> str:
    """The whole pack as one HTML document."""
    zone = zone_of(pack)
    body = [_cover(pack), _headline(pack), _contents(pack)]
    body += [_section(n, s, zone) for n, s in numbered(pack.sections)]
    body.append(f'<footer style="margin-top:40px;padding-top:10px;border-top:1px solid #d9e2ec;'
                f'font-size:12px;color:#627d98">{e(generated_text(pack))} by hypercare · '
                f"{e(period_text(pack))}</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(pack.title)} · {e(pack.week)}</title>\n<style>{CSS}</style>\n"
            f'</head>\n<body style="margin:0;font-family:{FONT};font-size:15px;'
            'line-height:1.5;color:#1f2933">\n<div class="page">\n'
            + "\n".join(part for part in body if part) + "\n</div>\n</body>\n</html>\n")


def _cover(pack: Pack) -> str:
    parts = [f'<header style="border-bottom:3px solid #243b53;padding-bottom:14px;'
             f'margin-bottom:22px"><div style="font-size:12px;letter-spacing:.08em;'
             f'text-transform:uppercase;color:#627d98">Hypercare · {e(pack.kind)} pack</div>'
             f'<h1 style="font-size:28px;line-height:1.25;margin:4px 0 6px;color:#102a43;'
             f'font-weight:600">{e(pack.title)}</h1>'
             f'<div style="font-size:16px;color:#334e68">{e(period_text(pack))}</div>'
             f'<div style="font-size:13px;color:#627d98">{e(generated_text(pack))}</div>'
             "</header>"]
    if pack.empty:
        parts.append(f'<div class="warning" role="note" style="{S_WARN}"><strong>'
                     f"{e(EMPTY_TITLE)}</strong> {e(EMPTY_DETAIL)}</div>")
    notes = [*pack.notes, *([confidential_text(pack)] if pack.confidential_count > 0 else [])]
    if notes:
        items = "".join(f"<li>{e(note)}</li>" for note in notes)
        parts.append(f'<ul class="notes" style="color:#334e68;font-size:14px;margin:0 0 18px;'
                     f'padding-left:20px">{items}</ul>')
    return "\n".join(parts)


def _headline(pack: Pack) -> str:
    if not pack.headline:
        return ""
    cells = [_tile(line) for line in pack.headline]
    per_row = 4 if len(cells) % 4 == 0 or len(cells) > 6 else 3
    rows = []
    for start in range(0, len(cells), per_row):
        chunk = cells[start:start + per_row]
        chunk += ['<td style="width:25%"></td>'] * (per_row - len(chunk))
        rows.append("<tr>" + "".join(chunk) + "</tr>")
    return (f'<h2 id="headline" style="{S_H2};margin-top:8px">Headline</h2>'
            '<table class="kpis" role="presentation" style="border-collapse:separate;'
            'border-spacing:8px;width:100%;margin:0 -8px">' + "".join(rows) + "</table>")


def _tile(line: KpiLine) -> str:
    change: Trend = trend(line)
    colour = VERDICT_COLOURS.get(change.verdict, "#52606d")
    previous = f"Week before: {kpi_text(line.previous, line.unit)}"
    target = target_text(line)
    verdict = f" · {change.verdict}" if change.verdict in VERDICT_COLOURS else ""
    shown = f"{change.arrow} {change.delta}" if change.arrow else "Change: n/a"
    shown_value, unit = kpi_parts(line.value, line.unit)
    lines = [f'<div style="font-size:12px;color:#52606d;text-transform:uppercase;'
             f'letter-spacing:.04em">{e(line.label)}</div>',
             f'<div class="value" style="font-size:26px;font-weight:600;color:#102a43;'
             f'line-height:1.25;margin:2px 0">{e(shown_value)}<span class="unit" '
             f'style="font-size:14px;font-weight:400;color:#486581"> {e(unit)}</span></div>',
             f'<div class="change" style="font-size:13px;font-weight:600;color:{colour}">'
             f"{e(shown)}{e(verdict)}</div>",
             f'<div style="font-size:12px;color:#627d98">{e(previous)}</div>']
    if target:
        lines.append(f'<div style="font-size:12px;color:#627d98">Target: {e(target)}</div>')
    top = colour if change.verdict in VERDICT_COLOURS else "#9fb3c8"
    return (f'<td class="tile" style="width:25%;vertical-align:top;border:1px solid #d9e2ec;'
            f'border-top:4px solid {top};padding:10px 12px;background:#ffffff">'
            + "".join(lines) + "</td>")


def _anchor(n: int, section: Section) -> str:
    return f"s{n}-{slug(section.key, 'section')}"


def _contents(pack: Pack) -> str:
    if not pack.sections:
        return ""
    items = []
    for n, section in numbered(pack.sections):
        counts = [f"{len(section.tables)} table{'s' * (len(section.tables) != 1)}"]
        if section.charts:
            counts.append(f"{len(section.charts)} chart{'s' * (len(section.charts) != 1)}")
        if section.warnings:
            counts.append(f"{len(section.warnings)} warning"
                          f"{'s' * (len(section.warnings) != 1)}")
        items.append(f'<li style="margin:3px 0"><a href="#{_anchor(n, section)}">'
                     f'{e(section.title)}</a> <span style="color:#829ab1;font-size:12px">'
                     f"{e(' · '.join(counts))}</span></li>")
    return (f'<nav class="toc" style="margin:28px 0 8px"><h2 style="{S_H2};margin-top:0">'
            'Contents</h2><ol style="margin:0;padding-left:22px;font-size:14px">'
            + "".join(items) + "</ol></nav>")


def _section(n: int, section: Section, zone: ZoneInfo | None) -> str:
    parts = [f'<section class="section" id="{_anchor(n, section)}">',
             f'<h2 style="{S_H2}"><span class="num" style="color:#627d98;'
             f'margin-right:10px">{n}.</span>{e(section.title)}</h2>']
    if section.summary:
        parts.append('<div class="lead" style="font-size:15px;color:#243b53">'
                     + "".join(f'<p style="margin:0 0 8px">{e(s)}</p>' for s in section.summary)
                     + "</div>")
    for warning in section.warnings:
        parts.append(f'<div class="warning" role="note" style="{S_WARN}">'
                     f"<strong>⚠ Warning:</strong> {e(warning)}</div>")
    parts += [_table(table, zone) for table in section.tables]
    parts += [_figure(series) for series in section.charts]
    if not (section.summary or section.tables or section.charts or section.warnings):
        parts.append(f'<p style="{S_NOTE}">Nothing to report.</p>')
    parts.append("</section>")
    return "\n".join(parts)


def _table(table: Table, zone: ZoneInfo | None) -> str:
    parts = [f'<h3 style="{S_H3}">{e(table.title)}</h3>']
    if not table.rows:
        parts.append(f'<p class="empty" style="{S_NOTE}">No rows.</p>')
    else:
        texts = [[display(value, column.kind, zone)
                  for value, column in zip(row, table.columns, strict=False)]
                 for row in table.rows]
        styles = [_column_style(column.kind, [row[i] for row in texts if i < len(row)])
                  for i, column in enumerate(table.columns)]
        head = "".join(f'<th scope="col" style="{S_TH}'
                       f'{";text-align:right" if c.kind in NUMERIC_KINDS else ""}">'
                       f"{e(c.label)}</th>" for c in table.columns)
        rows = ["<tr>" + "".join(f'<td{css} style="{S_TD}{style}">{e(text)}</td>'
                                 for text, (style, css) in zip(row, styles, strict=False))
                + "</tr>" for row in texts]
        parts.append(f'<table class="data" style="{S_TABLE}" data-table="{e(table.name)}">'
                     f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    if table.note:
        parts.append(f'<p class="note" style="{S_NOTE}">{e(table.note)}</p>')
    return "\n".join(parts)


def _column_style(kind: str, texts: list[str]) -> tuple[str, str]:
    """(inline style, class attribute) of a column's cells: numbers right-aligned, short
    values kept on one line, long text wrapped anywhere with a minimum width."""
    if kind in NUMERIC_KINDS:
        return S_NUM, ""
    longest = max((len(line) for t in texts for line in t.splitlines()), default=0)
    if kind in ("date", "datetime") or longest <= SHORT_TEXT:
        return S_SHORT, ""
    return (S_LONG, ' class="long"') if longest > LONG_TEXT else ("", "")


def _figure(series: Series) -> str:
    unit = f" ({series.unit})" if series.unit else ""
    return (f'<figure class="chart" style="margin:20px 0 12px">'
            f'<div style="{S_H3};margin-top:0">{e(series.title)}{e(unit)}</div>'
            f"{chart_svg(series)}"
            f'<figcaption style="font-size:12px;color:#627d98;margin-top:4px">'
            f"{e(series_summary(series))}</figcaption></figure>")
