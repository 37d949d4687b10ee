"""The queries behind raising from Slack, its threads, the App Home, the digest and the
stand-up throughput, on SQLite and PostgreSQL: a duplicate submit or Slack event is detected
in a savepoint, so the caller's transaction goes on (PostgreSQL aborts it otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import func, select

from hypercare.store import digest, home, kpi_records, raised, threads
from hypercare.store.engine import Store
from hypercare.store.tables import (
    Escalation,
    RaisedIssue,
    SlackEventSeen,
    Standup,
    StandupEntry,
    Ticket,
    TicketEvent,
)

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def report(key: str, *, reporter: str = "U1", minutes: int = 0, **values: Any) -> RaisedIssue:
    at = NOW + timedelta(minutes=minutes)
    return RaisedIssue(**{"idempotency_key": key, "state": "creating", "reporter": reporter,
                          "created_at": at, "updated_at": at, **values})


def ticket(odoo_id: int, **values: Any) -> Ticket:
    return Ticket(**{"odoo_id": odoo_id, "ref": f"HT{odoo_id:05d}",
                     "title": f"Ticket {odoo_id}", "created_at": NOW - timedelta(days=5),
                     **values})


def count(store: Store, table: type[RaisedIssue] | type[SlackEventSeen]) -> int:
    with store.session() as session:
        return int(session.exec(select(func.count()).select_from(table)).one())


def test_a_submit_raised_twice_is_one_report_and_the_transaction_goes_on(store: Store) -> None:
    with store.session() as session:
        first, fresh = raised.add_raised(report("K1"), session=session)
    with store.session() as session:
        again, fresh_again = raised.add_raised(report("K1", reporter="U2"), session=session)
        other, other_fresh = raised.add_raised(report("K2"), session=session)  # same session
    assert fresh and not fresh_again and other_fresh
    assert again == first and other != first
    assert count(store, RaisedIssue) == 2
    with store.session() as session:
        kept = raised.raised_by_key("K1", session=session)
        assert kept is not None and kept.reporter == "U1"


def test_a_slack_event_is_seen_once_and_the_transaction_goes_on(store: Store) -> None:
    with store.session() as session:
        assert threads.mark_event_seen("Ev1", kind="thread_reply", at=NOW, session=session)
    with store.session() as session:
        assert not threads.mark_event_seen("Ev1", kind="thread_reply", at=NOW, session=session)
        assert threads.mark_event_seen("Ev2", kind="thread_reply", at=NOW, session=session)
        session.add(report("K1"))  # the caller's own work, after the repeat, is kept
    assert count(store, SlackEventSeen) == 2 and count(store, RaisedIssue) == 1


def test_reports_by_reporter_thread_and_resolution(store: Store) -> None:
    with store.session() as session:
        rows = [report(f"K{i}", minutes=i, channel="C1", thread_ts=f"1.{i % 3}",
                       resolved_by="U1" if i % 2 else "",
                       resolved_at=NOW + timedelta(hours=i) if i % 2 else None)
                for i in range(4)]
        session.add_all([*rows, report("K9", reporter="U2", minutes=9)])
        session.flush()
        ids = [int(row.id or 0) for row in rows]
    with store.session() as session:
        assert raised.raised_ids_of("U1", limit=3, session=session) == ids[:0:-1]  # newest
        assert raised.raised_ids_of("", limit=3, session=session) == []
        # K0 and K3 share a thread: the first report is the one it follows
        assert raised.raised_id_by_thread("C1", "1.0", session=session) == ids[0]
        assert raised.raised_id_by_thread("C1", "1.1", session=session) == ids[1]
        assert raised.raised_id_by_thread("C1", "", session=session) is None
        assert raised.raised_id_by_thread("C2", "1.0", session=session) is None
        assert raised.count_resolved_locally(session=session) == 2
        assert raised.count_resolved_locally(since=NOW + timedelta(hours=2),
                                             session=session) == 1


def test_thread_events_after_the_cursor_grouped_per_report(store: Store) -> None:
    with store.session() as session:
        session.add(ticket(7))
        session.add(ticket(8))
        for key, odoo_id in (("A", 7), ("B", 8)):
            session.add(report(key, state="created", odoo_id=odoo_id, channel="C1",
                               thread_ts=key))
        session.add(report("C", state="created", odoo_id=8))  # not followed in a thread
        for n, (odoo_id, kind) in enumerate([(7, "public_reply"), (7, "note"),
                                             (7, "stage_changed"), (8, "public_reply")]):
            session.add(TicketEvent(ticket_odoo_id=odoo_id, source_key=f"msg:{n}", kind=kind,
                                    at=NOW + timedelta(minutes=n)))
    kinds = ("public_reply", "stage_changed")
    with store.session() as session:
        found = threads.unposted_thread_events(kinds, limit=5, session=session)
        first = threads.unposted_thread_events(kinds, limit=1, session=session)
        assert threads.ticket_ref(7, session=session) == "HT00007"
        assert threads.ticket_ref(9, session=session) is None
    assert [(r.idempotency_key, t.odoo_id, [e.kind for e in events])
            for r, t, events in found] == [("A", 7, ["public_reply", "stage_changed"]),
                                           ("B", 8, ["public_reply"])]
    assert [r.idempotency_key for r, _, _ in first] == ["A"]
    with store.session() as session:
        row = session.get(RaisedIssue, found[0][0].id)
        assert row is not None
        row.thread_cursor = max(int(e.id or 0) for e in found[0][2])
        session.add(row)
    with store.session() as session:
        left = threads.unposted_thread_events(kinds, limit=5, session=session)
    assert [r.idempotency_key for r, _, _ in left] == ["B"]


def test_the_company_of_a_partner_is_their_most_frequent_one(store: Store) -> None:
    with store.session() as session:
        for odoo_id, company, email, deleted in [
                (1, "Acme BE", "ann@x.be", False), (2, "Acme FR", "Ann@X.be", False),
                (3, "Acme FR", "ann@x.be", False), (4, "Acme DE", "ann@x.be", True),
                (5, "Acme DE", "ann@x.be", True), (6, "Acme DE", "ann@x.be", True),
                (7, "", "bob@x.be", False)]:
            session.add(ticket(odoo_id, company=company, partner_email=email, deleted=deleted))
    with store.session() as session:
        assert home.company_of_partner(" ANN@x.be ", session=session) == "Acme FR"
        assert home.company_of_partner("bob@x.be", session=session) == ""
        assert home.company_of_partner("", session=session) == ""


def test_recent_tickets_and_escalations_nobody_acknowledged(store: Store) -> None:
    with store.session() as session:
        session.add(ticket(1, company="Acme", team="Finance", created_at=NOW))
        session.add(ticket(2, is_closed=True, closed_at=NOW))
        session.add(ticket(3, created_at=NOW, deleted=True))
        session.add(ticket(4, created_at=NOW, active=False))
        session.add(ticket(5))  # created 5 days ago, still open
        for n, (subject, odoo_id, status) in enumerate([
                ("ticket:1", 1, "open"), ("ticket:2", 2, "acknowledged"),
                ("known_issue:3", None, "open")]):
            session.add(Escalation(subject=subject, ticket_odoo_id=odoo_id, level=n + 1,
                                   trigger="breach", trigger_key=f"k{n}", status=status,
                                   created_at=NOW))
    with store.session() as session:
        recent = digest.recent_tickets(NOW - timedelta(days=2), session=session)
        awaiting = digest.awaiting_escalations(session=session)
    assert sorted(recent) == [
        digest.RecentTicket(1, "Acme", "Finance", False, NOW, None),
        digest.RecentTicket(2, "", "", True, NOW - timedelta(days=5), NOW)]
    assert sorted(awaiting, key=lambda a: a.level) == [
        digest.AwaitingEscalation(1, 1, "Acme", "Finance"),
        digest.AwaitingEscalation(3, None, None, None)]


def test_standup_throughput_counts_items_decided_per_day(store: Store) -> None:
    with store.session() as session:
        days = [NOW, NOW + timedelta(hours=3), NOW + timedelta(days=1)]
        standups = [Standup(since=day, started_at=day) for day in days]
        session.add_all(standups)
        session.flush()
        for standup, items in zip(standups, (["T1", "T2"], ["T1"], ["T3"]), strict=True):
            for item in items:
                for field in ("category", "owner"):  # two fields: one item decided
                    session.add(StandupEntry(standup_id=int(standup.id or 0), item_ref=item,
                                             subject=f"ticket:{item}", field=field,
                                             value="x", decided_at=standup.started_at))
    with store.session() as session:
        assert kpi_records.standup_throughput(session=session) == [
            (NOW.date(), 3), ((NOW + timedelta(days=1)).date(), 1)]
