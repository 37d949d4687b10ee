"""Stand-up mode: the exceptions-first agenda one item at a time, for a shared screen.

A lead drives with single keys while the room watches: a meeting timer, per-section time
boxes, progress ("7 of 23"), the item's card, decisions recorded on the spot (undo takes
the lead's own newest one back, after asking), and the minutes shown, stored and queued for
posting at the end. Ending and undoing ask first, with "No" as the answer Enter gives;
keys typed for a dialog that is not open (yet) run nothing (:mod:`hypercare.tui.guard`).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Digits, Footer, Markdown, ProgressBar, Static

from hypercare.services import Agenda, AgendaItem, StandupCard, StandupView
from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.format import category_label, severity_label
from hypercare.tui.guard import refuse_dialog
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.standup_links import StandupLinks
from hypercare.tui.screens.ticket_actions import DECISION_BINDINGS
from hypercare.tui.widgets.data import markdown_document, plain, toast
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.work import call_service


def clock(seconds: float) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes:02d}:{rest:02d}"


class StandupScreen(StandupLinks):
    """Before: the agenda and the scope. During: one item at a time. After: the minutes."""

    RUNBOOK = "daily-triage-standup"
    BINDINGS = [
        Binding("c", "scope", "Scope"),
        Binding("enter", "start", "Start"),
        Binding("right,space", "move(1)", "Next"),
        Binding("left", "move(-1)", "Back"),
        *DECISION_BINDINGS,
        Binding("o", "owner", "Owner"),
        Binding("x", "next_step", "Next step"),
        Binding("l", "link", "Link KI", show=False),
        Binding("W", "workaround", "Workaround", show=False),
        Binding("q", "question", "Policy question", show=False),
        Binding("g", "backlog", "Backlog item", show=False),
        Binding("u", "undo", "Undo"),
        Binding("e", "end", "End"),
    ]
    DEFAULT_CSS = """
    StandupScreen #su-progress { height: 1; padding: 0 1; }
    StandupScreen ProgressBar { padding: 0 1; height: 1; }
    StandupScreen ProgressBar Bar { width: 1fr; }
    StandupScreen #su-main { height: 1fr; }
    StandupScreen #su-item { width: 1fr; padding: 1 2; border: round $primary; }
    StandupScreen #su-side { width: 26; padding: 0 1; }
    StandupScreen Digits { width: auto; }
    StandupScreen #su-box.-over { color: $error; text-style: bold; }
    StandupScreen.-narrow #su-side { width: 20; }
    StandupScreen #su-minutes { display: none; }
    StandupScreen.-ended #su-minutes { display: block; height: 1fr; }
    StandupScreen.-ended #su-main { display: none; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.company: str | None = None
        self.team: str | None = None
        self.agenda: Agenda | None = None
        self.items: tuple[AgendaItem, ...] = ()
        self.position = 0
        self.standup_id: int | None = None
        self.started = 0.0
        self.section_started = 0.0
        self.decided: dict[str, list[str]] = {}
        self.card: StandupCard | None = None
        self.ended: StandupView | None = None

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="su-progress")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="su-bar")
        with Horizontal(id="su-main"):
            with VerticalScroll(id="su-item-scroll"):
                yield Static(id="su-item")
            with Vertical(id="su-side"):
                yield Static("meeting", classes="dim")
                yield Digits("00:00", id="su-timer")
                yield Static(id="su-box")
        with VerticalScroll(id="su-minutes"):
            yield Markdown(id="su-minutes-text", open_links=False)
        yield Footer()

    @property
    def context(self) -> TuiContext:
        return tui_context(self)

    def on_mount(self) -> None:
        self.query_one(TopBar).show(self.context, "Stand-up")
        self.set_interval(1.0, self.tick)
        self.load_agenda()

    def on_store_read(self, message: StoreRead) -> None:
        self.query_one(TopBar).show(self.context, "Stand-up")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows what applies now: scope and start before, decisions during."""
        if action in ("scope", "start"):
            return not self.running and self.ended is None
        if action in {b.action.split("(")[0] for b in self.BINDINGS if isinstance(b, Binding)}:
            return self.running
        return True

    @property
    def running(self) -> bool:
        return self.standup_id is not None and self.ended is None

    @property
    def current(self) -> AgendaItem | None:
        return self.items[self.position] if self.items and self.running else None

    # -- before the meeting ---------------------------------------------------------------

    def load_agenda(self) -> None:
        ctx = self.context
        company, team = self.company, self.team
        call_service(self, lambda: ctx.services.standup.agenda(company=company, team=team),
                     done=self._agenda_read, what="Reading the agenda", group="agenda",
                     exclusive=True)

    def _agenda_read(self, agenda: Agenda) -> None:
        self.agenda = agenda
        self.items = agenda.items()
        self.paint()

    def scope_label(self) -> str:
        if self.company:
            return f"company {self.company}"
        if self.team:
            return f"team {self.team}"
        return "all companies and teams"

    def action_scope(self) -> None:
        if self.running:
            toast(self, "The scope is fixed once the stand-up runs.", severity="warning")
            return
        rows = self.context.rows
        choices = [("All companies and teams", "all")]
        choices += [(f"Company: {c}", f"company:{c}") for c in sorted({r.company for r in rows
                                                                        if r.company})]
        choices += [(f"Team (workstream): {t}", f"team:{t}") for t in sorted({r.team for r in rows
                                                                              if r.team})]
        self.app.push_screen(ChoiceScreen("Stand-up scope", choices), self._scoped)

    def _scoped(self, value: str | None) -> None:
        if value is None:
            return
        kind, _, name = value.partition(":")
        self.company = name if kind == "company" else None
        self.team = name if kind == "team" else None
        self.load_agenda()

    def action_start(self) -> None:
        if self.running or self.agenda is None:
            return
        ctx = self.context
        company, team = self.company, self.team

        def start() -> int:
            return ctx.services.standup.start(viewer=ctx.viewer, company=company, team=team,
                                              attendees=(ctx.viewer.name,))

        call_service(self, start, done=self._started, what="Starting the stand-up")

    def _started(self, standup_id: int) -> None:
        self.standup_id = standup_id
        self.refresh_bindings()
        self.ended = None
        self.started = self.section_started = self.context.monotonic()
        self.position = 0
        self.show_item()

    # -- walking the agenda ---------------------------------------------------------------

    def action_move(self, step: int) -> None:
        if not self.running or not self.items:
            return
        before = self.current
        self.position = max(0, min(len(self.items) - 1, self.position + step))
        if before is not None and self.current is not None and \
                before.section != self.current.section:
            self.section_started = self.context.monotonic()
        self.show_item()

    def show_item(self) -> None:
        item = self.current
        if self.card is not None and (item is None or item.ref != self.card.ref):
            self.card = None  # another item: never show the previous one's card
        self.paint()
        if item is None or item.kind != "ticket":
            return
        ctx = self.context
        ref, standup_id = item.ref, self.standup_id

        def read() -> StandupCard:
            return ctx.services.standup.card(ref=ref, viewer=ctx.viewer, standup_id=standup_id)

        call_service(self, read, done=self._card_read, what=f"Reading {ref}", group="item",
                     exclusive=True)

    def _card_read(self, card: StandupCard) -> None:
        if self.current is not None and self.current.ref == card.ref:
            self.card = card
            self.paint()

    def tick(self) -> None:
        if not self.running:
            return
        now = self.context.monotonic()
        self.query_one("#su-timer", Digits).update(clock(now - self.started))
        item = self.current
        section = self._section(item)
        box = self.query_one("#su-box", Static)
        if section is None:
            box.update("")
            return
        used = now - self.section_started
        limit = section.timebox_minutes * 60
        box.set_class(used > limit, "-over")
        box.update(line(data(section.title, limit=60), f"\n{clock(used)} of {clock(limit)}",
                        "\nOVER TIME: move on" if used > limit else ""))

    def _section(self, item: AgendaItem | None) -> Any:
        if item is None or self.agenda is None:
            return None
        return next((s for s in self.agenda.sections if s.key == item.section), None)

    # -- decisions ------------------------------------------------------------------------

    def _ticket_item(self, *, dialog: bool = True) -> AgendaItem | None:
        """The current item when it is a ticket the room can decide on; else None, said (and,
        for a key that opens a dialog, the keys typed right after it ignored)."""
        item = self.current
        warn = refuse_dialog if dialog else (
            lambda node, text: toast(node, text, severity="warning"))
        if item is None or self.standup_id is None:
            warn(self, "Start the stand-up first (enter).")
            return None
        if item.kind != "ticket":
            warn(self, "Decisions are recorded on ticket items; this one is for discussion.")
            return None
        return item

    def _record(self, label: str, **changes: Any) -> None:
        item = self._ticket_item(dialog=False)
        if item is None or self.standup_id is None:
            return
        ctx = self.context
        standup_id, ref = self.standup_id, item.ref

        def record() -> str:
            ctx.services.standup.record(standup_id=standup_id, item_ref=ref,
                                        viewer=ctx.viewer, **changes)
            return label

        def done(summary: str) -> None:
            self.decided.setdefault(ref, []).append(summary)
            toast(self, f"{ref}: {summary} (u undoes)", timeout=3)
            self.post_message(ActionDone(summary))
            self.show_item()

        call_service(self, record, done=done, what=f"Recording on {ref}")

    def action_classify(self, category: str) -> None:
        self._record(f"category {category_label(category)}", category=category)

    def action_severity(self, severity: int) -> None:
        self._record(f"severity {severity_label(severity)}", severity=severity)

    def _ask(self, title: str, then: Any, *, multiline: bool = False) -> None:
        if self._ticket_item() is None:
            return
        self.app.push_screen(TextScreen(title, multiline=multiline, max_length=2000),
                             lambda text: then(text) if text else None)

    def action_owner(self) -> None:
        self._ask("Owner of the next step", lambda who: self._record(f"owner {who}", owner=who))

    def action_next_step(self) -> None:
        self._ask("Next step", lambda step: self._record(f"next step: {step}", next_step=step))

    def action_workaround(self) -> None:
        self._ask("Workaround (on the linked known issue)",
                  lambda text: self._record("workaround recorded", workaround=text),
                  multiline=True)

    def action_undo(self) -> None:
        if self.standup_id is None or not self.running:
            return
        self.app.push_screen(ChoiceScreen("Undo your own newest decision in this stand-up?", [
            ("No: keep it", "no"),
            ("Yes: take it back (the ticket returns to what it was)", "yes")]),
            lambda answer: self._undo() if answer == "yes" else None)

    def _undo(self) -> None:
        if self.standup_id is None or not self.running:
            return
        ctx = self.context
        standup_id = self.standup_id

        def undo() -> str:
            return ctx.services.standup.undo_last(standup_id=standup_id, viewer=ctx.viewer)

        def done(ref: str) -> None:
            if self.decided.get(ref):
                self.decided[ref].pop()
            toast(self, f"{ref}: your newest decision was taken back")
            self.post_message(ActionDone("undo"))
            self.show_item()

        call_service(self, undo, done=done, what="Undoing")

    # -- the end --------------------------------------------------------------------------

    def action_end(self) -> None:
        if not self.running:
            return
        # the safe answer first: Enter alone (typed for a dialog that was not there yet)
        # never ends the meeting
        self.app.push_screen(ChoiceScreen("End the stand-up?", [
            ("No: carry on", "no"),
            ("Yes: end it, store the minutes and queue them for posting", "yes")]), self._end)

    def _end(self, answer: str | None) -> None:
        if answer != "yes":
            return
        ctx = self.context
        standup_id = self.standup_id
        assert standup_id is not None
        call_service(self, lambda: ctx.services.standup.end(standup_id=standup_id,
                                                            viewer=ctx.viewer),
                     done=self._ended, what="Ending the stand-up")

    def _ended(self, view: StandupView) -> None:
        self.ended = view
        self.refresh_bindings()
        self.add_class("-ended")
        self.query_one("#su-minutes-text", Markdown).update(markdown_document(view.minutes))
        self.post_message(ActionDone("stand-up ended"))
        self.paint()

    # -- painting -------------------------------------------------------------------------

    def paint(self) -> None:
        from hypercare.tui.widgets.standup_view import item_text, preview_text, progress_text

        total = len(self.items)
        bar = self.query_one("#su-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=self.position + 1 if self.running else 0)
        progress = self.query_one("#su-progress", Static)
        panel = self.query_one("#su-item", Static)
        if self.ended is not None:
            progress.update(Text(f"Stand-up ended · {plain(self.scope_label(), limit=80)} · "
                                 "minutes stored and queued for posting", style="bold green"))
            return
        if not self.running:
            progress.update(Text(f"Stand-up · {plain(self.scope_label(), limit=80)} · {total} "
                                 "items · enter starts, c changes the scope", style="bold"))
            panel.update(preview_text(self.agenda))
            return
        item = self.current
        progress.update(progress_text(self.items, self.position, self.scope_label(),
                                      self._section(item)))
        panel.update(item_text(item, self._section(item), self.card,
                               self.decided.get(item.ref, []) if item else [],
                               now=self.context.now(), zone=self.context.zone))
        self.tick()  # the clocks show at once, not a second later
