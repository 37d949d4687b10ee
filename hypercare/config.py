"""One typed settings object for hypercare.

Sources, lowest precedence first:

1. defaults in this module,
2. a TOML file: ``--config PATH``, else ``$HYPERCARE_CONFIG``, else ``./hypercare.toml``,
   else ``<user config dir>/hypercare.toml`` (the first that exists),
3. Slack's customary variables ``SLACK_BOT_TOKEN``, ``SLACK_APP_TOKEN``,
   ``SLACK_SIGNING_SECRET``, ``SLACK_API_URL``,
4. ``HYPERCARE_*`` environment variables, ``__`` between nested names
   (``HYPERCARE_ODOO__URL``),
5. command-line flags (``--database-url``, ``--set odoo.url=...``).

Secrets (``SecretStr``) come only from the environment or from a ``*_file`` path
setting; a secret written into the TOML file is refused with a clear message.
Nothing here runs at import time: :func:`load_settings` is called once by the CLI.
"""

from __future__ import annotations

import os
import tomllib
import zoneinfo
from collections.abc import Mapping
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from hypercare.errors import ConfigError

ENV_PREFIX = "HYPERCARE_"
CONFIG_FILE_NAME = "hypercare.toml"

#: Settings that hold secrets, as (section, field). They may not appear in the TOML file.
SECRET_FIELDS: tuple[tuple[str, str], ...] = (
    ("odoo", "password"),
    ("odoo", "api_key"),
    ("slack", "bot_token"),
    ("slack", "app_token"),
    ("slack", "signing_secret"),
)

#: Slack's customary environment variables, accepted as aliases.
SLACK_ALIASES: dict[str, str] = {
    "SLACK_BOT_TOKEN": "bot_token",
    "SLACK_APP_TOKEN": "app_token",
    "SLACK_SIGNING_SECRET": "signing_secret",
    "SLACK_API_URL": "api_url",
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True, use_attribute_docstrings=True)


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
        return self.password or _read_secret_file(self.password_file, "odoo.password_file")

    def resolved_api_key(self) -> SecretStr | None:
        """The API key from the environment or from ``api_key_file``."""
        return self.api_key or _read_secret_file(self.api_key_file, "odoo.api_key_file")

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

    def resolved(
        self, name: Literal["bot_token", "app_token", "signing_secret"]
    ) -> SecretStr | None:
        """A Slack secret from the environment or its ``*_file`` setting."""
        value: SecretStr | None = getattr(self, name)
        path: Path | None = getattr(self, f"{name}_file")
        return value or _read_secret_file(path, f"slack.{name}_file")

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


class CalendarSettings(_Section):
    """A business calendar: when SLA clocks run."""

    timezone: str | None = None
    """IANA timezone; unset: the command center's timezone."""

    days: str = "mon-fri"
    """Working days: "mon-fri", "mon,tue,thu", "sun-thu"."""

    hours: list[str] = Field(default_factory=lambda: ["09:00-17:00"])
    """Shifts, split allowed ("08:00-12:00", "13:00-17:00"); "22:00-06:00" runs past midnight."""

    holidays: list[date] = Field(default_factory=list)
    """Public holidays (local dates, YYYY-MM-DD): no shift starts on them."""

    always_open: bool = False
    """24x7."""


class SlaPolicy(_Section):
    """Targets (in business hours) for one severity, optionally narrowed."""

    severity: int = Field(ge=1, le=4)
    first_response_hours: float | None = Field(default=None, gt=0)
    workaround_hours: float | None = Field(default=None, gt=0)
    resolution_hours: float | None = Field(default=None, gt=0)
    category: str | None = None
    """Only tickets of this classification (defect, training_gap, policy_ambiguity)."""
    company: str | None = None
    team: str | None = None
    ticket_type: str | None = None
    app: str | None = None


def _default_policies() -> list[SlaPolicy]:
    return [
        SlaPolicy(severity=1, first_response_hours=0.5, workaround_hours=2, resolution_hours=8),
        SlaPolicy(severity=2, first_response_hours=2, workaround_hours=8, resolution_hours=24),
        SlaPolicy(severity=3, first_response_hours=8, resolution_hours=40),
        SlaPolicy(severity=4, first_response_hours=16, resolution_hours=80),
    ]


