"""Text from outside is data on the command line: tickets whose titles hold Rich markup,
terminal escapes, formulas, HTML, pipes or 100 kB go through every CLI output (tables, text,
JSON, CSV, Markdown, the packs) without a crash, a raw control character, a live formula or
markup that changes what is shown.

One simulated go-live per module: the hostile tickets are created in the simulator through
the real client and synced; then some rows are made "legacy" (written raw into the store, as
rows stored before text was cleaned where it enters), since every writer must be safe on its
own. Each test runs the CLI on a private copy of that store, at a frozen clock.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from hypercare.cli import main
from hypercare.config import Settings
from hypercare.odoo.sim import OdooSimulator
from hypercare.services import Services
from hypercare.text import FORMULA_START, clean
from tests.support import Clock, ServicesFactory, viewer
from tests.support.hostile import (
    CONTROLS,
    DDE,
    FORMULA,
    FORMULA_TEXTS,
    HTML,
    HUGE,
    MARKDOWN,
    MARKUP,
    STRAY_CLOSE,
    TITLES,
    raw_controls,
    seed_hostile_tickets,
    unescaped_pipes,
)
from tests.sync.conftest import make_sim, odoo_settings

ZONE = "America/Chicago"
SHOWN_LIMIT = 200
"""What one CLI table cell shows at most (hypercare.terminal.CELL_LIMIT)."""
WIDTH = 160
"""The terminal's width (``COLUMNS``)."""


@dataclass
class World:
    sim: OdooSimulator
    golden: Path
    models: Path
    now: datetime
    refs: dict[str, str]
    """Ticket ref by hostile title name (``TITLES``)."""


def settings_for(world: World, db: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{db}", timezone=ZONE,
                    odoo=odoo_settings(world.sim, protocol="json2"),
                    triage={"model_dir": str(world.models)})


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("hostile-cli")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=12)
    try:
        created = seed_hostile_tickets(sim)
        now = sim.now() + timedelta(minutes=30)
        world = World(sim, root / "golden.db", root / "models", now, {})
        with ServicesFactory(clock=lambda: now) as build:
            services = build(settings_for(world, world.golden))
            services.sync.run_sync()
            services.sla.sweep()
            views = {t.odoo_id: t for t in
                     services.tickets.list_tickets(viewer=viewer(services, "lea"))}
            world.refs = {name: views[odoo_id].ref for name, odoo_id in created.items()}
            _records(services, world.refs)
        _legacy_rows(world.golden, created["controls"])
        yield world
    finally:
        sim.stop()


def _records(services: Services, refs: dict[str, str]) -> None:
    """Known issues, decisions and backlog items written with hostile text."""
    lea = viewer(services, "lea")  # no roles.leads here: everyone is a lead
    issue = services.known_issues.create(title=FORMULA, viewer=lea, owner=MARKUP,
                                         ticket_refs=(refs["formula"], refs["html"]))
    services.known_issues.set_workaround(known_issue_id=issue.id, text=HTML, viewer=lea)
    today = services.context.clock().date()
    services.decisions.create(question=MARKUP, owner=DDE, viewer=lea,
                              due_date=today - timedelta(days=1),
                              options=((STRAY_CLOSE, HTML), (MARKDOWN, FORMULA)))
    decided = services.decisions.create(question=HTML, owner=MARKUP, viewer=lea,
                                        due_date=today)
    services.decisions.decide(decision_id=decided.id, outcome=FORMULA,
                              viewer=viewer(services, STRAY_CLOSE))
    services.backlog.add(type="fix", title=MARKDOWN, description=HTML, owner=DDE, viewer=lea,
                         value=4, risk=3, effort="M")
    services.affected.hold(raised_id=1, viewer=viewer(services, STRAY_CLOSE), text=MARKUP,
                           event_key="hostile-reply")  # a reply held for a lead


