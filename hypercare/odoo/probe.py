"""``probe(settings)``: what ``hypercare config check`` prints about the Odoo connection.

Walks the same steps as :func:`~hypercare.odoo.connect.connect` (version, transport, login), then
looks at what hypercare can read: the helpdesk flavour and add-ons, chatter tracking values and
the KPI source models. A failed step becomes an ``error`` line carrying the error's hint and
stops the probe; optional features that are missing or denied are ``warn`` lines.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from hypercare.config import OdooSettings
from hypercare.errors import (
    HypercareError,
    OdooAccessError,
    OdooModelMissingError,
    mask_credentials,
)
from hypercare.odoo.client import OdooClient, ServerInfo
from hypercare.odoo.connect import detect_version, open_client, plan, policy_for, require
from hypercare.odoo.schema import ADDON_ENTERPRISE_SLA, ADDON_OCA_SLA, ADDON_TYPE, detect_schema

Level = Literal["ok", "warn", "error"]
KPI_MODELS = ("res.users", "crm.lead", "sale.order", "account.move", "mail.activity",
              "stock.picking")  # fmt: skip
_ADDON_LABELS = {
    ADDON_TYPE: "helpdesk_type (ticket types)",
    ADDON_OCA_SLA: "helpdesk_mgmt_sla (OCA SLA)",
    ADDON_ENTERPRISE_SLA: "Enterprise SLA policies",
}


@dataclass(frozen=True)
class ProbeLine:
    level: Level
    topic: str
    detail: str
    hint: str = ""

    def render(self) -> str:
        mark = {"ok": "ok   ", "warn": "warn ", "error": "error"}[self.level]
        text = f"{mark} {self.topic}: {self.detail}"
        return f"{text}\n      hint: {self.hint}" if self.hint else text


@dataclass(frozen=True)
class ProbeReport:
    lines: tuple[ProbeLine, ...] = ()
    info: ServerInfo | None = None
    flavor: str | None = None
    readable: dict[str, str] = field(default_factory=dict)
    """KPI model -> ``ok`` / ``not installed`` / ``access denied``."""

    @property
    def ok(self) -> bool:
        return all(line.level != "error" for line in self.lines)

    def render(self) -> list[str]:
        return [line.render() for line in self.lines]


def _error(topic: str, exc: HypercareError) -> ProbeLine:
    return ProbeLine("error", topic, exc.message, exc.hint)


def probe(settings: OdooSettings, *, sleep: Callable[[float], None] | None = None) -> ProbeReport:
    """Check the Odoo connection step by step; never raises a HypercareError."""
    lines: list[ProbeLine] = []
    try:
        url, db, login = require(settings)
        version, _ = detect_version(url, settings.timeout, policy_for(settings, sleep))
    except HypercareError as exc:
        return ProbeReport((_error("server", exc),))
    lines.append(ProbeLine("ok", "server", f"Odoo {version} at {mask_credentials(url)}"))
    try:
        chosen = plan(settings, version)
        lines.append(ProbeLine("ok", "transport", f"{chosen.transport} ({chosen.reason})"))
        client = open_client(settings, chosen, sleep)
    except HypercareError as exc:
        return ProbeReport((*lines, _error("login", exc)))
    try:
        info = client.info
        lines.append(ProbeLine("ok", "login", f"'{login}' on database '{db}' (uid {info.uid})"))
        flavor, readable = _inspect(client, lines)
        return ProbeReport(tuple(lines), info, flavor, readable)
    finally:
        client.close()


def _inspect(client: OdooClient, lines: list[ProbeLine]) -> tuple[str | None, dict[str, str]]:
    flavor: str | None = None
    try:
        schema = detect_schema(client)
    except HypercareError as exc:
        lines.append(_error("helpdesk", exc))
    else:
        flavor = schema.flavor
        name = "Odoo Enterprise helpdesk" if flavor == "enterprise" else "OCA helpdesk_mgmt"
        lines.append(ProbeLine("ok", "helpdesk", f"{name} (stages: {schema.models.stage})"))
        addons = ", ".join(_ADDON_LABELS[a] for a in sorted(schema.addons)) or "none"
        lines.append(ProbeLine("ok", "add-ons", addons))
    tracking = _readable(client, "mail.tracking.value")
    if tracking == "ok":
        lines.append(ProbeLine("ok", "chatter tracking", "mail.tracking.value is readable"))
    else:
        lines.append(ProbeLine(
            "warn", "chatter tracking", f"mail.tracking.value: {tracking}; stage and assignee "
            "history will come from ticket fields only",
            "Give the technical user read access to mail.tracking.value (Settings > Technical).",
        ))  # fmt: skip
    readable: dict[str, str] = {}
    for model in KPI_MODELS:
        readable[model] = state = _readable(client, model)
        if state == "ok":
            lines.append(ProbeLine("ok", f"KPI {model}", "readable"))
        else:
            hint = (
                f"Give the technical user read access to '{model}'."
                if state == "access denied"
                else "Install the app if you want its KPIs; the rest works without it."
            )
            lines.append(ProbeLine("warn", f"KPI {model}", state, hint))
    return flavor, readable


def _readable(client: OdooClient, model: str) -> str:
    try:
        client.search(model, [], limit=1)
    except OdooModelMissingError:
        return "not installed"
    except OdooAccessError:
        return "access denied"
    return "ok"
