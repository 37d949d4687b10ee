"""The pack writers on their own: a pack whose every text (title, notes, section titles,
summaries, warnings, table titles, column labels, cells, notes, chart titles, labels and
units) is hostile, raw control characters included (a read model built from rows stored
before text was cleaned where it enters). Every format renders it as data."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from hypercare.export import FORMATS, write_pack
from hypercare.export.csv_writer import csv_value, write_csv
from hypercare.export.html import write_html
from hypercare.export.markdown import write_markdown
from hypercare.export.xlsx import MAX_CELL, write_xlsx
from hypercare.services.packs.model import Column, KpiLine, Pack, Section, Series, Table
from hypercare.text import FORMULA_START, clean, looks_like_formula, neutralize_formula
from tests.support.hostile import (
    CONTROLS,
    DDE,
    FORMULA,
    FORMULA_TEXTS,
    HTML,
    HUGE,
    MARKDOWN,
    MARKUP,
    TITLES,
    raw_controls,
    unescaped_pipes,
)

BLOCKS = ("# heading", "> quote", "- item", "+ item", "1. item", "2) item", "~~~ fence",
          "=== underline", "```code", "    indented", "<div>block</div>", "* star")
"""Text that would start a Markdown block if it began a line or a list item."""
EVERY = (*TITLES.values(), *BLOCKS, "\r=1+1 after CR", "\t=1+1 after tab", "a\\|b\\")


def hostile_pack() -> Pack:
    """Every hostile text in every place a pack holds text."""
    columns = (Column("ref", CONTROLS), Column("title", MARKDOWN), Column("n", HTML, "int"),
               Column("share", FORMULA, "percent"), Column("since", "Since", "date"))
    rows = tuple((f"T-{i}", text, -i, -0.25, date(2026, 11, 23)) for i, text in enumerate(EVERY))
    table = Table("tickets", HTML, columns, rows, note=CONTROLS + " " + FORMULA)
    chart = Series(MARKUP + " <script>x</script>", tuple(t[:40] for t in EVERY[:8]),
                   tuple(float(i) for i in range(8)), unit=HTML, kind="bar")
    line = Series(CONTROLS, ("2026-11-23", "2026-11-24"), (1.0, -2.0), unit=FORMULA)
    sections = (
        Section("one", CONTROLS, summary=(*BLOCKS, HTML, CONTROLS), tables=(table,),
                charts=(chart, line), warnings=(FORMULA, MARKDOWN, CONTROLS)),
        Section("two", "# heading " + HTML, summary=(HUGE,),
                tables=(Table("empty", MARKUP, columns, (), note="# note"),)),
    )
    headline = (KpiLine("k1", MARKUP, 1.0, 1.0, "tickets", "down", None, None),
                KpiLine("k2", CONTROLS, 2.0, 3.0, HTML, "up", 1.0, True))
    return Pack(kind="weekly", title=CONTROLS + " " + MARKDOWN, week="2026-W48",
                period_start=date(2026, 11, 23), period_end=date(2026, 11, 29),
                generated_at=datetime(2026, 11, 30, 7, 0, tzinfo=UTC), timezone="Europe/Brussels",
                headline=headline, sections=sections, notes=(*BLOCKS, CONTROLS, FORMULA))


@pytest.fixture
def pack() -> Pack:
    return hostile_pack()


# -- the shared rules ---------------------------------------------------------------------------

@pytest.mark.parametrize("text", [*FORMULA_TEXTS, "\tx", "\rx", "\nx"])
def test_formula_text_gets_an_apostrophe(text: str) -> None:
    assert looks_like_formula(text) and neutralize_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Invoice =1", "'=1", "", "42", " =1", "ÉTÉ"])
def test_other_text_is_left_alone(text: str) -> None:
    assert neutralize_formula(text) == text


def test_csv_values_are_neutralized_numbers_stay_numbers() -> None:
    assert csv_value(FORMULA) == "'" + FORMULA
    assert csv_value(-1.5) == "-1.5" and csv_value(-3) == "-3"
    assert csv_value("\r=cmd") == "'\n=cmd"  # cleaned first (CR to LF), still neutralized
    assert csv_value(CONTROLS) == "Invoice[31m red bell\nnext nul1m back"


# -- Markdown -----------------------------------------------------------------------------------

def test_markdown_tables_keep_their_columns_and_text_starts_no_block(pack: Pack) -> None:
    text = write_markdown(pack)
    assert raw_controls(text) == []
    lines = text.splitlines()
    widths: list[int] = []
    for line in lines:  # a pipe in a title never adds a column
        if line.startswith("|"):
            widths.append(unescaped_pipes(line))
            assert widths[-1] == widths[0], line[:200]
        else:
            widths = []
    assert "| T-0 | \\[bold red\\]x\\[/bold red\\] \\[/\\] invoice |" in text
    for line in lines:
        if line.startswith(("# ", "## ", "### ", "> **⚠ Warning:** ", "| ", "*", "`")):
            continue  # our own headings, warnings, tables, notes and sparklines
        body = re.sub(r"^(- |\d+\. )", "", line)  # our own list items
        assert not re.match(r"(#|>|[-+*] |\d+[.)]|~~~|```|=|<| )", body), line[:200]
    items = [line for line in lines if line.startswith("- ")]
    assert "- \\# heading" in items and "- 1\\. item" in items and "- \\~~~ fence" in items
    assert "2. \\# heading &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\# heading" in lines and "&gt; quote" in lines  # summaries


def test_markdown_escapes_html(pack: Pack) -> None:
    text = write_markdown(pack)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text


# -- HTML ---------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_and_its_svg_charts_escape_everything(pack: Pack) -> None:
    page = write_html(pack)
    assert raw_controls(page) == []
    parsed = Tags()
    parsed.feed(page)
    assert not parsed.tags & {"script", "img", "b"}
    assert "<div>block" not in page and "&lt;div&gt;block&lt;/div&gt;" in page
    assert not [a for a in parsed.attributes if a.startswith("on")]
    shown = "".join(parsed.text)
    assert "<script>alert(1)</script>" in shown and MARKUP in shown  # shown as text
    assert page.count("<svg") == 2
    svg = page[page.index("<svg"):page.rindex("</svg>")]
    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert 'aria-label="[bold red]x' in svg  # escaped into the attribute, quotes too


# -- XLSX ---------------------------------------------------------------------------------------

def test_xlsx_cells_are_text_without_controls_and_capped(pack: Pack, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_xlsx(pack, tmp_path / "pack.xlsx"))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert raw_controls(cell.value) == [], (sheet.title, cell.coordinate)
                    assert len(cell.value) <= MAX_CELL
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    huge = [t for t in texts if t.startswith("Posting blocked")]
    assert huge and all(len(t) == MAX_CELL and t.endswith("…") for t in huge)
    assert FORMULA in texts and DDE in texts and HTML in texts
    assert clean(CONTROLS) in texts  # kept, without its control characters
    sheet = book.worksheets[1]
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert -0.25 in values and -3 in values  # numbers stay numbers


# -- CSV ----------------------------------------------------------------------------------------

def test_csv_files_hold_no_live_formula(pack: Pack, tmp_path: Path) -> None:
    paths = write_csv(pack, tmp_path / "csv")
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
        assert raw_controls(text) == [], path.name
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for field in row:  # a number, never a formula
                    assert not field.startswith(FORMULA_START) or is_number(field), field
    tickets = list(csv.reader(paths[1].open(encoding="utf-8-sig", newline="")))
    assert tickets[0][3] == "'" + FORMULA  # a column label too
    by_ref = {row[0]: row for row in tickets[1:]}
    assert by_ref["T-1"][2:4] == ["-1", "-0.25"]
    titles = [row[1] for row in tickets[1:]]
    assert "'" + FORMULA in titles and "'" + DDE in titles and HUGE in titles
    assert "'\n=1+1 after CR" in titles and "'\t=1+1 after tab" in titles
    headline = list(csv.reader(paths[0].open(encoding="utf-8-sig", newline="")))
    assert headline[1][5] == "'= no change"  # the trend of an unchanged KPI is text too


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# -- all formats --------------------------------------------------------------------------------

def test_write_pack_in_every_format(pack: Pack, tmp_path: Path) -> None:
    paths = write_pack(pack, tmp_path / "out", FORMATS)
    for path in paths:
        if path.suffix != ".xlsx":
            assert raw_controls(path.read_text(encoding="utf-8-sig")) == [], path.name
    assert (tmp_path / "out").is_dir() and len(paths) == 3 + 1 + 2