def _legacy_rows(db: Path, odoo_id: int) -> None:
    """Raw control characters written into the store, as rows stored before text was cleaned
    where it enters (the Odoo mapping cleans them now)."""
    connection = sqlite3.connect(db)
    try:
        connection.execute("UPDATE ticket SET title = ?, description = ?, partner_name = ?, "
                           "company = ?, assignee = ? WHERE odoo_id = ?",
                           (CONTROLS, CONTROLS, CONTROLS, CONTROLS, CONTROLS, odoo_id))
        connection.execute("UPDATE ticket_event SET body = ?, actor = ? WHERE ticket_odoo_id = ?",
                           (CONTROLS, CONTROLS, odoo_id))
        connection.execute("UPDATE known_issue SET owner = ?", (CONTROLS,))
        connection.execute("UPDATE backlog_item SET owner = ?", (CONTROLS,))
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[..., tuple[int, str, str]]]:
    """``cli(*args)`` -> (exit code, stdout, stderr): the CLI on a private copy of the world's
    store at the world's clock; every output is checked for raw control characters."""
    from hypercare import wiring

    monkeypatch.setenv("HYPERCARE_TIMEZONE", ZONE)
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    with ServicesFactory(tmp_path, clock=Clock(world.now + timedelta(hours=1))) as made:
        db = made.store("store.db", copy_of=world.golden)

        def build(settings: Any, **_: Any) -> Services:
            return made(settings_for(world, db))

        monkeypatch.setattr(wiring, "build_services", build)

        def run(*args: str) -> tuple[int, str, str]:
            capsys.readouterr()
            code = main(list(args))
            out, err = capsys.readouterr()
            assert raw_controls(out) == [], (args, "stdout")
            assert raw_controls(err) == [], (args, "stderr")
            return code, out, err

        yield run


def ok(result: tuple[int, str, str]) -> str:
    code, out, err = result
    assert code == 0, err
    return out


def assert_short_lines(out: str, width: int = WIDTH) -> None:
    """A table stays a table: the 100 kB title is cut, no line runs on."""
    assert HUGE[:SHOWN_LIMIT + 1] not in out
    assert max(map(len, out.splitlines()), default=0) <= width


def is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_live_formula(fields: list[str], where: str) -> None:
    """No CSV field a spreadsheet would run: only a number may start with ``-`` or ``+``."""
    for field in fields:
        assert not field.startswith(FORMULA_START) or is_number(field), (where, field[:80])


# -- the helpers: Rich text, CSV and JSON ------------------------------------------------------

def render(*renderables: Any, width: int = 100) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, highlight=False, color_system=None)
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


@pytest.mark.parametrize("text", [*TITLES.values(), CONTROLS, "[link=x]y", ":smile:"])
def test_data_is_never_markup(text: str) -> None:
    from hypercare.terminal import DataTable, data, line

    table = DataTable(title=text, caption=text)
    table.add_column("a")
    table.add_column("b")
    table.add_row(text, 42)
    shown = render(table, line(("x:", "bold"), " ", data(text), text), width=300)
    assert raw_controls(shown) == []
    expected = clean(text, multiline=False)
    if len(expected) < 150:
        assert expected in shown  # as typed: no tag applied, no emoji code replaced


def test_data_cuts_to_one_line() -> None:
    from hypercare.terminal import CELL_LIMIT, data

    assert len(data(HUGE).plain) == CELL_LIMIT and data(HUGE).plain.endswith("…")
    assert data("a\nb").plain == "a b" and data("a\nb", multiline=True).plain == "a\nb"
    assert len(data(HUGE, limit=None).plain) == len(HUGE)


def test_print_table_caps_cells(capsys: pytest.CaptureFixture[str]) -> None:
    from hypercare.commands.output import print_table

    print_table(MARKUP, ("ref", "title", "owner"), [("1", HUGE, HUGE), ("2", MARKUP, CONTROLS)],
                wide=("title",))
    out = capsys.readouterr().out
    assert MARKUP in out and raw_controls(out) == [] and "invoice" in out
    assert_short_lines(out)


def test_csv_and_json_of_the_cli() -> None:
    from zoneinfo import ZoneInfo

    from hypercare.commands.output import to_csv, to_json

    rows = [{"n": -3, "x": -2.5, "title": FORMULA, "tags": [DDE, "b"], "bad": CONTROLS}]
    fields = list(csv.reader(io.StringIO(to_csv(rows))))[1]
    assert fields[:4] == ["-3", "-2.5", "'" + FORMULA, "'" + DDE + ";b"]
    text = to_json(rows, ZoneInfo("UTC"))
    assert raw_controls(text) == [] and json.loads(text)[0]["bad"] == CONTROLS


