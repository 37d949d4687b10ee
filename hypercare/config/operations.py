"""Settings for how the command center operates: SLAs, escalation, KPIs and exit."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from hypercare.config.base import _Section


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
    """Messages per recipient per hour; beyond, alerts are held back and go out as one
    roll-up per recipient per hour (each still listed, ``suppressed``). Never capped: manual
    escalations, approval requests, confirmed S1, and a breach that happens while hypercare
    watches."""
    baseline_gap_minutes: int = Field(default=60, ge=1)
    """A sweep this long after the previous one (an outage, a weekend without ``serve``),
    like a store's first sweep, records what is already breached as a baseline: one summary
    per recipient instead of one alert each."""


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
        ExitCriterion(key="training_share", kind="metric", label="Training-gap share <= 20 %",
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
    odoo_down_minutes: int = Field(default=15, ge=1)
    """Odoo unreachable this long: an S1-level alert is queued."""
    exit_criteria: list[ExitCriterion] = Field(default_factory=_default_exit_criteria)


class StandupSchedule(_Section):
    """A daily stand-up: its scope, its time, and where its digest and minutes go."""

    name: str = Field(default="all", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    company: str | None = None
    """Only this company's tickets (unset: every company)."""
    team: str | None = None
    """Only this Helpdesk team's tickets (unset: every team)."""
    time: str = Field(default="09:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    """Local time of the stand-up (HH:MM); its digest is posted then, on business days."""
    timezone: str | None = None
    """IANA timezone of ``time``; unset: the command center's."""
    calendar: str = "default"
    """Business calendar (``sla.calendars``) whose working days the stand-up is held on."""
    channel: str = ""
    """Slack channel id for its digest and minutes; unset: ``slack.standup_channel``."""


class JobsSettings(_Section):
    """The schedule ``hypercare serve`` runs (``sync`` follows ``sync.interval_minutes``)."""

    sweep_seconds: int = Field(default=60, ge=5)
    """``triage_sweep``: SLA states, escalations and overdue decisions, this often."""
    outbox_seconds: int = Field(default=5, ge=1)
    """``outbox_deliver``: how often queued messages are delivered to Slack."""
    followup_seconds: int = Field(default=60, ge=5)
    """``slack_followups``: reports kept while Odoo was down, and Odoo's news for threads."""
    writeback_minutes: int = Field(default=3, ge=1)
    """``writeback_retry``: queued writes to Odoo, this often."""
    watch_minutes: int = Field(default=15, ge=1)
    """``watch_kpis``: watch KPIs and the "Odoo unreachable" check, this often."""
    adoption_minutes: int = Field(default=60, ge=5)
    """``adoption_snapshot``: user adoption read from Odoo, this often."""
    kpi_snapshot_time: str = Field(default="23:50", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    """``kpi_snapshot``: daily, at this local time (command center's timezone)."""
    retrain_time: str = Field(default="02:30", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    """``classifier_retrain``: nightly, at this local time."""
    weekly_pack_day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] = "mon"
    """``weekly_pack``: the weekday the steering pack is written and posted."""
    weekly_pack_time: str = Field(default="07:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    """``weekly_pack``: at this local time."""
    misfire_grace_seconds: int = Field(default=300, ge=1)
    """A run this late (machine asleep, process busy) still runs once; later ones are
    skipped and reported as missed."""
    lease_seconds: float = Field(default=10.0, ge=0.5, le=60.0)
    """Seconds between the heartbeats of every process that runs jobs (serve, bot, tui, demo):
    each renews its job leases and takes or gives up jobs, so a starting serve has every job
    within one and a bot or TUI takes its jobs back within one after the serve stops (at most
    60: a serve heartbeat older than two minutes counts as a dead serve)."""


PackFormat = Literal["md", "html", "xlsx", "csv"]
PACK_FORMATS: tuple[PackFormat, ...] = ("md", "html", "xlsx", "csv")


class ExportSettings(_Section):
    """The weekly steering pack ``hypercare serve`` writes and posts."""

    out_dir: Path | None = None
    """Folder for the packs the scheduler writes; unset: ``packs/`` in the user data directory."""
    formats: list[PackFormat] = Field(default_factory=lambda: list(PACK_FORMATS))
    """Formats the scheduler writes (the HTML and XLSX are posted to ``slack.pack_channel``)."""
