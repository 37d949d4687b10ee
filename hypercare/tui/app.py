"""The command-center TUI: wiring of screens, timers and the store feed (no logic of its own)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from hypercare.tui.context import TuiContext
from hypercare.tui.format import key_label
from hypercare.tui.guard import KeyGuard
from hypercare.tui.messages import ActionDone, StoreRead
from hypercare.tui.screens.dashboard import DashboardScreen
from hypercare.tui.screens.help import HelpScreen
from hypercare.tui.screens.queue import QueueScreen
from hypercare.tui.screens.ticket import TicketScreen
from hypercare.tui.widgets.ticket_table import TicketTable
from hypercare.tui.work import call_service, describe

T = TypeVar("T")
THEMES = {"dark": "textual-dark", "light": "textual-light"}
FIRST_PAINT_SECONDS = 0.3


class HypercareApp(App[None]):
    """Dashboard and queue as two modes; ticket detail and dialogs push on top."""

    CSS_PATH = Path(__file__).with_name("hypercare.tcss")
    TITLE = "hypercare"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    MODES = {
        "dashboard": DashboardScreen,
        "queue": QueueScreen,
        "standup": lambda: _record_screen("standup"),
        "known_issues": lambda: _record_screen("known_issues"),
        "decisions": lambda: _record_screen("decisions"),
        "escalations": lambda: _record_screen("escalations"),
        "backlog": lambda: _record_screen("backlog"),
        "runbooks": lambda: _record_screen("runbooks"),
    }
    DEFAULT_MODE = "dashboard"
    BINDINGS = [
        Binding("b", "show('dashboard')", "Board"),
        Binding("w", "show('queue')", "Queue"),
        Binding("M", "show('standup')", "Stand-up"),
        Binding("K", "show('known_issues')", "Known issues", show=False),
        Binding("D", "show('decisions')", "Decisions", show=False),
        Binding("E", "show('escalations')", "Escalations", show=False),
        Binding("B", "show('backlog')", "Backlog", show=False),
        Binding("R", "show('runbooks')", "Runbooks", show=False),
        Binding("question_mark,f1", "help", "Help"),
        Binding("r", "refresh", "Refresh", show=False),
        Binding("ctrl+s", "sync_now", "Sync now", show=False),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(self, context: TuiContext, *, theme: str = "dark") -> None:
        super().__init__()
        self.context = context
        self._jobs: Any = None
        """This screen's share of the periodic work (:mod:`hypercare.jobs.host`), if any."""
        self._fingerprint = ""
        self._reading = False
        """A store read is on its way (one at a time: each shows rows newer than the last)."""
        self._read_again: bool | None = None
        """Asked for while one was on its way: None no, False a check, True a forced read."""
        self._every_row_due = False
        self.theme = THEMES.get(theme, "textual-dark")
        self.key_guard = KeyGuard(lambda: self.context.monotonic())

    async def run_action(self, action: Any, default_namespace: Any = None,
                         namespaces: Any = None) -> bool:
        """Every key binding runs through here: while a dialog is on its way (or just could
        not open), the key is taken and does nothing (:mod:`hypercare.tui.guard`)."""
        name = action if isinstance(action, str) else action[1]
        if not self.key_guard.allows(name):
            return True
        return await super().run_action(action, default_namespace, namespaces)

    def on_mount(self) -> None:
        self.action_refresh_store(True)
        self.set_interval(self.context.refresh_seconds, self.action_refresh_store)
        if self.context.jobs:
            from hypercare.jobs.host import JobHost

            self._jobs = JobHost(self.context.services, command=self.context.jobs,
                                 sync_seconds=self.context.sync_seconds,
                                 on_outcome=self._job_done).start()

    def on_unmount(self) -> None:
        if self._jobs is not None:
            self._jobs.stop(wait=False)  # a sync under way ends with the process
            self._jobs = None

    # -- the store feed --------------------------------------------------------------------

    def action_refresh_store(self, force: bool = False) -> None:
        """Re-read the store in a worker when something changed (always when ``force``).

        One read at a time: one asked for meanwhile (a timer, an action, ``r``) runs when it
        returns, so results arrive in order and the big reads never pile up on the store.
        """
        if self._reading:
            self._read_again = force or bool(self._read_again)
            return
        ctx = self.context
        services = ctx.services
        last = "" if force else self._fingerprint

        def read() -> tuple[str, StoreRead | None]:
            mark = services.queue.fingerprint()
            if mark == last:
                return mark, None
            if not ctx.rows_loaded:  # first read: the dashboard from the open tickets only
                opened = services.queue.load_rows(viewer=ctx.viewer, open_only=True)
                board = services.dashboard.dashboard(viewer=ctx.viewer, rows=opened)
                return mark, StoreRead(opened, board, partial=True)
            rows = services.queue.load_rows(viewer=ctx.viewer)
            board = services.dashboard.dashboard(viewer=ctx.viewer, rows=rows)
            return mark, StoreRead(rows, board)

        self._read_store(read, self._store_read)

    def _read_every_row(self) -> None:
        """After the first paint: every ticket for the queue (the dashboard is already right)."""
        if self._reading:
            self._every_row_due = True
            return
        ctx = self.context

        def read() -> StoreRead:
            return StoreRead(ctx.services.queue.load_rows(viewer=ctx.viewer), ctx.dashboard)

        self._read_store(read, self._show)

    def _read_store(self, read: Callable[[], T], show: Callable[[T], None]) -> None:
        def done(result: T) -> None:
            try:
                show(result)
            finally:
                self._read_done()

        self._reading = True
        call_service(self, read, done=done, failed=lambda _: self._read_done(),
                     what="Reading the store", group="store")

    def _read_done(self) -> None:
        """The read returned: run what was asked for meanwhile (every row first)."""
        self._reading = False
        if self._every_row_due:
            self._every_row_due = False
            self._read_every_row()
        elif self._read_again is not None:
            force, self._read_again = self._read_again, None
            self.action_refresh_store(force)

    def _store_read(self, result: tuple[str, StoreRead | None]) -> None:
        mark, message = result
        if message is None:
            return
        self._fingerprint = mark
        self._show(message)
        if message.partial:  # let the dashboard paint before the big read takes the CPU
            self.set_timer(FIRST_PAINT_SECONDS, self._read_every_row)

    def _show(self, message: StoreRead) -> None:
        """Hold what was read and tell the screen on top (the others catch up on resume)."""
        self.context.rows = list(message.rows)  # partial: the open tickets only, for now
        self.context.rows_loaded = not message.partial
        self.context.dashboard = message.dashboard
        self.screen.post_message(StoreRead(message.rows, message.dashboard,
                                           partial=message.partial))

    def on_action_done(self, message: ActionDone) -> None:
        self.action_refresh_store(True)

    # -- syncing ---------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """``r``: fresh data now: sync and sweep (when this screen may reach Odoo), then
        read the store again."""
        if self.context.jobs:
            self.action_sync_now()
        else:
            self.action_refresh_store(True)

    def action_sync_now(self) -> None:
        ctx = self.context
        if ctx.syncing or not ctx.jobs:
            return
        services = ctx.services

        def refresh() -> str:
            return services.refresh.refresh().summary()

        def failed(exc: BaseException) -> None:
            self._sync_result(ok=False, message=describe(exc).splitlines()[0])

        ctx.syncing = True
        call_service(self, refresh, done=lambda _: self._sync_result(ok=True), failed=failed,
                     what="Sync", group="sync")

    def _job_done(self, outcome: Any) -> None:
        """A job this process ran finished (in the jobs' thread): a sync's outcome shows."""
        if outcome.name == "sync" and outcome.ran:
            message = outcome.result.removeprefix("failed: ")
            self.call_from_thread(self._sync_result, ok=outcome.ok, message=message)

    def _sync_result(self, *, ok: bool, message: str = "") -> None:
        ctx = self.context
        ctx.syncing = False
        if ok:
            if ctx.sync_error:
                self.notify("Odoo answers again; sync resumed.", title="Sync")
            ctx.sync_error = ""
            self.action_refresh_store(True)
        else:
            ctx.sync_error = message
            self.screen.post_message(StoreRead(ctx.rows, ctx.dashboard))

    # -- navigation, help, palette, theme ----------------------------------------------------

    def action_show(self, mode: str) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_mode(mode)

    def action_help(self) -> None:
        """Every key; ``?`` again opens the runbook for the screen you are on."""
        self.push_screen(HelpScreen(help_sections(),
                                    runbook=getattr(self.screen, "RUNBOOK", "command-center-tui")))

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        seen = set()
        for node, bindings in ((self, self.BINDINGS), (screen, screen.BINDINGS)):
            for binding in bindings:
                if not isinstance(binding, Binding) or binding.action in seen:
                    continue
                seen.add(binding.action)
                key = key_label(binding.key)
                yield SystemCommand(binding.description or binding.action, f"key: {key}",
                                    partial(node.run_action, binding.action))


#: mode -> (module under hypercare.tui.screens, screen class, help title): imported when shown.
RECORD_SCREENS = {
    "standup": ("standup", "StandupScreen", "Stand-up mode"),
    "known_issues": ("known_issues", "KnownIssuesScreen", "Known issues"),
    "decisions": ("decisions", "DecisionsScreen", "Decisions"),
    "escalations": ("escalations", "EscalationsScreen", "Escalations"),
    "backlog": ("backlog", "BacklogScreen", "Backlog"),
    "runbooks": ("runbooks", "RunbooksScreen", "Runbooks"),
}


def _record_screen(mode: str) -> Screen[Any]:
    module, name, _ = RECORD_SCREENS[mode]
    screen: Screen[Any] = getattr(importlib.import_module(f"hypercare.tui.screens.{module}"),
                                  name)()
    return screen


def help_sections() -> list[tuple[str, list[Any]]]:
    """Every binding, by where it applies (the help screen shows them)."""
    sections = [
        ("Everywhere", list(HypercareApp.BINDINGS)),
        ("Dashboard", list(DashboardScreen.BINDINGS)),
        ("Queue", list(QueueScreen.BINDINGS)),
        ("Ticket table (queue)", list(TicketTable.BINDINGS)),
        ("Ticket detail", list(TicketScreen.BINDINGS)),
    ]
    for module, name, title in RECORD_SCREENS.values():
        screen = getattr(importlib.import_module(f"hypercare.tui.screens.{module}"), name)
        sections.append((title, list(screen.BINDINGS)))
    return sections