# -- tickets -----------------------------------------------------------------------------------

def test_tickets_list_table_shows_titles_as_typed(cli: Callable[..., tuple[int, str, str]],
                                                  world: World) -> None:
    out = ok(cli("tickets", "list"))
    assert "[bold red]x" in out  # markup shown, not applied
    assert "Invoice [/]" in out
    assert world.refs["controls"] in out and "Invoice[31m" in out  # legacy row, cleaned
    assert_short_lines(out)


def test_tickets_list_json_keeps_every_character_escaped(
        cli: Callable[..., tuple[int, str, str]], world: World) -> None:
    tickets = {t["ref"]: t for t in json.loads(ok(cli("tickets", "list", "--format", "json")))}
    for name, ref in world.refs.items():
        if name != "controls":
            assert tickets[ref]["title"] == clean(TITLES[name], multiline=False)  # as stored
    assert tickets[world.refs["controls"]]["title"] == CONTROLS  # escaped as \u001b, \u009b


def test_tickets_list_csv_never_holds_a_live_formula(cli: Callable[..., tuple[int, str, str]],
                                                     world: World) -> None:
    rows = list(csv.DictReader(io.StringIO(ok(cli("tickets", "list", "--format", "csv")))))
    by_ref = {row["ref"]: row for row in rows}
    for row in rows:
        assert_no_live_formula(list(row.values()), row["ref"])
    for name, text in TITLES.items():
        if text in FORMULA_TEXTS:
            assert by_ref[world.refs[name]]["title"] == "'" + text
    assert by_ref[world.refs["huge"]]["title"] == HUGE  # CSV keeps the full text
    assert by_ref[world.refs["controls"]]["title"] == "Invoice[31m red bell\nnext nul1m back"
    assert all(row["reopen_count"].lstrip("-").isdigit() for row in rows)  # numbers stay numbers


@pytest.mark.parametrize("name", ["markup", "stray_close", "controls", "html", "formula",
                                  "rtl", "markdown", "huge"])
def test_tickets_show_writes_the_ticket_as_data(name: str,
                                                cli: Callable[..., tuple[int, str, str]],
                                                world: World) -> None:
    ref = world.refs[name]
    out = ok(cli("tickets", "show", ref))
    first = out.splitlines()[0]
    if name in ("markup", "stray_close", "html", "formula"):
        assert first == f"{ref} {TITLES[name]}"  # exactly as typed, markup shown not applied
    assert "event log" in out
    shown = json.loads(ok(cli("tickets", "show", ref, "--format", "json")))
    assert shown["ticket"]["ref"] == ref


# -- known issues, decisions, backlog ----------------------------------------------------------

def test_known_issue_created_with_a_markup_title(cli: Callable[..., tuple[int, str, str]],
                                                 world: World) -> None:
    created = ok(cli("known", "create", MARKUP, "--ticket", world.refs["markup"],
                     "--owner", STRAY_CLOSE))
    ref = created.split()[0]
    listed = ok(cli("known", "list"))
    assert "[bold red]x" in listed and "=HYPERLINK" in listed
    shown = ok(cli("known", "show", ref))
    assert shown.splitlines()[0] == f"{ref} {MARKUP}"
    assert f"owner {STRAY_CLOSE}" in shown.replace("\n", " ")
    first = ok(cli("known", "show", "1"))
    assert first.splitlines()[0] == f"KI-1 {FORMULA}"
    assert "&lt;" not in first and "<script>alert(1)</script>" in first  # a terminal, not HTML
    assert json.loads(ok(cli("known", "list", "--format", "json")))


