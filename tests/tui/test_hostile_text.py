"""Hostile ticket text through every TUI screen: nothing crashes, nothing is read as markup,
no control character reaches the terminal, a 100 kB title stays one line.

A go-live's tickets come from anyone who can create one in Odoo; here every title of the
hostile corpus is a ticket (title, description, partner, chatter reply), a known issue, a
policy question (with hostile options) and a backlog item, synced from the simulator into the
store; the markup ticket is escalated by hand with a hostile reason. Rows stored before text
was cleaned where it enters are played by writing control characters straight into the store.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static, TabbedContent

from hypercare.services import Services
from hypercare.tui.app import HypercareApp
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.ticket import TicketScreen
from hypercare.tui.widgets.data import (
    DETAIL_LIMIT,
    DataTable,
    cell,
    detail,
    markdown_document,
    markdown_literal,
    toast,
)
from hypercare.tui.widgets.ticket_table import TicketTable, fit
from tests.support import ServicesFactory
from tests.support.hostile import (
    CONTROLS,
    HUGE,
    MARKUP,
    RTL,
    STRAY_CLOSE,
    TITLES,
    raw_controls,
    seed_hostile_tickets,
)
from tests.sync.conftest import make_sim
from tests.tui.conftest import NOW, lead, make_app, plain, settings_for, settle, ticket
from tests.tui.screen_text import svg_text

SIZES = [(80, 24), (160, 48)]
SHOWN = "[bold red]x"
"""The markup title's head, as it must appear: literally, brackets and all."""
STRAY_SHOWN = "[/link] [link=http://evil.example]click[/link]"
OPTION = "Approve [bold]all[/] credit notes [/]"
LEGACY = "Legacy \x1b[2J\x1b]0;owned\x07 row\x00 with\x9b controls \u202eevil [/] end"
"""A title stored before text was cleaned where it enters (written straight into the store)."""
LEGACY_SHOWN = "Legacy [2J]0;owned row with controls evil [/] end"


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    root = tmp_path_factory.mktemp("hostile-tui")
    sim = make_sim(flavor="enterprise", version="19.0", tickets=20, days=6, now=NOW)
    created = seed_hostile_tickets(sim)
    db = root / "hostile.db"
    try:
        with ServicesFactory(clock=lambda: NOW) as build:
            services = build(settings_for(sim, db, root / "models"))
            services.sync.run_sync()
            services.sla.sweep()
            lea = lead(services)
            refs = {name: ticket(services, f"#{odoo_id}").ref
                    for name, odoo_id in created.items()}
            for name, title in TITLES.items():
                services.known_issues.create(title=title, viewer=lea, severity=2,
                                             ticket_refs=(refs[name],))
                services.decisions.create(question=title, owner=title[:60], viewer=lea)
                services.backlog.add(type="fix", title=title, viewer=lea, description=title)
            services.decisions.create(question=f"Options: {MARKUP}", owner=MARKUP, viewer=lea,
                                      options=((OPTION, MARKUP), (STRAY_CLOSE, CONTROLS)))
            services.sla.escalate(ref=refs["markup"], viewer=lea, reason=STRAY_CLOSE)
        yield db, (sim, root, refs)
    finally:
        sim.stop()


@pytest.fixture
def hostile_services(hostile_store: tuple[Path, Any], tmp_path: Path) -> Iterator[Services]:
    golden, (sim, root, _) = hostile_store
    db = tmp_path / "store.db"
    shutil.copy(golden, db)
    with ServicesFactory(clock=lambda: NOW) as build:
        yield build(settings_for(sim, db, root / "models"))


@pytest.fixture
def refs(hostile_store: tuple[Path, Any]) -> dict[str, str]:
    return dict(hostile_store[1][2])


# -- looking at the screen -------------------------------------------------------------------


def look(app: HypercareApp, where: str, *, shows: tuple[str, ...] = ()) -> str:
    """What the terminal shows now (as text); fails on a raw control character, an error
    notification (a screen that failed to paint) or text expected but not shown."""
    assert app.is_running, f"{where}: the app ended"
    svg = app.export_screenshot()
    assert raw_controls(svg) == [], f"{where}: a raw control character in the screenshot"
    text = svg_text(svg)
    assert raw_controls(text) == [], f"{where}: a raw control character on the screen"
    errors = [n.message for n in app._notifications if n.severity == "error"]
    assert errors == [], f"{where}: {errors}"
    for expected in shows:
        assert expected in text, f"{where}: {expected!r} is not on the screen:\n{text}"
    return text


