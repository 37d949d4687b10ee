"""Decisions and actions on one ticket, shared by the queue and the ticket detail.

Each action runs one service call in a worker. Decisions that can be taken back (category,
severity, known-issue link) are remembered so ``u`` undoes them within ``tui.undo_seconds``;
they and their undo move the SLA clocks, which are evaluated again before the screen reads
the ticket (``TuiContext.refresh_clocks``): no stale targets until the next sweep.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from textual.binding import Binding
from textual.screen import Screen

from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.format import category_label, severity_label
from hypercare.tui.guard import open_dialog, refuse_dialog
from hypercare.tui.messages import ActionDone
from hypercare.tui.screens.pickers import ChoiceScreen, TextScreen
from hypercare.tui.widgets.data import toast
from hypercare.tui.work import call_service

NOTE_LIMIT = 20_000

DECISION_BINDINGS = [
    Binding("d", "classify('defect')", "Defect"),
    Binding("t", "classify('training_gap')", "Training"),
    Binding("p", "classify('policy_ambiguity')", "Policy"),
    *(Binding(str(n), f"severity({n})", severity_label(n), show=False) for n in (1, 2, 3, 4)),
]
"""Category and severity keys: the same in the queue, the ticket detail and stand-up mode."""

TICKET_BINDINGS = [
    *DECISION_BINDINGS,
    Binding("a", "assign", "Assign", show=False),
    Binding("e", "escalate", "Escalate"),
    Binding("k", "acknowledge", "Ack", show=False),
    Binding("l", "link", "Link KI", show=False),
    Binding("n", "note", "Note", show=False),
    Binding("o", "open_browser", "Odoo", show=False),
    Binding("u", "undo", "Undo"),
]


class TicketActions(Screen[Any]):
    """A screen with a current ticket that the ticket keys act on."""

    def current_ticket(self) -> tuple[str, str, str] | None:
        """(ref, url, title) of the ticket the keys act on, or None."""
        raise NotImplementedError

    @property
    def context(self) -> TuiContext:
        return tui_context(self)

    def _ticket_or_warn(self) -> tuple[str, str, str] | None:
        found = self.current_ticket()
        if found is None:
            toast(self, "No ticket selected.", severity="warning")
        return found

    def _done(self, summary: str) -> None:
        toast(self, summary, timeout=4)
        self.post_message(ActionDone(summary))

    # -- decisions that can be undone ----------------------------------------------------

    def action_classify(self, category: str) -> None:
        self._decide(category=category)

    def action_severity(self, severity: int) -> None:
        self._decide(severity=severity)

    def _decide(self, *, category: str | None = None, severity: int | None = None) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        ctx = self.context
        triage = ctx.services.triage
        window = timedelta(seconds=ctx.undo_seconds)
        what = category_label(category) if category else severity_label(severity or 0)

        def decide() -> str:
            view = triage.decide(ref=ref, viewer=ctx.viewer, category=category,
                                 severity=severity)
            ctx.remember(f"{ref} {what}", lambda: _undo_decision(ctx, view.decision_id, window))
            ctx.refresh_clocks(ref)
            return f"{ref}: {what} (u to undo)"

        call_service(self, decide, done=self._done, what=f"Deciding {ref}")

    def action_link(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        ctx = self.context

        def options() -> list[tuple[str, str]]:
            detail = ctx.services.tickets.show_ticket(ref=ref, viewer=ctx.viewer)
            ticket = detail.ticket
            suggested = ctx.services.known_issues.suggest(
                title=ticket.title, description=ticket.description, app=ticket.app)
            seen = {s.known_issue_id for s in suggested}
            choices = [(f"{s.ref}  {s.title}  (match {s.score:.0%})", str(s.known_issue_id))
                       for s in suggested]
            choices += [(f"{k.ref}  {k.title}  ({k.linked} tickets)", str(k.id))
                        for k in ctx.services.known_issues.list_issues() if k.id not in seen]
            if ticket.known_issue:
                choices.insert(0, (f"Unlink from {ticket.known_issue}", "unlink"))
            return choices

        def chosen(choices: list[tuple[str, str]]) -> bool:
            if not choices:
                refuse_dialog(self, "There are no known issues yet.")
                return False
            self.app.push_screen(ChoiceScreen(f"Link {ref} to a known issue", choices),
                                 lambda value: self._link(ref, value))
            return True

        open_dialog(self, options, show=chosen, what="Reading known issues")

    def _link(self, ref: str, value: str | None) -> None:
        if not value:
            return
        ctx = self.context
        issues = ctx.services.known_issues

        def link() -> str:
            shown = ctx.services.tickets.show_ticket(ref=ref, viewer=ctx.viewer)
            before = shown.ticket.known_issue
            if value == "unlink":
                issues.unlink(ref=ref, viewer=ctx.viewer)
                summary = f"{ref} unlinked from {before}"
            else:
                issues.link(known_issue_id=int(value), ref=ref, viewer=ctx.viewer)
                summary = f"{ref} linked to KI-{value}"

            def undo() -> str:
                if before:
                    issues.link(known_issue_id=int(before.removeprefix("KI-")), ref=ref,
                                viewer=ctx.viewer)
                    ctx.refresh_clocks(ref)
                    return f"{ref} linked back to {before}"
                issues.unlink(ref=ref, viewer=ctx.viewer)
                ctx.refresh_clocks(ref)
                return f"{ref} unlinked again"

            ctx.remember(summary, undo)
            ctx.refresh_clocks(ref)  # a known issue's workaround meets the workaround clock
            return summary + " (u to undo)"

        call_service(self, link, done=self._done, what=f"Linking {ref}")

    def action_undo(self) -> None:
        ctx = self.context
        action = ctx.take_undo()
        if action is None:
            toast(self, f"Nothing to undo (decisions can be undone for {ctx.undo_seconds} s).",
                        severity="warning")
            return
        call_service(self, action.undo, done=self._done, what=f"Undoing {action.label}")

    # -- actions -------------------------------------------------------------------------

    def action_escalate(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        self.app.push_screen(
            TextScreen(f"Escalate {ref} one level: why?", placeholder="reason (optional)"),
            lambda reason: self._escalate(ref, reason))

    def _escalate(self, ref: str, reason: str | None) -> None:
        if reason is None:
            return
        ctx = self.context

        def escalate() -> str:
            view = ctx.services.sla.escalate(ref=ref, viewer=ctx.viewer, reason=reason)
            if view.status == "pending_approval":
                return f"{ref}: L{view.level} ({view.level_name}) waits for a lead's approval"
            notified = ", ".join(view.notified) or "nobody configured"
            return f"{ref} escalated to L{view.level} ({view.level_name}); notified {notified}"

        call_service(self, escalate, done=self._done, what=f"Escalating {ref}")

    def action_acknowledge(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        ctx = self.context

        def open_ones() -> list[tuple[str, str]]:
            rows = ctx.services.sla.escalations_for(ref=ref, viewer=ctx.viewer)
            return [(f"L{e.level} {e.level_name}: {e.trigger} ({e.status})", str(e.id))
                    for e in rows if e.status in ("open", "pending_approval")]

        def chosen(choices: list[tuple[str, str]]) -> bool:
            if not choices:
                refuse_dialog(self, f"{ref} has no escalation waiting for acknowledgement.")
                return False
            if len(choices) == 1:
                self._acknowledge(ref, choices[0][1])
                return False  # nothing to choose: what is typed next is no answer either
            self.app.push_screen(ChoiceScreen(f"Acknowledge which escalation of {ref}?",
                                              choices),
                                 lambda value: self._acknowledge(ref, value))
            return True

        open_dialog(self, open_ones, show=chosen, what="Reading escalations")

    def _acknowledge(self, ref: str, value: str | None) -> None:
        if not value:
            return
        ctx = self.context

        def acknowledge() -> str:
            ctx.services.sla.acknowledge(escalation_id=int(value), viewer=ctx.viewer)
            return f"{ref}: escalation acknowledged by {ctx.viewer.name}"

        call_service(self, acknowledge, done=self._done, what=f"Acknowledging {ref}")

    def action_note(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        self.app.push_screen(
            TextScreen(f"Internal note on {ref} (to the Odoo chatter)", multiline=True,
                       max_length=NOTE_LIMIT),
            lambda body: self._note(ref, body))

    def _note(self, ref: str, body: str | None) -> None:
        if not body:
            return
        ctx = self.context

        def note() -> str:
            summary = ctx.services.tickets.add_note(ref=ref, body=body, viewer=ctx.viewer)
            report = ctx.services.writeback.deliver(limit=20)
            if report.dead or report.retrying:
                return f"{summary}; Odoo did not take it yet, it will be retried"
            return f"{summary}; posted to Odoo"

        call_service(self, note, done=self._done, what=f"Note on {ref}")

    def action_assign(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref = found[0]
        ctx = self.context

        def people() -> list[tuple[str, str]]:
            return [(name, str(user_id)) for user_id, name in ctx.services.tickets.assignees()]

        def chosen(choices: list[tuple[str, str]]) -> bool:
            if not choices:
                refuse_dialog(self, "No Odoo users are known yet (none assigned a ticket).")
                return False
            self.app.push_screen(ChoiceScreen(f"Assign {ref} to", choices),
                                 lambda value: self._assign(ref, value))
            return True

        open_dialog(self, people, show=chosen, what="Reading assignees")

    def _assign(self, ref: str, value: str | None) -> None:
        if not value:
            return
        ctx = self.context

        def assign() -> str:
            return ctx.services.tickets.assign(ref=ref, user_odoo_id=int(value),
                                               viewer=ctx.viewer)

        call_service(self, assign, done=self._done, what=f"Assigning {ref}")

    def action_open_browser(self) -> None:
        found = self._ticket_or_warn()
        if found is None:
            return
        ref, url, _ = found
        if url:
            self._open(ref, url)
            return
        ctx = self.context
        call_service(self, lambda: ctx.services.tickets.show_ticket(ref=ref,
                                                                    viewer=ctx.viewer).ticket.url,
                     done=lambda link: self._open(ref, link), what=f"Reading {ref}")

    def _open(self, ref: str, url: str) -> None:
        if not url:
            toast(self, f"{ref} has no Odoo link (set odoo.url).", severity="warning")
            return
        self.app.open_url(url)
        toast(self, f"Opened {ref} in the browser.")


def _undo_decision(ctx: TuiContext, decision_id: int, window: timedelta) -> str:
    view = ctx.services.triage.undo_decision(decision_id=decision_id, viewer=ctx.viewer,
                                             within=window)
    ctx.refresh_clocks(view.ref)
    return f"{view.ref}: decision undone"
