"""What every KPI on the board means: label, definition, unit, direction and default target.

"Window" below is the board's last ``days`` local days in the command center's timezone,
today included (today runs to ``now``). "Open" is the ticket's current state unless a
series says "at each day's end".
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hypercare.kpi.model import Direction, KpiDefinition

AGING_BUCKETS = ("0-1", "2-3", "4-7", "8-15", "16+")
UNASSIGNED = "(unassigned)"
NO_TEAM = "(no team)"
UNCATEGORIZED = "(uncategorized)"
TOP_N = 10

_ROWS: tuple[tuple[str, str, str, str, Direction, float | None], ...] = (
    ("open_backlog", "Open backlog", "Tickets open now; series: open at each local day's end "
     "(today: at now).", "tickets", "down", None),
    ("open_s1", "Open S1", "Open severity-1 tickets now; series: at each day's end.",
     "tickets", "down", 0.0),
    ("inflow", "Inflow", "Tickets created per local day; value: mean per day over the window.",
     "tickets/day", "down", None),
    ("outflow", "Outflow", "Tickets closed (and still closed) per local day, by their close "
     "time; value: mean per day over the window.", "tickets/day", "up", None),
    ("net_flow", "Net flow", "Inflow minus outflow per local day; value: mean per day "
     "(below 0: the backlog shrinks).", "tickets/day", "down", 0.0),
    ("aging", "Backlog age", "Age of open tickets in business days (working days from the "
     "creation day, excluded today; calendar days without a calendar); value: median; "
     "breakdown: tickets per age bucket.", "days", "down", None),
    ("mtta_assign", "MTTA (assignment)", "Median hours from creation to assignment, "
     "tickets created in the window and assigned; breakdown by severity and category.",
     "hours", "down", None),
    ("mtta_response", "MTTA (first response)", "Median hours from creation to the "
     "first response, tickets created in the window and answered; breakdown by severity "
     "and category.", "hours", "down", None),
    ("mttr", "MTTR", "Median hours from creation to closing, tickets closed "
     "in the window; breakdown by severity and category.", "hours", "down", None),
    ("time_to_workaround", "Time to workaround", "Median hours from creation to the linked "
     "known issue's workaround (0 when it already existed), tickets created in the window "
     "that have one.", "hours", "down", None),
    ("sla_attainment", "SLA attainment", "Share of tickets closed in the window whose "
     "resolution SLA was met, among those met or breached; series by closing day.", "%",
     "up", 90.0),
    ("sla_breaches", "SLA breaches", "Open tickets whose resolution SLA is breached now.",
     "tickets", "down", 0.0),
    ("reopen_rate", "Reopen rate", "Share of tickets closed in the window that were "
     "reopened at least once.", "%", "down", None),
    ("category_mix", "Category mix", "Value: open tickets now; breakdown: share of each "
     "category among tickets created in the window.", "tickets", "down", None),
    ("training_gap_share", "Training-gap share", "Share of tickets created in the window "
     "classified training_gap (all created tickets in the denominator); series per day "
     "with inflow.", "%", "down", 20.0),
    ("policy_open", "Policy questions open", "Open policy_ambiguity tickets; series: at "
     "each day's end.", "tickets", "down", None),
    ("known_issues_open", "Known issues open", "Known issues not yet resolved.", "issues",
     "down", None),
    ("tickets_behind_known_issues", "Tickets behind known issues", "Tickets linked to an "
     "open known issue.", "tickets", "down", None),
    ("decisions_overdue", "Decisions overdue", "Policy decisions past their due date; "
     "breakdown: open and overdue.", "decisions", "down", 0.0),
    ("top_apps", "Top apps", "Value: apps with tickets created in the window; breakdown: "
     "tickets per app, top 10.", "apps", "down", None),
    ("top_tags", "Top tags", "Value: tags on tickets created in the window; breakdown: "
     "tickets per tag, top 10.", "tags", "down", None),
    ("load_team", "Load per team", "Open tickets per team; value: the most loaded team "
     "(tickets without a team not counted in the value).", "tickets", "down", None),
    ("load_assignee", "Load per assignee", "Open tickets per assignee; value: the most "
     "loaded person (unassigned tickets not counted in the value).", "tickets", "down",
     None),
    ("standup_throughput", "Stand-up throughput", "Items decided per stand-up held in the "
     "window; value: mean per stand-up.", "items", "up", None),
)

DEFINITIONS: Mapping[str, KpiDefinition] = MappingProxyType(
    {row[0]: KpiDefinition(*row) for row in _ROWS}
)
