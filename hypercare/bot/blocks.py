"""Block Kit builders: read models in, a :class:`Reply` (fallback text + blocks) out.

Built with ``slack_sdk.models.blocks``, whose validators check Block Kit's length limits
when a block is turned into a dict; every builder does that before returning, so an
over-long field fails here, in tests, not at Slack. Outside text always goes through
:func:`escape_text` (mrkdwn) or the builders of :mod:`hypercare.bot.message_blocks` (headers),
which cap every field. The category of a ticket is never shown (it is for the command
center). Tickets come as read models masked for the person asking by the services
(:mod:`hypercare.services.access`): a confidential ticket they may not read arrives as
:data:`~hypercare.services.MASKED_TITLE` with ``masked`` set, and shows no known issue or
workaround either; its lead or its reporter sees it in full, privately.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk.models.blocks import Block, DividerBlock, SectionBlock

from hypercare.bot.message_blocks import context, header, mrkdwn, section
from hypercare.bot.text import (
    FALLBACK_LIMIT,
    FIELD_LIMIT,
    HEADER_LIMIT,
    MAX_BLOCKS,
    SECTION_LIMIT,
    chunks,
    escape_text,
    link,
    markdown_to_mrkdwn,
    slack_date,
    slack_moment,
)
from hypercare.services import MASKED_TITLE
from hypercare.triage.labels import severity_label
from hypercare.triage.sla_text import UNITS_NOTE, clock_text, moment_text, status_text

if TYPE_CHECKING:
    from hypercare.services import RunbookView, Suggestion, TicketView

__all__ = [
    "FIELD_LIMIT", "HEADER_LIMIT", "MAX_BLOCKS", "SECTION_LIMIT", "Reply", "build_error",
    "build_help", "build_howto", "build_my_tickets", "build_runbook", "build_runbook_list",
    "build_ticket_status", "escape_text",
]

RUNBOOK_EXCERPT = 2500
"""Characters of a runbook shown in Slack."""
CONFIDENTIAL = MASKED_TITLE
"""What shared messages (alerts, digests, thread replies) show for a confidential ticket:
the access authority's own words."""
SLA_LABELS = {"on_track": "on track", "at_risk": "at risk", "breached": "breached",
              "met": "met", "paused": "paused"}


@dataclass(frozen=True)
class Reply:
    """A message: ``text`` is the notification fallback, ``blocks`` validated dicts."""

    text: str
    blocks: tuple[dict[str, Any], ...]

    def as_kwargs(self) -> dict[str, Any]:
        """For ``respond(**reply.as_kwargs())`` and ``chat_postMessage``."""
        return {"text": self.text, "blocks": list(self.blocks)}


# -- builders -------------------------------------------------------------------------------

def build_help(commands: Sequence[tuple[str, str]], *, command: str = "/hypercare",
               note: str = "") -> Reply:
    """What ``/hypercare`` can do: ``commands`` are (usage, what it does) pairs."""
    lines = [f"`{command} {escape_text(usage)}`  {escape_text(what)}" for usage, what in commands]
    blocks: list[Block] = [_header("hypercare in Slack")]
    if note:
        blocks.append(section(escape_text(note)))
    blocks.extend(section(piece) for piece in chunks("\n".join(lines), SECTION_LIMIT))
    blocks.append(_context("Severity runs from S1 (business stopped) to S4 (cosmetic). "
                           "Answers here are visible to you only."))
    return _finish(f"{command} help", blocks)


