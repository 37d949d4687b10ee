"""Block Kit for the App Home tab, ``/hypercare standup`` and ``/hypercare kpi``.

Built with slack_sdk's models (lengths validated); every text from Odoo or a person is
escaped. The Home tab is private to its user; the command answers are ephemeral.

What a Home shows follows the person's resolved role (the services decide it): the "Raise an
issue" button when ``roles.raise`` lets them raise (:attr:`HomeView.may_raise`), and for a
lead the escalations waiting for them and the thread replies held as "also affected"
signals, each with "Send to Odoo" and "Dismiss".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import ActionsBlock, Block, DividerBlock, SectionBlock
from slack_sdk.models.views import View

from hypercare.bot.blocks import Reply
from hypercare.bot.message_blocks import button, context, header, mrkdwn, section
from hypercare.bot.text import (
    FALLBACK_LIMIT,
    FIELD_LIMIT,
    escape_text,
    link,
    slack_date,
    slack_moment,
)
from hypercare.kpi.registry import format_value
from hypercare.triage.labels import severity_label
from hypercare.triage.sla_text import due_text

if TYPE_CHECKING:
    from hypercare.services import Agenda, Dashboard, HeldReply, KpiTile
    from hypercare.services.kpi.home import HomeView
    from hypercare.services.triage.escalation_views import EscalationView

HOME_RAISE = "home_raise"
HELD_SEND, HELD_DISMISS = "home_held_send", "home_held_dismiss"
"""The buttons on a held reply; their value is the signal's id."""
HELD_SHOWN = 10
"""Held replies listed on a lead's Home (the oldest first; the rest are counted)."""
HOME_LIMIT = 100
"""Blocks in a Home tab view (Slack's limit)."""
AGENDA_ITEMS = 5


def tile_value(tile: KpiTile) -> str:
    """``42``, ``82.6 %``, ``6.5 h``; ``-`` when there is no value (as every front end
    rounds it: :func:`hypercare.kpi.registry.format_value`)."""
    return escape_text(format_value(tile.value, tile.unit, short=True), 80)


def _tiles(tiles: Sequence[KpiTile]) -> list[Block]:
    fields = []
    for tile in tiles[:10]:
        delta = ""
        if tile.week_delta is not None and tile.week_delta != 0:
            delta = f" ({'▲' if tile.week_delta > 0 else '▼'} {abs(tile.week_delta):,.1f} in 7 d)"
        mark = "" if tile.on_target is None else (" ✓" if tile.on_target else " ✗")
        fields.append(mrkdwn(f"*{escape_text(tile.label, 80)}*\n{tile_value(tile)}{mark}{delta}",
                             FIELD_LIMIT))
    return [SectionBlock(fields=fields)] if fields else []


def _escalations(title: str, rows: Sequence[EscalationView]) -> list[Block]:
    if not rows:
        return []
    lines = [f"*{escape_text(e.ref, 20)}* L{e.level} {escape_text(e.trigger, 30)}: "
             f"{escape_text(e.title, 120)}" for e in rows[:10]]
    return [section(f"*{title}*\n" + "\n".join(lines))]


def _held(replies: Sequence[HeldReply]) -> list[Block]:
    """Thread replies kept from Odoo, each with its two buttons (a lead's Home only)."""
    waiting = [r for r in replies if r.state == "held"]
    blocks: list[Block] = [section("*Replies held for you*\nPeople who may not write to Odoo "
                                   "said they are affected too: send a reply to the ticket as "
                                   "an internal note, or dismiss it (it still counts).")]
    if not waiting:
        blocks.append(context("No reply waits."))
    for reply in waiting[:HELD_SHOWN]:
        when = f" · {slack_date(reply.at)}" if reply.at else ""
        blocks.append(section(f"*{escape_text(reply.ref, 40)}* "
                              f"{escape_text(reply.who_name or reply.who, 100)}{when}\n"
                              f"{escape_text(reply.text, 900)}"))
        value = str(reply.id)
        blocks.append(ActionsBlock(block_id=f"held_{reply.id}", elements=[
            button(HELD_SEND, "Send to Odoo", value=value, style="primary"),
            button(HELD_DISMISS, "Dismiss", value=value)]))
    if len(waiting) > HELD_SHOWN:
        blocks.append(context(f"and {len(waiting) - HELD_SHOWN} more: they show here as you "
                              "send or dismiss these."))
    return blocks


