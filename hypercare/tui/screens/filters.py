"""The queue's filter form: one compact select per facet (each value shown as data: company,
team, app and assignee names come from Odoo)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Select

from hypercare.services import QueueFilter
from hypercare.terminal import data
from hypercare.tui.format import category_label, severity_label, sla_label

FACET_FIELDS = ("company", "category", "sla_state", "app", "team", "assignee", "known_issue")
VALUE_LIMIT = 80
"""Characters of a facet value in its select (one line, an ellipsis past it)."""
LABELS = {"status": "Status", "company": "Company", "category": "Category",
          "severity": "Severity", "sla_state": "SLA state", "app": "App", "team": "Team",
          "assignee": "Assignee", "known_issue": "Known issue"}


def _choices(field: str, facets: dict[str, tuple[str, ...]]) -> list[tuple[Text, Any]]:
    return [(data(label, limit=VALUE_LIMIT), value) for label, value in _labels(field, facets)]


def _labels(field: str, facets: dict[str, tuple[str, ...]]) -> list[tuple[str, Any]]:
    if field == "status":
        return [("open", "open"), ("closed", "closed"), ("all", "all")]
    if field == "severity":
        return [(severity_label(n), n) for n in (1, 2, 3, 4)]
    values = list(facets.get(field, ()))
    if field == "category":
        return [(category_label(v), v) for v in values]
    if field == "sla_state":
        return [(sla_label(v), v) for v in values]
    if field == "assignee":
        return [("(unassigned)", "-"), *((v, v) for v in values)]
    if field == "known_issue":
        return [("linked to any", "linked"), ("not linked", "unlinked"),
                *((v, v) for v in values)]
    return [(v, v) for v in values]


class FilterScreen(ModalScreen[QueueFilter | None]):
    """Edit the queue filter; Enter or ctrl+s applies, Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "apply", "Apply"),
                Binding("ctrl+r", "reset", "Reset")]
    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical { width: 76; height: auto; max-height: 100%; border: thick $primary;
                              background: $surface; padding: 0 1; }
    FilterScreen Grid { grid-size: 2; grid-columns: 14 1fr; height: auto; grid-gutter: 0 1; }
    FilterScreen Grid Label { padding: 0; }
    FilterScreen .buttons { height: auto; layout: horizontal; }
    FilterScreen Button { margin: 0 1 0 0; min-width: 10; }
    """

    def __init__(self, current: QueueFilter, facets: dict[str, tuple[str, ...]]) -> None:
        super().__init__()
        self.current = current
        self.facets = facets

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Filter the queue", classes="dialog-title")
            with Grid():
                for field in ("status", "severity", *FACET_FIELDS):
                    value = getattr(self.current, field)
                    yield Label(LABELS[field])
                    yield Select(_choices(field, self.facets), prompt="any", compact=True,
                                 allow_blank=field != "status", id=f"f-{field}",
                                 value=value if value else Select.NULL)
            yield Checkbox("Escalated only", self.current.escalated, id="f-escalated",
                           compact=True)
            yield Checkbox("Unclassified only", self.current.unclassified,
                           id="f-unclassified", compact=True)
            with Vertical(classes="buttons"):
                yield Button("Apply (ctrl+s)", variant="primary", id="apply")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_apply()

    def action_apply(self) -> None:
        changes: dict[str, Any] = {}
        for field in ("status", "severity", *FACET_FIELDS):
            value = self.query_one(f"#f-{field}", Select).value
            blank = value is Select.NULL
            changes[field] = (0 if field == "severity" else "") if blank else value
        changes["escalated"] = self.query_one("#f-escalated", Checkbox).value
        changes["unclassified"] = self.query_one("#f-unclassified", Checkbox).value
        self.dismiss(replace(self.current, **changes))

    def action_reset(self) -> None:
        self.dismiss(QueueFilter(search=self.current.search, sort=self.current.sort,
                                 descending=self.current.descending))

    def action_cancel(self) -> None:
        self.dismiss(None)