class SlaSettings(_Section):
    """Service-level targets and the calendars they run on."""

    policies: list[SlaPolicy] = Field(default_factory=_default_policies)
    """The most specific matching policy wins (narrowing fields count), then the first listed."""

    at_risk_share: float = Field(default=0.75, gt=0, lt=1)
    """A clock is at risk once this share of its target is used."""

    pause_stages: list[str] = Field(
        default_factory=lambda: ["Waiting on Customer", "Waiting on Decision", "Waiting"])
    """Stages that stop the clock (names, case-insensitive)."""

    calendars: dict[str, CalendarSettings] = Field(
        default_factory=lambda: {"default": CalendarSettings()})
    """Named calendars; "default" is used unless a company or team names another."""

    company_calendars: dict[str, str] = Field(default_factory=dict)
    """Company name -> calendar name."""

    team_calendars: dict[str, str] = Field(default_factory=dict)
    """Team name -> calendar name (wins over the company's)."""

    confirmed_s1_24x7: bool = True
    """A confirmed S1 (a human set or confirmed it) runs on the clock 24x7."""

    alerts_from: Literal["hypercare", "odoo"] = "hypercare"
    """Whose deadline drives alerts: hypercare's clocks or Odoo's own sla_deadline."""


class EscalationLevel(_Section):
    """One rung of the escalation matrix."""

    level: int = Field(ge=1, le=4)
    name: str
    contacts: list[str] = Field(default_factory=list)
    """Slack user ids (U...) or user-group ids (S...)."""
    timezone: str | None = None
    """Contacts' timezone for quiet hours; unset: the command center's."""


def _default_levels() -> list[EscalationLevel]:
    return [
        EscalationLevel(level=1, name="super-user"),
        EscalationLevel(level=2, name="functional lead"),
        EscalationLevel(level=3, name="technical / partner"),
        EscalationLevel(level=4, name="steering sponsor"),
    ]


class EscalationSettings(_Section):
    """Who is escalated to, when, and how alerts stay worth reading."""

    levels: list[EscalationLevel] = Field(default_factory=_default_levels)
    ack_minutes: int = Field(default=30, ge=1)
    """No acknowledgement within this many minutes: the next level is escalated to."""
    approval_from_level: int = Field(default=3, ge=1, le=5)
    """Escalations to this level and above wait for a lead's approval (5: never)."""
    batch_minutes: int = Field(default=30, ge=1)
    """At-risk warnings are batched: one message per recipient per window."""
    quiet_hours: str | None = "20:00-07:00"
    """Recipients' local quiet hours (deferred, except confirmed S1); unset: none."""
    max_per_hour: int = Field(default=10, ge=1)
    """Messages per recipient per hour; beyond, alerts are suppressed (and listed)."""


class WatchKpi(_Section):
    """A business number to watch, defined without code."""

    name: str
    model: str
    """Odoo model, e.g. ``account.move``."""
    domain: list[Any] = Field(default_factory=list)
    """Odoo domain; ``{today}``, ``{now}``, ``{days_ago:N}`` and ``{hours_ago:N}`` in string
    values are replaced (UTC, Odoo's format) when evaluated."""
    measure: Literal["count", "sum"] = "count"
    field: str | None = None
    """The field summed when ``measure = "sum"``."""
    threshold: float
    direction: Literal["above", "below"] = "above"
    """Alert when the value goes above (or below) the threshold."""


class ExitCriterion(_Section):
    """One criterion for leaving hypercare."""

    key: str
    kind: Literal["metric", "milestone", "sign_off"]
    label: str
    metric: str | None = None
    """For ``metric``: the KPI key (see ``hypercare kpi --format json``)."""
    op: Literal[">=", "<=", "==", "falling"] = ">="
    target: float | None = None
    for_days: int = Field(default=0, ge=0)
    """How many consecutive days (business days for day counts) the condition must hold."""
    due: date | None = None
    """For ``milestone``: the planned date."""
    owner: str = ""
    """For ``sign_off``: who must accept."""


