"""Who may see what, and how the terminal dashboard behaves."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import ConfigDict, Field

from hypercare.config.base import _Section


class RolesSettings(_Section):
    """Roles in the command center: who may raise, act, approve and see (the rules are in
    ``hypercare.services.access`` and the table in ``runbooks/security.md``)."""

    model_config = ConfigDict(extra="forbid", validate_default=True,
                              use_attribute_docstrings=True, populate_by_name=True)

    leads: list[str] = Field(default_factory=list)
    """Command-center leads: TUI user names (``tui.user`` or the login name), Slack user ids
    (``U...``) or a Slack user group (``S...``). Leads see confidential tickets (HR, payroll)
    unmasked, and in Slack may classify, escalate, approve and close."""

    super_users: list[str] = Field(default_factory=list)
    """Super-users: Slack user ids (``U...``), user groups (``S...``) or TUI user names. They
    raise, comment in report threads and link tickets to known issues. Empty: everyone counts
    as one. Leads count as super-users."""

    raise_: Literal["super_users", "everyone"] | None = Field(default=None, alias="raise")
    """Who may raise tickets and whose thread replies become Odoo notes: ``super_users`` (the
    default when ``super_users`` is set) or ``everyone`` (the default otherwise). A reply from
    anyone else is kept as an "also affected" signal that a lead may send to Odoo."""

    companies: dict[str, list[str]] = Field(default_factory=dict)
    """The companies a person (Slack user id, user group or TUI name) may see:
    ``{ "U0ABC" = ["Acme BE"] }``. Someone not listed sees every company."""

    process_owners: dict[str, list[str]] = Field(default_factory=dict)
    """Business processes and who owns them: ``{ "invoicing" = ["U0FIN", "S0FINANCE"] }``.
    The owner of a policy decision's process may decide it (so may a lead)."""

    @property
    def raising(self) -> Literal["super_users", "everyone"]:
        """The effective ``raise`` rule."""
        if self.raise_ is not None:
            return self.raise_
        return "super_users" if self.super_users else "everyone"


class CompanySettings(_Section):
    """One company of the go-live, when it differs from the rest."""

    go_live: date | None = None
    """The day this company went live (when companies went live apart); unset: the global
    ``go_live``."""


class TuiSettings(_Section):
    """The terminal dashboard (``hypercare tui``)."""

    user: str = ""
    """Your name on decisions, acknowledgements and notes. Unset: your login name."""

    refresh_seconds: float = Field(default=5.0, ge=1.0, le=300.0)
    """Seconds between re-reads of the store (only what changed is repainted)."""

    undo_seconds: int = Field(default=30, ge=5, le=600)
    """How long ``u`` can take back the last decision made on this screen."""

    sync: Literal["auto", "on", "off"] = "auto"
    """auto or on: while no ``hypercare serve`` runs, the TUI runs the ``sync`` (every
    ``sync.interval_minutes``), ``triage_sweep`` and ``writeback_retry`` jobs itself (a serve
    takes them over); off: it only reads the store."""

    theme: Literal["dark", "light"] = "dark"
    """Colour theme at start (``ctrl+t`` toggles)."""
