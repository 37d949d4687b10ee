"""Adoption KPIs read from Odoo: who works in it each day, what business flows through it,
and what piles up (overdue receivables, overdue activities, late deliveries).

Rules (see :func:`read_adoption`):

* Days are local days in ``timezone``. Each grouped read passes ``{"tz": timezone}`` in its
  context, so Odoo buckets datetimes by local day; a group's day comes from the UTC range Odoo
  sends with it (``__range`` up to 18, ``__extra_domain`` on 19), converted to local time.
  ``OdooClient.read_group`` takes no context, so these reads go through ``client.call``.
* Active users on a day: distinct ``write_uid`` of the records whose *last* write fell on that
  day, over the models in scope (archived records included): a record written again later only
  counts its latest writer. OdooBot (uid 1) and ``exclude_uids`` never count.
* "Today" for date fields (due dates, activity deadlines) is the local date of ``now``.
* Money is per currency, never added across currencies: account.move is grouped by
  ``company_id`` as well, its amounts are in each company's currency (``*_signed``), and
  ``res.company`` gives each company's currency (one read, archived companies included).
  Overdue receivables are a mapping currency code -> amount (every company's currency, 0.0
  when nothing is overdue in it).
* DSO, per currency = open receivables (posted customer invoices and credit notes,
  ``payment_state`` not_paid or partial, signed residual) / (signed invoiced total over the
  last 90 local days, today included, / 90); a currency without invoicing in that window has
  no DSO (and a note when it has open receivables). Never a ratio of money in two
  currencies.
* Each signal stands alone: a missing app, denied access or missing field adds a
  :class:`SignalNote` and leaves that signal out instead of failing the snapshot.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypercare.errors import OdooAccessError, OdooModelMissingError, OdooServerError
from hypercare.odoo.client import OdooClient
from hypercare.text import clean

DT_FMT = "%Y-%m-%d %H:%M:%S"
SYSTEM_UID = 1
DAILY_SIGNALS = ("quotations_created", "orders_confirmed", "invoices_posted",
                 "overdue_activities", "late_deliveries")
OPEN_STATES = ["not_paid", "partial"]
LATE_STATES = ["confirmed", "waiting", "assigned"]
DSO_WINDOW = 90
#: Receivable amount fields, best first: signed (company currency), unsigned (credit notes
#: negated here), none (counts only).
AMOUNT_FIELDS = (("amount_residual_signed", "amount_total_signed"),
                 ("amount_residual", "amount_total"), ())
MOVE_GROUPBY = ["company_id", "move_type", "payment_state", "invoice_date:day",
                "invoice_date_due:day"]
MOVE_SIGNALS = ["invoices_posted", "receivables_overdue_amount", "receivables_overdue_count"]
Row = dict[str, Any]
_T = TypeVar("_T")


@dataclass(frozen=True)
class SignalNote:
    signal: str
    reason: str


@dataclass(frozen=True)
class DailyCounts:
    day: date
    values: Mapping[str, float]


@dataclass(frozen=True)
class AdoptionSnapshot:
    start: date
    end: date
    active_users: Mapping[date, int]
    active_users_by_model: Mapping[date, Mapping[str, int]]
    login_active: int
    internal_users: int
    signals: tuple[DailyCounts, ...]
    receivables_overdue_amount: Mapping[str, float] | None
    """Currency code (``EUR``) -> overdue amount in it; None when amounts are unreadable."""
    receivables_overdue_count: int | None
    dso_days: Mapping[str, float] | None
    """Currency code -> DSO of the receivables in it (currencies with invoicing in the last
    :data:`DSO_WINDOW` days); None when amounts are unreadable."""
    overdue_activities: int | None
    late_deliveries: int | None
    notes: tuple[SignalNote, ...]


def read_adoption(
    client: OdooClient,
    *,
    models: Sequence[str],
    start: date,
    end: date,
    timezone: str,
    now: datetime,
    exclude_uids: Collection[int] = (),
) -> AdoptionSnapshot:
    """Adoption over the local days ``start``..``end`` and backlog signals at ``now``.

    RPC calls: one grouped read per model in scope, then one each on res.users, sale.order,
    account.move, res.company (each company's currency), mail.activity and stock.picking
    (account.move is read again only when an amount field is missing)."""
    if end < start or now.tzinfo is None:
        raise ValueError("need start <= end and a timezone-aware now")
    return _Reader(client, ZoneInfo(timezone), start, end, now, exclude_uids).snapshot(models)


class _Reader:
    def __init__(self, client: OdooClient, tz: ZoneInfo, start: date, end: date, now: datetime,
                 exclude_uids: Collection[int]) -> None:
        self.client, self.tz, self.start, self.end = client, tz, start, end
        self.now, self.today = now.astimezone(UTC), now.astimezone(tz).date()
        self.excluded = {SYSTEM_UID, *exclude_uids}
        self.days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        self.notes: list[SignalNote] = []
        self.daily: dict[str, dict[date, float]] = {}

    def snapshot(self, models: Sequence[str]) -> AdoptionSnapshot:
        by_model: dict[date, dict[str, int]] = {day: {} for day in self.days}
        users: dict[date, set[int]] = defaultdict(set)
        for model in models:
            per_day = self._try(model, [f"active_users:{model}"], partial(self._writers, model))
            if per_day is None:
                continue
            for day in self.days:
                writers = per_day.get(day, set())
                by_model[day][model] = len(writers)
                users[day] |= writers
        login_active, internal = self._users()
        self._sales()
        overdue_amount, overdue_count, dso = self._receivables()
        deadline = ("date_deadline", "<", self.today.isoformat())
        overdue = self._backlog("mail.activity", "overdue_activities", [deadline], "create_date")
        late = [("picking_type_code", "=", "outgoing"), ("state", "in", LATE_STATES)]
        late.append(("scheduled_date", "<", self.now.strftime(DT_FMT)))
        late_count = self._backlog("stock.picking", "late_deliveries", late, "scheduled_date")
        read = [key for key in DAILY_SIGNALS if key in self.daily]
        return AdoptionSnapshot(
            start=self.start,
            end=self.end,
            active_users={day: len(users[day]) for day in self.days},
            active_users_by_model=by_model,
            login_active=login_active,
            internal_users=internal,
            signals=tuple(
                DailyCounts(day, {key: self.daily[key].get(day, 0.0) for key in read})
                for day in self.days
            ),
            receivables_overdue_amount=overdue_amount,
            receivables_overdue_count=overdue_count,
            dso_days=dso,
            overdue_activities=overdue,
            late_deliveries=late_count,
            notes=tuple(self.notes),
        )

    # -- reading ------------------------------------------------------------------------------

    def _try(self, model: str, signals: Sequence[str], read: Callable[[], _T]) -> _T | None:
        """``read()``, or None with a note per signal when the app, access or a field is missing."""
        try:
            return read()
        except OdooModelMissingError:
            reason = f"{model} not installed"
        except OdooAccessError:
            reason = f"access denied to {model}"
        except OdooServerError as exc:
            reason = f"{model}: {exc.message}"
        self.notes.extend(SignalNote(signal, reason) for signal in signals)
        return None

    def _grouped(self, model: str, domain: list[Any], groupby: Sequence[str],
                 aggs: Sequence[str] = (), *, archived: bool = False) -> list[Row]:
        """One grouped read with local-day buckets (and archived records when ``archived``)."""
        context: dict[str, Any] = {"tz": self.tz.key}
        if archived:
            context["active_test"] = False
        kw: dict[str, Any] = {"fields": list(aggs), "lazy": False}
        method = "read_group"
        if self.client.info.major >= 19:
            method, kw = "formatted_read_group", {"aggregates": ["__count", *aggs]}
        rows = self.client.call(model, method, domain=domain, groupby=list(groupby),
                                context=context, **kw)
        return list(rows or [])

    def _in_range(self, name: str) -> list[Any]:
        def utc(day: date) -> str:
            local = datetime.combine(day, datetime.min.time(), self.tz)
            return local.astimezone(UTC).strftime(DT_FMT)

        return ["&", (name, ">=", utc(self.start)), (name, "<", utc(self.end + timedelta(days=1)))]

    def _count_by_day(self, signal: str, rows: list[Row], spec: str,
                      keep: Callable[[Row], bool] = bool) -> None:
        counts = self.daily.setdefault(signal, {})
        for row in rows:
            day = group_day(row, spec, self.tz)
            if day is not None and self.start <= day <= self.end and keep(row):
                counts[day] = counts.get(day, 0.0) + int(row.get("__count") or 0)

    # -- signals ------------------------------------------------------------------------------

    def _writers(self, model: str) -> dict[date, set[int]]:
        groupby = ["write_date:day", "write_uid"]
        rows = self._grouped(model, self._in_range("write_date"), groupby, archived=True)
        out: dict[date, set[int]] = defaultdict(set)
        for row in rows:
            day, uid = group_day(row, groupby[0], self.tz), many2one_id(row.get("write_uid"))
            if day is not None and uid is not None and uid not in self.excluded:
                out[day].add(uid)
        return out

    def _users(self) -> tuple[int, int]:
        """(internal users seen in the last 7 days, active internal users); 0s when unreadable."""
        search = partial(self.client.search_read, "res.users", [("share", "=", False)])
        rows = self._try("res.users", ["login_active", "internal_users"],
                         partial(search, ["login_date"]))
        people = [row for row in rows or () if int(row["id"]) not in self.excluded]
        since = (self.now - timedelta(days=7)).strftime(DT_FMT)
        return sum(1 for row in people if (row.get("login_date") or "") >= since), len(people)

    def _sales(self) -> None:
        """Quotations by creation day and confirmed orders by order day, in one grouped read."""
        domain = ["|", *self._in_range("create_date"), *self._in_range("date_order")]
        groupby = ["create_date:day", "date_order:day", "state"]
        rows = self._try("sale.order", ["quotations_created", "orders_confirmed"],
                         partial(self._grouped, "sale.order", domain, groupby))
        if rows is not None:
            self._count_by_day("quotations_created", rows, groupby[0])
            self._count_by_day("orders_confirmed", rows, groupby[1], _confirmed)

    def _receivables(self) -> tuple[dict[str, float] | None, int | None,
                                    dict[str, float] | None]:
        """Invoices posted per day, overdue receivables and DSO per currency, in one grouped
        read (by company) and one read of the companies' currencies."""
        window = self.today - timedelta(days=DSO_WINDOW - 1)
        since, until = min(self.start, window).isoformat(), max(self.end, self.today).isoformat()
        domain: list[Any] = [("move_type", "in", ["out_invoice", "out_refund"])]
        domain.append(("state", "=", "posted"))
        domain += ["|", "&", ("invoice_date", ">=", since), ("invoice_date", "<=", until)]
        domain.append(("payment_state", "in", OPEN_STATES))

        def read() -> tuple[list[Row], list[str]]:
            error = OdooServerError("account.move: no grouped read")
            for fields in AMOUNT_FIELDS:
                aggs = [f"{name}:sum" for name in fields]
                try:
                    return self._grouped("account.move", domain, MOVE_GROUPBY, aggs), aggs
                except OdooServerError as exc:  # most likely a missing amount field
                    error = exc
            raise error

        result = self._try("account.move", [*MOVE_SIGNALS, "dso_days"], read)
        if result is None:
            return None, None, None
        rows, aggs = result
        self._count_by_day("invoices_posted", rows, "invoice_date:day", _customer_invoice)
        count = sum(int(row.get("__count") or 0) for row in rows if self._overdue(row))
        if not aggs:
            why = "account.move has no residual/total amount fields"
            self.notes += [SignalNote(s, why) for s in ("receivables_overdue_amount", "dso_days")]
            return None, count, None
        currencies = self._try("res.company", ["receivables_overdue_amount", "dso_days"],
                               self._currencies)
        if currencies is None:
            return None, count, None
        overdue, dso = self._amounts(rows, aggs, window, currencies)
        return overdue, count, dso

    def _overdue(self, row: Row) -> bool:
        due = group_day(row, "invoice_date_due:day", self.tz)
        return row.get("payment_state") in OPEN_STATES and due is not None and due < self.today

    def _currencies(self) -> dict[int, str]:
        """Each company's currency code (``EUR``) by company id, archived companies too."""
        rows = self.client.search_read("res.company", [], ["currency_id"],
                                       context={"active_test": False})
        found = {}
        for row in rows:
            value = row.get("currency_id")
            code = clean(value[1], multiline=False).strip() if (
                isinstance(value, list | tuple) and len(value) > 1) else ""
            if code and isinstance(row.get("id"), int):
                found[int(row["id"])] = code
        return found

    def _amounts(self, rows: list[Row], aggs: list[str], window: date,
                 currencies: Mapping[int, str]) -> tuple[dict[str, float], dict[str, float]]:
        """Overdue receivables and DSO per currency: each company's rows go to its
        currency; money in two currencies is never added."""
        overdue = dict.fromkeys(sorted(set(currencies.values())), 0.0)
        open_total: dict[str, float] = defaultdict(float)
        invoiced: dict[str, float] = defaultdict(float)
        unknown = 0
        signed = aggs[0].startswith("amount_residual_signed")
        for row in rows:
            company = many2one_id(row.get("company_id"))
            code = currencies.get(company) if company is not None else None
            if code is None:
                unknown += int(row.get("__count") or 0)
                continue
            sign = -1.0 if not signed and row.get("move_type") == "out_refund" else 1.0
            residual = sign * aggregate(row, aggs[0])
            day = group_day(row, "invoice_date:day", self.tz)
            if row.get("payment_state") in OPEN_STATES:
                open_total[code] += residual
                if self._overdue(row):
                    overdue[code] += residual
            if day is not None and window <= day <= self.today:
                invoiced[code] += sign * aggregate(row, aggs[1])
        if unknown:
            why = f"{unknown} invoices of a company without a readable currency left out"
            self.notes += [SignalNote(s, why) for s in ("receivables_overdue_amount", "dso_days")]
        dso = {}
        for code in overdue:
            if invoiced[code] > 0:
                dso[code] = open_total[code] / (invoiced[code] / DSO_WINDOW)
            elif open_total[code]:  # receivables but no invoicing: DSO has no meaning
                why = f"no sales invoiced in {code} in the last {DSO_WINDOW} days"
                self.notes.append(SignalNote("dso_days", why))
        return overdue, dso

    def _backlog(self, model: str, signal: str, domain: list[Any], field: str) -> int | None:
        """Records late at ``now``: in total, and per local day of ``field``."""
        spec = f"{field}:day"
        rows = self._try(model, [signal], partial(self._grouped, model, domain, [spec]))
        if rows is None:
            return None
        self._count_by_day(signal, rows, spec)
        return sum(int(row.get("__count") or 0) for row in rows)


def _confirmed(row: Row) -> bool:
    return row.get("state") in ("sale", "done")


def _customer_invoice(row: Row) -> bool:
    return row.get("move_type") == "out_invoice"


def many2one_id(value: Any) -> int | None:
    """The id of a grouped many2one value (``[id, name]``, ``id`` or ``False``)."""
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def aggregate(row: Mapping[str, Any], spec: str) -> float:
    """An aggregate of a grouped row: ``"f:sum"`` on 19, ``"f"`` up to 18."""
    value = row.get(spec, row.get(spec.split(":")[0]))
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def group_day(row: Mapping[str, Any], spec: str, tz: ZoneInfo) -> date | None:
    """The local day of a ``field:day`` group, from the range Odoo sent with it."""
    name = spec.split(":")[0]
    start: Any = ((row.get("__range") or {}).get(spec) or {}).get("from")
    for leaf in row.get("__extra_domain") or ():
        if start is None and isinstance(leaf, list | tuple) and list(leaf[:2]) == [name, ">="]:
            start = leaf[2]
    if not isinstance(start, str) or not start:
        value = row.get(spec)
        start = value[0] if isinstance(value, list | tuple) and value else value
        if not isinstance(start, str) or not start:
            return None
        try:
            return date.fromisoformat(start[:10])  # 19: the group's start, in local time
        except ValueError:
            return datetime.strptime(start, "%d %b %Y").date()  # <=18 label (en_US)
    if len(start) > 10:
        return datetime.strptime(start[:19], DT_FMT).replace(tzinfo=UTC).astimezone(tz).date()
    return date.fromisoformat(start[:10])
