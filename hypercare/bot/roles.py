"""Who may do what from Slack: leads and super-users, from ``[roles]``.

``roles.leads`` and ``roles.super_users`` hold Slack user ids (``U...``/``W...``) and user
groups (``S...``, members read with ``usergroups.users.list`` and kept five minutes). Leads
classify, escalate, approve and close; super-users raise, comment, +1 and acknowledge their
own alerts; leads count as super-users. With no super-users configured, everyone in the
workspace counts as one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

log = logging.getLogger(__name__)
GROUP_TTL_SECONDS = 300.0


class Roles:
    """Answers "is this Slack user a lead / a super-user?" for the bot's listeners."""

    def __init__(self, leads: Sequence[str], super_users: Sequence[str],
                 client: WebClient, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._leads, self._super = list(leads), list(super_users)
        self._client, self._clock = client, clock
        self._groups: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def is_lead(self, user: str) -> bool:
        return self.member(user, self._leads)

    def is_super_user(self, user: str) -> bool:
        return not self._super or self.member(user, self._super) or self.is_lead(user)

    def member(self, user: str, entries: Sequence[str]) -> bool:
        """``user`` is listed in ``entries`` or belongs to a user group listed there."""
        if user in entries:
            return True
        return any(user in self._group(entry) for entry in entries if entry.startswith("S"))

    def _group(self, group: str) -> frozenset[str]:
        now = self._clock()
        with self._lock:
            cached = self._groups.get(group)
        if cached is not None and now - cached[0] < GROUP_TTL_SECONDS:
            return cached[1]
        try:
            users = frozenset(self._client.usergroups_users_list(usergroup=group)
                              .get("users") or [])
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("cannot read user group %s: %s", group, type(exc).__name__)
            return cached[1] if cached is not None else frozenset()
        with self._lock:
            self._groups[group] = (now, users)
        return users


REFUSALS = {
    "lead": "Only command-center leads can do that. Ask a lead, or raise it in the stand-up.",
    "own": "You can act on alerts sent to you; this one is for someone else. A lead can "
           "act on it.",
    "super_user": "Only super-users can do that here. Ask your team's super-user, or the "
                  "command center, to add you.",
}
