"""Small helpers shared by the KPI computations: a computed measure and array reductions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Series = tuple[tuple[dt.date, float], ...]
Breakdown = tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Measure:
    """A KPI's numbers before its definition is attached."""

    value: float | None
    series: Series = ()
    breakdown: Breakdown = ()


def ranked(pairs: Iterable[tuple[str, float]], limit: int | None = None) -> Breakdown:
    """Pairs sorted by value descending, then label; the first ``limit`` when given."""
    ordered = sorted(((label, float(v)) for label, v in pairs), key=lambda p: (-p[1], p[0]))
    return tuple(ordered if limit is None else ordered[:limit])


def median(values: npt.NDArray[np.float64]) -> float | None:
    """Median of the non-NaN values, None when there are none."""
    kept = values[~np.isnan(values)]
    return float(np.median(kept)) if kept.size else None


def percent(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole``; None when ``whole`` is 0."""
    return 100.0 * part / whole if whole else None


def label_counts(
    labels: npt.NDArray[np.object_], rename: Mapping[str, str] | None = None
) -> dict[str, int]:
    """How often each label occurs (``rename`` maps raw labels, e.g. "" -> "(unassigned)")."""
    if labels.size == 0:
        return {}
    names, counts = np.unique(labels.astype(str), return_counts=True)
    result: dict[str, int] = {}
    for name, count in zip(names.tolist(), counts.tolist(), strict=True):
        shown = (rename or {}).get(name, name)
        result[shown] = result.get(shown, 0) + int(count)
    return result


def daily(dates: list[dt.date], values: Iterable[float | None]) -> Series:
    """A series from parallel dates and values, dropping days without a value."""
    return tuple((d, float(v)) for d, v in zip(dates, values, strict=True) if v is not None)
