"""The one-line bar on top of every screen: where you are, who you are, how fresh the data is."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext
from hypercare.tui.format import age, local


def freshness(ctx: TuiContext) -> Text:
    """Last good sync and a loud warning when the data is stale."""
    board = ctx.dashboard
    if board is None:
        return Text("reading the store...", style="dim")
    sync = board.sync
    now = ctx.now()
    if sync.last_good_at is None:
        text = Text(" NO SYNC YET ", style="bold white on dark_red")
    elif sync.stale:
        text = Text(f" STALE: last sync {age(sync.last_good_at, now)} ago ",
                    style="bold white on dark_red")
    else:
        text = Text(f"synced {age(sync.last_good_at, now)} ago", style="green")
    if ctx.sync_error:  # the message itself shows on the dashboard
        text.append("  sync failing", style="bold red")
    elif ctx.syncing:
        text.append("  syncing...", style="dim")
    return text


class TopBar(Static):
    """``hypercare · Queue · anna · 09:41 Europe/Brussels · synced 2m ago``."""

    DEFAULT_CSS = """
    TopBar { height: 1; background: $panel; padding: 0 1; }
    """

    def show(self, ctx: TuiContext, title: str) -> None:
        """``title`` may hold outside text (a runbook's title): it is shown as data."""
        bar = line(("hypercare", "bold"), " · ", data(title, "bold cyan", limit=80), " · ",
                   data(ctx.viewer.name, limit=40), " · ",
                   local(ctx.now(), ctx.zone, fmt="%a %H:%M"), " ", (ctx.zone, "dim"), " · ",
                   freshness(ctx))
        self.update(bar)
