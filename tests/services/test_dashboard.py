"""The dashboard against the seeded world: tiles, SLA watch, category mix, escalations."""

from __future__ import annotations

from datetime import timedelta

from hypercare.services import Dashboard, KpiTile, Services
from hypercare.services.kpi.dashboard import TILE_KEYS
from tests.services.conftest import AGENT, LEAD, NOW
from tests.support import Clock, viewer


def test_tiles_follow_the_30_day_board(services: Services) -> None:
    lea = viewer(services, LEAD)
    board = services.kpis.board(days=30)
    view = services.dashboard.dashboard(viewer=lea)
    assert isinstance(view, Dashboard) and view.now == NOW
    assert view.timezone == "Europe/Brussels"
    keys = [tile.key for tile in view.tiles]
    assert keys == [key for key in TILE_KEYS if board.get(key) is not None]
    assert keys[:4] == ["open_backlog", "open_s1", "inflow", "outflow"]
    for tile in view.tiles:
        assert isinstance(tile, KpiTile)
        kpi = board.get(tile.key)
        assert kpi is not None
        assert (tile.value, tile.unit, tile.direction, tile.target, tile.definition) == (
            kpi.value, kpi.unit, kpi.direction, kpi.target, kpi.definition)
        assert tile.on_target == kpi.on_target
        assert tile.spark == tuple(value for _, value in kpi.series[-14:])
        assert len(tile.spark) <= 14
    backlog = next(tile for tile in view.tiles if tile.key == "open_backlog")
    assert backlog.value == 7
    series = dict(board.get("open_backlog").series)  # type: ignore[union-attr]
    last_day = max(series)
    assert backlog.week_delta == series[last_day] - series[last_day - timedelta(days=7)]
    # the world's tickets are at most ~9 days old: a week ago fewer were open
    assert backlog.week_delta is not None and backlog.week_delta > 0
    breaches = next(tile for tile in view.tiles if tile.key == "sla_breaches")
    assert breaches.spark == () and breaches.week_delta is None  # a KPI without a series


def test_sla_watch_category_mix_and_counts(services: Services) -> None:
    sam = viewer(services, AGENT)
    view = services.dashboard.dashboard(viewer=sam)
    assert [row.ref for row in view.sla_watch] == [
        "HT00008", "HT00001", "HT00005", "HT00003", "HT00002"]
    assert (view.breached, view.at_risk) == (3, 2)
    masked = next(row for row in view.sla_watch if row.ref == "HT00005")
    assert masked.title == "Confidential ticket"
    assert dict(view.category_mix) == {"defect": 3, "unclassified": 2, "training_gap": 1,
                                       "policy_ambiguity": 1}
    assert view.category_mix[0] == ("defect", 3)
    counts = [count for _, count in view.category_mix]
    assert counts == sorted(counts, reverse=True)
    assert view.sync.tickets == 8 and view.sync.open_tickets == 7
    assert view.readiness.criteria  # evaluated from the same board


def test_given_rows_are_used(services: Services) -> None:
    lea = viewer(services, LEAD)
    rows = services.queue.load_rows(viewer=lea)
    only_one = [row for row in rows if row.ref == "HT00002"]
    view = services.dashboard.dashboard(viewer=lea, rows=only_one)
    assert [row.ref for row in view.sla_watch] == ["HT00002"]
    assert view.category_mix == (("training_gap", 1),)


def test_awaiting_ack_newest_first(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    sam = viewer(services, AGENT)
    view = services.dashboard.dashboard(viewer=lea)
    assert [e.ref for e in view.awaiting_ack] == ["HT00001"]
    assert view.awaiting_ack_total == 1
    seeded = view.awaiting_ack[0]
    assert (seeded.level, seeded.level_name, seeded.trigger, seeded.status) == (
        2, "functional lead", "breach", "open")
    clock.advance(minutes=5)
    services.sla.escalate(ref="HT00005", viewer=lea, reason="payroll run tonight")
    clock.advance(minutes=5)
    services.sla.escalate(ref="HT00001", viewer=lea)  # L3: waits for approval
    for view_for, title in ((lea, "Payslip of Jane Doe shows the wrong salary"),
                            (sam, "Confidential ticket")):
        board = services.dashboard.dashboard(viewer=view_for)
        assert [(e.ref, e.status) for e in board.awaiting_ack] == [
            ("HT00001", "pending_approval"), ("HT00005", "open"), ("HT00001", "open")]
        assert board.awaiting_ack[1].title == title
        assert board.awaiting_ack_total == 3
    services.sla.acknowledge(escalation_id=seeded.id, viewer=lea)
    assert services.dashboard.dashboard(viewer=lea).awaiting_ack_total == 2
    for ref in ("HT00002", "HT00003", "HT00004"):
        for _ in range(4):  # L1 .. L4
            clock.advance(minutes=1)
            services.sla.escalate(ref=ref, viewer=lea)
    later = services.dashboard.dashboard(viewer=lea)
    assert later.awaiting_ack_total == 2 + 12
    assert len(later.awaiting_ack) == 10
    assert (later.awaiting_ack[0].ref, later.awaiting_ack[0].level) == ("HT00004", 4)


def test_top_known_issues_by_linked_tickets(services: Services) -> None:
    lea = viewer(services, LEAD)
    small = services.known_issues.create(title="Logo", viewer=lea, ticket_refs=("HT00004",))
    big = services.known_issues.create(title="VAT", viewer=lea,
                                       ticket_refs=("HT00001", "HT00003", "HT00008"))
    gone = services.known_issues.create(title="Old", viewer=lea, ticket_refs=("HT00002",))
    services.known_issues.set_status(known_issue_id=gone.id, status="closed", viewer=lea)
    for number in range(5):
        services.known_issues.create(title=f"empty {number}", viewer=lea)
    view = services.dashboard.dashboard(viewer=lea)
    assert len(view.known_issues) == 5
    assert [k.id for k in view.known_issues[:2]] == [big.id, small.id]
    assert [k.linked for k in view.known_issues[:2]] == [3, 1]
    assert gone.id not in [k.id for k in view.known_issues]


def test_the_sync_panel_counts_the_tickets_the_queue_shows(services: Services) -> None:
    lea = viewer(services, LEAD)
    # "41 of 157" in the queue header and "41 open of 163 tickets" in the dashboard's sync
    # panel: the panel counted archived tickets, which the queue leaves out.
    from sqlalchemy import update

    from hypercare.store.tables import Ticket

    rows = services.queue.load_rows(viewer=lea)
    archived = rows[0].odoo_id
    with services.context.store().session() as session:
        session.execute(update(Ticket).where(Ticket.odoo_id == archived)  # type: ignore[arg-type]
                        .values(active=False))
    rows = services.queue.load_rows(viewer=lea)
    assert archived not in {row.odoo_id for row in rows}
    status = services.sync.sync_status()
    assert status.tickets == len(rows)
    assert status.open_tickets == sum(not row.is_closed for row in rows)
