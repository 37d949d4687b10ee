"""Recording decisions in a stand-up, and taking one back.

Each decision is one unit of work (:meth:`ServiceContext.transaction`): the stand-up entry,
the triage decision, the known-issue link, the action and the Odoo note commit together or
not at all, so a refused decision (the meeting has ended, the person may not) writes
nothing anywhere. Entries are unique per (stand-up, item, field): the last value wins and
every change stays in the history (``standup_change``). Undo takes back the viewer's own
newest change, and only while nobody changed the same thing after it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypercare.errors import HypercareError, TicketNotFoundError, UsageError
from hypercare.services.access import Viewer
from hypercare.services.context import ServiceContext
from hypercare.store import problems, standups
from hypercare.store.tables import Action, Standup, StandupChange, TriageDecision
from hypercare.triage.labels import severity_label

UNDO_MINUTES = 5
LABELS = {"category": "category", "severity": "severity", "owner": "owner",
          "next_step": "next step", "due": "due", "known_issue": "known issue",
          "workaround": "workaround", "question": "policy question", "backlog": "backlog item",
          "new_known_issue": "new known issue"}


@dataclass(frozen=True)
class Decided:
    """What one recorded decision changed."""

    change_id: int
    ref: str
    changes: dict[str, Any]


def describe(changes: dict[str, Any]) -> str:
    """``category -> defect; severity -> S2; owner -> Marc``."""
    parts = []
    for key, value in changes.items():
        shown = severity_label(value) if key == "severity" else (
            f"KI-{value}" if key == "known_issue" else str(value))
        parts.append(f"{LABELS.get(key, key)} -> {shown}")
    return "; ".join(parts)


def open_standup(session: Any, standup_id: int) -> Standup:
    row = standups.standup(standup_id, session=session)
    if row is None:
        raise HypercareError(f"no stand-up #{standup_id}",
                             hint="`hypercare standup start` opens one and prints its number.")
    if row.ended_at is not None:
        raise HypercareError(f"stand-up #{standup_id} has ended: nothing was recorded",
                             hint="Start a new stand-up, or change the ticket from its screen.")
    return row


class StandupRecorder:
    """Records and undoes stand-up decisions (leads)."""

    def __init__(self, context: ServiceContext) -> None:
        self._context = context

    def record(self, *, standup_id: int, item_ref: str, viewer: Viewer,
               changes: dict[str, Any]) -> Decided:
        """Apply one decision to a ticket item: category and severity (a triage decision),
        owner, next step and due date (the item's action), a known-issue link and its
        workaround."""
        self._context.access.require(viewer, "standup")
        if not changes:
            raise UsageError("a stand-up decision needs at least one change")
        with self._context.transaction():
            with self._context.store().session() as session:
                open_standup(session, standup_id)
                ticket = _visible_ticket(session, item_ref, viewer)
                odoo_id, ref = ticket.odoo_id, ticket.ref
                link = problems.known_issue_links([odoo_id], session=session).get(odoo_id)
                undo: dict[str, Any] = {"known_issue_before": link.id if link else None}
            undo["decision_ids"] = self._triage(ref, viewer, changes, standup_id)
            self._known_issue(ref, viewer, changes, undo)
            with self._context.store().session() as session:
                undo["action"] = _apply_action(session, standup_id, ref, changes,
                                               self._context.clock())
                decided = self._log(session, standup_id, ref, f"ticket:{odoo_id}", changes,
                                    undo, viewer)
            self._note(odoo_id, decided, viewer.name)
        return decided

    def raised(self, *, standup_id: int, item_ref: str, viewer: Viewer, field: str,
               record: str, make: Any) -> Decided:
        """Raise a policy question or backlog item from an item: ``make(subject)`` creates
        it linked to ``subject`` (``ticket:42``) inside this unit of work and returns its
        id; the entry holds its reference."""
        self._context.access.require(viewer, "standup")
        with self._context.transaction():
            with self._context.store().session() as session:
                open_standup(session, standup_id)
                ticket = _visible_ticket(session, item_ref, viewer)
                ref, subject = ticket.ref, f"ticket:{ticket.odoo_id}"
                link = problems.known_issue_links([ticket.odoo_id], session=session).get(
                    ticket.odoo_id)
            made = int(make(subject))
            shown = {"decision": "D", "backlog": "B", "known_issue": "KI"}[record] + f"-{made}"
            undo = {"created": {"kind": record, "id": made},
                    "known_issue_before": link.id if link else None}
            with self._context.store().session() as session:
                return self._log(session, standup_id, ref, subject, {field: shown}, undo,
                                 viewer)

    def undo_last(self, *, standup_id: int, viewer: Viewer) -> str:
        """Take back the viewer's own newest change in this stand-up; returns its item."""
        self._context.access.require(viewer, "standup")
        now = self._context.clock()
        with self._context.transaction():
            with self._context.store().session() as session:
                open_standup(session, standup_id)
                history = standups.changes(standup_id, session=session)
                change = _undoable(history, viewer, now)
                _revert_rows(session, change)
                change.undone = True
                session.add(change)
                for field in change.changes:
                    _restore_entry(session, history, change, field)
                odoo_id = int(change.subject.split(":")[1])
                ref, undo = change.item_ref, dict(change.undo)
                linked_now = "known_issue" in change.changes or (
                    undo.get("created", {}).get("kind") == "known_issue")
            if linked_now and (undo.get("known_issue_before") or "known_issue" in change.changes):
                self._relink(ref, undo.get("known_issue_before"), viewer)
            if undo.get("decision_ids"):
                from hypercare.services.triage.classification import TriageService

                TriageService(self._context).classify_stored([odoo_id])
        return ref

    # -- pieces of a decision ---------------------------------------------------------------

    def _triage(self, ref: str, viewer: Viewer, changes: dict[str, Any],
                standup_id: int) -> list[int]:
        category, severity = changes.get("category"), changes.get("severity")
        if category is None and severity is None:
            return []
        from hypercare.services.triage.classification import TriageService

        view = TriageService(self._context).decide(
            ref=ref, viewer=viewer, category=category, severity=severity,
            note=f"stand-up #{standup_id}")
        return [view.decision_id]

    def _known_issue(self, ref: str, viewer: Viewer, changes: dict[str, Any],
                     undo: dict[str, Any]) -> None:
        from hypercare.services.problems.known_issues import KnownIssueService

        known = KnownIssueService(self._context)
        if changes.get("known_issue") is not None:
            known.link(known_issue_id=int(changes["known_issue"]), ref=ref, viewer=viewer)
        if changes.get("workaround") is not None:
            target = changes.get("known_issue") or undo["known_issue_before"]
            if target is None:
                raise UsageError(f"{ref} is not linked to a known issue to hold a workaround",
                                 hint="Link it to a known issue first (l), then give the "
                                      "workaround.")
            known.set_workaround(known_issue_id=int(target), text=str(changes["workaround"]),
                                 viewer=viewer)

    def _log(self, session: Any, standup_id: int, ref: str, subject: str,
             changes: dict[str, Any], undo: dict[str, Any], viewer: Viewer) -> Decided:
        now = self._context.clock()
        change_id = standups.add_change(StandupChange(
            standup_id=standup_id, item_ref=ref, subject=subject, changes=changes, undo=undo,
            decided_by=viewer.name, decided_at=now), session=session)
        for field, value in changes.items():
            standups.set_entry(standup_id=standup_id, item_ref=ref, subject=subject,
                               field=field, value=value, by=viewer.name, at=now,
                               session=session)
        return Decided(change_id, ref, changes)

    def _relink(self, ref: str, before: int | None, viewer: Viewer) -> None:
        from hypercare.services.problems.known_issues import KnownIssueService

        known = KnownIssueService(self._context)
        if before is None:
            known.unlink(ref=ref, viewer=viewer)
        else:
            known.link(known_issue_id=before, ref=ref, viewer=viewer)

    def _note(self, odoo_id: int, decided: Decided, by: str) -> None:
        if self._context.settings.odoo.write_mode == "off":
            return
        from hypercare.services.outbox.writeback import WritebackService

        writeback = WritebackService(self._context)
        writeback.queue(
            ticket_odoo_id=odoo_id, operation="post_note",
            payload={"text": f"Hypercare stand-up decision by {by}: "
                             f"{describe(decided.changes)}"},
            key=f"standup-change:{decided.change_id}")
        category = decided.changes.get("category")
        if category and self._context.settings.triage.tag_writeback:
            writeback.queue(ticket_odoo_id=odoo_id, operation="add_tag",
                            payload={"tag": str(category).replace("_", " ")},
                            key=f"standup-tag:{decided.change_id}")


def _visible_ticket(session: Any, ref: str, viewer: Viewer) -> Any:
    from hypercare.store.tickets import find_ticket

    ticket = find_ticket(ref, session=session)
    if ticket is None or not viewer.sees_company(ticket.company):
        raise TicketNotFoundError(f"no synced ticket you may see has the reference {ref!r}")
    return ticket


def _apply_action(session: Any, standup_id: int, ref: str, changes: dict[str, Any],
                  now: Any) -> dict[str, Any] | None:
    """The item's one action in this stand-up, created or updated; returns what it was."""
    wanted = {k: changes[k] for k in ("owner", "next_step", "due") if k in changes}
    if not wanted:
        return None
    action = standups.item_action(standup_id, ref, session=session)
    before: dict[str, Any]
    if action is None:
        action = Action(standup_id=standup_id, subject=ref, text="follow up", created_at=now)
        before = {"created": True}
    else:
        before = {"owner": action.owner, "text": action.text,
                  "due": action.due_date.isoformat() if action.due_date else None}
    if "owner" in wanted:
        action.owner = str(wanted["owner"])
    if "next_step" in wanted:
        action.text = str(wanted["next_step"])
    if "due" in wanted:
        action.due_date = date.fromisoformat(str(wanted["due"]))
    session.add(action)
    session.flush()
    return {**before, "id": action.id}


def _undoable(history: list[StandupChange], viewer: Viewer, now: Any) -> StandupChange:
    mine = [c for c in history if not c.undone and c.decided_by == viewer.name]
    if not mine:
        raise HypercareError("you have recorded nothing in this stand-up that can be undone",
                             hint="Undo takes back your own newest decision only.")
    change = mine[-1]
    assert change.decided_at is not None
    if now - change.decided_at > timedelta(minutes=UNDO_MINUTES):
        raise HypercareError(f"your last decision ({change.item_ref}) is older than "
                             f"{UNDO_MINUTES} minutes and can no longer be undone",
                             hint="Record a new decision instead.")
    if "workaround" in change.changes:
        raise HypercareError(f"the workaround recorded on {change.item_ref} was already sent "
                             "to the people affected and cannot be undone",
                             hint="Publish a corrected workaround (W) instead.")
    later = [c for c in history if c.id is not None and change.id is not None
             and c.id > change.id and not c.undone and c.item_ref == change.item_ref
             and set(c.changes) & set(change.changes)]
    if later:
        fields = ", ".join(LABELS.get(f, f) for f in set(later[-1].changes) & set(change.changes))
        raise HypercareError(f"{later[-1].decided_by} changed {fields} on {change.item_ref} "
                             "after you, so your decision can no longer be undone",
                             hint="Record a new decision instead.")
    return change


def _revert_rows(session: Any, change: StandupChange) -> None:
    """Put back the rows the change wrote: triage decisions, the action, raised records."""
    for decision_id in change.undo.get("decision_ids", []):
        row = session.get(TriageDecision, decision_id)
        if row is not None:
            session.delete(row)
    action_before = change.undo.get("action")
    if action_before:
        action = session.get(Action, action_before["id"])
        if action is not None and action_before.get("created"):
            session.delete(action)
        elif action is not None:
            action.owner, action.text = action_before["owner"], action_before["text"]
            due = action_before.get("due")
            action.due_date = date.fromisoformat(due) if due else None
            session.add(action)
    created = change.undo.get("created")
    if created:
        standups.drop_record(created["kind"], int(created["id"]), session=session)
    session.flush()


def _restore_entry(session: Any, history: list[StandupChange], undone: StandupChange,
                   field: str) -> None:
    """The field's entry goes back to the newest change still standing, or away."""
    standing = [c for c in history if not c.undone and c.id != undone.id
                and c.item_ref == undone.item_ref and field in c.changes]
    if not standing:
        standups.drop_entry(standup_id=undone.standup_id, item_ref=undone.item_ref,
                            field=field, session=session)
        return
    last = standing[-1]
    assert last.decided_at is not None
    standups.set_entry(standup_id=undone.standup_id, item_ref=undone.item_ref,
                       subject=undone.subject, field=field, value=last.changes[field],
                       by=last.decided_by, at=last.decided_at, session=session)
