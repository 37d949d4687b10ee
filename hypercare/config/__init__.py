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

from pydantic import Field, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from hypercare.config.base import read_secret_file
from hypercare.config.connections import OdooSettings, SlackSettings, SyncSettings, TriageSettings
from hypercare.config.operations import (
    CalendarSettings,
    EscalationLevel,
    EscalationSettings,
    ExitCriterion,
    ExportSettings,
    JobsSettings,
    KpiSettings,
    SlaPolicy,
    SlaSettings,
    StandupSchedule,
    WatchKpi,
)
from hypercare.config.people import CompanySettings, RolesSettings, TuiSettings
from hypercare.errors import ConfigError, mask_credentials

__all__ = [
    "CONFIG_FILE_NAME",
    "ENV_PREFIX",
    "SECRET_FIELDS",
    "SLACK_ALIASES",
    "CalendarSettings",
    "CompanySettings",
    "EscalationLevel",
    "EscalationSettings",
    "ExitCriterion",
    "KpiSettings",
    "OdooSettings",
    "RolesSettings",
    "Settings",
    "SlaPolicy",
    "SlaSettings",
    "SlackSettings",
    "SyncSettings",
    "TriageSettings",
    "TuiSettings",
    "WatchKpi",
    "default_database_url",
    "find_config_file",
    "load_settings",
    "read_secret_file",
    "redacted_dump",
    "user_cache_dir",
    "user_config_dir",
    "user_data_dir",
]

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

    go_live: date | None = None
    """The go-live day (``2026-11-23``): KPI series, charts, exit criteria and the exit
    forecast start there (no pre-go-live zeros). Unset: the first day with tickets."""

    companies: dict[str, CompanySettings] = Field(default_factory=dict)
    """Per company, when companies went live apart: ``{ "Acme US" = { go_live =
    2026-11-30 } }``."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    """Log level for hypercare's own loggers (``--debug`` sets DEBUG)."""

    odoo: OdooSettings = OdooSettings()
    slack: SlackSettings = SlackSettings()
    sync: SyncSettings = SyncSettings()
    triage: TriageSettings = TriageSettings()
    sla: SlaSettings = SlaSettings()
    escalation: EscalationSettings = EscalationSettings()
    kpi: KpiSettings = KpiSettings()
    roles: RolesSettings = RolesSettings()
    tui: TuiSettings = TuiSettings()
    jobs: JobsSettings = JobsSettings()
    export: ExportSettings = ExportSettings()
    standups: list[StandupSchedule] = Field(default_factory=lambda: [StandupSchedule()])
    """The daily stand-ups (name, company/team scope, time, timezone, calendar, channel)."""

    def go_live_of(self, company: str | None = None) -> date | None:
        """The go-live day of ``company`` (its own when set, else the global one)."""
        if company:
            wanted = company.strip().casefold()
            for name, spec in self.companies.items():
                if name.strip().casefold() == wanted and spec.go_live is not None:
                    return spec.go_live
        return self.go_live

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
    data = settings.model_dump(mode="python", by_alias=True)
    for section, name in SECRET_FIELDS:
        block = data.get(section, {})
        value = getattr(getattr(settings, section), name)
        block[name] = "********" if value is not None else None
    for section in ("odoo", "slack", "triage"):
        for key, value in data[section].items():
            if isinstance(value, Path):
                data[section][key] = str(value)
            elif isinstance(value, str) and key.endswith("url"):
                data[section][key] = mask_credentials(value)
    return data
