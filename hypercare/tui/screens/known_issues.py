"""Known issues: one problem behind many tickets, its workaround, and what reporters were told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Static

from hypercare.services import KNOWN_ISSUE_STATUSES, BroadcastView, KnownIssueView
from hypercare.terminal import data, line
from hypercare.tui.context import TuiContext
from hypercare.tui.format import local, severity_label
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.screens.records import Cell, RecordScreen, day, parse_day, today
from hypercare.tui.widgets.data import DataTable, detail, heading, toast
from hypercare.tui.widgets.header import TopBar

#: Short labels of the known-issue statuses (for the list).
STATUS_LABELS = {"investigating": "investigating", "workaround_available": "workaround",
                 "fix_in_test": "fix in test", "fix_released": "fix released",
                 "closed": "closed"}
STATUS_STYLES = {"investigating": "dark_orange", "workaround_available": "cyan",
                 "fix_in_test": "magenta", "fix_released": "green", "closed": "dim"}
STATE_STYLES = {"pending": "", "sent": "green", "dead": "bold red", "suppressed": "dark_orange"}
NARROW_COLUMNS = (("Ref", 5), ("Sev", 3), ("Status", 13), ("Tix", 3), ("Workaround", 12),
                  ("Title", None))
WIDE_COLUMNS = (*NARROW_COLUMNS[:5], ("Companies", 12), ("Title", None))
WORKAROUND_LIMIT = 5000

Loaded = tuple[list[KnownIssueView], dict[int, list[BroadcastView]]]


def status_label(status: str) -> Text:
    return data(STATUS_LABELS.get(status, status.replace("_", " ")),
                STATUS_STYLES.get(status, ""))


def change_label(change: str) -> str:
    """``status:fix_in_test`` -> ``status -> fix in test``; ``workaround`` stays."""
    kind, _, value = change.partition(":")
    return f"status → {value.replace('_', ' ')}" if kind == "status" else kind


class KnownIssuesScreen(RecordScreen):
    """Every known issue (closed ones on demand) and the highlighted one in full."""

    TOP_TITLE = "Known issues"
    RUNBOOK = "daily-triage-standup"
    TABLE_ID = "ki-table"
    DETAIL_WIDTH = 60
    BINDINGS = [
        Binding("s", "status", "Status"),
        Binding("W", "workaround", "Workaround"),
        Binding("n", "new", "New"),
        Binding("l", "link", "Link ticket"),
        Binding("x", "unlink", "Unlink", show=False),
        Binding("a", "toggle_closed", "Closed too", show=False),
    ]
    DEFAULT_CSS = """
    KnownIssuesScreen #ki-summary { height: auto; max-height: 2; padding: 0 1;
                                    color: $text-muted; }
    KnownIssuesScreen #ki-body { height: 1fr; layout: vertical; }
    KnownIssuesScreen #ki-table { height: auto; max-height: 9; }
    KnownIssuesScreen #ki-detail { height: 1fr; padding: 0 1; border-top: solid $primary-darken-2; }
    KnownIssuesScreen.-wide #ki-body { layout: horizontal; }
    KnownIssuesScreen.-wide #ki-table { height: 1fr; max-height: 100%; width: 1fr; }
    KnownIssuesScreen.-wide #ki-detail { width: 60; border-top: none;
                                         border-left: solid $primary-darken-2; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.show_closed = False
        self.issues: list[KnownIssueView] = []
        self.history: dict[int, list[BroadcastView]] = {}

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="ki-summary")
        with Container(id="ki-body"):
            yield DataTable(id="ki-table", cursor_type="row", zebra_stripes=True)
            with VerticalScroll(id="ki-detail"):
                yield Static("reading the known issues...", id="ki-detail-text")
        yield Footer()

    # -- reading and painting ------------------------------------------------------------

    def reader(self, ctx: TuiContext) -> Callable[[], Loaded]:
        issues = ctx.services.known_issues
        closed = self.show_closed

        def read() -> Loaded:
            found = issues.list_issues(include_closed=closed, with_tickets=True)
            return found, {k.id: issues.broadcasts(known_issue_id=k.id) for k in found}

        return read

    def loaded(self, data: Loaded) -> None:
        self.issues, self.history = data

    def paint(self) -> None:
        wide = self.has_class("-wide")
        now = today(self.context)
        rows: list[tuple[str, list[Cell]]] = []
        for issue in self.issues:
            cells: list[Cell] = [issue.ref, severity_label(issue.severity, "--"),
                                 status_label(issue.status), str(issue.linked),
                                 workaround_cell(issue, now)]
            if wide:
                cells.append(", ".join(issue.companies) or "-")
            rows.append((str(issue.id), [*cells, issue.title]))
        self.fill(WIDE_COLUMNS if wide else NARROW_COLUMNS, rows)
        shown = "open and closed" if self.show_closed else "open"
        toggle = "a hides closed ones" if self.show_closed else "a shows closed ones too"
        self.query_one("#ki-summary", Static).update(Text(
            f"{len(self.issues)} {shown} known issue{'s' if len(self.issues) != 1 else ''} · "
            f"{toggle} · x unlinks a ticket"))

    def current(self) -> KnownIssueView | None:
        return next((k for k in self.issues if str(k.id) == self.current_key), None)

    def show_detail(self) -> None:
        issue = self.current()
        target = self.query_one("#ki-detail-text", Static)
        if issue is None:
            hint = "" if self.show_closed else ", a shows the closed ones"
            target.update(Text(f"No known issue here: n creates one{hint}.", style="dim"))
            return
        target.update(detail_text(issue, self.history.get(issue.id, []), self.context))

    # -- actions -------------------------------------------------------------------------

    def _issue_or_warn(self) -> KnownIssueView | None:
        issue = self.current()
        if issue is None:
            self.warn_empty("known issue")
        return issue

    def action_toggle_closed(self) -> None:
        self.show_closed = not self.show_closed
        self.load()

    def action_status(self) -> None:
        issue = self._issue_or_warn()
        if issue is None:
            return
        choices = [(s.replace("_", " ") + ("  (now)" if s == issue.status else ""), s)
                   for s in KNOWN_ISSUE_STATUSES]
        title = (f"Status of {issue.ref}: the change is broadcast to the reporters of its "
                 f"{issue.linked} linked ticket{'s' if issue.linked != 1 else ''}")
        self.app.push_screen(ChoiceScreen(title, choices),
                             lambda status: self._set_status(issue, status))

    def _set_status(self, issue: KnownIssueView, status: str | None) -> None:
        if not status:
            return
        if status == issue.status:
            toast(self, f"{issue.ref} is already {status.replace('_', ' ')}.")
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def change() -> str:
            issues.set_status(known_issue_id=issue.id, status=status, viewer=ctx.viewer)
            sent = next((b for b in issues.broadcasts(known_issue_id=issue.id)
                         if b.change == f"status:{status}"), None)
            told = (f"broadcast to {sent.recipients} reporter{'s' if sent.recipients != 1 else ''}"
                    if sent else "no reporter with an e-mail address to tell")
            return f"{issue.ref} is now {status.replace('_', ' ')}; {told}"

        self.act(change, what=f"Changing the status of {issue.ref}")

    def action_workaround(self) -> None:
        issue = self._issue_or_warn()
        if issue is None:
            return
        title = (f"Workaround for {issue.ref} (broadcast to the reporters of its "
                 f"{issue.linked} linked tickets)")
        self.app.push_screen(
            TextScreen(title, multiline=True, max_length=WORKAROUND_LIMIT,
                       initial=issue.workaround),
            lambda text: self._ask_review(issue, text))

    def _ask_review(self, issue: KnownIssueView, text: str | None) -> None:
        if text is None:
            return
        if not text:
            toast(self, "Nothing saved: the workaround was empty.", severity="warning")
            return
        initial = issue.workaround_review_date.isoformat() if issue.workaround_review_date \
            else ""
        self.app.push_screen(
            TextScreen(f"Review the workaround of {issue.ref} by", max_length=10,
                       placeholder="YYYY-MM-DD (empty: no review date)", initial=initial),
            lambda when: self._set_workaround(issue, text, when))

    def _set_workaround(self, issue: KnownIssueView, text: str, when: str | None) -> None:
        if when is None:
            return
        try:
            review = parse_day(when)
        except ValueError:
            toast(self, f"{when!r} is not a date like 2026-12-01.", severity="error")
            self._ask_review(issue, text)
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def publish() -> str:
            issues.set_workaround(known_issue_id=issue.id, text=text, viewer=ctx.viewer,
                                  review_date=review)
            return f"{issue.ref}: workaround published to the reporters"

        self.act(publish, what=f"Publishing the workaround of {issue.ref}")

    def action_new(self) -> None:
        self.app.push_screen(TextScreen("New known issue: what is the problem?", max_length=200,
                                        placeholder="a title the reporters will recognise"),
                             self._create)

    def _create(self, title: str | None) -> None:
        if not title:
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def create() -> tuple[str, str]:
            issue = issues.create(title=title, viewer=ctx.viewer)
            return (f"{issue.ref} created: l links its tickets, W publishes a workaround",
                    str(issue.id))

        self.act(create, what="Creating a known issue")

    def action_link(self) -> None:
        issue = self._issue_or_warn()
        if issue is None:
            return
        self.app.push_screen(
            TextScreen(f"Link a ticket to {issue.ref} (it leaves any other known issue)",
                       max_length=40, placeholder="ticket reference, e.g. HT00042"),
            lambda ref: self._link(issue, ref))

    def _link(self, issue: KnownIssueView, ref: str | None) -> None:
        if not ref:
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def link() -> str:
            issues.link(known_issue_id=issue.id, ref=ref, viewer=ctx.viewer)
            return f"{ref} linked to {issue.ref}"

        self.act(link, what=f"Linking {ref}")

    def action_unlink(self) -> None:
        issue = self._issue_or_warn()
        if issue is None:
            return
        if not issue.ticket_refs:
            toast(self, f"{issue.ref} has no linked ticket.", severity="warning")
            return
        self.app.push_screen(ChoiceScreen(f"Unlink which ticket from {issue.ref}?",
                                          [(ref, ref) for ref in issue.ticket_refs]),
                             lambda ref: self._unlink(issue, ref))

    def _unlink(self, issue: KnownIssueView, ref: str | None) -> None:
        if not ref:
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def unlink() -> str:
            issues.unlink(ref=ref, viewer=ctx.viewer)
            return f"{ref} unlinked from {issue.ref}"

        self.act(unlink, what=f"Unlinking {ref}")


