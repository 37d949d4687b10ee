"""Who may raise, act, approve and see: hypercare's one access authority.

Every front end resolves the person at the keyboard once into a :class:`Viewer` (the bot
from the Slack user, the TUI and the CLI from ``tui.user`` or ``--as NAME``) with
:meth:`Access.viewer`. Services take that viewer, call :meth:`Access.require` before they
change anything, and return read models already masked for it (:meth:`Viewer.title`,
:meth:`Viewer.sees_company`). Front ends never decide a rule; they may read a viewer's
resolved flags to hide a button nobody could use.

The rules (:data:`RULES`; ``runbooks/security.md`` shows the same table, and a test keeps
them equal):

- raising a ticket, and a thread reply or a note becoming an Odoo note: ``roles.raise``
  (``super_users`` when ``roles.super_users`` is set, ``everyone`` otherwise);
- linking a ticket to a known issue: super-users;
- classify, set severity, escalate, approve L3/L4, record triage decisions, assign, open
  policy questions, manage known issues, the backlog, the stand-up and exit criteria, send a
  held reply to Odoo: leads (a ticket is closed by its reporter's "Resolved here", or in
  Odoo);
- acknowledge, claim, snooze: the alert's recipient or a lead;
- a policy decision: its process owner or a lead;
- marking a report resolved in Slack: its reporter or a lead.

With no ``roles.leads`` configured every viewer is a lead (a one-person command center, and
the demo). Leads count as super-users. Confidential tickets show their text to leads and
to their reporter only; everyone else, and every shared channel and pack
(:data:`AUDIENCE`), sees :data:`MASKED_TITLE` and counts. A viewer limited by
``roles.companies`` sees tickets of those companies only.

Slack user groups (``S...``) may stand wherever a person may; their members are read from
Slack (``usergroups.users.list``) through the :class:`Directory` the wiring gives, and kept
:data:`GROUP_TTL_SECONDS`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from hypercare.config.people import RolesSettings
from hypercare.errors import AccessDeniedError, HypercareError

log = logging.getLogger(__name__)

MASKED_TITLE = "Confidential ticket"
MASKED_REF = "(confidential)"
MASKED_TEXT = "Confidential ticket: only command-center leads and its reporter see its content."
GROUP_TTL_SECONDS = 300.0

Who = Literal["lead", "raiser", "super_user", "recipient", "owner", "reporter"]


class Directory(Protocol):
    """Slack's answers about people: user-group members, and a person's display name and
    e-mail. Both raise a :class:`~hypercare.errors.HypercareError` when Slack cannot say."""

    def members(self, group: str) -> frozenset[str]: ...

    def person(self, user: str) -> tuple[str, str]: ...


@dataclass(frozen=True)
class Rule:
    """Who may do one kind of thing, and how a refusal names it."""

    who: Who
    what: str


RULES: dict[str, Rule] = {
    "raise": Rule("raiser", "raise tickets"),
    "note": Rule("raiser", "add notes to Odoo tickets"),
    "link": Rule("super_user", "link tickets to known issues"),
    "classify": Rule("lead", "classify tickets"),
    "severity": Rule("lead", "set severity"),
    "escalate": Rule("lead", "escalate tickets"),
    "approve": Rule("lead", "approve L3/L4 escalations"),
    "decide": Rule("lead", "record triage decisions"),
    "assign": Rule("lead", "assign tickets"),
    "known_issue": Rule("lead", "manage known issues"),
    "backlog": Rule("lead", "change the improvement backlog"),
    "standup": Rule("lead", "run the stand-up"),
    "exit": Rule("lead", "sign off exit criteria"),
    "held_reply": Rule("lead", "send held replies to Odoo"),
    "acknowledge": Rule("recipient", "acknowledge alerts"),
    "claim": Rule("recipient", "claim alerts"),
    "snooze": Rule("recipient", "snooze alerts"),
    "ask_policy": Rule("lead", "open policy questions"),
    "policy": Rule("owner", "decide policy questions"),
    "resolve": Rule("reporter", "mark reports resolved"),
}
"""Every guarded action by name (the name services pass to :meth:`Access.require`)."""

WHO_TEXT: dict[Who, str] = {
    "lead": "command-center leads",
    "raiser": "super-users and leads; everyone with `roles.raise = \"everyone\"`",
    "super_user": "super-users and leads",
    "recipient": "the alert's recipient, or a lead",
    "owner": "the decision's process owner, or a lead",
    "reporter": "the person who raised it, or a lead",
}
"""How the security runbook's table names each kind of person."""


