"""Asking a policy question: the question, its process owner, the date an answer is due.

One form for every screen that raises a question (the Decisions screen's ``n``, the
stand-up's ``q``): three short dialogs in a row; Escape at any step cancels; a date that
does not read asks for the date again, keeping what was typed before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.screen import Screen

from hypercare.tui.screens.pickers import TextScreen
from hypercare.tui.screens.records import parse_day
from hypercare.tui.widgets.data import toast

QUESTION_LIMIT = 500
OWNER_LIMIT = 100

Asked = Callable[[str, str, date | None], object]
"""Receives the question, its owner and the due date (None: no due date)."""


def ask_question(screen: Screen[object], then: Asked, *,
                 title: str = "New policy question for a process owner",
                 owner_required: bool = False) -> None:
    """Open the form on ``screen``; ``then`` runs once all three answers are in."""
    screen.app.push_screen(
        TextScreen(title, max_length=QUESTION_LIMIT,
                   placeholder="e.g. who approves credit notes above 5,000 EUR?"),
        lambda question: _ask_owner(screen, then, question, owner_required))


def _ask_owner(screen: Screen[object], then: Asked, question: str | None,
               required: bool) -> None:
    if not question:
        return
    screen.app.push_screen(
        TextScreen(f"Who owns the answer to: {question}", max_length=OWNER_LIMIT,
                   placeholder="process owner, e.g. Finance (Marie)"),
        lambda owner: _owner_given(screen, then, question, owner, required))


def _owner_given(screen: Screen[object], then: Asked, question: str, owner: str | None,
                 required: bool) -> None:
    if owner is None:
        return
    if required and not owner.strip():
        toast(screen, "A policy question needs the process owner who will answer it.",
              severity="warning")
        _ask_owner(screen, then, question, required)
        return
    _ask_due(screen, then, question, owner)


def _ask_due(screen: Screen[object], then: Asked, question: str, owner: str) -> None:
    screen.app.push_screen(
        TextScreen("Answer due by", max_length=10,
                   placeholder="YYYY-MM-DD (empty: no due date)"),
        lambda due: _due_given(screen, then, question, owner, due))


def _due_given(screen: Screen[object], then: Asked, question: str, owner: str,
               due: str | None) -> None:
    if due is None:
        return
    try:
        due_date = parse_day(due)
    except ValueError:
        toast(screen, f"{due!r} is not a date like 2026-12-01.", severity="error")
        _ask_due(screen, then, question, owner)
        return
    then(question, owner.strip(), due_date)