def workaround_cell(issue: KnownIssueView, today: date) -> Text:
    if not issue.workaround:
        return Text("no", style="dim")
    review = issue.workaround_review_date
    if review is None:
        return Text("yes")
    return Text(f"yes · {day(review)}", style="dark_orange" if review < today else "")


def detail_text(issue: KnownIssueView, history: list[BroadcastView], ctx: TuiContext) -> Text:
    """The highlighted known issue in full: facts, tickets, workaround, broadcasts."""
    text = line(data(issue.ref, "bold"), "  ", (severity_label(issue.severity, "--"), "bold"), " ",
                data(issue.category.replace("_", " ")), "  ", status_label(issue.status), "\n",
                heading(issue.title), "\n")
    refs = ", ".join(issue.ticket_refs) or "none yet: l links one"
    for label, value in (("Owner", issue.owner or "(nobody)"), ("App", issue.app or "-"),
                         ("Created", local(issue.created_at, ctx.zone) or "-"),
                         ("Tickets", f"{issue.linked}: {refs}" if issue.linked else refs),
                         ("Companies", ", ".join(issue.companies) or "-")):
        text.append(f"\n{label:<10}", style="dim")
        text.append_text(data(value, limit=1000))
    text.append("\n\nWorkaround\n", style="bold")
    if issue.workaround:
        text.append_text(line(detail(issue.workaround), "\n"))
        text.append(f"published {local(issue.workaround_at, ctx.zone) or '-'}", style="dim")
        review = issue.workaround_review_date
        if review is not None:
            late = review < today(ctx)
            text.append(f" · review by {review.isoformat()}" + (" (overdue)" if late else ""),
                        style="dark_orange" if late else "dim")
    else:
        text.append("none yet: W publishes one to the reporters", style="dim")
    text.append("\n\nBroadcasts to reporters", style="bold")
    if not history:
        text.append("\nnone yet: each status change and workaround is broadcast", style="dim")
    for sent in history:
        text.append(f"\n{local(sent.at, ctx.zone, fmt='%d %b %H:%M')}  ", style="dim")
        text.append_text(data(change_label(sent.change), "cyan"))
        text.append(f"  {sent.recipients} reporter{'s' if sent.recipients != 1 else ''}  ")
        for index, (state, count) in enumerate(sorted(sent.states.items())):
            text.append_text(data(("" if index == 0 else ", ") + f"{count} {state}",
                                  STATE_STYLES.get(state, "")))
    return text
