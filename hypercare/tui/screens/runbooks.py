"""The runbooks, read in the TUI: the list on the left, the chosen one with its contents.

Below 120 columns the list folds away (``l`` picks a runbook from a dialog instead) and the
table of contents narrows; ``t`` hides or shows it.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Markdown, MarkdownViewer, OptionList

from hypercare.services import RunbookView
from hypercare.text import clean
from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.messages import StoreRead
from hypercare.tui.screens.pickers import ChoiceScreen
from hypercare.tui.widgets.data import markdown_literal, option, toast
from hypercare.tui.widgets.header import TopBar
from hypercare.tui.work import call_service, describe

DEFAULT_RUNBOOK = "command-center-tui"
PREVIEW_SECONDS = 0.25


class RunbookViewer(MarkdownViewer):
    """A Markdown viewer whose links the screen follows: runbooks by name, web links in the
    browser (never files read from the UI thread)."""

    class LinkFollowed(Message):
        def __init__(self, href: str) -> None:
            self.href = href
            super().__init__()

    async def _on_markdown_link_clicked(self, message: Markdown.LinkClicked) -> None:
        message.prevent_default()
        message.stop()
        self.post_message(self.LinkFollowed(message.href))


class RunbooksScreen(Screen[Any]):
    """Every runbook; enter (or a pause on one) shows it."""

    RUNBOOK = DEFAULT_RUNBOOK
    BINDINGS = [
        Binding("l", "pick", "Runbooks"),
        Binding("t", "toc", "Contents"),
        Binding("escape", "back", "Back"),
    ]
    DEFAULT_CSS = """
    RunbooksScreen #runbooks-body { height: 1fr; }
    RunbooksScreen #runbook-list { width: 32; height: 1fr; border: round $primary-darken-2; }
    RunbooksScreen #runbook-list:focus { border: round $primary; }
    RunbooksScreen.-narrow #runbook-list { display: none; }
    RunbooksScreen #runbook-view { width: 1fr; }
    RunbooksScreen MarkdownTableOfContents { max-width: 36; }
    RunbooksScreen.-narrow MarkdownTableOfContents { max-width: 24; }
    """

    def __init__(self, name: str | None = None) -> None:
        super().__init__()
        self.wanted = name.removesuffix(".md") if name else None
        self.runbooks: list[RunbookView] = []
        self.shown: RunbookView | None = None
        self._preview: Timer | None = None

    @property
    def context(self) -> TuiContext:
        return tui_context(self)

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        with Horizontal(id="runbooks-body"):
            listing = OptionList(id="runbook-list")
            listing.border_title = "Runbooks"
            yield listing
            yield RunbookViewer("*Reading the runbooks...*", id="runbook-view",
                                show_table_of_contents=True, open_links=False)
        yield Footer()

    def on_mount(self) -> None:
        self._top_bar()
        self.load()

    def on_screen_resume(self) -> None:
        self._top_bar()

    def on_store_read(self, message: StoreRead) -> None:
        self._top_bar()

    def _top_bar(self) -> None:
        title = f"Runbook: {self.shown.title}" if self.shown else "Runbooks"
        self.query_one(TopBar).show(self.context, title)

    # -- reading ------------------------------------------------------------------------

    def load(self) -> None:
        runbooks = self.context.services.runbooks
        call_service(self, runbooks.list_runbooks, done=self._listed, failed=self._failed,
                     what="Reading the runbooks", group="runbooks")

    def _listed(self, found: list[RunbookView]) -> None:
        self.runbooks = found
        listing = self.query_one("#runbook-list", OptionList)
        listing.clear_options()
        listing.add_options([option(r.title, r.name) for r in found])
        names = [r.name for r in found]
        first = self.wanted or (DEFAULT_RUNBOOK if DEFAULT_RUNBOOK in names else
                                (names[0] if names else None))
        if first in names:
            listing.highlighted = names.index(first)
        if first:
            self.open_runbook(first)
        if self.has_class("-narrow"):
            self._focus_reader()
        else:
            listing.focus()

    def open_runbook(self, name: str) -> None:
        """Read one runbook in a worker and show it."""
        if self._preview is not None:
            self._preview.stop()
        name = self.wanted = name.removesuffix(".md")
        runbooks = self.context.services.runbooks
        call_service(self, lambda: runbooks.show(name=name), done=self._show,
                     what=f"Reading the runbook {name}", group="runbook", exclusive=True)

    async def _show(self, runbook: RunbookView) -> None:
        if runbook.name != self.wanted:  # a slower read of one chosen before
            return
        self.shown = runbook
        viewer = self.query_one(RunbookViewer)
        await viewer.document.update(clean(runbook.text))  # a file: Markdown, no controls
        viewer.scroll_home(animate=False)
        self._top_bar()

    def _failed(self, exc: BaseException) -> None:
        self.query_one(RunbookViewer).document.update(f"**No runbooks to show.**\n\n"
                                                      f"{markdown_literal(describe(exc))}")

    # -- choosing -----------------------------------------------------------------------

    @on(OptionList.OptionSelected, "#runbook-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.open_runbook(event.option.id)
            self._focus_reader()

    @on(OptionList.OptionHighlighted, "#runbook-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if not name or name == self.wanted:
            return
        if self._preview is not None:
            self._preview.stop()
        self._preview = self.set_timer(PREVIEW_SECONDS, lambda: self.open_runbook(name))

    def action_pick(self) -> None:
        if not self.runbooks:
            toast(self, "No runbooks were found.", severity="warning")
            return
        choices = [(f"{r.title}  ({r.name})", r.name) for r in self.runbooks]
        self.app.push_screen(ChoiceScreen("Open a runbook", choices), self._picked)

    def _picked(self, name: str | None) -> None:
        if name:
            names = [r.name for r in self.runbooks]
            if name in names:
                self.query_one("#runbook-list", OptionList).highlighted = names.index(name)
            self.open_runbook(name)
            self._focus_reader()

    def action_toc(self) -> None:
        viewer = self.query_one(RunbookViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def _focus_reader(self) -> None:
        self.query_one(RunbookViewer).document.focus()

    @on(RunbookViewer.LinkFollowed)
    def follow(self, event: RunbookViewer.LinkFollowed) -> None:
        href = event.href
        if href.startswith("#"):
            self.query_one(RunbookViewer).document.goto_anchor(href[1:])
        elif "://" in href or href.startswith("mailto:"):
            self.app.open_url(href)
        else:
            path = PurePosixPath(href.split("#", 1)[0])
            if path.suffix == ".md":
                self.open_runbook(path.stem)
            else:
                toast(self, f"{href} is not a runbook; see it in the repository.")

    # -- leaving ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":  # only when opened on top of another screen (from the help)
            return len(self.app.screen_stack) > 1 and self.app.screen is self
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1 and self.app.screen is self:
            self.app.pop_screen()
