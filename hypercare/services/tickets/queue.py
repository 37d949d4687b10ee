"""The live ticket queue: every ticket as a flat row, and pure filtering, sorting and counting.

``QueueService.load_rows`` reads the store in one joined select; the front end keeps the
rows and re-filters them on each keystroke with :func:`filter_rows` (no store round trip),
re-reading only when :meth:`QueueService.fingerprint` changes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from itertools import chain, compress, repeat
from operator import attrgetter, contains, eq, not_
from typing import Any

from hypercare.errors import UsageError
from hypercare.services.access import MASKED_TITLE, Viewer
from hypercare.services.context import ServiceContext
from hypercare.services.tickets.queue_order import ORDERS
from hypercare.services.tickets.queue_row import QueueRow
from hypercare.store import queue_rows as queries
from hypercare.store.batches import RowStream
from hypercare.store.triage_records import get_state, set_state

SORTS: tuple[str, ...] = ("urgency", "created", "updated", "severity", "ref", "company",
                          "assignee")
STATUSES = ("open", "closed", "all")
VIEW_PREFIX = "queue_view:"
_URGENCY = {"breached": 0, "at_risk": 1}


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows, and in which order. The defaults: open tickets, most urgent first."""

    company: str = ""
    category: str = ""
    """``unclassified`` matches both ``unclassified`` and never classified ("")."""
    severity: int = 0
    sla_state: str = ""
    app: str = ""
    team: str = ""
    assignee: str = ""
    """``-`` means unassigned."""
    status: str = "open"
    """open, closed or all."""
    escalated: bool = False
    unclassified: bool = False
    known_issue: str = ""
    """"" any, ``linked``, ``unlinked``, or one known issue (``KI-3``)."""
    search: str = ""
    """Every whitespace-separated word must occur in the row's ``search_text``."""
    sort: str = "urgency"
    """One of :data:`SORTS`."""
    descending: bool = False


@dataclass(frozen=True)
class QueueCounts:
    """Counts for the queue's header line."""

    total: int
    shown: int
    open: int
    breached: int
    at_risk: int
    unclassified: int
    escalated: int


def filter_rows(rows: Sequence[QueueRow], query: QueueFilter) -> list[QueueRow]:
    """The rows ``query`` selects, in its order. Pure.

    Each active criterion is one pass over what the previous ones kept, run in C
    (``compress`` over ``map`` of ``attrgetter`` and ``operator``): no Python call per
    row, which is what keeps 50,000 rows within a keystroke's budget."""
    if query.status not in STATUSES:
        raise UsageError(f"unknown status {query.status!r}", hint="Use open, closed or all.")
    order = ORDERS.get(query.sort)
    if order is None:
        raise UsageError(f"unknown sort {query.sort!r}", hint=f"Use one of {', '.join(SORTS)}.")
    kept: list[QueueRow] = list(rows)
    for select in _selectors(query):
        kept = list(compress(kept, select(kept)))
    for word in query.search.lower().split():
        kept = list(compress(kept, map(contains, map(_TEXT, kept), repeat(word))))
    kept = order(kept)
    if query.descending:
        kept.reverse()
    return kept


Selector = Callable[[list[QueueRow]], Iterable[Any]]
"""Rows -> one truth value per row (lazily, evaluated in C)."""

_CLOSED, _TEXT, _CATEGORY, _LEVEL, _ISSUE, _STATE = (
    attrgetter("is_closed"), attrgetter("search_text"), attrgetter("category"),
    attrgetter("escalation_level"), attrgetter("known_issue"), attrgetter("sla_state"))
_UNCLASSIFIED = frozenset(("unclassified", ""))


