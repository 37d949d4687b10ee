"""Which business calendar each SLA clock runs on: the configured calendars by name, ``24x7``,
and the team or company mapping (confirmed S1 tickets on ``24x7`` when so configured)."""

from __future__ import annotations

from hypercare.config import CalendarSettings, Settings
from hypercare.store.tables import Ticket
from hypercare.triage.calendar import BusinessCalendar


def build_calendars(settings: Settings) -> dict[str, BusinessCalendar]:
    """The configured calendars by name, plus ``24x7``."""
    calendars = {name: _calendar(spec, settings.timezone)
                 for name, spec in settings.sla.calendars.items()}
    calendars.setdefault("default", _calendar(CalendarSettings(), settings.timezone))
    calendars["24x7"] = BusinessCalendar.standard(settings.timezone, always_open=True)
    return calendars


def always_open_calendars(settings: Settings) -> frozenset[str]:
    """The names of the calendars that run 24x7 (``24x7``, and any configured always open):
    a clock on one of them shows calendar time (:mod:`hypercare.triage.sla_text`)."""
    return frozenset({"24x7", *(name for name, spec in settings.sla.calendars.items()
                                if spec.always_open)})


def _calendar(spec: CalendarSettings, zone: str) -> BusinessCalendar:
    return BusinessCalendar.standard(spec.timezone or zone, days=spec.days, hours=spec.hours,
                                     holidays=spec.holidays, always_open=spec.always_open)


def calendar_name(teams: dict[str, str], companies: dict[str, str], ticket: Ticket, *,
                  always: bool) -> str:
    if always:
        return "24x7"
    return teams.get(ticket.team) or companies.get(ticket.company) or "default"
