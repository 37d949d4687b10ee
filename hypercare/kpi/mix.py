"""What the tickets are about and who holds them: category mix, training-gap share, top apps
and tags (tickets created in the window), load per team and assignee (open now)."""

from __future__ import annotations

from itertools import chain

import numpy as np

from hypercare.kpi.columns import TicketColumns
from hypercare.kpi.days import DayGrid
from hypercare.kpi.definitions import NO_TEAM, TOP_N, UNASSIGNED, UNCATEGORIZED
from hypercare.kpi.flow import in_window
from hypercare.kpi.measure import Measure, daily, label_counts, percent, ranked

TRAINING_GAP = "training_gap"
POLICY = "policy_ambiguity"


def categories(cols: TicketColumns, grid: DayGrid) -> dict[str, Measure]:
    """Category mix (shares among created in the window) and the training-gap share."""
    day = grid.index(cols.created)
    here = (day >= 0) & (day < grid.size)
    created = int(here.sum())
    counts = label_counts(cols.category[here], {"": UNCATEGORIZED})
    shares = ranked((name, percent(n, created) or 0.0) for name, n in counts.items())
    gap = here & (cols.category == TRAINING_GAP)
    gap_per_day = np.bincount(day[gap], minlength=grid.size).tolist()
    all_per_day = np.bincount(day[here], minlength=grid.size).tolist()
    series = daily(grid.dates(), [percent(g, a) for g, a in
                                  zip(gap_per_day, all_per_day, strict=True)])
    open_now = float(np.count_nonzero(~cols.is_closed))
    return {
        "category_mix": Measure(open_now, breakdown=shares),
        "training_gap_share": Measure(percent(int(gap.sum()), created), series),
    }


def _tag_counts(per_ticket: list[tuple[str, ...]]) -> dict[str, int]:
    """Tickets per tag (a tag repeated on one ticket counts once; "" is ignored)."""
    flat = np.array(list(chain.from_iterable(per_ticket)), dtype=str)
    if flat.size == 0:
        return {}
    owner = np.repeat(np.arange(len(per_ticket)), [len(t) for t in per_ticket])
    names, inverse = np.unique(flat, return_inverse=True)
    pairs = np.unique(owner * len(names) + inverse.reshape(-1))
    counts = np.bincount(pairs % len(names), minlength=len(names))
    return {n: int(c) for n, c in zip(names.tolist(), counts.tolist(), strict=True) if n}


def tops(cols: TicketColumns, grid: DayGrid) -> dict[str, Measure]:
    """Top apps and tags among tickets created in the window (unknown app left out)."""
    here = in_window(grid, cols.created)
    apps = label_counts(cols.app[here])
    apps.pop("", None)
    tags = _tag_counts([cols.tags[i] for i in np.flatnonzero(here).tolist()] if cols.tags
                       else [])
    return {
        "top_apps": Measure(float(len(apps)), breakdown=ranked(apps.items(), TOP_N)),
        "top_tags": Measure(float(len(tags)), breakdown=ranked(tags.items(), TOP_N)),
    }


def loads(cols: TicketColumns) -> dict[str, Measure]:
    """Open tickets per team and per assignee; values: the largest named load (0 if none)."""
    open_now = ~cols.is_closed
    result: dict[str, Measure] = {}
    for key, labels, missing in (("load_team", cols.team, NO_TEAM),
                                 ("load_assignee", cols.assignee, UNASSIGNED)):
        counts = label_counts(labels[open_now], {"": missing})
        named = [n for name, n in counts.items() if name != missing]
        result[key] = Measure(float(max(named, default=0)), breakdown=ranked(counts.items()))
    return result