def shows(widget: Any, where: str, *expected: str) -> str:
    """What a Static holds (its whole content, seen or scrolled away), checked for ``expected``
    and for control characters."""
    text = plain(widget, width=400)
    assert raw_controls(text) == [], where
    for wanted in expected:
        assert wanted in text, f"{where}: {wanted!r} not in {text[:2000]!r}"
    return text


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def dialog(pilot: Pilot[Any], key: str, where: str, *, shows: tuple[str, ...] = (),
                 close: bool = True, optional: bool = False) -> str:
    """Open a dialog with ``key``, look at it, then close it with escape (``optional``: the
    key may answer with a notification instead, when there is nothing to choose from)."""
    app = pilot.app
    assert isinstance(app, HypercareApp)
    await press(pilot, key)
    if optional and not isinstance(app.screen, ModalScreen):
        return look(app, where)
    assert isinstance(app.screen, ModalScreen), f"{where}: no dialog"
    text = look(app, where, shows=shows)
    if close:
        await press(pilot, "escape")
    return text


async def type_into(pilot: Pilot[Any], selector: str, value: str) -> None:
    pilot.app.screen.query_one(selector, Input).value = value
    await settle(pilot)


async def walk_rows(pilot: Pilot[Any], where: str, *, markup_row: str = "") -> None:
    """Highlight every row of the record table, looking at the screen each time."""
    app = pilot.app
    assert isinstance(app, HypercareApp)
    table = app.screen.query_one(DataTable)
    assert table.row_count >= len(TITLES), where
    for row in range(table.row_count):
        table.move_cursor(row=row, animate=False)
        await settle(pilot)
        look(app, f"{where} row {row}")
    if markup_row:
        index = next(i for i in range(table.row_count)
                     if str(table.get_row_at(i)[-1]).startswith(SHOWN)
                     or any(str(c).startswith(SHOWN) for c in table.get_row_at(i)))
        table.move_cursor(row=index, animate=False)
        await settle(pilot)
        shows(app.screen.query_one(markup_row), f"{where} detail", SHOWN, "[/] invoice")


