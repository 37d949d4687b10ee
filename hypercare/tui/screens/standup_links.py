"""Stand-up links: tie the current ticket to a known issue, a policy question or a backlog item.

Questions and backlog items raised here are recorded as the stand-up's own (they appear in
its minutes, and undo takes them back); the link dialog first reads the known issues, and
keys typed meanwhile run nothing (:mod:`hypercare.tui.guard`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.screen import Screen

from hypercare.tui.context import tui_context
from hypercare.tui.guard import open_dialog
from hypercare.tui.messages import ActionDone
from hypercare.tui.screens.pickers import ChoiceScreen
from hypercare.tui.screens.question_form import ask_question
from hypercare.tui.work import call_service


class StandupLinks(Screen[Any]):
    """Mixed into the stand-up screen, which provides ``current``, ``standup_id``,
    ``decided``, ``_record``, ``_ask``, ``_ticket_item`` and ``show_item``."""

    current: Any
    standup_id: int | None
    decided: dict[str, list[str]]

    def _record(self, label: str, **changes: Any) -> None:
        raise NotImplementedError

    def _ask(self, title: str, then: Any, *, multiline: bool = False) -> None:
        raise NotImplementedError

    def _ticket_item(self) -> Any:
        raise NotImplementedError

    def show_item(self) -> None:
        raise NotImplementedError

    def action_link(self) -> None:
        item = self._ticket_item()
        if item is None:
            return
        ctx = tui_context(self)

        def show(issues: list[Any]) -> bool:
            choices = [(f"New known issue from {item.ref}...", "new")]
            choices += [(f"{k.ref}  {k.title}", str(k.id)) for k in issues]
            self.app.push_screen(ChoiceScreen(f"Link {item.ref} to a known issue", choices),
                                 lambda value: self._link_chosen(item.ref, value))
            return True

        open_dialog(self, ctx.services.known_issues.list_issues, show=show,
                    what="Reading known issues")

    def _link_chosen(self, ref: str, value: str | None) -> None:
        if value == "new":
            ctx, standup_id = tui_context(self), self.standup_id
            assert standup_id is not None
            self._ask(f"New known issue from {ref}: what is the problem?",
                      lambda title: self._raise(ref, lambda: ctx.services.standup
                                                .raise_known_issue(standup_id=standup_id,
                                                                   item_ref=ref,
                                                                   viewer=ctx.viewer,
                                                                   title=title),
                                                what="Creating the known issue"))
        elif value:
            self._record(f"linked to KI-{value}", known_issue_id=int(value))

    def action_question(self) -> None:
        item = self._ticket_item()
        if item is None:
            return
        ask_question(self, lambda question, owner, due: self._raise_question(
            item.ref, question, owner, due),
            title=f"Policy question raised from {item.ref}", owner_required=True)

    def _raise_question(self, ref: str, question: str, owner: str, due: date | None) -> None:
        ctx, standup_id = tui_context(self), self.standup_id
        assert standup_id is not None
        self._raise(ref, lambda: ctx.services.standup.raise_question(
            standup_id=standup_id, item_ref=ref, viewer=ctx.viewer, question=question,
            owner=owner, due=due), what="Raising the policy question")

    def action_backlog(self) -> None:
        item = self._ticket_item()
        if item is None:
            return
        ctx, standup_id = tui_context(self), self.standup_id
        assert standup_id is not None
        self._ask(f"New backlog item (a fix) raised from {item.ref}: title",
                  lambda title: self._raise(item.ref, lambda: ctx.services.standup
                                            .raise_backlog_item(standup_id=standup_id,
                                                                item_ref=item.ref,
                                                                viewer=ctx.viewer,
                                                                title=title),
                                            what="Adding the backlog item"))

    def _raise(self, ref: str, call: Any, *, what: str) -> None:
        def done(made: str) -> None:
            self.decided.setdefault(ref, []).append(f"raised {made}")
            from hypercare.tui.widgets.data import toast

            toast(self, f"{ref}: raised {made} (u undoes)")
            self.post_message(ActionDone(made))
            self.show_item()

        call_service(self, call, done=done, what=what)