def _selectors(query: QueueFilter) -> list[Selector]:
    """The active criteria, the exact matches (most selective) first."""
    exact: list[Selector] = []
    broad: list[Selector] = []
    wanted: dict[str, Any] = {name: getattr(query, name)
                              for name in ("company", "app", "team", "sla_state", "severity")}
    wanted["assignee"] = "" if query.assignee == "-" else query.assignee or None
    if query.category and query.category != "unclassified":
        wanted["category"] = query.category
    if query.known_issue not in ("", "linked", "unlinked"):
        wanted["known_issue"] = query.known_issue
    for name, value in wanted.items():
        if value or (name == "assignee" and value == ""):
            exact.append(_equals(name, value))
    if query.status != "all":
        flags = (lambda rows: map(not_, map(_CLOSED, rows))) if query.status == "open" else (
            lambda rows: map(_CLOSED, rows))
        broad.append(flags)
    if query.category == "unclassified" or query.unclassified:
        broad.append(lambda rows: map(contains, repeat(_UNCLASSIFIED), map(_CATEGORY, rows)))
    if query.escalated:
        broad.append(lambda rows: map(_LEVEL, rows))  # levels are 0 or more: 0 is false
    if query.known_issue == "linked":
        broad.append(lambda rows: map(_ISSUE, rows))
    elif query.known_issue == "unlinked":
        broad.append(lambda rows: map(not_, map(_ISSUE, rows)))
    return exact + broad


def _equals(name: str, value: Any) -> Selector:
    get = attrgetter(name)
    return lambda rows: map(eq, map(get, rows), repeat(value))


def count_rows(total: int, shown: Sequence[QueueRow]) -> QueueCounts:
    """Header counts over the shown rows (``total``: the rows before filtering), counted in
    C like :func:`filter_rows` filters (no tuple per row: allocating 50,000 of them woke the
    garbage collector, which then walked every row)."""
    by_state, by_category = Counter(map(_STATE, shown)), Counter(map(_CATEGORY, shown))
    return QueueCounts(
        total=total,
        shown=len(shown),
        open=list(map(_CLOSED, shown)).count(False),
        breached=by_state["breached"],
        at_risk=by_state["at_risk"],
        unclassified=by_category["unclassified"] + by_category[""],
        escalated=len(shown) - list(map(_LEVEL, shown)).count(0),
    )


def facets(rows: Sequence[QueueRow]) -> dict[str, tuple[str, ...]]:
    """The distinct non-empty values of each filterable text column, sorted."""
    names = ("company", "app", "team", "assignee", "category", "sla_state", "known_issue")
    return {name: tuple(sorted({getattr(row, name) for row in rows} - {""}))
            for name in names}


class QueueService:
    """Reads the queue's rows and keeps each user's saved views."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def load_rows(self, *, viewer: Viewer, open_only: bool = False) -> list[QueueRow]:
        """Every live ticket ``viewer`` may see (only the open ones with ``open_only``) as a
        queue row, oldest first, confidential titles masked for them."""
        from hypercare.services.triage.calendars import always_open_calendars

        always_open = always_open_calendars(self._context.settings)
        with self._context.store().session() as session:
            found = queries.queue_rows(session=session, open_only=open_only)
            return _rows(found, viewer=viewer, always_open=always_open)

    def fingerprint(self) -> str:
        """A short string that changes whenever anything :meth:`load_rows` shows may have
        changed (cheap: a handful of aggregates in one statement)."""
        with self._context.store().session() as session:
            values = queries.queue_fingerprint(session=session)
        return "|".join("" if v is None else str(v) for v in values)

    # -- saved views -----------------------------------------------------------------------

    def save_view(self, *, user: str, name: str, query: QueueFilter) -> None:
        """Save (or replace) a named filter for ``user``."""
        name = name.strip()
        if not name:
            raise UsageError("a saved view needs a name")
        now = self._context.clock()
        with self._context.store().session() as session:
            set_state(_view_key(user, name), json.dumps(asdict(query), sort_keys=True),
                      now=now, session=session)

    def list_views(self, *, user: str) -> dict[str, QueueFilter]:
        """``user``'s saved views by name, sorted by name."""
        prefix = _view_key(user, "")
        with self._context.store().session() as session:
            found = queries.states_with_prefix(prefix, session=session)
        views = {key[len(prefix):]: _filter_from(value) for key, value in found}
        return dict(sorted(views.items()))

    def delete_view(self, *, user: str, name: str) -> bool:
        """Drop a saved view; False when ``user`` has none by that name."""
        with self._context.store().session() as session:
            return queries.delete_state(_view_key(user, name.strip()), session=session)

    def get_view(self, *, user: str, name: str) -> QueueFilter | None:
        """One saved view (None when there is none by that name)."""
        with self._context.store().session() as session:
            value = get_state(_view_key(user, name.strip()), session=session)
        return _filter_from(value) if value is not None else None