# -- every screen and dialog -------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_every_screen_shows_hostile_text_as_data(hostile_services: Services,
                                                       size: tuple[int, int]) -> None:
    app = make_app(hostile_services)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        look(app, "dashboard")
        shows(app.screen.query_one("#known-issues"), "dashboard known issues", SHOWN)
        for panel in ("#sla-watch", "#escalations", "#exit", "#sync"):
            shows(app.screen.query_one(panel), f"dashboard {panel}")

        # the queue: searched, filtered, a 100 kB title on one line
        await press(pilot, "w")
        look(app, "queue")
        await type_into(pilot, "#search", "bold red")
        look(app, "queue searched for the markup title", shows=(SHOWN,))
        await type_into(pilot, "#search", "evil.example")
        look(app, "queue searched for the stray closing tags", shows=("Invoice [/] [/link",))
        await type_into(pilot, "#search", "Posting blocked")
        text = look(app, "queue searched for the 100 kB title", shows=("Posting blocked AAA",))
        assert len(app.screen.query_one(TicketTable).rows) == 1
        assert sum("AAAA" in line for line in text.splitlines()) == 1, "one line"
        await type_into(pilot, "#search", "")
        await press(pilot, "escape")
        await dialog(pilot, "f", "filter dialog", close=False)
        company = app.screen.query_one("#f-company", Select)
        company.focus()
        await press(pilot, "enter")
        look(app, "filter dialog, companies listed")
        await press(pilot, "escape")
        await press(pilot, "escape")
        assert not isinstance(app.screen, ModalScreen)

        # a hostile ticket, its tabs and the dialogs that list hostile titles
        await type_into(pilot, "#search", "bold red")
        app.screen.query_one(TicketTable).focus()
        await press(pilot, "enter")
        assert isinstance(app.screen, TicketScreen)
        look(app, "ticket detail", shows=(SHOWN,))
        shows(app.screen.query_one("#ticket-body"), "ticket description", SHOWN, "[/] invoice")
        for tab in ("events", "chatter", "overview"):
            app.screen.query_one(TabbedContent).active = tab
            await settle(pilot)
            look(app, f"ticket tab {tab}")
        shows(app.screen.query_one("#ticket-chatter"), "ticket chatter", SHOWN)
        await dialog(pilot, "l", "link to a known issue: hostile titles listed", shows=(SHOWN,),
                     close=False)
        await type_into(pilot, "#narrow", "evil")
        look(app, "link dialog narrowed", shows=("Invoice [/] [/link]",))
        await press(pilot, "escape")
        await dialog(pilot, "a", "assign dialog", optional=True)
        await dialog(pilot, "e", "escalate dialog")
        await dialog(pilot, "n", "note dialog")
        await press(pilot, "escape")

        # known issues, decisions, backlog: every row, the markup one in full, their dialogs
        await press(pilot, "K")
        look(app, "known issues")
        await walk_rows(pilot, "known issues", markup_row="#ki-detail-text")
        for key in ("s", "W", "x", "l", "n"):
            await dialog(pilot, key, f"known issue dialog {key}")
        await press(pilot, "D")
        look(app, "decisions")
        await walk_rows(pilot, "decisions", markup_row="#dec-detail-text")
        await dialog(pilot, "o", "outcome of the markup question", shows=(SHOWN,))
        table = app.screen.query_one(DataTable)
        with_options = next(i for i in range(table.row_count)
                            if str(table.get_row_at(i)[-1]).startswith("Options:"))
        table.move_cursor(row=with_options, animate=False)
        await settle(pilot)
        shows(app.screen.query_one("#dec-detail-text"), "decision options", OPTION, SHOWN)
        await dialog(pilot, "o", "hostile options listed", shows=("Approve [bold]all[/]",))
        await dialog(pilot, "n", "new question")
        await press(pilot, "B")
        look(app, "backlog")
        await walk_rows(pilot, "backlog", markup_row="#bl-detail")
        await dialog(pilot, "s", "backlog status")
        await dialog(pilot, "n", "backlog kind")

        # escalations (the markup ticket's, with a hostile reason), runbooks, help
        await press(pilot, "E")
        look(app, "escalations")
        escalations = app.screen.escalations  # type: ignore[attr-defined]
        index = next(i for i, e in enumerate(escalations) if e.title == MARKUP)
        app.screen.query_one(DataTable).move_cursor(row=index, animate=False)
        await settle(pilot)
        look(app, "the markup ticket's escalation")
        shows(app.screen.query_one("#esc-detail"), "escalation detail", SHOWN, STRAY_SHOWN)
        await press(pilot, "R")
        look(app, "runbooks")
        await dialog(pilot, "l", "runbook picker")
        await press(pilot, "question_mark")
        look(app, "help", shows=("hypercare keys",))
        await press(pilot, "escape")

        # stand-up: scope, every agenda item, the known-issue picker, the minutes
        await press(pilot, "M")
        look(app, "stand-up agenda")
        await dialog(pilot, "c", "stand-up scope")
        await press(pilot, "enter")
        screen = app.screen
        seen = set()
        for _ in range(len(getattr(screen, "items", ()))):
            item = screen.current  # type: ignore[attr-defined]
            look(app, f"stand-up item {item.ref if item else '-'}")
            seen.add(plain(screen.query_one("#su-item"), width=400))
            await press(pilot, "right")
        assert any(SHOWN in text for text in seen), "the markup ticket is on the agenda"
        standup: Any = screen  # link from a ticket item: other items are for discussion
        standup.position = next(n for n, i in enumerate(standup.items) if i.kind == "ticket")
        standup.show_item()
        await settle(pilot)
        await dialog(pilot, "l", "stand-up known-issue picker", shows=(SHOWN,))
        await press(pilot, "e")
        assert isinstance(app.screen, ChoiceScreen)
        await press(pilot, "enter")  # yes: end it
        look(app, "stand-up minutes")
        minutes = app.screen.query_one("#su-minutes-text")
        assert raw_controls(minutes.source or "") == []  # type: ignore[attr-defined]
        await press(pilot, "b")
        look(app, "back on the dashboard")


# -- each hostile ticket in full -------------------------------------------------------------


async def test_ticket_detail_of_each_hostile_ticket(hostile_services: Services,
                                                    refs: dict[str, str]) -> None:
    app = make_app(hostile_services)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        for name, ref in refs.items():
            app.push_screen(TicketScreen(ref))
            await settle(pilot)
            for tab in ("overview", "events", "chatter"):
                app.screen.query_one(TabbedContent).active = tab
                await settle(pilot)
                look(app, f"ticket {name}, tab {tab}")
            for part in ("#ticket-head", "#ticket-body", "#ticket-events", "#ticket-chatter"):
                shows(app.screen.query_one(part), f"ticket {name} {part}")
            head = app.screen.query_one("#ticket-head")
            shown = shows(head, f"ticket {name} head")
            assert head.region.height <= 3 and len(shown) < 1000, f"{name}: a short head"
            if name == "markup":
                shows(app.screen.query_one("#ticket-head"), "markup head", MARKUP)
            if name == "huge":  # described in full up to the detail cap, with an ellipsis
                body = app.screen.query_one("#ticket-body", Static).content
                assert "…" in plain(app.screen.query_one("#ticket-body"), width=400)
                assert body is not None
            await press(pilot, "escape")