def test_held_replies_and_who_acts_are_data(cli: Callable[..., tuple[int, str, str]]) -> None:
    listed = ok(cli("tickets", "held"))
    assert MARKUP in listed and STRAY_CLOSE[:20] in listed
    shown = json.loads(ok(cli("tickets", "held", "--format", "json")))
    assert [(h["who"], h["text"]) for h in shown] == [(STRAY_CLOSE, MARKUP)]
    decided = ok(cli("--as", MARKUP, "decisions", "decide", "1", STRAY_CLOSE))
    assert decided.splitlines()[0] == f"D-1 decided by {MARKUP}: {STRAY_CLOSE}"
    assert ok(cli("--as", STRAY_CLOSE, "kpi", "record", "first_payroll")) == (
        f"first_payroll recorded by {STRAY_CLOSE}\n")
    dismissed = ok(cli("--as", MARKUP, "tickets", "held", "dismiss", str(shown[0]["id"])))
    assert dismissed.startswith(f"held reply #{shown[0]['id']} on HC-1 by {STRAY_CLOSE}: "
                                "dismissed")


def test_decisions_list_and_show(cli: Callable[..., tuple[int, str, str]]) -> None:
    listed = ok(cli("decisions", "list"))
    assert "[bold red]x" in listed
    shown = ok(cli("decisions", "show", "1"))
    assert shown.splitlines()[0] == f"D-1 {MARKUP}"
    assert f"option: {STRAY_CLOSE}" in shown
    decided = ok(cli("decisions", "show", "2"))
    assert f"outcome: {FORMULA}" in decided.replace("\n", " ")
    assert json.loads(ok(cli("decisions", "list", "--format", "json")))


def test_backlog_item_added_with_a_hostile_title(cli: Callable[..., tuple[int, str, str]],
                                                 world: World) -> None:
    ok(cli("backlog", "add", "--type", "enhancement", "--title", MARKUP, "--description",
           CONTROLS, "--owner", FORMULA, "--value", "2", "--link",
           f"ticket:{world.refs['markup']}"))
    ok(cli("backlog", "add", "--type", "fix", "--title", HUGE))
    out = ok(cli("backlog", "list"))
    assert "[bold red]x" in out and "| pipe" in out
    assert_short_lines(out)
    items = json.loads(ok(cli("backlog", "list", "--format", "json")))["items"]
    assert MARKUP in [item["item"]["title"] for item in items]


# -- stand-up, KPIs, jobs, classify -----------------------------------------------------------

def test_standup_agenda_markdown_escapes_titles(cli: Callable[..., tuple[int, str, str]],
                                                world: World) -> None:
    out = ok(cli("standup", "agenda"))
    assert out.startswith("# Triage stand-up agenda")
    assert "<!channel>" not in out and "&lt;!channel&gt;" in out  # HTML shown, not run
    assert "\\[bold red\\]x" in out  # Markdown punctuation escaped
    assert_short_lines(out, SHOWN_LIMIT + 40)
    items = [line for line in out.splitlines() if line.startswith("- **")]
    assert items and all(line.count("\n") == 0 for line in items)
    agenda = json.loads(ok(cli("standup", "agenda", "--format", "json")))
    titles = {item["title"] for section in agenda["sections"] for item in section["items"]}
    assert MARKUP in titles


def test_standup_minutes_hold_no_raw_control(cli: Callable[..., tuple[int, str, str]],
                                             world: World) -> None:
    standup = ok(cli("standup", "start")).strip()
    ok(cli("standup", "record", standup, world.refs["markup"], "--owner", CONTROLS,
           "--next-step", MARKUP))
    minutes = ok(cli("standup", "end", standup))
    assert "red" in minutes
    day = world.now.astimezone(ZoneInfo(ZONE)).date().isoformat()
    assert "red" in ok(cli("standup", "minutes", "--date", day))


def test_kpi_board_and_exit_report(cli: Callable[..., tuple[int, str, str]]) -> None:
    assert "Open backlog" in ok(cli("kpi", "--days", "7"))
    assert "exit" in ok(cli("kpi", "exit"))
    assert json.loads(ok(cli("kpi", "--format", "json")))


def test_jobs_outbox(cli: Callable[..., tuple[int, str, str]]) -> None:
    out = ok(cli("jobs", "outbox", "--limit", "500"))
    assert out.startswith("outbox:")
    assert_short_lines(out)
    json.loads(ok(cli("jobs", "outbox", "--format", "json")))


