"""Money signals kept per currency in the adoption table (``receivables_overdue_amount:EUR``),
on SQLite and PostgreSQL: read back by prefix (``_`` in a key is no wildcard), and a day's
set replaced by the next read of that day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypercare.store import kpi_records
from hypercare.store.engine import Store

NOW = datetime(2026, 11, 30, 9, 30, tzinfo=UTC)
DAY1, DAY2 = date(2026, 11, 29), date(2026, 11, 30)
KEY = "receivables_overdue_amount"



def row(day: date, key: str, value: float) -> dict[str, Any]:
    return {"day": day, "key": key, "value": value, "taken_at": NOW}


def test_per_currency_keys_read_back_and_replace(store: Store) -> None:
    with store.session() as session:
        kpi_records.save_adoption([
            row(DAY1, f"{KEY}:EUR", 100.0), row(DAY2, f"{KEY}:EUR", 12030.5),
            row(DAY2, f"{KEY}:USD", 52596.3), row(DAY2, KEY, 64626.8),  # an old summed key
            row(DAY2, "receivablesXoverdueXamount:GBP", 1.0),  # "_" is no wildcard
            row(DAY2, "dso_days:EUR", 41.0)], session=session)
    with store.session() as session:
        found = kpi_records.adoption_histories(KEY, since=DAY1, session=session)
    assert found == {"EUR": [(DAY1, 100.0), (DAY2, 12030.5)], "USD": [(DAY2, 52596.3)]}
    with store.session() as session:
        kpi_records.clear_adoption(KEY, day=DAY2, session=session)
        kpi_records.save_adoption([row(DAY2, f"{KEY}:EUR", 64626.8)], session=session)
    with store.session() as session:
        found = kpi_records.adoption_histories(KEY, since=DAY1, session=session)
        dso = kpi_records.adoption_histories("dso_days", since=DAY1, session=session)
        summed = kpi_records.adoption_history(KEY, since=DAY1, session=session)
    assert found == {"EUR": [(DAY1, 100.0), (DAY2, 64626.8)]}  # USD gone from that day
    assert dso == {"EUR": [(DAY2, 41.0)]} and summed == [(DAY2, 64626.8)]
