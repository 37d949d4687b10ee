"""What a stand-up recorded, read back for its minutes (:mod:`hypercare.triage.minutes`).

Only what the room did counts: handled items are those with a decision still standing,
new actions, questions and backlog items are the ones this stand-up created, carried-over
actions are older ones still open, and "not reached" is the agenda as it stood at the
start (kept with the stand-up) minus what was handled.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypercare.services.access import AUDIENCE
from hypercare.services.standup.recording import describe
from hypercare.store import problems, standups
from hypercare.store.tables import Action, Standup
from hypercare.store.triage_records import classifications_for
from hypercare.triage.minutes import HandledItem, MinutesInput, RaisedRecord
from hypercare.triage.standup import Agenda, AgendaItem, OpenAction


def snapshot(item: AgendaItem, *, carried: bool) -> dict[str, Any]:
    """One agenda item as kept with the stand-up when it starts."""
    return {"section": item.section, "kind": item.kind, "ref": item.ref, "title": item.title,
            "why": item.why, "subject_id": item.subject_id,
            "confidential": item.confidential, "carried": carried}


def minutes_input(session: Any, row: Standup, agenda: Agenda, *,
                  ended_at: datetime) -> MinutesInput:
    assert row.id is not None and row.started_at is not None
    handled = _handled(session, row)
    done = {h.ref for h in handled}
    history = [c for c in standups.changes(row.id, session=session) if not c.undone]
    created = {kind: [int(c.undo["created"]["id"]) for c in history
                      if c.undo.get("created", {}).get("kind") == kind]
               for kind in ("decision", "backlog", "known_issue")}
    about = {(c.undo["created"]["kind"], int(c.undo["created"]["id"])): c.item_ref
             for c in history if c.undo.get("created")}
    questions = [RaisedRecord(f"D-{d.id}", d.question, d.process_owner, d.due_date,
                              about.get(("decision", d.id or 0), ""))
                 for d in standups.decisions_by_id(created["decision"], session=session)]
    backlog = [RaisedRecord(f"B-{b.id}", b.title, b.owner, None,
                            about.get(("backlog", b.id or 0), ""))
               for b in standups.backlog_by_id(created["backlog"], session=session)]
    known = [RaisedRecord(f"KI-{k.id}", k.title, k.owner, None,
                          about.get(("known_issue", k.id or 0), ""))
             for k in standups.known_issues_by_id(created["known_issue"], session=session)]
    not_reached = [_item(i) for i in row.agenda
                   if i["kind"] != "action" and i["ref"] not in done]
    return MinutesInput(
        agenda=agenda, handled=handled,
        new_actions=[_action(a) for a in standups.actions_of(row.id, session=session)],
        questions=questions, known_issues=known, backlog=backlog,
        carried_actions=[_action(a) for a in standups.open_actions_carried(row.id,
                                                                          session=session)],
        not_reached=not_reached, attendees=row.attendees, started_at=row.started_at,
        ended_at=ended_at)


def _handled(session: Any, row: Standup) -> list[HandledItem]:
    assert row.id is not None
    grouped: dict[str, list[Any]] = {}
    for entry in standups.entries(row.id, session=session):
        grouped.setdefault(entry.item_ref, []).append(entry)
    titles = {i["ref"]: (i["title"], bool(i["confidential"])) for i in row.agenda}
    missing = {int(e[0].subject.split(":")[1]): ref for ref, e in grouped.items()
               if ref not in titles and e[0].subject.startswith("ticket:")}
    if missing:
        verdicts = classifications_for(missing, session=session)
        for odoo_id, ref in missing.items():
            secret = bool(verdicts.get(odoo_id) and verdicts[odoo_id].confidential)
            title = problems.ticket_title(odoo_id, session=session)
            titles[ref] = (AUDIENCE.title(title, confidential=secret), secret)
    handled = []
    for ref, entries in grouped.items():
        title, secret = titles.get(ref, ("", False))
        by = tuple(dict.fromkeys(e.decided_by for e in entries))
        first = min(e.decided_at for e in entries if e.decided_at is not None)
        handled.append(HandledItem(ref, title, secret,
                                   describe({e.field: e.value for e in entries}), by, first))
    return handled


def _item(kept: dict[str, Any]) -> AgendaItem:
    why = kept["why"] + ("; carried over: did not fit the time box" if kept["carried"] else "")
    return AgendaItem(kept["section"], kept["kind"], kept["ref"], kept["title"], why,
                      int(kept["subject_id"]), bool(kept["confidential"]))


def _action(action: Action) -> OpenAction:
    return OpenAction(action.id or 0, action.subject, action.text, action.owner,
                      action.due_date)
