"""Keeping alerts worth a human's attention: batching windows, quiet hours, a rate cap.

Pure: every function takes ``now`` and returns a verdict; the notification service
records what it decided (a suppressed alert is still listed, never silently dropped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Delivery:
    """When (and whether) a message to one recipient goes out."""

    state: str
    """pending (send at ``not_before``) or suppressed."""
    not_before: datetime
    reason: str = ""


def batch_window(now: datetime, minutes: int) -> datetime:
    """Start of the batching window ``now`` falls in (windows aligned on the UTC epoch)."""
    seconds = minutes * 60
    stamp = int(now.timestamp()) // seconds * seconds
    return datetime.fromtimestamp(stamp, tz=now.tzinfo)


def parse_quiet_hours(text: str | None) -> tuple[time, time] | None:
    """``"20:00-07:00"`` -> (20:00, 07:00); None or "" -> no quiet hours."""
    if not text:
        return None
    try:
        start_text, end_text = text.split("-")
        return time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(f"quiet hours must look like 20:00-07:00, not {text!r}") from None


def quiet_until(now: datetime, quiet: tuple[time, time] | None, zone: str) -> datetime | None:
    """The end of the quiet period ``now`` is in (recipient's local time), or None."""
    if quiet is None:
        return None
    start, end = quiet
    local = now.astimezone(ZoneInfo(zone))
    clock = local.time()
    overnight = start > end
    inside = (clock >= start or clock < end) if overnight else (start <= clock < end)
    if not inside:
        return None
    end_day = local.date()
    if overnight and clock >= start:
        end_day += timedelta(days=1)
    local_end = datetime.combine(end_day, end, tzinfo=ZoneInfo(zone))
    return local_end.astimezone(now.tzinfo)


def plan_delivery(
    *,
    now: datetime,
    urgent: bool,
    sent_last_hour: int,
    max_per_hour: int,
    quiet: tuple[time, time] | None,
    zone: str,
    capped: bool = True,
) -> Delivery:
    """Decide one message: urgent ones (confirmed S1, manual escalations, approval requests)
    ignore quiet hours and the cap; ``capped=False`` ones (a live breach, a summary, a
    roll-up, an update in place) ignore the cap only."""
    if urgent:
        return Delivery("pending", now)
    if capped and sent_last_hour >= max_per_hour:
        return Delivery("suppressed", now,
                        f"rate cap: {sent_last_hour} messages in the last hour "
                        f"(max {max_per_hour})")
    resume = quiet_until(now, quiet, zone)
    if resume is not None:
        return Delivery("pending", resume,
                        f"quiet hours until {resume.astimezone(ZoneInfo(zone)):%H:%M} {zone}")
    return Delivery("pending", now)
