"""Escalation levels whose messages nobody can receive: the one rule ``config check``, the
dashboard and ``serve``'s ``/healthz`` report.

The matrix uses levels 1 to :data:`~hypercare.triage.escalation.TOP_LEVEL` (L1 at-risk
warnings, L2 breaches and approval requests, L3 and L4 when nobody acknowledges). A level's
messages go to its contacts; a level without contacts, or one missing from
``escalation.levels``, is addressed as ``L<n>``. The bot writes straight to a Slack user
(``U...``, ``W...``), a channel (``C...``, ``G...``, ``D...``, ``channel:NAME``) or an
``email:`` address; anything else (``L2``, a user group ``S...``) it can only mention in
``slack.alerts_channel``. With that channel unset, those messages go to dead letters.
"""

from __future__ import annotations

from hypercare.config import Settings
from hypercare.triage.escalation import TOP_LEVEL

UNREACHABLE_HINT = ("Give the level Slack user ids (U...) as contacts in escalation.levels, "
                    "or set slack.alerts_channel: a level without contacts and a user group "
                    "are mentioned there.")
"""What to set, for every front end that reports an unreachable level."""
_DIRECT = ("U", "W", "C", "G", "D")


def unreachable_levels(settings: Settings) -> list[str]:
    """Each level of the matrix whose messages would go to dead letters, described
    (``L2 functional lead: no contacts``), lowest first; empty when every level reaches
    someone or ``slack.alerts_channel`` is set."""
    if settings.slack.alerts_channel.strip():
        return []
    configured: dict[int, tuple[str, list[str]]] = {}
    for level in settings.escalation.levels:  # the first of a number wins, as for messages
        configured.setdefault(level.level, (level.name, level.contacts))
    found = []
    for number in range(1, TOP_LEVEL + 1):
        name, contacts = configured.get(number, ("", []))
        label = f"L{number} {name}".rstrip() if name else f"L{number} (not configured)"
        wanted = [c.strip() for c in contacts if c.strip()]
        if not wanted:
            found.append(f"{label}: no contacts")
            continue
        mentioned = [c for c in wanted if not reaches_directly(c)]
        if mentioned:
            found.append(f"{label}: {', '.join(mentioned)} can only be mentioned in "
                         "slack.alerts_channel")
    return found


def reaches_directly(recipient: str) -> bool:
    """Whether the bot can write to ``recipient`` without ``slack.alerts_channel``: a Slack
    user or channel id, ``channel:NAME`` (but ``channel:alerts``) or ``email:ADDRESS``."""
    target = recipient.strip()
    if target == "channel:alerts":  # the very channel that is not set
        return False
    return target.startswith(("channel:", "email:")) or target[:1] in _DIRECT
