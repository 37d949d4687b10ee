"""Block Kit for raising an issue: the form, the known-issue step, and the reply in the thread.

Built with slack_sdk's models, which check Block Kit's lengths; block ids are the fields of
:class:`hypercare.services.RaiseRequest` so validation errors land on the right input. Known-issue
titles, workarounds, Odoo replies and names are outside text: escaped for mrkdwn, cut for plain
text (options), cleaned for the form's initial values (:mod:`hypercare.bot.text`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    CheckboxesElement,
    ConfirmObject,
    DividerBlock,
    InputBlock,
    NumberInputElement,
    PlainTextInputElement,
    RadioButtonsElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from hypercare.bot.message_blocks import button, context, mention, option, section
from hypercare.bot.text import escape_text, input_value, link, slack_date, slack_moment
from hypercare.services import MASKED_TITLE, RaisedView, RaiseRequest, Suggestion, ThreadUpdate
from hypercare.triage.labels import severity_label
from hypercare.triage.sla_text import due_text

RAISE_CALLBACK = "raise_issue"
CONFIRM_CALLBACK = "raise_confirm"
NEW_TICKET = "new"
RESOLVE_ACTION = "raise_resolved"
THREAD_ENTRIES = 24
"""Updates shown in one thread message (two blocks each; Block Kit allows 50 blocks)."""
RESOLVED_OPTION = option("resolved", "I answered it already: record it as resolved",
                         description="Closed in Odoo at once; the command center sees "
                                     "that you answered it.")
IMPACTS = (("blocked", "Blocked: I cannot work"), ("degraded", "Degraded: slow or a workaround"),
           ("cosmetic", "Cosmetic: looks wrong, works"))
URGENCIES = (("today", "Today"), ("this_week", "This week"), ("no_rush", "No rush"))


def _select(action: str, choices: Sequence[tuple[str, str]], initial: str) -> StaticSelectElement:
    options = [option(value, label) for value, label in choices]
    chosen = next((o for o in options if o.value == initial), None)
    return StaticSelectElement(action_id=action, options=options, initial_option=chosen)


def _text(block_id: str, label: str, *, multiline: bool = False, optional: bool = False,
          initial: str = "", max_length: int = 3000, hint: str | None = None) -> InputBlock:
    element = PlainTextInputElement(action_id="value", multiline=multiline,
                                    initial_value=input_value(initial, max_length,
                                                              multiline=multiline) or None,
                                    max_length=max_length)
    return InputBlock(block_id=block_id, label=label, element=element, optional=optional,
                      hint=hint)


def build_raise_modal(*, title: str = "", text: str = "", metadata: str = "") -> View:
    """Step 1: what happened (pre-filled from a message when raised by the shortcut)."""
    blocks: list[Block] = [
        _text("title", "Title", initial=title, max_length=200),
        _text("what_happened", "What happened?", multiline=True, initial=text,
              hint="What you did, what you saw, the document number."),
        _text("expected", "What did you expect?", multiline=True, optional=True),
        _text("app", "Odoo app", optional=True, max_length=60,
              hint="Invoicing, Sales, Inventory, ..."),
        _text("affected_email", "Affected user's e-mail, if not you", optional=True,
              max_length=200),
        _text("company", "Company / site", optional=True, max_length=100),
        InputBlock(block_id="impact", label="Impact",
                   element=_select("value", IMPACTS, "degraded")),
        InputBlock(block_id="users_affected", label="How many users?",
                   element=NumberInputElement(action_id="value", is_decimal_allowed=False,
                                              initial_value="1", min_value="1",
                                              max_value="100000")),
        InputBlock(block_id="urgency", label="Urgency",
                   element=_select("value", URGENCIES, "this_week")),
        InputBlock(block_id="resolved", label="Resolved by super-user", optional=True,
                   element=CheckboxesElement(action_id="value", options=[RESOLVED_OPTION])),
    ]
    return View(type="modal", callback_id=RAISE_CALLBACK, title="Raise an issue",
                submit="Next", close="Cancel", blocks=blocks, private_metadata=metadata)


def build_match_modal(suggestions: Sequence[Suggestion], workarounds: Mapping[int, str], *,
                      metadata: str) -> View:
    """Step 2: known issues that look like the report; "+1" links instead of duplicating."""
    options = [option(NEW_TICKET, "None of these: raise a new ticket")]
    options += [option(str(s.known_issue_id), f"+1 {s.ref}: {s.title}") for s in suggestions[:9]]
    blocks: list[Block] = [section(
        "*These known issues look like yours.* If one is it, +1 it: you get its workaround "
        "and its updates, and the team sees one more person affected.")]
    for suggestion in suggestions[:9]:
        workaround = workarounds.get(suggestion.known_issue_id) or "no workaround yet"
        blocks.append(context(f"*{escape_text(suggestion.ref, 40)}* "
                              f"{escape_text(suggestion.title, 200)}: "
                              f"{escape_text(workaround, 1500)}"))
    blocks.append(DividerBlock())
    blocks.append(InputBlock(block_id="known_issue", label="Is it one of these?",
                             element=RadioButtonsElement(action_id="value", options=options,
                                                         initial_option=options[0])))
    return View(type="modal", callback_id=CONFIRM_CALLBACK, title="Known issues",
                submit="Raise", close="Cancel", blocks=blocks, private_metadata=metadata)


def parse_raise_values(values: Mapping[str, Mapping[str, Any]], *, reporter_email: str = "",
                       source_link: str = "") -> RaiseRequest:
    """The form's state (``view["state"]["values"]``) as a request."""

    def text(block: str) -> str:
        value = values.get(block, {}).get("value", {})
        return str(value.get("value") or "").strip()

    def chosen(block: str, default: str) -> str:
        picked = values.get(block, {}).get("value", {}).get("selected_option") or {}
        return str(picked.get("value") or default)

    users = text("users_affected")
    ticked = values.get("resolved", {}).get("value", {}).get("selected_options") or []
    return RaiseRequest(
        title=text("title"), what_happened=text("what_happened"), expected=text("expected"),
        app=text("app"), affected_email=text("affected_email"), company=text("company"),
        impact=chosen("impact", "degraded"),
        users_affected=int(users) if users.isdigit() else 0,
        urgency=chosen("urgency", "this_week"), reporter_email=reporter_email,
        source_link=source_link, resolved=any(o.get("value") == "resolved" for o in ticked))