def build_home(home: HomeView, held: Sequence[HeldReply] | None = None, *,
               now: datetime | None = None, zone: str = "UTC") -> View:
    """The Home tab: your reports, known issues for your company, the KPI headline; for a
    lead also what waits for acknowledgement and approval, and the replies ``held`` for a
    lead (None: not listed, the person is no lead). Due times are the SLA formatter's
    (``zone``: the command center's, for their fallback text; ``now``, default the current
    time, for what is today)."""
    moment = now or datetime.now(UTC)
    blocks: list[Block] = [header("hypercare")]
    if home.may_raise:
        blocks.append(ActionsBlock(elements=[button(HOME_RAISE, "Raise an issue",
                                                    style="primary")]))
    else:
        blocks.append(context("Issues are raised by your team's super-users: tell yours, or "
                              "reply in a report's thread to say it affects you too."))
    blocks += _tiles(home.headline)
    if home.headline and home.headline[0].window:
        blocks.append(context(f"KPI values {home.headline[0].window}, all companies."))
    blocks.append(DividerBlock())
    blocks.append(section("*Your reports*"))
    if not home.raised:
        blocks.append(context("Nothing raised from Slack yet: `/hypercare raise`, or the "
                               "message shortcut *Raise hypercare issue*."))
    for raised in home.raised[:10]:
        ref = raised.odoo_ref or raised.local_ref
        facts = [f for f in (severity_label(raised.severity),
                             escape_text(raised.state, 40) if raised.state != "created" else "",
                             due_text(raised.due_at, now=moment, zone=zone,
                                      moment=slack_moment(zone)))
                 if f]
        title = escape_text(raised.title, 150)
        shown = link(raised.url, ref[:40]) if raised.url else f"*{escape_text(ref, 40)}*"
        blocks.append(section(f"{shown} {title}" + (f"\n{' · '.join(facts)}" if facts
                                                      else "")))
    blocks.append(DividerBlock())
    where = f" at {escape_text(home.company, 80)}" if home.company else ""
    blocks.append(section(f"*Known issues{where}*"))
    if not home.known_issues:
        blocks.append(context("No open known issue."))
    for issue in home.known_issues[:10]:
        workaround = escape_text(issue.workaround, 600) if issue.workaround else \
            "_no workaround yet_"
        blocks.append(section(f"*{escape_text(issue.ref, 20)}* {escape_text(issue.title, 150)}"
                               f" ({escape_text(issue.status, 30)})\n{workaround}"))
    if home.is_lead:
        blocks.append(DividerBlock())
        blocks += _escalations("Waiting for acknowledgement", home.pending_acks)
        blocks += _escalations("Waiting for your approval", home.approvals)
        if not home.pending_acks and not home.approvals:
            blocks.append(context("Nothing waits for acknowledgement or approval."))
    if held is not None:
        blocks.append(DividerBlock())
        blocks += _held(held)
    return View(type="home", blocks=blocks[:HOME_LIMIT])


def build_standup_summary(agenda: Agenda) -> Reply:
    """Today's agenda in short: the sections with their counts and first items."""
    local = agenda.now
    blocks: list[Block] = [header(f"Stand-up agenda ({agenda.scope})"),
                           context(f"Since {slack_date(agenda.since)} · "
                                    f"{agenda.item_count} items · as of {slack_date(local)}")]
    counts = agenda.counts
    totals = " · ".join(f"{name}: {sum(counts.get(name, {}).values())}"
                        for name in ("new", "closed", "open"))
    blocks.append(section(totals))
    for part in agenda.sections:
        if not part.items:
            continue
        lines = [f"*{escape_text(item.ref, 20)}* {escape_text(item.label, 100)}: "
                 f"{escape_text(item.why, 80)}" for item in part.items[:AGENDA_ITEMS]]
        more = len(part.items) - AGENDA_ITEMS
        if more > 0:
            lines.append(f"_and {more} more_")
        blocks.append(section(f"*{escape_text(part.title, 80)}* "
                              f"({len(part.items)}, {part.timebox_minutes} min)\n"
                              + "\n".join(lines)))
        if len(blocks) >= 45:
            break
    blocks.append(context("Run the stand-up in the TUI (`hypercare tui`, then S)."))
    return _reply(f"Stand-up agenda: {agenda.item_count} items", blocks)


def build_kpi_board(dashboard: Dashboard) -> Reply:
    """The headline board: every KPI tile, SLA watch counts, exit readiness."""
    blocks: list[Block] = [header("KPI headline"), *_tiles(dashboard.tiles[:10])]
    blocks.append(section(f"*SLA*: {dashboard.breached} breached · {dashboard.at_risk} at "
                           f"risk · {dashboard.awaiting_ack_total} escalations waiting"))
    window = dashboard.tiles[0].window if dashboard.tiles else ""
    blocks.append(context(f"As of {slack_date(dashboard.now)}; KPI values {window}"
                          if window else f"As of {slack_date(dashboard.now)}"))
    return _reply("KPI headline", blocks)


def _reply(text: str, blocks: Sequence[Block]) -> Reply:
    # to_dict() runs slack_sdk's validators: an over-long field raises here.
    return Reply(text=escape_text(text, FALLBACK_LIMIT),
                 blocks=tuple(b.to_dict() for b in blocks))