def _default_exit_criteria() -> list[ExitCriterion]:
    return [
        ExitCriterion(key="no_open_s1", kind="metric", label="No open S1 for 5 business days",
                      metric="open_s1", op="==", target=0, for_days=5),
        ExitCriterion(key="backlog_falling", kind="metric",
                      label="Backlog falling for 10 business days", metric="open_backlog",
                      op="falling", for_days=10),
        ExitCriterion(key="sla_attainment", kind="metric",
                      label="SLA attainment >= 90 % for 2 weeks", metric="sla_attainment",
                      op=">=", target=90, for_days=14),
        ExitCriterion(key="training_share", kind="metric", label="Training-gap share < 20 %",
                      metric="training_gap_share", op="<=", target=20),
        ExitCriterion(key="decisions_taken", kind="metric",
                      label="Every decision taken or scheduled", metric="decisions_overdue",
                      op="==", target=0),
        ExitCriterion(key="adoption", kind="metric",
                      label="Active users / licensed users >= 85 %", metric="active_user_share",
                      op=">=", target=85),
        ExitCriterion(key="first_month_end", kind="milestone", label="First month-end close"),
        ExitCriterion(key="first_payroll", kind="milestone", label="First payroll run"),
        ExitCriterion(key="first_vat_return", kind="milestone", label="First VAT return"),
        ExitCriterion(key="process_owners", kind="sign_off",
                      label="Process owners accept the handover"),
    ]


class KpiSettings(_Section):
    """KPIs, adoption signals, watch KPIs and the exit criteria."""

    apps_in_scope: list[str] = Field(default_factory=lambda: [
        "sale.order", "account.move", "stock.picking", "purchase.order", "crm.lead",
        "mrp.production", "pos.order", "project.task"])
    """Models whose changes count as a user being active that day."""
    licensed_users: int | None = Field(default=None, ge=1)
    """Licensed (internal) users; unset: the count of active internal users in Odoo."""
    baseline: dict[str, float] = Field(default_factory=dict)
    """Pre-go-live daily values to compare with, e.g. ``{ invoices_posted = 120 }``."""
    watch: list[WatchKpi] = Field(default_factory=list)
    adoption_every_minutes: int = Field(default=60, ge=1)
    """A sync also reads the adoption and business signals when the last read is older."""
    odoo_down_minutes: int = Field(default=15, ge=1)
    """Odoo unreachable this long: an S1-level alert is queued."""
    exit_criteria: list[ExitCriterion] = Field(default_factory=_default_exit_criteria)


class Settings(BaseSettings):
    """All of hypercare's settings. See ``hypercare.example.toml`` for a commented file."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
        use_attribute_docstrings=True,
        case_sensitive=False,
    )

    database_url: str | None = None
    """Store URL. Unset: SQLite in the user data directory. PostgreSQL:
    ``postgresql+psycopg://user:pass@host:5432/hypercare``."""

    timezone: str = "UTC"
    """The command center's IANA timezone (e.g. ``Europe/Brussels``): where a "day" starts for
    daily KPIs and stand-ups."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    """Log level for hypercare's own loggers (``--debug`` sets DEBUG)."""

    odoo: OdooSettings = OdooSettings()
    slack: SlackSettings = SlackSettings()
    sync: SyncSettings = SyncSettings()
    triage: TriageSettings = TriageSettings()
    sla: SlaSettings = SlaSettings()
    escalation: EscalationSettings = EscalationSettings()
    kpi: KpiSettings = KpiSettings()

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as 'Europe/Brussels'"
            ) from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if value.startswith(("postgresql://", "postgres://")):
            raise ValueError(
                "use the psycopg 3 driver: write postgresql+psycopg://... instead of postgresql://..."
            )
        if not value.startswith(("sqlite", "postgresql+psycopg")):
            raise ValueError(
                "only sqlite:///PATH and postgresql+psycopg://USER@HOST/DB are supported"
            )
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _LowerLayer(settings_cls))


def find_config_file(
    explicit: Path | None, environ: Mapping[str, str], cwd: Path | None = None
) -> Path | None:
    """The TOML file to read, by precedence; ``None`` when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(
                f"config file {explicit} does not exist",
                hint="Pass an existing file to --config, or drop the flag.",
            )
        return explicit
    from_env = environ.get("HYPERCARE_CONFIG")
    if from_env:
        path = Path(from_env).expanduser()
        if not path.is_file():
            raise ConfigError(
                f"HYPERCARE_CONFIG points at {path}, which does not exist",
                hint="Fix or unset HYPERCARE_CONFIG.",
            )
        return path
    local = (cwd or Path.cwd()) / CONFIG_FILE_NAME
    if local.is_file():
        return local
    user = user_config_dir() / CONFIG_FILE_NAME
    return user if user.is_file() else None


def user_config_dir() -> Path:
    """Per-user config directory (``~/.config/hypercare`` on Linux)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("hypercare", appauthor=False))