@dataclass(frozen=True)
class Viewer:
    """The person a front end acts for, with everything their role allows resolved once."""

    id: str
    """A Slack user id (``U...``) or a TUI/CLI user name."""
    name: str
    """How records and messages name them."""
    lead: bool = False
    super_user: bool = False
    may_raise: bool = False
    processes: frozenset[str] = frozenset()
    """The business processes they own (``roles.process_owners``)."""
    companies: frozenset[str] | None = None
    """The companies they may see; None: all."""
    email: str = ""
    groups: frozenset[str] = field(default=frozenset(), compare=False)
    """The configured Slack user groups they belong to."""

    def sees_company(self, company: str) -> bool:
        return self.companies is None or company in self.companies

    def sees_confidential(self, *, reporter: str = "", reporter_email: str = "") -> bool:
        """Leads and the ticket's reporter (by Slack id or e-mail) see its text."""
        if self.lead:
            return True
        if reporter and self.id and reporter == self.id:
            return True
        return bool(self.email and reporter_email
                    and self.email.casefold() == reporter_email.strip().casefold())

    def title(self, title: str, *, confidential: bool, reporter: str = "",
              reporter_email: str = "") -> str:
        """``title`` as this viewer may see it."""
        if confidential and not self.sees_confidential(reporter=reporter,
                                                       reporter_email=reporter_email):
            return MASKED_TITLE
        return title

    def ref(self, ref: str, *, confidential: bool) -> str:
        """A ticket's reference where it is shared (packs hide even that)."""
        return MASKED_REF if confidential and not self.sees_confidential() else ref

    def text(self, text: str, *, confidential: bool, reporter: str = "",
             reporter_email: str = "") -> str:
        """A confidential ticket's description or chatter as this viewer may see it."""
        if confidential and not self.sees_confidential(reporter=reporter,
                                                       reporter_email=reporter_email):
            return MASKED_TEXT
        return text


AUDIENCE = Viewer(id="", name="everyone in the channel")
"""Shared channels and packs: no role, every company, confidential tickets masked."""

SYSTEM = Viewer(id="hypercare", name="hypercare", lead=True, super_user=True, may_raise=True)
"""hypercare's own scheduled work (the sweep, jobs): acts as a lead, sees everything."""