def build_ticket_status(ticket: TicketView, *, now: datetime | None = None,
                        zone: str = "UTC") -> Reply:
    """State, severity, target time, SLA time, known issue and workaround, and the Odoo link.
    SLA times are the SLA formatter's (:mod:`hypercare.triage.sla_text`); ``zone`` (the
    command center's) for the fallback text of the moments each reader sees in their own
    time, ``now`` (default: the current time) for what is today."""
    moment = now or datetime.now(UTC)
    blocks: list[Block] = [_header(f"{ticket.ref} · {ticket.title}")]  # masked if not theirs
    fields = [f"*State*\n{_state(ticket)}",
              f"*Severity*\n{severity_label(ticket.severity, 'not rated yet')}",
              f"*Target time*\n{_target(ticket, moment, zone)}"]
    sla_shown = bool(ticket.sla_state) and not ticket.is_closed
    if sla_shown:  # the formatter's words and Slack date tokens: nothing to escape
        fields.append("*SLA*\n" + status_text(ticket.sla_clock(), now=moment, zone=zone,
                                               moment=slack_moment(zone)))
    if ticket.assignee:
        fields.append(f"*Assigned to*\n{escape_text(ticket.assignee, 200)}")
    if ticket.known_issue and not ticket.masked:
        fields.append(f"*Known issue*\n{escape_text(ticket.known_issue, 50)}")
    blocks.append(SectionBlock(fields=[mrkdwn(f, FIELD_LIMIT) for f in fields]))
    if ticket.masked:
        blocks.append(_context("Confidential (HR, payroll ...): its content is shown to "
                               "command-center leads and its reporter only."))
    elif ticket.confidential:
        blocks.append(_context("Confidential (HR, payroll ...): shown to you only; keep it "
                               "out of shared channels."))
    if ticket.workaround and not ticket.masked:
        blocks.append(section("*Workaround*\n" + escape_text(ticket.workaround,
                                                              SECTION_LIMIT - 20)))
    if ticket.url:
        blocks.append(_context(link(ticket.url, f"Open {ticket.ref} in Odoo"), escaped=True))
    if sla_shown and not ticket.sla_24x7:
        blocks.append(_context(UNITS_NOTE))
    return _finish(f"{ticket.ref}: {_state(ticket, plain=True)}", blocks)


def build_my_tickets(tickets: Sequence[TicketView], *, email: str, limit: int = 10,
                     now: datetime | None = None, zone: str = "UTC") -> Reply:
    """The tickets a person reported (open first), one line each; ``now`` and ``zone`` as
    for :func:`build_ticket_status`."""
    moment = now or datetime.now(UTC)
    shown = list(tickets)[:limit]
    if not shown:
        return _finish("No tickets found", [section(
            f"No tickets are reported under {escape_text(email, 200)} in Odoo. Tickets are "
            "matched by the e-mail of your Slack profile to the Odoo contact.")])
    blocks: list[Block] = [_header(f"Your tickets ({len(shown)} newest, open first)")]
    for ticket in shown:
        title = ticket.title  # masked by the services when it is not theirs to read
        first = f"*{link(ticket.url, ticket.ref) if ticket.url else escape_text(ticket.ref)}*"
        running = bool(ticket.sla_state) and not ticket.is_closed
        detail = " · ".join(part for part in (
            _state(ticket), severity_label(ticket.severity),
            clock_text(ticket.sla_clock(), now=moment, zone=zone, moment=slack_moment(zone),
                       state=True) if running else "") if part)
        blocks.append(section(f"{first}  {escape_text(title, 500)}\n{detail}"))
    blocks.append(_context(f"Reported under {escape_text(email, 200)}. "
                           "`/hypercare status REF` shows one in full."))
    return _finish(f"{len(shown)} of your tickets", blocks)


