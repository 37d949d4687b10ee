"""Announcing a written pack: an outbox message (kind ``weekly_pack``) to ``slack.pack_channel``.

The bot posts a short announcement with the headline and uploads the pack's HTML and XLSX files
in its thread. One announcement per pack and week (the idempotency key), however often the job
runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.packs.model import KpiLine, Pack

UPLOADED = ("html", "xlsx")


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    shown = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return shown + (" %" if unit == "%" else "")


def headline_payload(lines: Sequence[KpiLine]) -> list[dict[str, str]]:
    """The headline as the announcement shows it: label, value and week-over-week change."""
    found = []
    for line in lines[:8]:
        change = line.change
        delta = "" if change is None or change == 0 else (
            f"{'+' if change > 0 else '-'}{_number(abs(change), line.unit)}")
        found.append({"label": line.label, "value": _number(line.value, line.unit),
                      "delta": delta})
    return found


class PackNotices:
    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def announce(self, *, pack: Pack, files: Sequence[Path]) -> bool:
        """Queue the announcement of ``pack`` (False when this week's was queued before)."""
        summary = [line for section in pack.sections[:1] for line in section.summary][:4]
        payload = {
            "week": pack.week, "title": pack.title, "kind": pack.kind,
            "headline": headline_payload(pack.headline), "summary": summary,
            "files": [{"name": path.name, "format": path.suffix.lstrip("."),
                       "path": str(path)} for path in files
                      if path.suffix.lstrip(".") in UPLOADED],
        }
        with self._context.store().session() as session:
            row = notifications.enqueue(
                session, self._context.settings, kind="weekly_pack",
                key=f"pack:{pack.kind}:{pack.week}", recipient="channel:pack", payload=payload,
                now=self._context.clock(), urgent=True)
        return row is not None