# -- toasts ----------------------------------------------------------------------------------


async def test_toasts_show_hostile_text_as_data(hostile_services: Services) -> None:
    app = make_app(hostile_services)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        for title in (MARKUP, STRAY_CLOSE, CONTROLS, RTL, "[@click=app.quit]quit[/]"):
            toast(app.screen, title, title=title)
        await pilot.pause(0.3)
        look(app, "toasts", shows=(SHOWN, "[/link] [link=", "[@click=app.quit]quit[/]"))
        toast(app, HUGE, title=HUGE, severity="error")
        await pilot.pause(0.2)
        notes = list(app._notifications)
        assert all(n.markup is False for n in notes)
        assert all(len(n.message) <= 500 and len(n.title) <= 100 for n in notes)
        assert all(raw_controls(n.message + n.title) == [] for n in notes)


async def test_a_saved_view_named_with_markup(hostile_services: Services) -> None:
    """A name the user types is shown as data too: in the toasts and in the views dialog."""
    app = make_app(hostile_services)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        await press(pilot, "V")
        assert isinstance(app.screen, TextScreen)
        await type_into(pilot, "#text", MARKUP)
        await press(pilot, "enter")
        look(app, "saved view toast", shows=(SHOWN,))
        await dialog(pilot, "v", "saved views", shows=(SHOWN,), close=False)
        await press(pilot, "enter")
        look(app, "saved view opened", shows=(SHOWN,))


async def test_a_hostile_outcome_in_the_record_toast(hostile_services: Services) -> None:
    app = make_app(hostile_services)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "D")
        table = app.screen.query_one(DataTable)
        index = next(i for i in range(table.row_count)
                     if str(table.get_row_at(i)[-1]).startswith(SHOWN))
        table.move_cursor(row=index, animate=False)
        await settle(pilot)
        await press(pilot, "o")
        await type_into(pilot, "#text", MARKUP)
        await press(pilot, "enter")
        await press(pilot, "enter")  # record it
        await pilot.pause(0.3)
        look(app, "decided with a markup outcome", shows=(SHOWN,))


async def test_an_error_quoting_hostile_text(hostile_services: Services) -> None:
    """An error message may quote what was asked for (here a ref nobody has)."""
    app = make_app(hostile_services)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        app.push_screen(TicketScreen(f"{MARKUP}\x1b[2J"))
        await settle(pilot)
        await pilot.pause(0.3)
        assert app.is_running
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and all(n.markup is False and not raw_controls(n.message + n.title)
                              for n in errors)


# -- rows stored before text was cleaned where it enters -----------------------------------