def build_howto(text: str, suggestions: Sequence[Suggestion],
                runbooks: Sequence[RunbookView]) -> Reply:
    """Known issues (with their workaround) and runbooks that match a question."""
    blocks: list[Block] = [_header(f"Answers for: {text}")]
    for found in list(suggestions)[:10]:
        status = found.status.replace("_", " ")
        body = f"*{escape_text(found.ref)}* {escape_text(found.title, 300)}"
        body += f"  _({escape_text(status)})_" if status else ""
        body += ("\n*Workaround:* " + escape_text(found.workaround, 2000) if found.workaround
                 else "\nNo workaround yet: the command center is on it.")
        blocks.append(section(body))
    if runbooks:
        lines = [f"• *{escape_text(r.title, 200)}*  `/hypercare runbook {escape_text(r.name)}`"
                 for r in list(runbooks)[:10]]
        blocks.append(section("*Runbooks*\n" + "\n".join(lines)))
    if len(blocks) == 1:
        blocks.append(section("Nothing matched. Try other words (the Odoo screen, the error "
                              "message), or ask in the hypercare channel."))
    count = len(suggestions) + len(runbooks)
    return _finish(f"{count} answer(s) for your question", blocks)


def build_runbook(runbook: RunbookView, *, limit: int = RUNBOOK_EXCERPT) -> Reply:
    """A runbook's title and first ``limit`` characters, and where to read the rest."""
    text = runbook.text.strip()
    if text.startswith("# "):  # the title is the header already
        text = text.split("\n", 1)[1].strip() if "\n" in text else ""
    excerpt = text[:limit]
    blocks: list[Block] = [_header(runbook.title)]
    blocks.extend(section(piece) for piece in chunks(markdown_to_mrkdwn(excerpt), SECTION_LIMIT))
    where = (f"The whole runbook: `runbooks/{escape_text(runbook.name)}.md` in the hypercare "
             "repository, or press R in the command-center TUI.")
    if len(text) > limit:
        where = f"Showing the first {limit:,} of {len(text):,} characters. " + where
    blocks.append(_context(where, escaped=True))
    return _finish(runbook.title, blocks)


def build_runbook_list(runbooks: Sequence[RunbookView], *,
                       command: str = "/hypercare") -> Reply:
    """Every runbook's title and the command that shows it."""
    lines = [f"• *{escape_text(r.title, 200)}*  `{command} runbook {escape_text(r.name, 100)}`"
             for r in runbooks]
    blocks: list[Block] = [_header("Runbooks")]
    blocks.extend(section(piece) for piece in chunks("\n".join(lines) or "No runbooks found.",
                                                     SECTION_LIMIT))
    return _finish(f"{len(runbooks)} runbooks", blocks)


def build_error(message: str, hint: str = "") -> Reply:
    """What went wrong and what to do (a HypercareError's message and hint)."""
    body = f":warning: {escape_text(message, 1500)}"
    if hint:
        body += f"\n{escape_text(hint, 1400)}"
    return _finish(f"hypercare: {message}", [section(body)])


# -- helpers --------------------------------------------------------------------------------

def _state(ticket: TicketView, *, plain: bool = False) -> str:
    stage = ticket.stage or ("closed" if ticket.is_closed else "open")
    shown = stage if plain else escape_text(stage, 100)
    if ticket.is_closed and "close" not in stage.casefold():
        shown += " (closed)"
    return shown


def _target(ticket: TicketView, now: datetime, zone: str) -> str:
    if ticket.is_closed:
        return f"closed {slack_date(ticket.closed_at)}" if ticket.closed_at else "closed"
    due = ticket.sla_due_at or ticket.odoo_sla_deadline
    if due is None:
        return "none set"
    return moment_text(due, now=now, zone=zone, render=slack_moment(zone))


def _header(text: str) -> Block:
    return header(text, emoji=False)


def _context(text: str, *, escaped: bool = False) -> Block:
    return context(text if escaped else escape_text(text))


def _finish(text: str, blocks: list[Block]) -> Reply:
    if len(blocks) > MAX_BLOCKS:
        blocks = [*blocks[: MAX_BLOCKS - 2], DividerBlock(),
                  _context("More was left out to fit one Slack message.")]
    # to_dict() runs slack_sdk's validators: an over-long field raises here.
    return Reply(text=escape_text(" ".join(text.split()), FALLBACK_LIMIT) or "hypercare",
                 blocks=tuple(block.to_dict() for block in blocks))
