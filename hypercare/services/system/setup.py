"""System services: effective settings, connection checks, store schema."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from hypercare.config import redacted_dump
from hypercare.errors import HypercareError
from hypercare.services.context import ServiceContext
from hypercare.services.triage.levels import UNREACHABLE_HINT, unreachable_levels
from hypercare.store.engine import create_store_engine, redacted_url, sqlite_path
from hypercare.store.schema import SCHEMA_HEAD, SchemaState, schema_status, upgrade_schema

Status = Literal["ok", "warn", "fail", "info"]
SCHEDULER_OWNER = "scheduler.owner"
"""App-state key ``hypercare serve`` keeps its heartbeat under."""
SCHEDULER_STALE = timedelta(minutes=2)


@dataclass(frozen=True)
class ProbeLine:
    """One finding of ``config check``."""

    status: Status
    label: str
    detail: str
    hint: str = ""


@dataclass(frozen=True)
class ConfigReport:
    """Everything ``config check`` found."""

    lines: tuple[ProbeLine, ...]

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return all(line.status != "fail" for line in self.lines)


@dataclass(frozen=True)
class UpgradeResult:
    """What ``db upgrade`` did."""

    database: str
    before: str | None
    after: str

    @property
    def changed(self) -> bool:
        """True when a migration ran."""
        return self.before != self.after


class SystemService:
    """Settings, probes and schema management."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def show_config(self) -> dict[str, Any]:
        """The effective settings with secrets masked and the store URL's password hidden."""
        data = redacted_dump(self._context.settings)
        data["database_url"] = redacted_url(self._context.database_url)
        return data

    def upgrade_db(self) -> UpgradeResult:
        """Migrate the store to this code's schema (locked against concurrent upgrades)."""
        engine = create_store_engine(self._context.database_url)
        try:
            before, after = upgrade_schema(engine)
        finally:
            engine.dispose()
        return UpgradeResult(redacted_url(self._context.database_url), before, after)

    def scheduler_owner(self) -> str | None:
        """Who runs the scheduler now, or None when nobody does.

        ``hypercare serve`` writes the app-state entry ``scheduler.owner`` as JSON
        ``{"owner": "<host:pid>", "heartbeat": "<ISO 8601>"}`` and renews the heartbeat
        while it runs; an owner whose heartbeat is older than two minutes (by the context
        clock) counts as gone. Front ends use this to leave syncing to that process.
        """
        import json
        from datetime import datetime

        from hypercare.store.triage_records import get_state

        with self._context.store().session() as session:
            value = get_state(SCHEDULER_OWNER, session=session)
        if value is None:
            return None
        try:
            data = json.loads(value)
            owner = str(data["owner"])
            beat = datetime.fromisoformat(str(data["heartbeat"]))
        except (ValueError, KeyError, TypeError):
            return None
        if beat.tzinfo is None or not owner:
            return None
        age = self._context.clock() - beat
        return owner if age < SCHEDULER_STALE else None

    def check_config(self) -> ConfigReport:
        """Probe the store, Odoo and Slack settings and say what was found."""
        lines = [self._check_store()]
        lines.extend(self._check_odoo())
        lines.append(self._check_slack())
        lines.append(self._check_levels())
        lines.append(self._check_roles())
        return ConfigReport(tuple(lines))

    def unreachable_levels(self) -> list[str]:
        """The escalation levels whose messages would go to dead letters, described
        (:func:`hypercare.services.triage.levels.unreachable_levels`)."""
        return unreachable_levels(self._context.settings)

    def _check_levels(self) -> ProbeLine:
        """Whether every level of the escalation matrix reaches someone (never contacts
        Slack)."""
        found = self.unreachable_levels()
        if found:
            return ProbeLine("warn", "escalation levels",
                             f"{'; '.join(found)}; slack.alerts_channel is not set, so "
                             f"{'its' if len(found) == 1 else 'their'} alerts go to dead "
                             "letters", UNREACHABLE_HINT)
        channel = self._context.settings.slack.alerts_channel.strip()
        return ProbeLine("ok", "escalation levels", "every level, L1 to L4, reaches someone"
                         + (f" (slack.alerts_channel {channel} for levels without contacts "
                            "and user groups)" if channel else ""))

    def _check_roles(self) -> ProbeLine:
        """Who the access rules make a lead and who may raise (never contacts Slack)."""
        roles = self._context.settings.roles
        raising = ("everyone raises tickets" if roles.raising == "everyone"
                   else f"{len(roles.super_users)} super-user entr"
                        f"{'y' if len(roles.super_users) == 1 else 'ies'} and the leads raise")
        if not roles.leads:
            return ProbeLine("info", "roles", f"no roles.leads configured: everyone is a lead "
                             f"(a one-person command center); {raising}",
                             "List the command-center leads in roles.leads (names, Slack user "
                             "ids or user groups) before others use hypercare.")
        limited = f"; {len(roles.companies)} limited to named companies" if roles.companies \
            else ""
        return ProbeLine("ok", "roles", f"{len(roles.leads)} lead entr"
                         f"{'y' if len(roles.leads) == 1 else 'ies'}; {raising}{limited}")

    def _check_store(self) -> ProbeLine:
        url = redacted_url(self._context.database_url)
        sqlite_file = sqlite_path(self._context.database_url)
        if sqlite_file is not None and not sqlite_file.exists():
            return ProbeLine("info", "store", f"{url} does not exist yet; created on first use")
        engine = create_store_engine(self._context.database_url)
        try:
            status = schema_status(engine)
        except HypercareError as exc:
            return ProbeLine("fail", "store", exc.message, exc.hint)
        finally:
            engine.dispose()
        if status.state is SchemaState.CURRENT:
            return ProbeLine("ok", "store", f"{url} at schema {status.revision}")
        if status.state is SchemaState.AHEAD:
            return ProbeLine(
                "fail",
                "store",
                f"{url} is at schema {status.revision}, newer than {SCHEMA_HEAD}",
                "Upgrade hypercare.",
            )
        where = "empty" if status.state is SchemaState.EMPTY else f"at {status.revision}"
        return ProbeLine(
            "warn",
            "store",
            f"{url} is {where}; this code needs {SCHEMA_HEAD}",
            "Run `hypercare db upgrade` (SQLite stores upgrade themselves on first use).",
        )

    def _check_odoo(self) -> list[ProbeLine]:
        odoo = self._context.settings.odoo
        if not odoo.configured:
            return [
                ProbeLine(
                    "info",
                    "odoo",
                    "no Odoo configured (odoo.url unset)",
                    "Set HYPERCARE_ODOO__URL, __DB, __LOGIN and __API_KEY "
                    "(`hypercare demo` needs none of them).",
                )
            ]
        from hypercare.odoo.probe import probe

        levels: dict[str, Status] = {"ok": "ok", "warn": "warn", "error": "fail"}
        return [
            ProbeLine(levels[line.level], f"odoo {line.topic}", line.detail, line.hint)
            for line in probe(odoo).lines
        ]

    def _check_slack(self) -> ProbeLine:
        slack = self._context.settings.slack
        try:
            bot = slack.resolved("bot_token")
            app = slack.resolved("app_token")
            secret = slack.resolved("signing_secret")
        except HypercareError as exc:
            return ProbeLine("fail", "slack", exc.message, exc.hint)
        if bot is None:
            return ProbeLine(
                "info",
                "slack",
                "no Slack configured (bot token unset)",
                "See runbooks/slack-setup.md to connect a workspace.",
            )
        modes = [name for name, present in (("Socket Mode", app), ("HTTP mode", secret)) if present]
        if not modes:
            return ProbeLine(
                "fail",
                "slack",
                "bot token set but neither app token nor signing secret",
                "Set HYPERCARE_SLACK__APP_TOKEN (Socket Mode) or "
                "HYPERCARE_SLACK__SIGNING_SECRET (HTTP mode).",
            )
        return ProbeLine("ok", "slack", f"tokens present for {' and '.join(modes)} (not contacted)")
