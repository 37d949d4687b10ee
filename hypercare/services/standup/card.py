"""The stand-up card: what the room needs to decide on one ticket in the 20 seconds it gets.

Built from :meth:`TicketService.show_ticket` (so the ticket is masked for the viewer by the one
rule, :mod:`hypercare.services.access`) and the open stand-up actions on the ticket
(:func:`hypercare.store.problems.open_actions`). The card holds facts, not words: front ends
word SLA times with :mod:`hypercare.triage.sla_text` and show every text as data. Why the
ticket is on the agenda is the agenda's (``AgendaItem.why``), not the card's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice

from hypercare.services.access import AUDIENCE, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.tickets.service import TicketService
from hypercare.services.tickets.views import (
    EventView,
    KnownIssueLink,
    SlaClockView,
    TicketDetail,
    TicketView,
)
from hypercare.store import problems
from hypercare.text import clean, one_line

DESCRIPTION_LINES = 3
"""Lines of the description a card keeps (the first non-empty ones)."""
DESCRIPTION_LINE_LIMIT = 200
"""Characters of one description line on the card."""
_DESCRIPTION_SCAN = 20_000
"""Characters of the description read for its first lines (a 100 kB text is not split)."""
REPLY_KINDS = {"public_reply": "agent", "customer_message": "customer"}
"""Event kinds that are replies in Odoo, and who wrote them."""


@dataclass(frozen=True)
class CardReply:
    """The last reply on the ticket in Odoo."""

    author: str
    at: datetime | None
    by: str
    """``agent`` (a public reply from the helpdesk) or ``customer``."""


@dataclass(frozen=True)
class CardAction:
    """An open stand-up action on the ticket: who does what by when."""

    id: int
    text: str
    owner: str
    due_date: date | None
    this_standup: bool = False
    """Recorded in the stand-up the card was asked for."""


@dataclass(frozen=True)
class StandupCard:
    """One ticket as the stand-up shows it. Times are timezone-aware UTC."""

    ref: str
    odoo_id: int
    title: str
    """Masked for the viewer as :meth:`TicketService.show_ticket` masks it."""
    created_at: datetime | None
    company: str
    app: str
    severity: int
    """1 (S1) .. 4 (S4); 0 before classification."""
    category: str
    """defect, training_gap, policy_ambiguity, unclassified; "" before classification."""
    assignee: str
    """Who the ticket is assigned to in Odoo."""
    description: tuple[str, ...]
    """The description's first non-empty lines (:data:`DESCRIPTION_LINES`), each one line cut
    at :data:`DESCRIPTION_LINE_LIMIT` characters (masked text when the ticket is)."""
    description_more: bool
    """The description goes on past those lines."""
    last_reply: CardReply | None
    clocks: tuple[SlaClockView, ...]
    """Every hypercare SLA clock of the ticket, in the sweep's order (none before a sweep)."""
    known_issue: KnownIssueLink | None
    actions: tuple[CardAction, ...]
    """Open stand-up actions on the ticket, newest first."""
    similar_open: int | None = None
    """Similar open tickets (None: similarity is not known; shown only when known)."""
    confidential: bool = False
    masked: bool = False
    """Confidential and not for this viewer: title and description are masked."""
    is_closed: bool = False

    @property
    def next_action(self) -> CardAction | None:
        """The newest open action: the owner and next step the room agreed last."""
        return self.actions[0] if self.actions else None

    def age(self, now: datetime) -> str:
        """How long the ticket has been open at ``now``: ``3 d 4 h`` (:func:`age_text`)."""
        return age_text(self.created_at, now)


def build_card(context: ServiceContext, *, ref: str, viewer: Viewer,
               standup_id: int | None = None) -> StandupCard:
    """The card for the ticket ``ref`` on the stand-up's shared screen: found as ``viewer``
    may see it (a ticket of a company they may not see is not found), masked for the room
    (:data:`~hypercare.services.access.AUDIENCE`: a confidential ticket's title and
    description are not shown, whoever drives the meeting); ``standup_id``: the stand-up
    running now, whose actions the card marks as recorded here."""
    detail = TicketService(context).show_ticket(ref=ref, viewer=viewer)
    ticket = detail.ticket
    title = AUDIENCE.title(ticket.title, confidential=ticket.confidential)
    description = AUDIENCE.text(ticket.description, confidential=ticket.confidential)
    with context.store().session() as session:
        rows = [a for a in problems.open_actions(session=session)
                if a.subject in (ticket.ref, f"ticket:{ticket.odoo_id}")]
        actions = tuple(CardAction(a.id or 0, a.text, a.owner, a.due_date,
                                   standup_id is not None and a.standup_id == standup_id)
                        for a in sorted(rows, key=lambda a: a.id or 0, reverse=True))
    lines, more = first_lines(description)
    return StandupCard(
        ref=ticket.ref, odoo_id=ticket.odoo_id, title=title,
        created_at=ticket.created_at, company=ticket.company, app=ticket.app,
        severity=ticket.severity, category=ticket.category, assignee=ticket.assignee,
        description=lines, description_more=more, last_reply=last_reply(detail.events),
        clocks=_clocks(detail), known_issue=detail.known_issue, actions=actions,
        confidential=ticket.confidential, masked=ticket.masked or ticket.confidential,
        is_closed=ticket.is_closed)


def first_lines(text: str, *, count: int = DESCRIPTION_LINES,
                limit: int = DESCRIPTION_LINE_LIMIT) -> tuple[tuple[str, ...], bool]:
    """The first ``count`` non-empty lines of ``text``, each one line of at most ``limit``
    characters, and whether more text follows them."""
    head = clean(text[:_DESCRIPTION_SCAN])
    found = (stripped for stripped in map(str.strip, head.splitlines()) if stripped)
    lines = list(islice(found, count + 1))
    more = len(lines) > count or len(text) > _DESCRIPTION_SCAN
    return tuple(one_line(line, limit) for line in lines[:count]), more


def last_reply(events: tuple[EventView, ...]) -> CardReply | None:
    """The newest reply in the ticket's event log (oldest first), agent's or customer's."""
    for event in reversed(events):
        by = REPLY_KINDS.get(event.kind)
        if by is not None:
            return CardReply(event.actor, event.at, by)
    return None


def age_text(created_at: datetime | None, now: datetime) -> str:
    """Calendar time since ``created_at``, two units at most: ``3 d 4 h``, ``5 h 12 m``,
    ``12 m``; "" when unknown."""
    if created_at is None:
        return ""
    minutes = max(0, int((now - created_at).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} m" if mins else f"{hours} h"
    return f"{mins} m"


def _clocks(detail: TicketDetail) -> tuple[SlaClockView, ...]:
    """The ticket's clocks; a ticket swept before clocks were stored one by one has its
    resolution clock only."""
    if detail.sla:
        return detail.sla
    ticket: TicketView = detail.ticket
    if not ticket.sla_state:
        return ()
    clock = ticket.sla_clock()
    return (SlaClockView("resolution", clock.state, clock.due_at, clock.minutes_left,
                         clock.met_at, clock.always_open),)