def test_classify_table_of_hostile_rows(cli: Callable[..., tuple[int, str, str]],
                                        tmp_path: Path) -> None:
    rows = tmp_path / "hostile.jsonl"
    rows.write_text("".join(json.dumps({"id": title[:40], "subject": title, "description": title,
                                        "app": MARKUP}) + "\n" for title in TITLES.values()),
                    encoding="utf-8")
    out = ok(cli("classify", "--input", str(rows), "--format", "table"))
    assert "[bold red]x" in out
    assert_short_lines(out)
    lines = ok(cli("classify", "--input", str(rows))).splitlines()
    assert len(lines) == len(TITLES) and json.loads(lines[0])["id"] == MARKUP[:40]


def test_sync_status(cli: Callable[..., tuple[int, str, str]]) -> None:
    assert "recent sync runs" in ok(cli("sync", "--status"))


# -- errors ------------------------------------------------------------------------------------

def test_an_error_quoting_hostile_text_writes_no_control(
        cli: Callable[..., tuple[int, str, str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from hypercare.commands import tickets_cmd
    from hypercare.errors import HypercareError

    def fail(ctx: Any) -> int:
        raise HypercareError(f"ticket {CONTROLS} failed", hint=CONTROLS)

    monkeypatch.setattr(tickets_cmd, "run_list", fail)
    code, _, err = cli("tickets", "list")
    assert code == 1 and err.startswith("error: ticket Invoice[31m red bell")

    def crash(ctx: Any) -> int:
        raise ValueError(CONTROLS)

    monkeypatch.setattr(tickets_cmd, "run_list", crash)
    code, _, err = cli("tickets", "list")
    assert code == 70 and "internal error: ValueError: Invoice[31m" in err


def test_unknown_hostile_ref_is_a_clean_not_found(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = cli("tickets", "show", CONTROLS)
    assert code != 0 and err.startswith("error:")


# -- the packs ---------------------------------------------------------------------------------

def _week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@pytest.mark.parametrize("kind", ["weekly", "handover"])
def test_packs_in_every_format_hold_hostile_text_as_data(
        kind: str, cli: Callable[..., tuple[int, str, str]], world: World,
        tmp_path: Path) -> None:
    week = ["--week", _week(world.now)] if kind == "weekly" else []
    out = ok(cli("export", kind, *week, "--out", str(tmp_path / "out")))
    paths = [Path(line) for line in out.splitlines()]
    assert [p.suffix for p in paths[:3]] == [".md", ".html", ".xlsx"]
    for path in paths:
        if path.suffix != ".xlsx":
            assert raw_controls(path.read_text(encoding="utf-8-sig")) == [], path.name
    check_markdown(paths[0].read_text(encoding="utf-8"))
    check_html(paths[1].read_text(encoding="utf-8"))
    found = check_xlsx(paths[2])
    for path in paths[3:]:
        check_csv(path)
    if kind == "handover":  # every open ticket is listed: the hostile ones too
        assert any(text.startswith("Posting blocked") for text in found)
        assert any(text == FORMULA for text in found)


def check_markdown(text: str) -> None:
    assert "<script" not in text and "<img" not in text and "&lt;script&gt;" in text
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("|") and number and lines[number - 1].startswith("|"):
            header = next(i for i in range(number, -1, -1)
                          if i == 0 or not lines[i - 1].startswith("|"))
            assert cells(line) == cells(lines[header]), line[:120]
        assert not line.startswith(("=HYPERLINK", "+cmd", "@SUM", "# heading", "<")), line


def cells(row: str) -> int:
    """The cells of a pipe-table row: pipes not escaped by a backslash, minus the edges."""
    return unescaped_pipes(row) - 1


def check_html(text: str) -> None:
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "<img" not in text and "<b>bold" not in text
    assert re.search(r"<title>[^<]*</title>", text)


def check_xlsx(path: Path) -> list[str]:
    """Every text cell: no formula, no control, at most 32,767 characters; formula-like text
    marked as text. Returns the text cells."""
    book = openpyxl.load_workbook(path)
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    assert raw_controls(cell.value) == [], (sheet.title, cell.coordinate)
                    assert len(cell.value) <= 32_767
                    if cell.value.startswith(FORMULA_START):
                        assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
    return texts


def check_csv(path: Path) -> None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            assert_no_live_formula(row, path.name)


