"""Each writer's output read back (Markdown text, HTML through html.parser, XLSX through
openpyxl, CSV through csv) and checked against the fixture packs' own numbers."""

from __future__ import annotations

import csv
import re
import zipfile
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hypercare.export import FORMATS, write_pack
from hypercare.export.csv_writer import write_csv
from hypercare.export.html import write_html
from hypercare.export.markdown import write_markdown
from hypercare.export.xlsx import sheet_names, write_xlsx
from hypercare.services.packs.model import Pack, Section
from tests.export.conftest import FORMULA, HOSTILE, UNICODE, empty_pack, rich_pack

BRUSSELS = ZoneInfo("Europe/Brussels")


class Page(HTMLParser):
    """What the tests look at in an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.ids: set[str] = set()
        self.h2: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.svgs: list[dict[str, int]] = []
        self.svg_text: list[str] = []
        self.text: list[str] = []
        self._h2: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_svg = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        self.links += [(k, v or "") for k, v in attrs if k in ("src", "href", "xlink:href")]
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "h2":
            self._h2 = []
        elif tag == "table" and found.get("class") == "data":
            self.tables.append([])
        elif tag == "tr" and self.tables and not self._in_svg:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            self._cell = []
        elif tag == "svg":
            self._in_svg = True
            self.svgs.append({})
        if self._in_svg:
            self.svgs[-1][tag] = self.svgs[-1].get(tag, 0) + 1
            if tag == "polyline":
                self.svgs[-1]["points"] = len(str(found.get("points")).split())

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2" and self._h2 is not None:
            self.h2.append("".join(self._h2))
            self._h2 = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None
        elif tag == "svg":
            self._in_svg = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for part in (self._h2, self._cell):
            if part is not None:
                part.append(data)
        if self._in_svg:
            self.svg_text.append(data)


def shown_tables(pack: Pack) -> list[tuple[Section, int]]:
    return [(s, i) for s in pack.sections for i, t in enumerate(s.tables) if t.rows]


# -- Markdown ---------------------------------------------------------------------------------

def test_markdown_has_headline_sections_and_every_table_row(pack: Pack) -> None:
    text = write_markdown(pack)
    assert text.startswith("# Weekly steering pack — Acme go-live\n")
    assert "| Open backlog | 42 tickets | 51 tickets | ▼ -9 tickets (better) |  |" in text
    assert "| SLA attainment | 92.5 % | 88 % | ▲ +4.5 pts (better) | 90 % (met) |" in text
    assert "| Open S1 | 1 ticket | 0 tickets | ▲ +1 ticket (worse) | 0 tickets (missed) |" in text
    assert "| Known issues open | 7 issues | 7 issues | = no change |" in text
    for n, section in enumerate(pack.sections, start=1):
        assert f"\n## {n}. {section.title}\n" in text
    assert "| KI-3 | Zürich – Lieferschein ✓ 日本語 € | 12 | 12.5 % |" in text
    assert "| Open backlog | 42 | 42 | 93.5 % | 2026-11-23 | 2026-11-30 08:00 |" in text
    assert "| D-14 | Line one<br>line two |" in text
    rows = [line for line in text.splitlines() if line.startswith("| D-")]
    assert len(rows) == len(pack.section("decisions").tables[0].rows)
    for line in text.splitlines():  # escaped pipes never split a cell
        if line.startswith("| D-"):
            assert len(re.findall(r"(?<!\\)\|", line)) == 7
    assert "*No rows.*" in text and "*Nothing approved this week.*" in text
    assert "> **⚠ Warning:** D-12 is 3 days overdue." in text


def test_markdown_escapes_html_and_charts_are_text(pack: Pack) -> None:
    text = write_markdown(pack)
    assert "<script>" not in text
    assert "&lt;script&gt;alert('x')&lt;/script&gt; & \"quoted\" \\| R&D's" in text
    assert "\\# not a heading" in text
    assert "`▅▆▇█▇▆▅▄▄▃▃▂▁▁` last 42 tickets · min 42 · max 60" in text
    assert "| Accounting | 34 | ████████████████████ |" in text
    assert "| 11-26 | -4 |" in text
    assert "### Chart: =1+1 Nothing yet (tickets)\n\n*No data.*" in text


# -- HTML ------------------------------------------------------------------------------------

def test_html_sections_toc_tables_and_charts(pack: Pack) -> None:
    page = Page(write_html(pack))
    assert page.h2[:2] == ["Headline", "Contents"]
    assert page.h2[2:] == [f"{n}.{s.title}" for n, s in enumerate(pack.sections, start=1)]
    anchors = [href for kind, href in page.links if kind == "href"]
    assert len(anchors) == len(pack.sections)
    assert all(href.startswith("#") and href[1:] in page.ids for href in anchors)
    expected = shown_tables(pack)
    assert len(page.tables) == len(expected)
    for parsed, (section, index) in zip(page.tables, expected, strict=True):
        table = section.tables[index]
        assert parsed[0] == [c.label for c in table.columns]
        assert len(parsed) == len(table.rows) + 1
    kpis = page.tables[0]
    assert kpis[1] == ["Open backlog", "42", "42", "93.5 %", "2026-11-23", "2026-11-30 08:00"]
    assert kpis[3][:4] == [HOSTILE, "-1.5", "1,234,567", "100 %"]
    decisions = page.tables[1]
    assert decisions[2][1] == FORMULA and decisions[3][2] == UNICODE
    charts = [c for s in pack.sections for c in s.charts]
    assert len(page.svgs) == len(charts)
    for svg, series in zip(page.svgs, charts, strict=True):
        assert svg.get("title") == 1
        if series.kind == "line" and len(series.values) > 1:
            assert svg["points"] == len(series.values)
        if series.kind == "bar":
            assert svg["rect"] == len(series.values) + 1  # + the background
    svg_text = set(page.svg_text)
    assert {"51", "60", "42", "Accounting", "34", "Manufacturing <MRP>", "-2.5", "tickets",
            "No data"} <= svg_text


def test_html_is_escaped_self_contained_and_prints_on_a4(pack: Pack) -> None:
    text = write_html(pack)
    page = Page(text)
    assert "script" not in page.tags
    assert HOSTILE in page.text and "<script>alert" not in text
    assert all(value.startswith("#") for _, value in page.links)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", text)
    assert "url(" not in text and "@import" not in text and "<link" not in text
    assert "<img" not in text
    assert "@page { size: A4" in text and "@media print" in text
    assert "break-before: page" in text and "break-inside: avoid" in text
    assert "thead { display: table-header-group; }" in text
    assert "⚠ Warning:" in "".join(page.text)
    assert "3 confidential tickets counted in the figures, not shown." in page.text


# -- XLSX ------------------------------------------------------------------------------------

def test_xlsx_sheets_types_filters_and_freeze(pack: Pack, tmp_path: Path) -> None:
    path = write_xlsx(pack, tmp_path / "pack.xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Summary", *sheet_names(pack.sections)]
    assert all(len(name) <= 31 for name in book.sheetnames)
    assert len({name.lower() for name in book.sheetnames}) == len(book.sheetnames)
    sheet = book.worksheets[1]
    assert sheet["A1"].value == "1. Executive summary" and sheet["A1"].font.b
    kpis = next(t for t in sheet.tables.values() if t.displayName.endswith("_kpis"))
    assert kpis.autoFilter is not None and kpis.autoFilter.ref == kpis.ref == "A9:F12"
    assert sheet.freeze_panes == "A10"
    labels = [c.label for c in pack.tables()[0].columns]
    assert [c.value for c in sheet[9]] == labels == [c.name for c in kpis.tableColumns]
    assert sheet["A8"].value == "KPIs this week" and sheet["A8"].font.b
    row = sheet[10]
    assert row[0].value == "Open backlog" and row[0].data_type == "s"
    assert row[1].value == pytest.approx(42.0) and row[1].number_format == "#,##0.0#"
    assert row[2].value == 42 and row[2].number_format == "#,##0"
    assert row[3].value == pytest.approx(0.935) and row[3].number_format == "0.0%"
    assert row[4].value == datetime(2026, 11, 23) and row[4].number_format == "yyyy-mm-dd"
    assert row[5].value == datetime(2026, 11, 30, 8, 0)  # 07:00 UTC, shown in Brussels
    assert row[5].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C12"].value == 1234567 and sheet["B12"].value == pytest.approx(-1.5)
    assert sheet["A12"].value == HOSTILE and sheet["E12"].value is None
    decisions = book.worksheets[2]
    formula = decisions["B8"]
    assert formula.value == FORMULA and formula.data_type == "s" and formula.quotePrefix
    assert decisions["C9"].value == UNICODE and decisions["B9"].value == "Line one\nline two"
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in archive.read(n).decode() for n in sheets)


def test_xlsx_summary_headline_empty_tables_and_chart_data(pack: Pack, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(pack, tmp_path / "pack.xlsx"))
    summary = book["Summary"]
    assert summary["A1"].value == pack.title
    assert summary["A2"].value == "Week 2026-W48 · 2026-11-23 to 2026-11-29"
    assert summary["A5"].value == FORMULA and summary["A5"].data_type == "s"
    links = [c.hyperlink.location for c in summary["A"] if c.hyperlink]
    assert links == [f"'{name}'!A1" for name in book.sheetnames[1:]]
    headline = summary.tables["T1_headline"]
    first = int(re.findall(r"\d+", headline.ref)[0])
    assert summary.freeze_panes == f"A{first + 1}"
    for offset, line in enumerate(pack.headline, start=1):
        cells = [c.value for c in summary[first + offset]]
        assert cells[0] == line.label
        assert cells[1] == (None if line.value is None else pytest.approx(line.value))
        assert cells[3] == (None if line.change is None else pytest.approx(line.change))
    assert summary.cell(first + 2, 2).number_format == '0.0" %"'
    backlog = book.worksheets[4]
    empty = next(t for t in backlog.tables.values() if t.displayName.endswith("backlog_items"))
    assert empty.ref == "A4:B5" and backlog["A6"].value == "No rows."
    chart = next(t for t in backlog.tables.values() if "Net_flow" in t.displayName)
    top = int(re.findall(r"\d+", chart.ref)[0])
    values = [backlog.cell(top + i, 2).value for i in range(1, 8)]
    assert values == pytest.approx([3.0, -2.5, -4.0, 1.0, -1.0, -2.0, 0.0])
    assert book.worksheets[5].freeze_panes is None  # no tables: nothing to freeze


def test_sheet_names_are_short_valid_and_unique() -> None:
    sections = tuple(Section(str(i), "Known issues: [open/closed] * why? " * 3)
                     for i in range(12))
    names = sheet_names(sections)
    assert len(set(names)) == 12 and all(len(n) <= 31 for n in names)
    assert not any(set(n) & set("[]:*?/\\") for n in names)
    assert names[10].startswith("11 Known issues")


# -- CSV -------------------------------------------------------------------------------------

def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_csv_one_file_per_table_with_typed_values(pack: Pack, tmp_path: Path) -> None:
    paths = write_csv(pack, tmp_path / "csv")
    expected = ["headline.csv"] + [f"{s.key}__{t.name}.csv" for s in pack.sections
                                   for t in s.tables]
    assert [p.name for p in paths] == expected
    for path, table in zip(paths[1:], pack.tables(), strict=True):
        rows = read_csv(path)
        assert rows[0] == [c.label for c in table.columns]
        assert len(rows) == len(table.rows) + 1
    kpis = read_csv(paths[1])
    assert kpis[1] == ["Open backlog", "42.0", "42", "0.935", "2026-11-23",
                       "2026-11-30T08:00:00+01:00"]
    assert datetime.fromisoformat(kpis[2][5]) == datetime(2026, 11, 29, 23, 30, tzinfo=BRUSSELS)
    assert kpis[3][:4] == [HOSTILE, "-1.5", "1234567", "1.0"] and kpis[3][4:] == ["", ""]
    decisions = read_csv(paths[2])
    assert decisions[1][1] == pack.tables()[1].rows[0][1]
    assert decisions[2][1] == "'" + FORMULA  # never a live formula in a spreadsheet
    assert decisions[4][1:3] == ["'-5 + 3 = ?", "'@ops"]
    assert decisions[3][1:3] == ["Line one\nline two", UNICODE]
    assert date.fromisoformat(decisions[1][3]) == date(2026, 11, 27)
    headline = read_csv(paths[0])
    assert headline[0][:5] == ["key", "label", "value", "previous", "change"]
    by_key = {row[0]: row for row in headline[1:]}
    for line in pack.headline:
        row = by_key[line.key]
        assert row[2] == ("" if line.value is None else str(line.value))
        assert row[4] == ("" if line.change is None else str(line.change))
    assert by_key["sla_attainment"][8:] == ["90.0", "true"]


# -- every format, every pack ----------------------------------------------------------------

def test_write_pack_writes_valid_files_in_every_format(any_pack: Pack, tmp_path: Path) -> None:
    out = tmp_path / "new" / "dir"
    paths = write_pack(any_pack, out, FORMATS)
    stem = f"hypercare-{any_pack.kind}-{any_pack.week}"
    assert paths[:3] == [out / f"{stem}.md", out / f"{stem}.html", out / f"{stem}.xlsx"]
    csv_dir = out / f"csv-{any_pack.kind}-{any_pack.week}"
    assert paths[3:] == sorted(csv_dir.iterdir(), key=paths.index)
    assert len(paths[3:]) == 1 + sum(len(s.tables) for s in any_pack.sections)
    markdown = paths[0].read_text(encoding="utf-8")
    page = Page(paths[1].read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(paths[2])
    assert len(book.sheetnames) == 1 + len(any_pack.sections)
    assert len(page.h2) == 2 + len(any_pack.sections)
    for path in paths[3:]:
        assert read_csv(path)
    notice = "No data for this period."
    assert (notice in markdown) is any_pack.empty
    assert (notice in page.text) is any_pack.empty
    assert (book["Summary"]["A4"].value or "").startswith(notice) is any_pack.empty


def test_write_pack_formats_subset_and_unknown_format(tmp_path: Path) -> None:
    paths = write_pack(empty_pack(), tmp_path, ["html", "md", "html"])
    assert [p.suffix for p in paths] == [".md", ".html"]
    with pytest.raises(ValueError, match=r"'pdf'.*md, html, xlsx, csv"):
        write_pack(rich_pack(), tmp_path / "other", ["md", "pdf"])
    assert not (tmp_path / "other").exists()


def test_chart_axis_labels_shorten_iso_dates_only() -> None:
    from hypercare.export.svg import axis_labels, ticks

    assert axis_labels(("2026-11-20", "2026-11-21"), 3) == ["20 Nov", "21 Nov", ""]
    assert axis_labels(("11-17", "S1"), 2) == ["11-17", "S1"]
    assert ticks(-4, 3) == [-4, -2, 0, 2, 4] and ticks(0, 0) == [0, 0.5, 1]