def user_data_dir() -> Path:
    """Per-user data directory (``~/.local/share/hypercare`` on Linux): the default store."""
    import platformdirs

    return Path(platformdirs.user_data_dir("hypercare", appauthor=False))


def user_cache_dir() -> Path:
    """Per-user cache directory (``~/.cache/hypercare`` on Linux): fitted models."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("hypercare", appauthor=False))


def default_database_url() -> str:
    """SQLite in the user data directory."""
    return f"sqlite:///{user_data_dir() / 'hypercare.db'}"


_LOWER_LAYER: ContextVar[dict[str, Any]] = ContextVar("hypercare_settings_lower_layer")


class _LowerLayer(PydanticBaseSettingsSource):
    """The TOML file and the Slack aliases: below HYPERCARE_ env vars and flags."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return _LOWER_LAYER.get({}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_LOWER_LAYER.get({}))


def load_settings(
    *,
    config_path: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    cwd: Path | None = None,
) -> Settings:
    """Build the settings from file < Slack aliases < HYPERCARE_ env < ``overrides`` (flags).

    ``overrides`` keys are dotted (``odoo.url``) or top-level (``database_url``).
    Raises :class:`ConfigError` naming the bad key and the fix.
    """
    path = find_config_file(config_path, os.environ, cwd)
    file_data = _read_toml(path) if path else {}
    _refuse_secrets_in_file(file_data, path)
    lower = _deep_merge(file_data, _slack_aliases(os.environ))
    token = _LOWER_LAYER.set(lower)
    try:
        return Settings(**_nest(overrides or {}))
    except ValidationError as exc:
        raise _config_error(exc, path) from None
    finally:
        _LOWER_LAYER.reset(token)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"config file {path} is not valid TOML: {exc}",
            hint="Fix the line named above; hypercare.example.toml shows the format.",
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None


def _refuse_secrets_in_file(data: Mapping[str, Any], path: Path | None) -> None:
    for section, name in SECRET_FIELDS:
        block = data.get(section)
        if isinstance(block, Mapping) and name in block:
            env_name = f"{ENV_PREFIX}{section.upper()}__{name.upper()}"
            raise ConfigError(
                f"{section}.{name} is a secret and may not be written in {path}",
                hint=f"Remove it from the file; set {env_name} in the environment "
                f"or {section}.{name}_file to a file that holds it.",
            )


def _slack_aliases(env: Mapping[str, str]) -> dict[str, Any]:
    slack = {field: env[name] for name, field in SLACK_ALIASES.items() if env.get(name)}
    return {"slack": slack} if slack else {}


def _nest(overrides: Mapping[str, Any]) -> dict[str, Any]:
    nested: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = key.split(".")
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return nested


def _deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read_secret_file(path: Path | None, key: str) -> SecretStr | None:
    if path is None:
        return None
    try:
        text = path.expanduser().read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(
            f"{key} points at {path}, which cannot be read ({exc.strerror})",
            hint=f"Fix {key} or the file's permissions.",
        ) from None
    if not text:
        raise ConfigError(f"{key} points at {path}, which is empty", hint="Put the secret in it.")
    return SecretStr(text)


def _config_error(exc: ValidationError, path: Path | None) -> ConfigError:
    first = exc.errors()[0]
    key = ".".join(str(part) for part in first["loc"])
    env_name = ENV_PREFIX + "__".join(str(p).upper() for p in first["loc"])
    if first["type"] == "extra_forbidden":
        message = f"unknown setting '{key}'"
        hint = "Check the spelling against hypercare.example.toml (every setting is listed there)."
    else:
        reason = first["msg"].removeprefix("Value error, ")
        message = f"invalid setting '{key}': {reason}"
        hint = f"Fix '{key}' in {path or 'your config file'} or {env_name} in the environment."
    more = len(exc.errors()) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ConfigError(message, hint=hint)


def redacted_dump(settings: Settings) -> dict[str, Any]:
    """Settings as plain data for ``config show``: secrets shown as set/unset, never their value."""
    data = settings.model_dump(mode="python")
    for section, name in SECRET_FIELDS:
        block = data.get(section, {})
        value = getattr(getattr(settings, section), name)
        block[name] = "********" if value is not None else None
    for section in ("odoo", "slack", "triage"):
        for key, value in data[section].items():
            if isinstance(value, Path):
                data[section][key] = str(value)
    return data