def _rows(found: RowStream, *, viewer: Viewer,
          always_open: frozenset[str] = frozenset({"24x7"})) -> list[QueueRow]:
    """Store rows (see ``queue_rows``) as QueueRows for ``viewer``: only their companies,
    confidential tickets masked unless they may read them (:mod:`hypercare.services.access`).
    ``always_open``: the names of the calendars that run 24x7.

    Each value is read by its column's name (its position looked up once); each store row
    is dropped once its QueueRow is made, so no more objects are held per ticket than its
    QueueRow and its times."""
    at = found.positions()
    odoo_id, ref, title, company, team, app = (
        at["odoo_id"], at["ref"], at["title"], at["company"], at["team"], at["app"])
    category, severity, state, left, due = (
        at["category"], at["severity"], at["sla_state"], at["sla_minutes_left"], at["sla_due_at"])
    assignee, stage, closed, level, issue = (
        at["assignee"], at["stage"], at["is_closed"], at["escalation_level"], at["known_issue"])
    confidential, created, updated = at["confidential"], at["created_at"], at["updated_at"]
    partner, email, calendar = at["partner_name"], at["partner_email"], at["sla_calendar"]
    first = next(found.rows, None)
    if first is None:
        return []
    # the store gives every time alike: ISO text (SQLite) or datetimes (PostgreSQL)
    when = datetime.fromisoformat if isinstance(first[created] or first[updated], str) else (
        _parse_time)
    companies = viewer.companies
    rows: list[QueueRow] = []
    append = rows.append
    for row in chain((first,), found.rows):
        where = row[company]
        if companies is not None and where not in companies:
            continue
        key, headline, group, module, person, step = (
            row[ref], row[title], row[team], row[app], row[assignee], row[stage])
        hidden = bool(row[confidential])
        if hidden and not viewer.sees_confidential(reporter_email=row[email]):
            headline = MASKED_TITLE  # neither the title nor the reporter can be searched for
            words = f"{key} {where} {group} {module} {person} {step}"
        else:
            words = f"{key} {headline} {where} {group} {module} {person} {row[partner]} {step}"
        append(QueueRow(
            odoo_id=row[odoo_id], ref=key, title=headline, company=where, team=group,
            app=module, category=row[category], severity=row[severity], sla_state=row[state],
            sla_minutes_left=row[left], sla_due_at=row[due] and when(row[due]),
            assignee=person, stage=step, is_closed=bool(row[closed]),
            escalation_level=row[level], known_issue=row[issue], confidential=hidden,
            created_at=row[created] and when(row[created]),
            updated_at=row[updated] and when(row[updated]), search_text=words.lower(),
            sla_24x7=row[calendar] in always_open))
    return rows


def _view_key(user: str, name: str) -> str:
    return f"{VIEW_PREFIX}{user}:{name}"


def _filter_from(value: str) -> QueueFilter:
    """A saved filter; unknown keys (from another version) are ignored, bad JSON gives the
    default filter rather than an error."""
    try:
        data = json.loads(value)
    except ValueError:
        return QueueFilter()
    if not isinstance(data, dict):
        return QueueFilter()
    known = {f.name: f for f in fields(QueueFilter)}
    kept: dict[str, Any] = {}
    for name, item in data.items():
        spec = known.get(name)
        if spec is None:
            continue
        default = spec.default
        if isinstance(default, bool):
            kept[name] = bool(item)
        elif isinstance(default, int) and isinstance(item, int | float):
            kept[name] = int(item)
        elif isinstance(default, str) and isinstance(item, str):
            kept[name] = item
    return QueueFilter(**kept)


def _parse_time(value: Any) -> datetime:
    """A time as the store reads it: ISO 8601 text with offset (SQLite) or an aware datetime."""
    if value.__class__ is str:
        return datetime.fromisoformat(value)
    moment: datetime = value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
