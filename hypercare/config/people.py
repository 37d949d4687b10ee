"""Who may see what, and how the terminal dashboard behaves."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from hypercare.config.base import _Section


class RolesSettings(_Section):
    """Roles in the command center."""

    leads: list[str] = Field(default_factory=list)
    """Command-center leads: TUI user names (``tui.user`` or the login name), Slack user ids
    (``U...``) or a Slack user group (``S...``). Leads see confidential tickets (HR, payroll)
    unmasked, and in Slack may classify, escalate, approve and close."""

    super_users: list[str] = Field(default_factory=list)
    """Super-users in Slack: user ids (``U...``) or user groups (``S...``). They raise, comment,
    +1 and acknowledge their own alerts. Empty: everyone in the workspace counts as one."""


class TuiSettings(_Section):
    """The terminal dashboard (``hypercare tui``)."""

    user: str = ""
    """Your name on decisions, acknowledgements and notes. Unset: your login name."""

    refresh_seconds: float = Field(default=5.0, ge=1.0, le=300.0)
    """Seconds between re-reads of the store (only what changed is repainted)."""

    undo_seconds: int = Field(default=30, ge=5, le=600)
    """How long ``u`` can take back the last decision made on this screen."""

    sync: Literal["auto", "on", "off"] = "auto"
    """Sync from Odoo in the TUI every ``sync.interval_minutes``: auto (unless a ``hypercare
    serve`` process owns syncing), on, or off."""

    theme: Literal["dark", "light"] = "dark"
    """Colour theme at start (``ctrl+t`` toggles)."""
