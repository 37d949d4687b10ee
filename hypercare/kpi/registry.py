"""The metric registry: one definition for every number hypercare shows, the window and scope
it is for, and how it reads for people.

Pure. A metric's definition (key, label, unit, meaning, direction, target) lives here once
(:data:`METRICS`: the ticket KPIs of :mod:`hypercare.kpi.definitions` and the business signals
read from Odoo). A value is always for a :class:`Window` (a day, an ISO week, the last N days)
and a :class:`Scope` (all companies, a company, a team), and every place that shows it says
which: :func:`value_text` gives "82.6 % this week", "70 % on Sun 6 Dec". The dashboard, the
``kpi`` commands, the Slack digest and Home, and both packs compute through
``KpiService.board`` with a window and a scope, and format with this module.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from hypercare.errors import UsageError
from hypercare.kpi.definitions import DEFINITIONS
from hypercare.kpi.model import KpiDefinition

MONEY = "money"
"""The unit of an amount of money: a value shows in its currency (the unit becomes the
currency's code, ``EUR``, when there is one), or, in several currencies, as a breakdown per
currency with no value (:func:`format_money`); never a sum across currencies."""

SIGNALS: Mapping[str, KpiDefinition] = MappingProxyType({d.key: d for d in (
    KpiDefinition("quotations_created", "Quotations created",
                  "Sales quotations created that day.", "per day", "up"),
    KpiDefinition("orders_confirmed", "Orders confirmed",
                  "Sales orders confirmed that day (by order date).", "per day", "up"),
    KpiDefinition("invoices_posted", "Invoices posted",
                  "Customer invoices posted that day (by invoice date).", "per day", "up"),
    KpiDefinition("receivables_overdue_amount", "Overdue receivables",
                  "Open customer invoices past their due date, per currency (each company's "
                  "own); amounts in different currencies are never added.", MONEY, "down"),
    KpiDefinition("dso_days", "DSO", "Open receivables divided by the average daily "
                  "invoicing over 90 days, per currency (each currency on its own).", "days",
                  "down"),
    KpiDefinition("overdue_activities", "Overdue activities",
                  "Open activities past their deadline.", "activities", "down"),
    KpiDefinition("late_deliveries", "Late deliveries",
                  "Outgoing pickings not done after their scheduled date.", "pickings", "down"),
    KpiDefinition("active_users", "Active users", "Distinct users who changed records in "
                  "the apps in scope that day.", "users", "up"),
    KpiDefinition("active_user_share", "Active / licensed users", "Active users that day "
                  "as a share of licensed users.", "%", "up", 85.0),
)})
"""Business signals read from Odoo (``kpi adoption``), stored per day."""

METRICS: Mapping[str, KpiDefinition] = MappingProxyType({**DEFINITIONS, **SIGNALS})
"""Every metric hypercare shows, by key."""

LEVELS = frozenset({
    "open_backlog", "open_s1", "policy_open", "sla_breaches", "known_issues_open",
    "tickets_behind_known_issues", "decisions_overdue", "category_mix", "load_team",
    "load_assignee", "aging", *SIGNALS})
"""Metrics read at a moment (the end of a day, or now): a day's value is that day's. Every
other metric is measured over a window of days (rates, shares, flows, durations)."""

SNAPSHOT_DAYS = 14
"""The window of a daily snapshot's value (the history exit criteria judge)."""

BREAKDOWN_UNITS: Mapping[str, str] = MappingProxyType({
    "category_mix": "%", "mtta_assign": "hours", "mtta_response": "hours", "mttr": "hours",
    "aging": "tickets", "top_apps": "tickets", "top_tags": "tickets", "load_team": "tickets",
    "load_assignee": "tickets", "active_users": "users"})
"""The unit of each breakdown's values when it is not the metric's own."""

_WEEK = re.compile(r"^\s*([0-9]{4})-W([0-9]{1,2})\s*$", re.IGNORECASE)
YEARS = (2000, 2999)
"""The years a week may be in (date arithmetic on the weeks around stays in range)."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def day_text(day: dt.date) -> str:
    """``Sun 6 Dec`` (the year only when it is not the current one is the caller's call)."""
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


@dataclass(frozen=True)
class Window:
    """The local days a value is for, first to last, and how it reads after the value."""

    first: dt.date
    last: dt.date
    label: str
    """"this week", "in 2026-W48", "today", "on Sun 6 Dec", "in the last 14 days"."""

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @classmethod
    def last_days(cls, days: int, today: dt.date) -> Window:
        """The last ``days`` local days, today included."""
        if days < 1:
            raise ValueError(f"a window needs at least 1 day, not {days}")
        label = "today" if days == 1 else f"in the last {days} days"
        return cls(today - dt.timedelta(days=days - 1), today, label)

    @classmethod
    def day(cls, day: dt.date, today: dt.date) -> Window:
        return cls(day, day, "today" if day == today else f"on {day_text(day)}")

    @classmethod
    def week(cls, monday: dt.date, today: dt.date) -> Window:
        """An ISO week (Monday to Sunday; a week still running ends today)."""
        sunday = monday + dt.timedelta(days=6)
        year, number, _ = monday.isocalendar()
        if monday <= today <= sunday:
            return cls(monday, today, "this week")
        if monday <= today - dt.timedelta(days=7) <= sunday:
            return cls(monday, sunday, f"last week ({year}-W{number:02d})")
        return cls(monday, sunday, f"in {year}-W{number:02d}")

    def end(self, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
        """The moment the window's values are read at: ``now`` while it runs, else the end
        of its last day."""
        local_today = now.astimezone(zone).date()
        if self.last >= local_today:
            return now
        after = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        return min(now, after - dt.timedelta(microseconds=1))


@dataclass(frozen=True)
class Scope:
    """Whose tickets: every company (None), one company, one team of it."""

    company: str | None = None
    team: str | None = None

    @property
    def label(self) -> str:
        where = self.company or "all companies"
        return f"{where}, team {self.team}" if self.team else where


SHORT_UNITS: Mapping[str, str] = MappingProxyType({
    "%": "%", "percent": "%", "tickets": "", "issues": "", "decisions": "", "apps": "",
    "tags": "", "items": "", "users": "", "activities": "", "pickings": "",
    "tickets/day": "/day", "per day": "/day", "hours": "h", "days": "d", "amount": ""})
"""Units as a tile or a narrow column shows them after the number ("" for counts)."""


_COUNTS = frozenset({"tickets", "issues", "decisions", "apps", "tags", "items", "users",
                     "activities", "pickings", "days"})


def format_number(value: float | None, unit: str) -> str:
    """The number alone, rounded for people the same way everywhere: whole numbers without
    decimals, everything else (shares too) to one decimal; ``-`` when there is none."""
    if value is None:
        return "-"
    return _number(value, 1)


def format_value(value: float | None, unit: str, *, short: bool = False) -> str:
    """A value for people with its unit: ``82.6 %``, ``41 tickets``, ``5.2 h``,
    ``1.5 tickets/day`` (``short``: ``41``, ``1.5/day``, ``5.2 h``); ``-`` when there is
    none."""
    if value is None:
        return "-"
    if is_currency(unit):
        return f"{_money(value)} {unit}"
    if unit == MONEY:
        return _money(value)  # an amount whose currency is named beside it (a breakdown's)
    number = format_number(value, unit)
    if unit in ("%", "percent"):
        return f"{number} %"
    if unit == "hours":
        return f"{number} h"
    shown = SHORT_UNITS.get(unit, unit) if short else unit
    if not shown:
        return number
    if shown.endswith("s") and number == "1" and shown in _COUNTS:
        shown = shown[:-1]  # 1 ticket, 1 day
    return f"{number}{shown}" if shown.startswith("/") else f"{number} {shown}"


def is_currency(unit: str) -> bool:
    """A currency's ISO 4217 code (``EUR``, ``USD``): the unit of money in one currency."""
    return len(unit) == 3 and unit.isascii() and unit.isalpha() and unit.isupper()


def format_money(amounts: Iterable[tuple[str, float]]) -> str:
    """Money per currency, each in its own and never added: ``12,030.50 EUR ·
    52,596.30 USD``; ``-`` when there is none."""
    return " · ".join(format_value(value, code) for code, value in amounts) or "-"


def _money(value: float) -> str:
    """An amount to the cent: ``12,030.50`` (no ``-0.00``)."""
    return f"{round(float(value), 2) + 0.0:,.2f}"


def point_label(key: str, day: dt.date, today: dt.date, *, short: bool = False) -> str:
    """How a daily history value of ``key`` reads after it, by its date (a pack is read days
    after it was made: never "today"): ``on Sun 6 Dec`` for a level; ``in the 14 days to Sun
    6 Dec`` for a window metric. ``short`` (narrow columns): ``6 Dec``, ``14 d to 6 Dec``.
    ``today`` adds the year when the day is in another one."""
    when = day_text(day) if day.year == today.year else f"{day_text(day)} {day.year}"
    if short:
        when = when.split(" ", 1)[1]  # without the weekday
    if key in LEVELS or key not in METRICS:
        return when if short else f"on {when}"
    if short:
        return f"{SNAPSHOT_DAYS} d to {when}"
    return f"in the {SNAPSHOT_DAYS} days to {when}"


def value_text(value: float | None, unit: str, window: Window) -> str:
    """``82.6 % this week``: the value with its unit and its window."""
    if value is None:
        return f"none {window.label}"
    return f"{format_value(value, unit)} {window.label}"


def rule_text(op: str, target: float | None, unit: str) -> str:
    """A rule as it is written in the settings, for people: ``<= 20 %``, ``>= 90 %``,
    ``= 0 tickets``, ``falling``."""
    if op == "falling":
        return "falling"
    shown = format_value(target, unit) if target is not None else "(no target)"
    return f"{'=' if op == '==' else op} {shown}"


def _number(value: float, digits: int) -> str:
    rounded = round(float(value), digits)
    if rounded.is_integer():
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}"


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """The Monday and Sunday of an ISO week written ``2026-W48`` (years 2000 to 2999)."""
    match = _WEEK.match(text or "")
    try:
        monday = dt.date.fromisocalendar(int(match[1]), int(match[2]), 1) if match else None
    except ValueError:
        monday = None
    if monday is None or not YEARS[0] <= monday.year <= YEARS[1]:
        raise UsageError(f"{text[:40]!r} is not an ISO week like 2026-W48, from {YEARS[0]} to "
                         f"{YEARS[1]}",
                         hint="Write it as YYYY-Www, e.g. 2026-W48 (weeks 01-52, or 53 in "
                              "long years).")
    return monday, monday + dt.timedelta(days=6)
