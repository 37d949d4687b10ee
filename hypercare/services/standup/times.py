"""When each stand-up happens: its weekdays (its business calendar's), local time and zone
(its own ``timezone``, else the command center's).

The scheduler fires a stand-up's digest at :attr:`StandupTime.hour`:``minute`` local time on
:attr:`StandupTime.days`; :func:`is_standup_day` also skips the calendar's holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hypercare.config import Settings
from hypercare.errors import UsageError
from hypercare.triage.calendar import DAY_NAMES, parse_days


@dataclass(frozen=True)
class StandupTime:
    name: str
    days: tuple[str, ...]
    """Weekday names (``mon``..``sun``) it is held on."""
    hour: int
    minute: int
    timezone: str

    @property
    def day_span(self) -> str:
        """``mon-fri`` for three or more days in a row, else ``mon,wed,fri``."""
        numbers = [DAY_NAMES.index(day) for day in self.days]
        if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"{self.days[0]}-{self.days[-1]}"
        return ",".join(self.days)


def standup_times(settings: Settings) -> list[StandupTime]:
    """Every configured stand-up's schedule."""
    found = []
    for schedule in settings.standups:
        calendar = settings.sla.calendars.get(schedule.calendar)
        days = parse_days(calendar.days if calendar is not None else "mon-fri")
        hour, minute = (int(part) for part in schedule.time.split(":"))
        # ``standups[].timezone``, else the command center's (as documented, and as the
        # digest reads its time and day): never the calendar's, or the job would fire at
        # another hour than the digest says the stand-up is held
        zone = schedule.timezone or settings.timezone
        found.append(StandupTime(schedule.name, tuple(DAY_NAMES[d] for d in days), hour,
                                 minute, zone))
    return found


def is_standup_day(settings: Settings, name: str, now: datetime) -> bool:
    """True when stand-up ``name`` is held on ``now``'s local date (a working day of its
    calendar, not a holiday)."""
    times = {t.name: t for t in standup_times(settings)}
    if name not in times:
        raise UsageError(f"no stand-up named {name!r} (configured: {', '.join(times)})")
    held = times[name]
    local = now.astimezone(ZoneInfo(held.timezone)).date()
    schedule = next(s for s in settings.standups if s.name == name)
    calendar = settings.sla.calendars.get(schedule.calendar)
    holidays = set(calendar.holidays) if calendar is not None else set()
    return DAY_NAMES[local.weekday()] in held.days and local not in holidays
