"""The continuous-improvement backlog, by priority score, and the fit-to-standard guard."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Static

from hypercare.services import BACKLOG_STATUSES, BACKLOG_TYPES, BacklogView
from hypercare.services.problems.backlog import GuardView, ScoredItem
from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext
from hypercare.tui.format import local
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.records import Cell, RecordScreen, link_label
from hypercare.tui.widgets.data import DataTable, detail, heading, toast
from hypercare.tui.widgets.header import TopBar

NARROW_COLUMNS = (("Ref", 5), ("Score", 5), ("Type", 11), ("Status", 9), ("Title", None))
WIDE_COLUMNS = (("Ref", 5), ("Score", 5), ("Type", 11), ("Status", 9), ("V/R/E", 7),
                ("Tickets", 7), ("Title", None), ("Owner", 14), ("Links", 16))
EFFORTS = ("S", "M", "L", "XL")
STATUS_STYLES = {"proposed": "", "approved": "cyan", "scheduled": "cyan", "in_test": "magenta",
                 "released": "green", "done": "dim green", "rejected": "dim"}


def label(value: str) -> str:
    return value.replace("_", " ")


class BacklogScreen(RecordScreen):
    """Every backlog item by priority score (open first), the guard's warning above;
    ``n`` adds one, ``s`` moves the highlighted one along, ``z`` sizes it."""

    TOP_TITLE = "Backlog"
    RUNBOOK = "daily-triage-standup"
    TABLE_ID = "bl-table"
    BINDINGS = [
        Binding("n", "new", "New item"),
        Binding("s", "status", "Status"),
        Binding("z", "size", "Size"),
    ]
    DEFAULT_CSS = """
    BacklogScreen #bl-summary { height: auto; max-height: 4; padding: 0 1;
                                color: $text-muted; }
    BacklogScreen #bl-table { height: 1fr; }
    BacklogScreen #bl-detail { height: auto; max-height: 7; padding: 0 1;
                               border-top: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.items: list[BacklogView] = []
        self.scores: dict[int, ScoredItem] = {}
        self.guard: GuardView | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="bl-summary")
        yield DataTable(id="bl-table", cursor_type="row", zebra_stripes=True)
        yield Static("reading the backlog...", id="bl-detail")
        yield Footer()

    # -- reading and painting ------------------------------------------------------------

    def reader(self, ctx: TuiContext) -> Callable[[], tuple[list[ScoredItem], GuardView]]:
        backlog = ctx.services.backlog
        return lambda: (backlog.scored(include_closed=True), backlog.guard())

    def loaded(self, data: tuple[list[ScoredItem], GuardView]) -> None:
        scored, self.guard = data
        self.scores = {s.item.id: s for s in scored}
        self.items = [s.item for s in scored]

    def paint(self) -> None:
        wide = self.has_class("-wide")
        refs = self._refs()
        rows: list[tuple[str, list[Cell]]] = []
        for item in self.items:
            scored = self.scores[item.id]
            score = Text(f"{scored.score:g}", style="bold" if scored.open else "dim")
            status = data(label(item.status), STATUS_STYLES.get(item.status, ""))
            cells: list[Cell] = [item.ref, score, label(item.type), status]
            if wide:
                cells += [f"{item.value or '-'}/{item.risk or '-'}/{item.effort or '-'}",
                          str(scored.tickets), item.title, item.owner or "-",
                          ", ".join(link_label(link, refs) for link in item.links) or "-"]
            else:
                cells.append(item.title)
            rows.append((str(item.id), cells))
        self.fill(WIDE_COLUMNS if wide else NARROW_COLUMNS, rows)
        self.query_one("#bl-summary", Static).update(self._summary())

    def _summary(self) -> Text:
        counts = [f"{sum(i.status == s for i in self.items)} {label(s)}"
                  for s in BACKLOG_STATUSES if any(i.status == s for i in self.items)]
        text = Text(f"{len(self.items)} item{'s' if len(self.items) != 1 else ''}"
                    + (f" ({', '.join(counts)})" if counts else "")
                    + " · open ones by priority score, then closed")
        if self.guard is None:
            return text
        report = self.guard.report
        if report.warning:
            was = f"{report.previous_share or 0:.0%}"
            text.append(f"\n⚠ Enhancements grew to {report.share:.0%} of the open backlog "
                        f"({report.enhancements} of {report.open_items}; {was} a week ago): "
                        "real gaps in the standard, or training and policy in disguise?",
                        style="bold yellow")
        elif report.open_items:
            text.append(f"\nGuard: enhancements are {report.share:.0%} of the open backlog "
                        f"({report.enhancements} of {report.open_items}), not growing",
                        style="green")
        if self.guard.seeds:
            text.append(f" · {len(self.guard.seeds)} enhancement"
                        f"{'s' if len(self.guard.seeds) != 1 else ''} seeded by training gaps "
                        "or policy questions", style="yellow")
        return text

    def _refs(self) -> dict[int, str]:
        return {row.odoo_id: row.ref for row in self.context.rows}

    def current(self) -> BacklogView | None:
        return next((i for i in self.items if str(i.id) == self.current_key), None)

    def show_detail(self) -> None:
        item = self.current()
        target = self.query_one("#bl-detail", Static)
        if item is None:
            target.update(Text("The backlog is empty: n adds an item.", style="dim"))
            return
        ctx = self.context
        links = ", ".join(link_label(link, self._refs()) for link in item.links) or "none"
        text = line(data(item.ref, "bold"), "  ", data(label(item.type)), " · ",
                    data(label(item.status), STATUS_STYLES.get(item.status, "")))
        if item.stabilization or item.type != "enhancement":
            text.append(" · stabilization" if item.stabilization else " · an enhancement")
        text.append_text(line((" · owner ", "dim"), data(item.owner or "(nobody)", "dim"),
                              (f" · created {local(item.created_at, ctx.zone) or '-'}", "dim")))
        if item.release_target:
            text.append_text(line((" · release ", "dim"), data(item.release_target, "dim")))
        text.append_text(line("\n", heading(item.title)))
        scored = self.scores.get(item.id)
        if scored is not None:
            text.append_text(line("\n", data(f"Score {scored.score:g}: {scored.explanation}",
                                              limit=1000)))
        seed = next((reasons for view, reasons in (self.guard.seeds if self.guard else ())
                     if view.id == item.id), None)
        if seed:
            text.append_text(line("\n", data(f"Guard: {'; '.join(seed)}: is this a real gap "
                                              "in the standard?", "yellow", limit=1000)))
        text.append_text(line("\n", data(f"Linked: {links}", "dim", limit=1000)))
        if item.description:
            text.append_text(line("\n", detail(item.description)))
        target.update(text)

    # -- actions -------------------------------------------------------------------------

    def action_new(self) -> None:
        self.app.push_screen(
            ChoiceScreen("New backlog item: what kind?", [(label(t), t) for t in BACKLOG_TYPES]),
            self._ask_title)

    def _ask_title(self, kind: str | None) -> None:
        if not kind:
            return
        self.app.push_screen(TextScreen(f"New {label(kind)}: title", max_length=200),
                             lambda title: self._create(kind, title))

    def _create(self, kind: str, title: str | None) -> None:
        if not title:
            return
        ctx = self.context
        backlog = ctx.services.backlog

        def create() -> tuple[str, str]:
            item = backlog.add(type=kind, title=title, viewer=ctx.viewer).item
            return f"{item.ref} added to the backlog ({label(kind)}, proposed)", str(item.id)

        self.act(create, what="Adding a backlog item")

    def action_status(self) -> None:
        item = self.current()
        if item is None:
            self.warn_empty("backlog item")
            return
        title = f"Move {item.ref} to"
        if any(link.startswith("known_issue:") for link in item.links):
            title += " (released also marks its known issues fix released, told to reporters)"
        choices = [(label(s) + ("  (now)" if s == item.status else ""), s)
                   for s in BACKLOG_STATUSES]
        self.app.push_screen(ChoiceScreen(title, choices),
                             lambda status: self._move(item, status))

    def _move(self, item: BacklogView, status: str | None) -> None:
        if not status:
            return
        if status == item.status:
            toast(self, f"{item.ref} is already {label(status)}.")
            return
        ctx = self.context
        backlog = ctx.services.backlog

        def move() -> str:
            backlog.set_status(item_id=item.id, status=status, viewer=ctx.viewer)
            return f"{item.ref} moved to {label(status)}"

        self.act(move, what=f"Moving {item.ref}")

    def action_size(self) -> None:
        item = self.current()
        if item is None:
            self.warn_empty("backlog item")
            return
        scale = [(f"{n}" + ("  (now)" if n == item.value else ""), str(n)) for n in range(1, 6)]
        self.app.push_screen(ChoiceScreen(f"{item.ref}: business value (1 low - 5 high)", scale),
                             lambda value: self._ask_risk(item, value))

    def _ask_risk(self, item: BacklogView, value: str | None) -> None:
        if not value:
            return
        scale = [(f"{n}" + ("  (now)" if n == item.risk else ""), str(n)) for n in range(1, 6)]
        self.app.push_screen(ChoiceScreen(f"{item.ref}: risk of leaving it (1 low - 5 high)",
                                          scale),
                             lambda risk: self._ask_effort(item, value, risk))

    def _ask_effort(self, item: BacklogView, value: str, risk: str | None) -> None:
        if not risk:
            return
        sizes = [(e + ("  (now)" if e == item.effort else ""), e) for e in EFFORTS]
        self.app.push_screen(ChoiceScreen(f"{item.ref}: effort", sizes),
                             lambda effort: self._apply_size(item, value, risk, effort))

    def _apply_size(self, item: BacklogView, value: str, risk: str, effort: str | None) -> None:
        if not effort:
            return
        ctx = self.context
        backlog = ctx.services.backlog

        def size() -> str:
            scored = backlog.update(item_id=item.id, viewer=ctx.viewer, value=int(value),
                                    risk=int(risk), effort=effort)
            return f"{item.ref} sized: score {scored.score:g}"

        self.act(size, what=f"Sizing {item.ref}")
