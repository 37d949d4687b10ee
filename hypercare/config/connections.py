"""Settings for what hypercare connects to and computes: Odoo, Slack, sync, triage."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from hypercare.config.base import _Section, read_secret_file


class OdooSettings(_Section):
    """How to reach the Odoo database whose Helpdesk hypercare follows."""

    url: str | None = None
    """Base URL of the Odoo server, e.g. ``https://acme.odoo.com``. Unset: no Odoo configured."""

    db: str | None = None
    """Database name (shown on Odoo's login page / database selector)."""

    login: str | None = None
    """Login of the technical user hypercare reads with (an internal user)."""

    password: SecretStr | None = None
    """Password of that user. Environment only: ``HYPERCARE_ODOO__PASSWORD``."""

    password_file: Path | None = None
    """File holding the password (e.g. a Docker/Kubernetes secret mount)."""

    api_key: SecretStr | None = None
    """API key of that user (Odoo 14+; required for JSON-2 on Odoo 19+). Environment only."""

    api_key_file: Path | None = None
    """File holding the API key."""

    protocol: Literal["auto", "jsonrpc", "json2"] = "auto"
    """``auto`` asks ``/web/version``: JSON-2 on Odoo 19+ when an API key is set, else JSON-RPC."""

    timeout: float = Field(default=30.0, gt=0)
    """Seconds to wait for one HTTP answer from Odoo."""

    retries: int = Field(default=3, ge=0, le=10)
    """Retries on connection errors, timeouts, HTTP 502/503/504 and HTML error pages."""

    backoff: float = Field(default=0.5, ge=0)
    """First retry delay in seconds; doubles each retry, with jitter."""

    write_mode: Literal["off", "create_and_note", "full"] = "create_and_note"
    """What hypercare may write to Odoo: ``off``; ``create_and_note`` (raise tickets, post internal
    notes); ``full`` (also tags and assignment)."""

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https:// (e.g. https://acme.odoo.com)")
        return value

    def resolved_password(self) -> SecretStr | None:
        """The password from the environment or from ``password_file``."""
        return self.password or read_secret_file(self.password_file, "odoo.password_file")

    def resolved_api_key(self) -> SecretStr | None:
        """The API key from the environment or from ``api_key_file``."""
        return self.api_key or read_secret_file(self.api_key_file, "odoo.api_key_file")

    @property
    def configured(self) -> bool:
        """True when a URL is set (an Odoo is meant to be used)."""
        return self.url is not None


class SlackSettings(_Section):
    """How the bot reaches Slack."""

    bot_token: SecretStr | None = None
    """Bot token ``xoxb-...``. Environment only (also ``SLACK_BOT_TOKEN``)."""

    bot_token_file: Path | None = None
    """File holding the bot token."""

    app_token: SecretStr | None = None
    """App-level token ``xapp-...`` for Socket Mode. Environment only (also ``SLACK_APP_TOKEN``)."""

    app_token_file: Path | None = None
    """File holding the app-level token."""

    signing_secret: SecretStr | None = None
    """Signing secret for HTTP mode. Environment only (also ``SLACK_SIGNING_SECRET``)."""

    signing_secret_file: Path | None = None
    """File holding the signing secret."""

    api_url: str = "https://slack.com/api/"
    """Slack Web API base URL (override for tests and proxies; also ``SLACK_API_URL``)."""

    alerts_channel: str = ""
    """Channel id (``C...``) for alerts to a user group or to a level without contacts
    (``L2``): the group is mentioned there. Unset: such alerts go to dead letters."""

    standup_channel: str = ""
    """Channel id for stand-up digests and minutes of stand-ups that name no channel."""

    pack_channel: str = ""
    """Channel id where the weekly steering pack is announced."""

    def resolved(
        self, name: Literal["bot_token", "app_token", "signing_secret"]
    ) -> SecretStr | None:
        """A Slack secret from the environment or its ``*_file`` setting."""
        value: SecretStr | None = getattr(self, name)
        path: Path | None = getattr(self, f"{name}_file")
        return value or read_secret_file(path, f"slack.{name}_file")

    @property
    def configured(self) -> bool:
        """True when a bot token is available."""
        return self.resolved("bot_token") is not None


class SyncSettings(_Section):
    """Incremental pull from Odoo."""

    page_size: int = Field(default=500, ge=1, le=5000)
    """Records per ``search_read`` page."""

    overlap_minutes: int = Field(default=10, ge=0)
    """Minutes re-read behind the cursor (Odoo stamps write_date at transaction start)."""

    reconcile_every: int = Field(default=12, ge=1)
    """Run a deletion/archive reconciliation every N sync runs."""

    interval_minutes: int = Field(default=5, ge=1)
    """Minutes between scheduled syncs (``hypercare serve``) and live syncs (``hypercare demo``)."""

    stale_after_minutes: int = Field(default=30, ge=1)
    """Data older than this since the last good sync is flagged stale."""


class TriageSettings(_Section):
    """Classification of tickets."""

    rules_file: Path | None = None
    """Your own classification rules (TOML). Unset: the shipped defaults
    (``hypercare/triage/default_rules.toml`` is the template)."""

    threshold: float = Field(default=0.55, ge=0, le=1)
    """Below this confidence a ticket is ``unclassified`` (needs a human)."""

    model_dir: Path | None = None
    """Where the fitted model is cached. Unset: the user cache directory."""

    decision_weight: float = Field(default=2.0, gt=0, le=20)
    """How much a lead's decision counts in training, relative to one seed example."""

    tag_writeback: bool = False
    """Write a decided category back to Odoo as a ticket tag (needs odoo.write_mode = full).
    Off by default: reporters can read tags, and "training gap" can read as "you weren't
    trained"."""
