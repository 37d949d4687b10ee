"""Stand-up links: tie the current ticket to a known issue, a policy question or a backlog item."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen

from hypercare.tui.context import TuiContext, tui_context
from hypercare.tui.messages import ActionDone
from hypercare.tui.screens.pickers import ChoiceScreen
from hypercare.tui.widgets.data import toast
from hypercare.tui.work import call_service


class StandupLinks(Screen[Any]):
    """Mixed into the stand-up screen, which provides ``current``, ``ticket``, ``decided``,
    ``_record``, ``_ask`` and ``paint``."""

    current: Any
    ticket: Any
    decided: dict[str, list[str]]

    def _record(self, label: str, **changes: Any) -> None:
        raise NotImplementedError

    def _ask(self, title: str, then: Any, *, multiline: bool = False) -> None:
        raise NotImplementedError

    def paint(self) -> None:
        raise NotImplementedError

    def action_link(self) -> None:
        if self.current is None:
            return
        ctx = tui_context(self)

        def choose(issues: list[Any]) -> None:
            if not issues:
                toast(self, "There are no open known issues: create one with K.")
                return
            self.app.push_screen(
                ChoiceScreen("Link to a known issue", [(f"{k.ref}  {k.title}", str(k.id))
                                                       for k in issues]), self._link_chosen)

        call_service(self, ctx.services.known_issues.list_issues, done=choose,
                     what="Reading known issues")

    def _link_chosen(self, value: str | None) -> None:
        if value:
            self._record(f"linked to KI-{value}", known_issue_id=int(value))

    def _link_new(self, what: str, create: Any) -> None:
        item, ctx = self.current, tui_context(self)
        if item is None or self.ticket is None:
            toast(self, "Pick a ticket item first.", severity="warning")
            return
        link = f"ticket:{self.ticket.odoo_id}"

        def made(title: str) -> None:
            call_service(self, lambda: create(ctx, title, link),
                         done=lambda ref: self._linked(item.ref, ref), what=f"Creating {what}")

        self._ask(f"New {what} linked to {item.ref}", made)

    def _linked(self, ref: str, made: str) -> None:
        self.decided.setdefault(ref, []).append(f"raised {made}")
        toast(self, f"{ref}: raised {made}")
        self.post_message(ActionDone(made))
        self.paint()

    def action_question(self) -> None:
        self._link_new("policy question", _new_question)

    def action_backlog(self) -> None:
        self._link_new("backlog item", _new_backlog_item)


def _new_question(ctx: TuiContext, title: str, link: str) -> str:
    return ctx.services.decisions.create(question=title, owner=ctx.viewer.name,
                                         viewer=ctx.viewer, links=(link,)).ref


def _new_backlog_item(ctx: TuiContext, title: str, link: str) -> str:
    item = ctx.services.decisions.add_backlog(type="fix", title=title, viewer=ctx.viewer,
                                              links=(link,))
    return f"backlog item #{item.id}"
