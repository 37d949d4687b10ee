"""A known issue's broadcast history: one entry per status change or workaround."""

from __future__ import annotations

import pytest
from sqlmodel import select

from hypercare.services import Services
from hypercare.services.problems.known_issues import KnownIssueNotFoundError
from hypercare.store.tables import OutboxMessage
from tests.services.conftest import LEAD
from tests.support import Clock, viewer


def _issue(services: Services, *refs: str) -> int:
    lea = viewer(services, LEAD)
    return services.known_issues.create(title="Credit note lines lose the analytic account",
                                        viewer=lea, ticket_refs=refs).id


def test_no_broadcast_before_any_change(services: Services) -> None:
    issue = _issue(services, "HT00001", "HT00003")
    assert services.known_issues.broadcasts(known_issue_id=issue) == []


def test_status_change_and_workaround_each_broadcast_to_every_reporter(
        services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    # HT00001 and HT00003 share a reporter (ann@): one message per reporter per change
    issue = _issue(services, "HT00001", "HT00003", "HT00005")
    services.known_issues.set_status(known_issue_id=issue, status="fix_in_test", viewer=lea)
    clock.advance(hours=1)
    services.known_issues.set_workaround(known_issue_id=issue, text="Post it by hand", viewer=lea)

    history = services.known_issues.broadcasts(known_issue_id=issue)

    assert [b.change for b in history] == ["workaround", "status:fix_in_test"]
    newest, oldest = history
    assert newest.at is not None and oldest.at is not None and newest.at > oldest.at
    assert oldest.recipients == 2 and newest.recipients == 2  # ann@ and jane@
    assert sum(oldest.states.values()) == 2
    assert "fix in test" in oldest.detail and LEAD in oldest.detail
    assert "workaround" in newest.detail


def test_delivery_states_are_counted(services: Services) -> None:
    lea = viewer(services, LEAD)
    issue = _issue(services, "HT00001", "HT00005")
    services.known_issues.set_status(known_issue_id=issue, status="closed", viewer=lea)
    with services.context.store().session() as session:
        row = session.exec(select(OutboxMessage)
                           .where(OutboxMessage.kind == "known_issue_broadcast")).first()
        assert row is not None
        row.state = "sent"
        session.add(row)
    [closed] = services.known_issues.broadcasts(known_issue_id=issue)
    assert closed.change == "status:closed"
    assert closed.states.get("sent") == 1
    assert sum(closed.states.values()) == closed.recipients == 2


def test_broadcasts_of_one_issue_only(services: Services) -> None:
    lea = viewer(services, LEAD)
    first = _issue(services, "HT00001")
    second = _issue(services, "HT00002")
    # ids 1 and 11 would share the prefix "ki:1" without the separator: make enough issues
    for _ in range(8):
        _issue(services)
    eleventh = _issue(services, "HT00003")
    assert eleventh == 11 and first == 1
    services.known_issues.set_status(known_issue_id=second, status="fix_in_test", viewer=lea)
    services.known_issues.set_status(known_issue_id=eleventh, status="closed", viewer=lea)
    assert services.known_issues.broadcasts(known_issue_id=first) == []
    assert [b.change for b in services.known_issues.broadcasts(known_issue_id=second)] == \
        ["status:fix_in_test"]
    assert [b.change for b in services.known_issues.broadcasts(known_issue_id=eleventh)] == \
        ["status:closed"]


def test_unknown_issue_is_an_error(services: Services) -> None:
    with pytest.raises(KnownIssueNotFoundError):
        services.known_issues.broadcasts(known_issue_id=999)