def build_raised_reply(raised: RaisedView, *, reporter_id: str = "",
                       now: datetime | None = None, zone: str = "UTC") -> list[Block]:
    """What the reporter needs: reference, severity, target time, workaround, Odoo link.

    The category is for the command center only and is never shown here; a confidential
    ticket shows its reference only. The due time is the SLA formatter's
    (:mod:`hypercare.triage.sla_text`; ``zone``: the command center's, for the fallback text;
    ``now``, default the current time, for what is today)."""
    who = f"{mention(reporter_id)} " if reporter_id else ""
    if raised.state != "created":
        return [section(f"{who}{escape_text(raised.message, 2500)}"), *_resolve_row(raised)]
    title = MASKED_TITLE if raised.confidential else escape_text(raised.title, 200)
    lines = [f"{who}raised *{escape_text(raised.odoo_ref, 40)}*: {title}"]
    facts = []
    if raised.severity:
        facts.append(f"severity *{severity_label(raised.severity)}*")
    if raised.due_at is not None:
        facts.append(due_text(raised.due_at, now=now or datetime.now(UTC), zone=zone,
                              moment=slack_moment(zone)))
    if facts:
        lines.append(" · ".join(facts))
    if raised.known_issue:
        lines.append(f"Known issue *{escape_text(raised.known_issue, 40)}*. Workaround: "
                     f"{escape_text(raised.workaround or 'none yet; you will hear here', 1500)}")
    blocks: list[Block] = [section("\n".join(lines))]
    if raised.url:
        blocks.append(context(f"{link(raised.url, 'Open in Odoo')} · replies in this thread "
                              "reach the team"))
    return blocks + _resolve_row(raised)


def _resolve_row(raised: RaisedView) -> list[Block]:
    """"Resolved here" for a super-user who answered it in Slack, or who already did."""
    if raised.resolved_by:
        return [context(f"Resolved in Slack by {mention(raised.resolved_by)}.")]
    if raised.state not in ("created", "queued", "creating"):
        return []
    resolve = button(
        RESOLVE_ACTION, "Resolved here", value=str(raised.id),
        confirm=ConfirmObject(title="Resolved here?", confirm="Resolved", deny="Cancel",
                              text="Mark it answered here in Slack: the ticket closes in Odoo."))
    return [ActionsBlock(block_id=f"resolve:{raised.id}", elements=[resolve])]


def build_thread_update(update: ThreadUpdate) -> list[Block]:
    """What Odoo said since the thread last heard: public replies and stage changes."""
    shown = update.entries[-THREAD_ENTRIES:]
    blocks: list[Block] = []
    if len(update.entries) > len(shown):
        blocks.append(context(f"{len(update.entries) - len(shown)} earlier updates: see the "
                              "ticket in Odoo"))
    for entry in shown:
        when = slack_date(entry.at) if entry.at is not None else ""
        if entry.kind == "stage_changed":
            text = f"*{escape_text(update.ref, 40)}* {escape_text(entry.text, 300)}"
        else:
            author = escape_text(entry.author or "The team", 100)
            text = f"*{author}* replied in Odoo:\n{escape_text(entry.text, 2500)}"
        blocks.append(section(text))
        if when:
            blocks.append(context(when))
    if update.url:
        blocks.append(context(link(update.url, f"{update.ref[:40]} in Odoo")))
    return blocks
