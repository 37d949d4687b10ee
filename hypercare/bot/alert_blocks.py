"""Outbox messages as Block Kit: one builder per kind, :func:`render` picks it.

The outbox holds *semantic* payloads (written by the services: ``sla``, ``record_escalations``,
``kpis``, ``known_issues``, ``standup``); the bot turns them into messages here. Every Odoo or
user text is escaped; a confidential ticket shows its reference only; the one mention allowed
is the person who acted (see :mod:`hypercare.bot.message_blocks`). Alerts about a ticket or a
known issue carry buttons whose ``value`` is ``{"e": escalation id, "r": ref}``; once someone
acknowledged, claimed or approved, that button is gone and their action shows under the
headline. Digests, stand-up minutes and the weekly pack are in :mod:`hypercare.bot.digest_blocks`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block

from hypercare.bot.blocks import CONFIDENTIAL
from hypercare.bot.digest_blocks import build_digest, build_minutes, build_weekly_pack
from hypercare.bot.message_blocks import (
    ACK,
    APPROVE,
    CLAIM,
    CLASSIFY,
    ESCALATE,
    LINK_KI,
    SNOOZE,
    Activity,
    SlackMessage,
    build_actions,
    build_activity,
    context,
    fields,
    finish,
    header,
    items_of,
    long_text,
    mapping_of,
    moment_of,
    number,
    section,
    text_of,
)
from hypercare.bot.summary_blocks import build_baseline, build_rollup
from hypercare.bot.text import escape_text, link, slack_date, slack_moment
from hypercare.triage.sla_text import ClockTime, clock_text

__all__ = [
    "Activity", "SlackMessage", "build_approval_request", "build_at_risk_batch",
    "build_decision_overdue", "build_escalation", "build_generic", "build_known_issue_broadcast",
    "build_odoo_unreachable", "build_watch_kpi", "render",
]

log = logging.getLogger(__name__)
TICKET_ACTIONS = (ACK, CLAIM, ESCALATE, SNOOZE, LINK_KI, CLASSIFY)
ISSUE_ACTIONS = (ACK, CLAIM, ESCALATE, SNOOZE, CLASSIFY)
HEADLINES = {"confirmed_s1": ":rotating_light: Confirmed S1", "breach": "SLA breached"}
BATCH_ITEMS = 20
TUI_QUEUE = "the queue in the command-center TUI (`hypercare tui`)"
BROADCASTS = {
    "investigating": (":mag: {ref} is being investigated",
                      "No workaround yet: the team is on it, and you will hear here."),
    "workaround_available": (":bulb: Workaround for {ref}",
                             "Use the workaround below until a fix is released."),
    "fix_in_test": (":test_tube: A fix for {ref} is in test",
                    "Keep using the workaround until the fix is released."),
    "fix_released": (":white_check_mark: A fix for {ref} is released",
                     "Try again; if it still happens, reply in your ticket's thread."),
    "closed": (":white_check_mark: {ref} is closed",
               "If it still happens, reply in your ticket's thread or `/hypercare raise` it."),
}


def render(kind: str, payload: Mapping[str, Any], *, activity: Sequence[Activity] = (),
           now: datetime) -> SlackMessage:
    """The message for one outbox row. Never raises on a payload: an unknown kind, or one
    whose payload cannot be read, renders as a generic message."""
    builder = _BUILDERS.get(kind)
    if builder is None or not isinstance(payload, Mapping):
        return build_generic(kind, payload if isinstance(payload, Mapping) else {})
    try:
        return builder(kind, payload, activity, now)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        log.warning("outbox payload of kind %s could not be rendered", kind, exc_info=True)
        return build_generic(kind, payload)


# -- escalations of a ticket or a known issue -----------------------------------------------

def build_escalation(payload: Mapping[str, Any], *, kind: str = "escalation",
                     activity: Sequence[Activity] = (),
                     now: datetime | None = None) -> SlackMessage:
    """A breach, a confirmed S1 or an escalation (by hand, no acknowledgement, reopened):
    the headline says which, then the ticket (or known issue), why, its SLA clock (as the
    SLA formatter writes it; ``now`` for what is today), and the buttons."""
    trigger = text_of(payload, "trigger")
    headline = HEADLINES.get(trigger) or HEADLINES.get(kind) or (
        f"Escalated to {_level(payload)}")
    ref, label, plain, issue = _subject(payload)
    next_step = ("Unacknowledged escalations go one level up after the acknowledgement time. "
                 "Acknowledge when you have it, claim it to own it.")
    if trigger == "confirmed_s1" or kind == "confirmed_s1":
        next_step = "A confirmed S1 runs on the clock 24x7. " + next_step
    blocks: list[Block | None] = [
        header(f"{headline} · {ref}"), build_activity(activity),
        section(label + _detail(payload)),
        *fields(_facts(payload, now)),
        build_actions(payload.get("escalation_id"), ref,
                      ISSUE_ACTIONS if issue else TICKET_ACTIONS, activity=activity,
                      category=_category(payload)),
        context(escape_text(next_step)),
    ]
    return finish(f"{headline}: {plain}", blocks)


def build_approval_request(payload: Mapping[str, Any], *, activity: Sequence[Activity] = (),
                           now: datetime | None = None) -> SlackMessage:
    """An L3/L4 escalation waits for a lead: Approve (notifies its contacts) or acknowledge."""
    ref, label, plain, _ = _subject(payload)
    level = _level(payload)
    blocks: list[Block | None] = [
        header(f":raised_hand: Approval needed: escalate {ref} to {level}"),
        build_activity(activity),
        section(label + _detail(payload)),
        *fields(_facts(payload, now)),
        build_actions(payload.get("escalation_id"), ref, (APPROVE, ACK), activity=activity),
        context(escape_text(f"Nobody at {level} is paged until a command-center lead "
                            "approves.")),
    ]
    return finish(f"Approval needed: escalate {plain} to {level}", blocks)


def build_at_risk_batch(payload: Mapping[str, Any], *, activity: Sequence[Activity] = (),
                        now: datetime | None = None) -> SlackMessage:
    """At-risk warnings of one window: one line per ticket (the first 20), no buttons."""
    items = items_of(payload, "items")
    blocks: list[Block | None] = [
        header(f":hourglass_flowing_sand: {len(items)} ticket(s) at risk of breaching SLA"),
        build_activity(activity)]
    refs = []
    for item in items[:BATCH_ITEMS]:
        ref, label, _, _ = _subject(item)
        refs.append(ref)
        ticket = mapping_of(item, "ticket")
        where = " / ".join(escape_text(text_of(ticket, k), 100)
                           for k in ("company", "team") if text_of(ticket, k))
        facts = " · ".join(p for p in (escape_text(text_of(ticket, "severity"), 10), where,
                                       f"_{escape_text(text_of(item, 'detail'), 300)}_",
                                       _sla(item, now)) if p)
        blocks.append(section(f"{label}\n{facts}"))
    if len(items) > BATCH_ITEMS:
        blocks.append(section(f"…and {len(items) - BATCH_ITEMS} more at risk."))
    if not items:
        blocks.append(section("Nothing is at risk any more."))
    blocks.append(context(f"Nothing has breached yet. Open {TUI_QUEUE}, sorted by SLA, to act "
                          "on them before they do."))
    shown = ", ".join(refs[:5]) + ("…" if len(refs) > 5 else "")
    return finish(f"{len(items)} ticket(s) at risk: {shown}", blocks)


# -- decisions, KPIs, Odoo, known-issue broadcasts -------------------------------------------

def build_decision_overdue(payload: Mapping[str, Any], *, now: datetime,
                           activity: Sequence[Activity] = ()) -> SlackMessage:
    """A policy decision past its due date: the question, owner, due date, days late."""
    decision = mapping_of(payload, "decision")
    ref = text_of(decision, "ref", f"D-{text_of(decision, 'id', '?')}")
    due_text = text_of(decision, "due_date")
    due = date.fromisoformat(due_text[:10]) if due_text else None
    late = max((now.date() - due).days, 0) if due else None
    sponsor = text_of(payload, "trigger") == "decision_overdue_sponsor"
    blocks: list[Block | None] = [
        header(f":alarm_clock: Decision overdue: {ref}" + (" (to the sponsor)" if sponsor
                                                            else "")),
        build_activity(activity),
        section("*Question*\n" + escape_text(text_of(decision, "question", "(no question)"),
                                              2500)),
        *fields([("Owner", escape_text(text_of(decision, "owner", "nobody"), 200)),
                 ("Due", escape_text(due_text or "not set", 40)),
                 ("Days late", str(late) if late is not None else "-")]),
        build_actions(payload.get("escalation_id"), ref, (ACK,), activity=activity),
        context("Decide it, or agree a new due date with the process owner (the TUI's "
                "decisions screen). Two days late it goes to the steering sponsor."),
    ]
    return finish(f"Decision {ref} overdue by {late if late is not None else '?'} days: "
                  f"{text_of(decision, 'question')}", blocks)


def build_watch_kpi(payload: Mapping[str, Any]) -> SlackMessage:
    """A watched business number crossed its threshold."""
    name = escape_text(text_of(payload, "name", "a watch KPI"), 140)
    value, threshold = number(payload.get("value")), number(payload.get("threshold"))
    direction = text_of(payload, "direction", "past")
    blocks: list[Block | None] = [
        header(f":chart_with_upwards_trend: Watch KPI crossed: {text_of(payload, 'name')}"),
        section(f"*{name}* is *{value}*: {escape_text(direction, 20)} its threshold of "
                f"*{threshold}*."),
        context("Look at the records behind it in Odoo. If it is a hypercare problem, raise a "
                "ticket or link it to a known issue. This alert comes at most once a day."),
    ]
    return finish(f"Watch KPI {text_of(payload, 'name')} is {value} "
                  f"({direction} {threshold})", blocks)


def build_odoo_unreachable(payload: Mapping[str, Any]) -> SlackMessage:
    """No sync reached Odoo for a while: since when, the last error, what to do."""
    minutes = int(float(payload.get("minutes") or 0))
    since = moment_of(payload, "since")
    error = escape_text(text_of(payload, "error", "no error recorded"), 1500)
    how_long = f"{minutes // 60} h {minutes % 60} min" if minutes >= 120 else f"{minutes} min"
    when = slack_date(since) if since else "a while"
    blocks: list[Block | None] = [
        header(f":red_circle: Odoo unreachable for {how_long}"),
        section(f"No sync has reached Odoo since {when}. Tickets, SLA clocks and alerts are "
                f"stale until one does.\n*Last error*\n>{error.replace(chr(10), chr(10) + '>')}"),
        section("*What to do*: check Odoo is up and the API key valid; `hypercare sync` to "
                "retry. `hypercare sync --status` shows the recent runs."),
    ]
    return finish(f"Odoo unreachable for {how_long}", blocks)


def build_known_issue_broadcast(payload: Mapping[str, Any]) -> SlackMessage:
    """To everyone who reported a ticket of the issue: its status and its workaround."""
    issue = mapping_of(payload, "known_issue")
    ref = text_of(issue, "ref", f"KI-{text_of(issue, 'id', '?')}")
    status = text_of(issue, "status", "investigating")
    pattern, next_step = BROADCASTS.get(status, (
        ":information_source: {ref}: {status}", "You will hear here."))
    # replace(), not format(): the status and the ref are data, never a format string
    headline = pattern.replace("{status}", status.replace("_", " ")).replace("{ref}", ref)
    workaround = text_of(issue, "workaround")
    first, rest = long_text(escape_text(workaround), first=2) if workaround else ([], [])
    blocks: list[Block | None] = [
        header(headline),
        section(f"*{escape_text(ref, 40)}* {escape_text(text_of(issue, 'title'), 500)}\n"
                f"{escape_text(next_step)}"),
        *(section(("*Workaround*\n" if i == 0 else "") + piece)
          for i, piece in enumerate(first)),
        context(escape_text(text_of(payload, "detail"), 300) + " · you reported a ticket "
                "linked to this known issue"),
    ]
    if rest:
        blocks.insert(-1, context("The rest of the workaround is in the thread."))
    thread = [finish(f"Workaround for {ref} (continued)", [section(p) for p in part])
              for part in rest]
    return finish(f"{headline}: {text_of(issue, 'title')}", blocks, thread)


def build_generic(kind: str, payload: Mapping[str, Any]) -> SlackMessage:
    """A kind this bot does not know (or an unreadable payload): its plain facts, escaped."""
    lines = [f"A hypercare notification (`{escape_text(str(kind), 60)}`)."]
    for key, value in list(payload.items())[:10]:
        if isinstance(value, str | int | float):
            lines.append(f"• {escape_text(str(key), 60)}: {escape_text(str(value), 200)}")
    lines.append("See it with `hypercare jobs outbox`.")
    return finish(f"hypercare notification: {kind}", [section("\n".join(lines))])


# -- helpers ---------------------------------------------------------------------------------

def _subject(payload: Mapping[str, Any]) -> tuple[str, str, str, bool]:
    """(ref, mrkdwn label, plain label for the fallback, is a known issue)."""
    ticket = mapping_of(payload, "ticket")
    issue = mapping_of(payload, "known_issue")
    if issue:  # a known issue, or a ticket escalating as the known issue it is linked to
        ref = text_of(issue, "ref", f"KI-{text_of(issue, 'id', '?')}")
        title = text_of(issue, "title")
        count = issue.get("tickets")
        many = (f" ({count} linked ticket{'' if count == 1 else 's'})"
                if isinstance(count, int) and count else "")
        return (ref, f"Known issue *{escape_text(ref, 40)}* {escape_text(title, 500)}{many}",
                f"known issue {ref} {title}{many}", True)
    ref = text_of(ticket, "ref", f"#{text_of(ticket, 'odoo_id', '?')}")
    shown = link(text_of(ticket, "url"), ref[:40])
    if ticket.get("confidential"):
        return ref, f"{CONFIDENTIAL} *{shown}*", f"{CONFIDENTIAL} {ref}", False
    title = text_of(ticket, "title", "(no title)")
    return ref, f"*{shown}* {escape_text(title, 500)}", f"{ref} {title}", False


def _detail(payload: Mapping[str, Any]) -> str:
    detail = escape_text(text_of(payload, "detail"), 500).strip()
    return f"\n_{detail}_" if detail else ""


def _level(payload: Mapping[str, Any]) -> str:
    level, name = text_of(payload, "level"), text_of(payload, "level_name")
    return " ".join(p for p in (f"L{level}" if level else "", name) if p) or "the next level"


def _category(payload: Mapping[str, Any]) -> str:
    return text_of(mapping_of(payload, "ticket"), "category")


def _sla(payload: Mapping[str, Any], now: datetime | None) -> str:
    """The alert's clock (the services' ``sla``) as the SLA formatter writes it, with the
    state (``breached, 2 bh 10 bm over · due Tue 1 Dec 17:00``); moments as Slack date
    tokens with the command center's time as fallback. "" when the payload has none."""
    sla = mapping_of(payload, "sla")
    if not sla:
        return ""
    clock = ClockTime.from_stored(sla)
    try:
        zone: str = ZoneInfo(text_of(sla, "timezone", "UTC")).key
    except (ValueError, KeyError):  # not a zone name: the fallback text in UTC
        zone = "UTC"
    moment = now or moment_of(sla, "evaluated_at") or clock.due_at or datetime.now(UTC)
    return clock_text(clock, now=moment, zone=zone, moment=slack_moment(zone), state=True)