class Access:
    """Resolves viewers from ``[roles]`` and enforces :data:`RULES`."""

    def __init__(self, roles: RolesSettings, directory: Directory | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._roles, self._directory, self._clock = roles, directory, clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    @property
    def everyone_leads(self) -> bool:
        """No ``roles.leads``: every viewer is a lead."""
        return not self._roles.leads

    def viewer(self, identity: str, *, name: str = "", email: str = "") -> Viewer:
        """The viewer ``identity`` (a Slack user id or a TUI/CLI name) is."""
        identity = identity.strip()
        roles = self._roles
        groups = frozenset(g for g in self._configured_groups()
                           if identity in self._members(g))
        known = {identity} | groups

        def listed(entries: Iterable[str]) -> bool:
            return bool(known.intersection(entries))

        lead = self.everyone_leads or listed(roles.leads)
        super_user = lead or not roles.super_users or listed(roles.super_users)
        may_raise = roles.raising == "everyone" or super_user
        processes = frozenset(p for p, owners in roles.process_owners.items() if listed(owners))
        visible = [set(names) for key, names in roles.companies.items() if key in known]
        companies = frozenset().union(*visible) if visible else None
        if (not name or not email) and _is_slack_user(identity) and self._directory:
            found_name, found_email = self._person(identity)
            name, email = name or found_name, email or found_email
        return Viewer(id=identity, name=name or identity, lead=lead, super_user=super_user,
                      may_raise=may_raise, processes=processes, companies=companies,
                      email=email.strip(), groups=groups)

    def member(self, viewer: Viewer, entries: Sequence[str]) -> bool:
        """``viewer`` is named in ``entries`` (by id or name) or belongs to a user group
        listed there."""
        if viewer.id in entries or (viewer.name and viewer.name in entries):
            return True
        return any(viewer.id in self._members(e) for e in entries if _is_group(e))

    def allows(self, viewer: Viewer, action: str, *, recipients: Sequence[str] = (),
               owner: str = "", reporter: str = "") -> bool:
        """Whether ``viewer`` may do ``action`` (a key of :data:`RULES`)."""
        who = RULES[action].who
        if who == "raiser":
            return viewer.may_raise
        if viewer.lead:
            return True
        if who == "super_user":
            return viewer.super_user
        if who == "recipient":
            return self.member(viewer, list(recipients))
        if who == "owner":
            return bool(owner) and (owner in viewer.processes or self.member(viewer, [owner]))
        if who == "reporter":
            return bool(reporter) and reporter == viewer.id
        return False

    def require(self, viewer: Viewer, action: str, *, recipients: Sequence[str] = (),
                owner: str = "", reporter: str = "") -> None:
        """Refuse (:class:`~hypercare.errors.AccessDeniedError`, politely) unless
        ``viewer`` may do ``action``; call it before anything is written."""
        if self.allows(viewer, action, recipients=recipients, owner=owner, reporter=reporter):
            return
        message, hint = _refusal(RULES[action], owner)
        raise AccessDeniedError(message, hint=hint)

    # -- user groups ------------------------------------------------------------------------

    def _configured_groups(self) -> set[str]:
        roles = self._roles
        entries = [*roles.leads, *roles.super_users, *roles.companies,
                   *(e for owners in roles.process_owners.values() for e in owners)]
        return {e for e in entries if _is_group(e)}

    def _members(self, group: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._groups.get(group)
        if cached is not None and now - cached[0] < GROUP_TTL_SECONDS:
            return cached[1]
        if self._directory is None:
            return frozenset()
        try:
            users = self._directory.members(group)
        except HypercareError as exc:
            log.warning("cannot read user group %s: %s", group, exc.message)
            return cached[1] if cached is not None else frozenset()
        with self._lock:
            self._groups[group] = (now, users)
        return users

    def _person(self, user: str) -> tuple[str, str]:
        assert self._directory is not None
        try:
            return self._directory.person(user)
        except HypercareError as exc:
            log.info("no Slack profile for %s: %s", user, exc.message)
            return user, ""


def _is_group(entry: str) -> bool:
    """A Slack user group id (``S0614TZR7``)."""
    return entry[:1] == "S" and entry[1:].isalnum() and entry.isupper()


def _is_slack_user(entry: str) -> bool:
    """A Slack user id (``U0LEAD01``, ``W...`` on Enterprise Grid)."""
    return entry[:1] in ("U", "W") and entry[1:].isalnum() and entry.isupper()


def _refusal(rule: Rule, owner: str) -> tuple[str, str]:
    what = rule.what
    if rule.who == "lead":
        return (f"Only command-center leads can {what}.",
                "Ask a lead, or bring it to the stand-up.")
    if rule.who in ("raiser", "super_user"):
        return (f"Only super-users can {what} here.",
                "Ask your team's super-user, or the command center, to add you to "
                "roles.super_users.")
    if rule.who == "recipient":
        return (f"You can {what} only when they were sent to you; this one is for someone "
                "else.", "A lead can act on it.")
    if rule.who == "owner":
        return (f"Only the process owner ({owner or 'none named yet'}) or a lead can "
                "decide this policy question.", "Ask them, or a command-center lead.")
    return (f"Only the person who raised it, or a lead, can {what}.",
            "Reply in the thread instead; the command center sees it.")
