"""The prioritized backlog and the guard on a seeded store; ``hypercare backlog`` end to end."""

from __future__ import annotations

import json

import pytest

from hypercare.cli import main
from hypercare.errors import HypercareError, UsageError
from hypercare.services import Services
from tests.services.conftest import LEAD
from tests.support import Clock, viewer


def test_items_come_by_score_with_linked_ticket_volume(services: Services) -> None:
    lea = viewer(services, LEAD)
    issue = services.known_issues.create(title="VAT on credit notes", viewer=lea,
                                         ticket_refs=("HT00001", "HT00003"))
    small = services.backlog.add(type="fix", title="Fix the VAT rounding", value=3, risk=3,
                                 effort="M", viewer=lea)
    busy = services.backlog.add(type="fix", title="Fix credit-note VAT", value=3, risk=3,
                                effort="M", links=(f"known_issue:{issue.id}", "ticket:2"),
                                viewer=lea)
    cheap = services.backlog.add(type="job_aid", viewer=lea, title="Quick card: returns", value=2,
                                 risk=1, effort="S")
    order = [s.item.ref for s in services.backlog.scored()]
    assert busy.tickets == 3 and small.tickets == 0  # two via the known issue, one direct
    assert order.index(busy.item.ref) < order.index(small.item.ref)
    assert busy.score > small.score and cheap.score == pytest.approx((4 + 1.5) / 1.0)
    assert "3 linked tickets" in busy.explanation


def test_update_checks_its_values_and_closing_leaves_the_list(services: Services) -> None:
    lea = viewer(services, LEAD)
    item = services.backlog.add(type="fix", viewer=lea, title="Fix the VAT rounding")
    assert "not assessed" in item.explanation
    with pytest.raises(UsageError, match="value is 1 to 5"):
        services.backlog.update(item_id=item.item.id, viewer=lea, value=7)
    with pytest.raises(UsageError, match="effort is one of S, M, L, XL"):
        services.backlog.update(item_id=item.item.id, viewer=lea, effort="XXL")
    sized = services.backlog.update(item_id=item.item.id, viewer=lea, value=5, risk=4, effort="s")
    assert (sized.item.value, sized.item.risk, sized.item.effort) == (5, 4, "S")
    done = services.backlog.update(item_id=item.item.id, viewer=lea, status="done")
    assert done.item.closed_at is not None and not done.open
    assert item.item.ref not in [s.item.ref for s in services.backlog.scored()]
    assert item.item.ref in [s.item.ref for s in services.backlog.scored(include_closed=True)]
    with pytest.raises(HypercareError, match="no backlog item B-999"):
        services.backlog.update(item_id=999, viewer=lea, value=1)


def test_the_guard_sees_enhancements_grow_and_their_seeds(services: Services,
                                                          clock: Clock) -> None:
    lea = viewer(services, LEAD)
    for title in ("Fix the VAT rounding", "Fix lot labels", "Job aid: returns"):
        services.backlog.add(type="fix", viewer=lea, title=title)
    clock.advance(days=8)
    assert services.backlog.guard().report.warning == ""
    seeded = services.backlog.add(type="enhancement", title="Custom returns approval screen",
                                  links=("ticket:2", "ticket:3"),  # a training gap, a policy
                                  viewer=lea)
    services.backlog.add(type="enhancement", viewer=lea, title="Extra field on quotations")
    view = services.backlog.guard()
    assert view.report.growing and "from 0% to 40%" in view.report.warning
    (seed, reasons), = view.seeds
    assert seed.ref == seeded.item.ref
    assert reasons == ("1 linked ticket was a training gap",
                       "1 linked ticket was a policy question")


def test_the_backlog_command(services: Services, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HYPERCARE_DATABASE_URL",
                       str(services.context.settings.database_url))
    monkeypatch.setenv("COLUMNS", "200")
    assert main(["backlog", "add", "--type", "enhancement", "--title", "Custom approval",
                 "--value", "4", "--effort", "L", "--link", "ticket:2"]) == 0
    added = capsys.readouterr().out
    assert added.startswith("B-1 added: score ") and "1 linked ticket" in added
    assert main(["backlog", "update", "B-1", "--risk", "5"]) == 0
    assert "risk 5 ×1.5" in capsys.readouterr().out
    assert main(["backlog", "link", "B-1", "ticket:3"]) == 0
    assert "2 linked tickets" in capsys.readouterr().out
    assert main(["backlog", "list"]) == 0
    listed = capsys.readouterr().out
    assert "Custom approval" in listed and "guard:" in listed and "training gap" in listed
    assert main(["backlog", "list", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["items"][0]["item"]["ref"] == "B-1" and data["items"][0]["tickets"] == 2
    assert data["guard"]["growing"] is True
    with pytest.raises(SystemExit) as bad:  # argparse refuses it
        main(["backlog", "update", "B-1", "--value", "9"])
    assert bad.value.code == 2 and "give 1 (low) to 5 (high)" in capsys.readouterr().err
    assert main(["backlog", "link", "B-1", "invoice:3"]) == 2
    assert "a link looks like ticket:42" in capsys.readouterr().err
