"""Decisions: the policy questions process owners must answer, open ones first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Static

from hypercare.services import DecisionRecordView
from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext
from hypercare.tui.format import local
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.question_form import ask_question
from hypercare.tui.screens.records import (
    Cell,
    RecordScreen,
    day,
    link_label,
    today,
)
from hypercare.tui.widgets.data import DataTable, detail, heading, toast
from hypercare.tui.widgets.header import TopBar

COLUMNS = (("Ref", 5), ("Status", 8), ("Due", 6), ("Owner", 14), ("Question", None))
OTHER = "\x00other"
OUTCOME_LIMIT = 2000


def ordered(decisions: list[DecisionRecordView]) -> list[DecisionRecordView]:
    """Open questions by due date (none last), then decided ones, latest decision first."""
    opened = sorted((d for d in decisions if d.status != "decided"),
                    key=lambda d: (d.due_date is None, d.due_date or date.min, d.id))
    decided = sorted((d for d in decisions if d.status == "decided"),
                     key=lambda d: (d.decided_at is not None, d.decided_at, d.id), reverse=True)
    return opened + decided


def overdue(decision: DecisionRecordView, now: date) -> bool:
    return (decision.status != "decided" and decision.due_date is not None
            and decision.due_date < now)


class DecisionsScreen(RecordScreen):
    """Policy questions with their options; ``o`` records the process owner's answer."""

    TOP_TITLE = "Decisions"
    RUNBOOK = "classification-guide"
    TABLE_ID = "dec-table"
    DETAIL_WIDTH = 60
    BINDINGS = [
        Binding("o", "outcome", "Outcome"),
        Binding("n", "new", "New question"),
    ]
    DEFAULT_CSS = """
    DecisionsScreen #dec-summary { height: auto; max-height: 2; padding: 0 1;
                                   color: $text-muted; }
    DecisionsScreen #dec-body { height: 1fr; layout: vertical; }
    DecisionsScreen #dec-table { height: auto; max-height: 9; }
    DecisionsScreen #dec-detail { height: 1fr; padding: 0 1;
                                  border-top: solid $primary-darken-2; }
    DecisionsScreen.-wide #dec-body { layout: horizontal; }
    DecisionsScreen.-wide #dec-table { height: 1fr; max-height: 100%; width: 1fr; }
    DecisionsScreen.-wide #dec-detail { width: 60; border-top: none;
                                        border-left: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.decisions: list[DecisionRecordView] = []

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="dec-summary")
        with Container(id="dec-body"):
            yield DataTable(id="dec-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="dec-detail"):
                yield Static("reading the decisions...", id="dec-detail-text")
        yield Footer()

    # -- reading and painting ------------------------------------------------------------

    def reader(self, ctx: TuiContext) -> Callable[[], list[DecisionRecordView]]:
        return ctx.services.decisions.list_decisions

    def loaded(self, data: list[DecisionRecordView]) -> None:
        self.decisions = ordered(data)

    def paint(self) -> None:
        now = today(self.context)
        rows: list[tuple[str, list[Cell]]] = []
        for decision in self.decisions:
            late = overdue(decision, now)
            if decision.status == "decided":
                status = Text("decided", style="green")
            else:
                status = data("OVERDUE" if late else decision.status,
                              "bold red" if late else "")
            rows.append((str(decision.id), [
                decision.ref, status, Text(day(decision.due_date), style="red" if late else ""),
                decision.process_owner or "-", decision.question]))
        self.fill(COLUMNS, rows)
        opened = [d for d in self.decisions if d.status != "decided"]
        overdue_count = sum(overdue(d, now) for d in opened)
        summary = Text(f"{len(opened)} open")
        if overdue_count:
            summary.append(f" ({overdue_count} overdue)", style="bold red")
        summary.append(f" · {len(self.decisions) - len(opened)} decided · open ones first, "
                       "by due date")
        self.query_one("#dec-summary", Static).update(summary)

    def current(self) -> DecisionRecordView | None:
        return next((d for d in self.decisions if str(d.id) == self.current_key), None)

    def show_detail(self) -> None:
        decision = self.current()
        target = self.query_one("#dec-detail-text", Static)
        if decision is None:
            target.update(Text("No decision yet: n asks a new question.", style="dim"))
            return
        refs = {row.odoo_id: row.ref for row in self.context.rows}
        target.update(detail_text(decision, self.context, refs))

    # -- new question --------------------------------------------------------------------

    def action_new(self) -> None:
        ask_question(self, self._create)

    def _create(self, question: str, owner: str, due_date: date | None) -> None:
        ctx = self.context
        decisions = ctx.services.decisions

        def create() -> tuple[str, str]:
            view = decisions.create(question=question, owner=owner, viewer=ctx.viewer,
                                    due_date=due_date)
            return (f"{view.ref} asked of {owner or 'nobody yet'}: o records the answer",
                    str(view.id))

        self.act(create, what="Creating a decision")

    # -- recording the outcome -----------------------------------------------------------

    def action_outcome(self) -> None:
        decision = self.current()
        if decision is None:
            self.warn_empty("decision")
            return
        if decision.status == "decided":
            toast(self, f"{decision.ref} was decided by {decision.decided_by}: "
                        f"{decision.outcome}", severity="warning")
            return
        if not decision.options:
            self._ask_outcome(decision, OTHER)
            return
        choices = [(_option_label(option), option.get("option", ""))
                   for option in decision.options]
        self.app.push_screen(
            ChoiceScreen(f"{decision.ref}: {decision.question}",
                         [*choices, ("other...", OTHER)]),
            lambda chosen: self._ask_outcome(decision, chosen))

    def _ask_outcome(self, decision: DecisionRecordView, chosen: str | None) -> None:
        if chosen is None:
            return
        if chosen == OTHER:
            self.app.push_screen(
                TextScreen(f"{decision.ref}: {decision.question}", max_length=OUTCOME_LIMIT,
                           placeholder="the outcome, as the process owner decided it"),
                lambda text: self._confirm(decision, text))
            return
        self._confirm(decision, chosen)

    def _confirm(self, decision: DecisionRecordView, outcome: str | None) -> None:
        if not outcome:
            return
        task = f"Configure: {outcome}"
        self.app.push_screen(
            ChoiceScreen(f"Record {outcome!r} as the outcome of {decision.ref}",
                         [("Record it", "record"),
                          (f"Record it and add {task[:60]!r} to the backlog", "backlog")]),
            lambda how: self._decide(decision, outcome, how))

    def _decide(self, decision: DecisionRecordView, outcome: str, how: str | None) -> None:
        if how is None:
            return
        ctx = self.context
        decisions = ctx.services.decisions

        def decide() -> str:
            decisions.decide(decision_id=decision.id, outcome=outcome, viewer=ctx.viewer,
                             spawn_backlog=how == "backlog")
            extra = "; a configuration task is in the backlog" if how == "backlog" else ""
            return f"{decision.ref} decided by {ctx.viewer.name}: {outcome}{extra}"

        self.act(decide, what=f"Recording the outcome of {decision.ref}")


def _option_label(option: dict[str, str]) -> str:
    impact = option.get("impact", "")
    return f"{option.get('option', '')}  ({impact})" if impact else option.get("option", "")


def detail_text(decision: DecisionRecordView, ctx: TuiContext, refs: dict[int, str]) -> Text:
    """The highlighted decision in full: the question, its options, and the outcome."""
    now = today(ctx)
    late = overdue(decision, now)
    text = line(data(decision.ref, "bold"), "  ")
    if decision.status == "decided":
        text.append("decided", style="green")
    else:
        text.append_text(data("OVERDUE" if late else decision.status,
                              "bold red" if late else ""))
    text.append_text(line("\n", heading(decision.question), "\n"))
    due = decision.due_date.isoformat() if decision.due_date else "-"
    if late and decision.due_date is not None:
        days = (now - decision.due_date).days
        due += f" ({days} day{'s' if days != 1 else ''} overdue)"
    links = ", ".join(link_label(link, refs) for link in decision.links) or "-"
    for label, value, style in (("Owner", decision.process_owner or "(nobody)", ""),
                                ("Due", due, "bold red" if late else ""),
                                ("Linked", links, "")):
        text.append(f"\n{label:<8}", style="dim")
        text.append_text(data(value, style, limit=1000))
    text.append("\n\nOptions", style="bold")
    if not decision.options:
        text.append("\nnone written down: o records any outcome", style="dim")
    for number, option in enumerate(decision.options, start=1):
        text.append_text(line(f"\n{number}. ", data(option.get("option", ""), limit=1000)))
        if option.get("impact"):
            text.append_text(line((": ", "dim"), data(option["impact"], "dim", limit=1000)))
    text.append("\n\nOutcome", style="bold")
    if decision.status == "decided":
        text.append_text(line("\n", detail(decision.outcome), "\n"))
        text.append_text(data(f"by {decision.decided_by or '?'} on "
                              f"{local(decision.decided_at, ctx.zone) or '-'}", "dim"))
    else:
        text.append("\nnot decided yet: o records the process owner's answer", style="dim")
    return text
