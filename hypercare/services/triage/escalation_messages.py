"""What an escalation sends, and to whom: the level's contacts, the message's payload (the
ticket masked as for a shared audience, and the clock the alert is about), the at-risk
batches. Mixed into :class:`hypercare.services.triage.sla.SlaService` beside the sweep,
which decides *when* to escalate.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypercare.services.access import AUDIENCE
from hypercare.services.context import ServiceContext
from hypercare.services.outbox import notifications
from hypercare.services.triage.baseline import BaselineSummary
from hypercare.services.triage.calendars import always_open_calendars
from hypercare.store import alerts
from hypercare.store.tables import Escalation, Ticket, TicketClassification
from hypercare.triage.escalation import NewEscalation, trigger_name
from hypercare.triage.fatigue import batch_window
from hypercare.triage.labels import severity_label


class EscalationMessages:
    """Records an escalation and queues its messages (``_context`` is the service's)."""

    _context: ServiceContext

    def _escalate(self, session: Any, ticket: Ticket, verdict: TicketClassification | None,
                  new: NewEscalation, now: datetime, *,
                  clock: dict[str, Any] | None = None, subject: str | None = None,
                  issue: dict[str, Any] | None = None,
                  baseline: BaselineSummary | None = None) -> tuple[Escalation, list[str]]:
        """Record ``new`` (or, for an update, add its triggers to the level's record) and
        queue its messages; the record and the states of the messages queued. ``clock``: the
        ticket's clocks as the sweep just evaluated them (None: as last stored);
        ``subject``: ``known_issue:N`` when the ticket escalates as its known issue
        (``issue``: that issue, with its count of tickets); ``baseline``: where a baseline
        escalation is summarised instead of announced."""
        if clock is None:
            clock = stored_clock(session, ticket.odoo_id)
        subject = subject or f"ticket:{ticket.odoo_id}"
        if new.update:
            row = alerts.escalation_at(subject, new.level, session=session)
            assert row is not None
            was_baseline = row.status == "baseline"
            row.triggers = [*row.triggers, *new.all_triggers]
            row.status, row.updated_at = new.status, now
            row.detail = f"{row.detail}; {new.detail}" if row.detail else new.detail
            session.add(row)
            if row.status in ("baseline", "pending_approval"):
                return row, []
            # a new trigger: the level's message says so in place (a baseline's is news now)
            return row, self._notify(session, ticket, verdict, row, now, clock=clock,
                                     issue=issue, update=not was_baseline)
        row = Escalation(subject=subject, ticket_odoo_id=ticket.odoo_id, level=new.level,
                         trigger=new.trigger, trigger_key=new.trigger_key,
                         triggers=list(new.all_triggers), status=new.status, notified=[],
                         created_at=now, detail=new.detail)
        session.add(row)
        session.flush()
        if new.status == "baseline":
            if baseline is not None:
                baseline.add(self._level(new.level)["contacts"],
                             self._payload(ticket, verdict, row, clock, issue=issue), clock)
            return row, []
        if new.status == "pending_approval":
            leads = self._level(2)
            return row, self._send(session, "approval_request", f"approval:{row.id}", leads,
                                   self._payload(ticket, verdict, row, clock, issue=issue),
                                   now, urgent=True)
        if new.trigger == "at_risk":
            return row, self._batch_at_risk(session, ticket, verdict, row, now, clock)
        return row, self._notify(session, ticket, verdict, row, now, clock=clock, issue=issue)

    def _batch_at_risk(self, session: Any, ticket: Ticket,
                       verdict: TicketClassification | None, row: Escalation, now: datetime,
                       clock: dict[str, Any] | None) -> list[str]:
        level = self._level(row.level)
        window = batch_window(now, self._context.settings.escalation.batch_minutes)
        created = []
        for recipient in level["contacts"]:
            message, fresh = notifications.add_to_batch(
                session, self._context.settings, kind="at_risk_batch",
                key=f"at_risk:{recipient}:{window.isoformat()}", recipient=recipient,
                items=[{"key": row.trigger_key + f":{ticket.odoo_id}",
                        **self._payload(ticket, verdict, row, clock)}],
                now=now, zone=level["timezone"])
            if fresh and message is not None:
                created.append(message.state)
        row.notified = list(level["contacts"])
        return created

    def _notify(self, session: Any, ticket: Ticket, verdict: TicketClassification | None,
                row: Escalation, now: datetime, *, clock: dict[str, Any] | None,
                issue: dict[str, Any] | None = None, update: bool = False) -> list[str]:
        """Queue the escalation's message to its level. A breach that happens while
        hypercare watches, a confirmed S1, a manual escalation and an update in place are
        never held back by the hourly cap; the rest (a reopen, a missing acknowledgement)
        may be, and then go out in the hour's roll-up."""
        level = self._level(row.level)
        kind = "confirmed_s1" if row.trigger == "confirmed_s1" else (
            "breach" if row.trigger == "breach" else "escalation")
        row.notified = list(level["contacts"])
        session.add(row)
        key = f"escalation:{row.id}" + (f":t{len(row.triggers)}" if update else "")
        urgent = row.trigger in ("confirmed_s1", "manual")
        return self._send(session, kind, key, level,
                          self._payload(ticket, verdict, row, clock, issue=issue), now,
                          urgent=urgent, capped=not (update or row.trigger == "breach"))

    def _send(self, session: Any, kind: str, key: str, level: dict[str, Any],
              payload: dict[str, Any], now: datetime, *, urgent: bool,
              capped: bool = True) -> list[str]:
        states = []
        for recipient in level["contacts"]:
            message = notifications.enqueue(
                session, self._context.settings, kind=kind, key=f"{key}:{recipient}",
                recipient=recipient, payload=payload, now=now, urgent=urgent, capped=capped,
                zone=level["timezone"])
            if message is not None:
                states.append(message.state)
        return states

    def _level(self, number: int) -> dict[str, Any]:
        """A level's contacts (a symbolic ``L<n>`` when none are configured) and timezone."""
        for level in self._context.settings.escalation.levels:
            if level.level == number:
                return {"name": level.name, "contacts": level.contacts or [f"L{number}"],
                        "timezone": level.timezone or self._context.settings.timezone}
        return {"name": f"L{number}", "contacts": [f"L{number}"],
                "timezone": self._context.settings.timezone}

    def _sla_payload(self, clock: dict[str, Any] | None,
                     trigger_key: str) -> dict[str, Any] | None:
        """The clock an alert is about, for its message: the breached or at-risk target's
        (``breach:first_response``), else the resolution clock; with whether it runs 24x7,
        the command center's timezone and when it was evaluated. None when there is none."""
        clocks = list((clock or {}).get("clocks") or [])
        kind, _, target = trigger_key.partition(":")
        wanted = target if kind in ("breach", "at_risk") and target else "resolution"
        chosen = (next((c for c in clocks if c.get("target") == wanted), None)
                  or next((c for c in clocks if c.get("target") == "resolution"), None))
        if clock is None or chosen is None:
            return None
        always = clock.get("calendar") in always_open_calendars(self._context.settings)
        evaluated = clock.get("evaluated_at")
        return {**chosen, "always_open": bool(chosen.get("always_open", always)),
                "timezone": self._context.settings.timezone,
                "evaluated_at": iso(evaluated) if isinstance(evaluated, datetime) else None}

    def _payload(self, ticket: Ticket, verdict: TicketClassification | None,
                 row: Escalation, clock: dict[str, Any] | None, *,
                 issue: dict[str, Any] | None = None) -> dict[str, Any]:
        confidential = bool(verdict and verdict.confidential)
        payload: dict[str, Any] = {
            "escalation_id": row.id, "level": row.level,
            "level_name": self._level(row.level)["name"], "trigger": row.trigger,
            "triggers": [trigger_name(k) for k in (row.triggers or [row.trigger_key])],
            "detail": row.detail, "status": row.status,
            # alerts go to contacts, groups and channels: masked as for a shared audience
            "ticket": {"odoo_id": ticket.odoo_id, "ref": ticket.ref,
                       "title": AUDIENCE.title(ticket.title, confidential=confidential),
                       "company": ticket.company, "team": ticket.team, "url": ticket.url,
                       "severity": severity_label(verdict.severity if verdict else 0),
                       "category": verdict.category if verdict else "",
                       "confidential": confidential},
        }
        if issue is not None:  # the ticket escalates as its known issue, once for all
            payload["known_issue"] = issue
        keys = row.triggers or [row.trigger_key]  # the clock of its first clock trigger
        sla = self._sla_payload(clock, next((k for k in keys if k.startswith(
            ("breach:", "at_risk:"))), row.trigger_key))
        if sla is not None:  # the clock the alert is about, for its SLA time
            payload["sla"] = sla
        return payload


def stored_clock(session: Any, odoo_id: int) -> dict[str, Any] | None:
    """A ticket's clocks as the last sweep stored them, in the shape ``_clocks`` gives."""
    stored = alerts.clocks_for([odoo_id], session=session).get(odoo_id)
    if stored is None:
        return None
    return {"clocks": list(stored.clocks), "calendar": stored.calendar,
            "evaluated_at": stored.evaluated_at}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