def _facts(payload: Mapping[str, Any], now: datetime | None = None) -> list[tuple[str, str]]:
    ticket = mapping_of(payload, "ticket")
    issue = mapping_of(payload, "known_issue")
    pairs = [("Level", escape_text(_level(payload), 100))]
    triggers = [t for t in payload.get("triggers") or [] if isinstance(t, str)]
    if len(triggers) > 1:  # one escalation per level, every trigger that applies
        pairs.append(("Triggers", escape_text(", ".join(t.replace("_", " ")
                                                         for t in triggers), 300)))
    sla = _sla(payload, now)
    if sla:  # the formatter's words and Slack date tokens: nothing to escape
        target = text_of(mapping_of(payload, "sla"), "target", "resolution")
        pairs.append((f"{escape_text(target.replace('_', ' ').capitalize(), 40)} SLA", sla))
    if issue and not ticket:
        pairs.append(("Status", escape_text(text_of(issue, "status").replace("_", " "), 60)))
    for label, key in (("Severity", "severity"), ("Company", "company"), ("Team", "team")):
        if text_of(ticket, key):
            pairs.append((label, escape_text(text_of(ticket, key), 200)))
    if _category(payload):
        pairs.append(("Classified as", escape_text(_category(payload).replace("_", " "), 60)))
    return pairs