def store_legacy_text(services: Services, ref: str) -> None:
    """Write raw control characters into one ticket, its events, its known issue and the last
    sync run, bypassing the cleaning at the boundary (as rows stored before it would hold)."""
    from sqlalchemy import text

    with services.context.store().session() as session:
        session.execute(text(
            "UPDATE ticket SET title = :t, description = :d, company = :c, stage = :s, "
            "assignee = :a, partner_name = :p WHERE ref = :ref"),
            {"t": LEGACY, "d": f"{LEGACY}\n{CONTROLS}", "c": "Acme \x1b[5m", "s": "New\x07",
             "a": "Eve\x00", "p": LEGACY, "ref": ref})
        session.execute(text(
            "UPDATE ticket_event SET body = :b, actor = :a WHERE ticket_odoo_id IN "
            "(SELECT odoo_id FROM ticket WHERE ref = :ref)"), {"b": LEGACY, "a": "Eve\x1b",
                                                               "ref": ref})
        session.execute(text(
            "UPDATE known_issue SET title = :t, workaround = :w WHERE id IN "
            "(SELECT known_issue_id FROM known_issue_ticket kt JOIN ticket t "
            "ON t.odoo_id = kt.ticket_odoo_id WHERE t.ref = :ref)"), {"t": LEGACY, "w": CONTROLS,
                                                            "ref": ref})
        session.execute(text("UPDATE sync_run SET error = :e"), {"e": LEGACY})


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_legacy_rows_are_cleaned_where_they_are_shown(
        hostile_services: Services, refs: dict[str, str], size: tuple[int, int]) -> None:
    ref = refs["emoji"]
    store_legacy_text(hostile_services, ref)
    stored = ticket(hostile_services, ref)
    assert raw_controls(stored.title), "the store holds the raw controls (no cleaning on read)"
    app = make_app(hostile_services)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        look(app, "dashboard over legacy rows")
        shows(app.screen.query_one("#sync"), "sync panel", "Legacy")
        await press(pilot, "w")
        await type_into(pilot, "#search", "legacy")
        look(app, "queue with a legacy title", shows=("Legacy [2J",))
        app.screen.query_one(TicketTable).focus()
        await press(pilot, "enter")
        look(app, "legacy ticket", shows=(LEGACY_SHOWN[:40],))
        for tab in ("events", "chatter"):
            app.screen.query_one(TabbedContent).active = tab
            await settle(pilot)
            look(app, f"legacy ticket tab {tab}")
        shows(app.screen.query_one("#ticket-body"), "legacy body", LEGACY_SHOWN, "Eve")
        shows(app.screen.query_one("#ticket-events"), "legacy events", "Legacy")
        await press(pilot, "escape")
        await press(pilot, "K")
        await walk_rows(pilot, "legacy known issues")
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=next(i for i in range(table.row_count)
                                   if str(table.get_row_at(i)[-1]).startswith("Legacy")))
        await settle(pilot)
        shows(app.screen.query_one("#ki-detail-text"), "legacy known issue", "Legacy [2J")
        await dialog(pilot, "W", "legacy workaround in the editor", shows=("Invoice[31m",))
        await press(pilot, "M")
        look(app, "stand-up over legacy rows")


# -- lengths ------------------------------------------------------------------------------------


async def test_a_100kb_title_is_one_line_everywhere(hostile_services: Services) -> None:
    app = make_app(hostile_services)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "w")
        await type_into(pilot, "#search", "Posting blocked")
        table = app.screen.query_one(TicketTable)
        started = time.perf_counter()
        for _ in range(20):
            table._strips.clear()
            for y in range(table.size.height):
                table.render_line(y)
        assert time.perf_counter() - started < 1.0, "painting a 100 kB title is cheap"
        await press(pilot, "escape")
        for key, selector in (("K", "#ki-table"), ("D", "#dec-table"), ("B", "#bl-table")):
            await press(pilot, key)
            records = app.screen.query_one(selector, DataTable)
            for row in range(records.row_count):
                assert records.rows[records.coordinate_to_cell_key((row, 0)).row_key].height \
                    == 1
                for value in records.get_row_at(row):
                    shown = value.plain if isinstance(value, Text) else str(value)
                    assert len(shown) <= 200 and "\n" not in shown


# -- the helpers ---------------------------------------------------------------------------------


def test_cells_are_data() -> None:
    assert isinstance(cell(MARKUP), Text) and cell(MARKUP).plain == MARKUP
    assert cell(CONTROLS).plain == "Invoice[31m red bell next nul1m back"
    assert cell(HUGE).plain.endswith("…") and len(cell(HUGE).plain) == 200
    styled = cell(Text(f"a\x1b{MARKUP}\nb", style="red"))
    assert styled.plain == f"a{MARKUP} b" and str(styled.style) == "red"
    assert cell(3) == 3


def test_detail_and_markdown_keep_outside_text_literal() -> None:
    long = detail(HUGE)
    assert len(long.plain) == DETAIL_LIMIT and long.plain.endswith("…")
    assert detail(f"{MARKUP}\n\x1bline").plain == f"{MARKUP}\nline"
    assert markdown_literal("[x](http://evil) **b** <i>") == (
        r"\[x\]\(http\:\/\/evil\) \*\*b\*\* \<i\>")
    document = markdown_document(f"# Minutes\n\n- {HUGE}\n- {CONTROLS}\n")
    assert raw_controls(document) == [] and max(map(len, document.splitlines())) <= 500


def test_the_ticket_table_cleans_each_painted_cell() -> None:
    assert fit(CONTROLS, 12) == "Invoice[31m "
    assert fit(RTL, 14) == "Invoice evil a"
    assert fit(HUGE, 20) == "Posting blocked AAAA"
    assert fit("short", 8) == "short   "
    assert fit("a\tb\nc", 6) == "a b c "
