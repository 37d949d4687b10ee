"""Runbooks by name, and the escalation listing and lead-only approval the TUI uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypercare.errors import AccessDeniedError, HypercareError, UsageError
from hypercare.services import RunbookNotFoundError, RunbookService, Services
from tests.services.conftest import AGENT, LEAD
from tests.support import Clock, viewer

# -- runbooks ----------------------------------------------------------------------------------


def test_list_names_every_runbook_with_its_title(services: Services) -> None:
    found = {r.name: r for r in services.runbooks.list_runbooks()}
    assert {"command-center-tui", "sla-and-escalation", "daily-triage-standup"} <= set(found)
    assert found["command-center-tui"].title == "The command-center TUI"
    assert all(r.text == "" and Path(r.path).is_file() for r in found.values())


def test_show_reads_one_runbook(services: Services) -> None:
    runbook = services.runbooks.show(name="sla-and-escalation")
    assert runbook.name == "sla-and-escalation"
    assert "## The escalation matrix" in runbook.text
    assert runbook.title == runbook.text.splitlines()[0].removeprefix("# ")
    assert services.runbooks.show(name="sla-and-escalation.md").name == "sla-and-escalation"


def test_unknown_runbook_names_the_known_ones(services: Services) -> None:
    with pytest.raises(RunbookNotFoundError) as caught:
        services.runbooks.show(name="../README")
    assert "no runbook named '../README'" in caught.value.message
    assert "command-center-tui" in caught.value.hint


def test_search_ranks_runbooks_by_the_words_they_contain(services: Services,
                                                          tmp_path: Path) -> None:
    (tmp_path / "credit-notes.md").write_text("# Credit notes\n\nReverse an invoice.\n")
    (tmp_path / "sla.md").write_text("# SLA\n\nA credit note is not a breach.\n")
    (tmp_path / "other.md").write_text("# Other\n\nNothing here.\n")
    service = RunbookService(services.context, directory=tmp_path)
    found = service.search(text="How do I reverse a credit note?")
    assert [r.name for r in found] == ["credit-notes", "sla"]
    assert all(r.text == "" for r in found)
    assert service.search(text="how do I") == []  # only common words
    assert services.runbooks.search(text="escalation matrix")[0].name == "sla-and-escalation"


def test_a_missing_folder_is_a_clear_error(services: Services, tmp_path: Path) -> None:
    service = RunbookService(services.context, directory=tmp_path / "nowhere")
    with pytest.raises(HypercareError, match="no runbooks folder"):
        service.list_runbooks()


def test_title_falls_back_to_the_name(services: Services, tmp_path: Path) -> None:
    (tmp_path / "plain.md").write_text("No heading here.\n\n## Only a section\n")
    (tmp_path / "notes.txt").write_text("# not a runbook\n")
    service = RunbookService(services.context, directory=tmp_path)
    assert [(r.name, r.title) for r in service.list_runbooks()] == [("plain", "plain")]


# -- escalations ---------------------------------------------------------------------------


def test_list_escalations_open_first_newest_first(services: Services, clock: Clock) -> None:
    lea = viewer(services, LEAD)
    clock.advance(minutes=5)
    services.sla.escalate(ref="HT00003", viewer=lea, reason="blocks returns")
    clock.advance(minutes=5)
    newest = services.sla.escalate(ref="HT00002", viewer=lea)
    clock.advance(minutes=5)
    done = services.sla.escalate(ref="HT00008", viewer=lea)
    services.sla.acknowledge(escalation_id=done.id, viewer=lea)

    open_ones = services.sla.list_escalations(viewer=lea)
    assert [e.ref for e in open_ones] == ["HT00002", "HT00003", "HT00001"]
    assert open_ones[0].id == newest.id and {e.status for e in open_ones} == {"open"}

    every = services.sla.list_escalations(viewer=lea, include_done=True)
    assert [e.ref for e in every] == ["HT00002", "HT00003", "HT00001", "HT00008"]
    assert (every[-1].status, every[-1].acknowledged_by) == ("acknowledged", LEAD)
    assert len(services.sla.list_escalations(viewer=lea, include_done=True, limit=2)) == 2


def test_list_escalations_masks_confidential_titles_for_non_leads(services: Services) -> None:
    lea = viewer(services, LEAD)
    sam = viewer(services, AGENT)
    services.sla.escalate(ref="HT00005", viewer=lea)
    seen = {e.ref: e.title for e in services.sla.list_escalations(viewer=sam)}
    assert seen["HT00005"] == "Confidential ticket"
    seen = {e.ref: e.title for e in services.sla.list_escalations(viewer=lea)}
    assert "Payslip" in seen["HT00005"]


def test_only_leads_approve(services: Services) -> None:
    lea, sam = viewer(services, LEAD), viewer(services, AGENT)
    pending = services.sla.escalate(ref="HT00001", viewer=lea, reason="L2 is silent")
    assert (pending.level, pending.status) == (3, "pending_approval")
    outbox = services.sla.list_outbox()
    with pytest.raises(AccessDeniedError,
                       match="Only command-center leads can approve L3/L4") as caught:
        services.sla.approve(escalation_id=pending.id, viewer=sam)
    assert caught.value.hint and caught.value.exit_code == 3
    refused = services.sla.escalations_for(ref="HT00001", viewer=lea)[-1]
    assert (refused.status, refused.approved_by) == ("pending_approval", "")
    assert services.sla.list_outbox() == outbox  # L3 heard nothing

    services.sla.approve(escalation_id=pending.id, viewer=lea)
    approved = services.sla.escalations_for(ref="HT00001", viewer=lea)[-1]
    assert (approved.status, approved.approved_by) == ("open", LEAD)
    assert approved.notified == ("L3",)
    with pytest.raises(UsageError, match="not waiting for approval"):
        services.sla.approve(escalation_id=pending.id, viewer=lea)