_Builder = Callable[[str, Mapping[str, Any], Sequence[Activity], datetime], SlackMessage]
_BUILDERS: dict[str, _Builder] = {
    "at_risk_batch": lambda k, p, a, n: build_at_risk_batch(p, activity=a, now=n),
    "breach": lambda k, p, a, n: build_escalation(p, kind=k, activity=a, now=n),
    "escalation": lambda k, p, a, n: build_escalation(p, kind=k, activity=a, now=n),
    "confirmed_s1": lambda k, p, a, n: build_escalation(p, kind=k, activity=a, now=n),
    "approval_request": lambda k, p, a, n: build_approval_request(p, activity=a, now=n),
    "decision_overdue": lambda k, p, a, n: build_decision_overdue(p, now=n, activity=a),
    "watch_kpi": lambda k, p, a, n: build_watch_kpi(p),
    "odoo_unreachable": lambda k, p, a, n: build_odoo_unreachable(p),
    "known_issue_broadcast": lambda k, p, a, n: build_known_issue_broadcast(p),
    "digest": lambda k, p, a, n: build_digest(p),
    "standup_minutes": lambda k, p, a, n: build_minutes(p),
    "weekly_pack": lambda k, p, a, n: build_weekly_pack(p),
    "escalation_baseline": lambda k, p, a, n: build_baseline(p),
    "escalation_rollup": lambda k, p, a, n: build_rollup(p),
}
