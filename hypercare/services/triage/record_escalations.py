"""Escalations of records other than tickets: known issues as a whole, overdue decisions.

Mixed into :class:`hypercare.services.triage.sla.SlaService`, whose ``_send`` and ``_level``
queue the messages under the same fatigue rules as ticket escalations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hypercare.services.context import ServiceContext
from hypercare.store import alerts
from hypercare.store.tables import Escalation
from hypercare.triage.calendar import BusinessCalendar
from hypercare.triage.sla import ClockFacts, evaluate_clock
from hypercare.triage.sla_policy import TicketScope, choose_policy


class RecordEscalations:
    """Known-issue workaround clocks and overdue policy decisions."""

    _context: ServiceContext

    def _send(self, session: Any, kind: str, key: str, level: dict[str, Any],
              payload: dict[str, Any], now: datetime, *, urgent: bool,
              capped: bool = True) -> list[str]:
        raise NotImplementedError

    def _level(self, number: int) -> dict[str, Any]:
        raise NotImplementedError

    def _known_issue_clocks(self, session: Any, calendars: dict[str, BusinessCalendar],
                            now: datetime) -> list[tuple[str, list[str]]]:
        """A known issue as a whole has a workaround clock (its severity's target, the
        default calendar); a breach escalates the issue, not each of its tickets."""
        from hypercare.store.problems import known_issues

        done: list[tuple[str, list[str]]] = []
        for issue in known_issues(session=session):
            targets = choose_policy(self._context.settings.sla.policies,
                                    TicketScope(issue.severity, issue.category, app=issue.app))
            minutes = targets.minutes["workaround"] if targets else None
            if minutes is None or issue.created_at is None:
                continue
            state = evaluate_clock("workaround", ClockFacts(issue.created_at, issue.workaround_at),
                                   minutes, calendars["default"], now,
                                   self._context.settings.sla.at_risk_share)
            if state.state != "breached" or issue.workaround_at is not None:
                continue
            subject = f"known_issue:{issue.id}"
            detail = f"KI-{issue.id}: no workaround within its target"
            row = alerts.escalation_at(subject, 2, session=session)  # one per subject, level
            if row is not None and "breach:workaround" in {row.trigger_key, *row.triggers}:
                continue
            if row is None:
                row = Escalation(subject=subject, level=2, trigger="breach",
                                 trigger_key="breach:workaround",
                                 triggers=["breach:workaround"], created_at=now, detail=detail)
            else:  # its tickets escalated it already: the workaround breach joins them
                row.triggers = [*row.triggers, "breach:workaround"]
                row.detail, row.updated_at = f"{row.detail}; {detail}", now
            session.add(row)
            session.flush()
            level = self._level(2)
            row.notified = list(level["contacts"])
            payload = {"known_issue": {"id": issue.id, "ref": f"KI-{issue.id}",
                                       "title": issue.title, "status": issue.status},
                       "escalation_id": row.id, "level": 2, "trigger": "breach",
                       "detail": row.detail,
                       "sla": {"target": "workaround", "state": state.state,
                               "due_at": state.due_at.isoformat() if state.due_at else None,
                               "business_minutes_left": round(state.business_minutes_left, 1),
                               "met_at": None, "always_open": calendars["default"].always_open,
                               "timezone": self._context.settings.timezone,
                               "evaluated_at": now.isoformat()}}
            done.append(("known_issue_breach", self._send(
                session, "escalation", f"escalation:{row.id}:t{len(row.triggers)}", level,
                payload, now, urgent=False, capped=False)))
        return done

    def _overdue_decisions(self, session: Any, now: datetime) -> list[tuple[str, list[str]]]:
        """Overdue policy decisions go to their process owner, two days later to the sponsor."""
        from zoneinfo import ZoneInfo

        from hypercare.store.problems import decisions as open_decisions

        today = now.astimezone(ZoneInfo(self._context.settings.timezone)).date()
        done: list[tuple[str, list[str]]] = []
        for decision in open_decisions(session=session, status="open"):
            if decision.due_date is None or decision.due_date >= today:
                continue
            late = (today - decision.due_date).days
            subject = f"decision:{decision.id}"
            known = {e.trigger_key for e in alerts.escalations_for([subject],
                                                                    session=session)[subject]}
            steps = [("decision_overdue", 2, decision.process_owner or "L2")]
            if late >= 2:
                steps.append(("decision_overdue_sponsor", 4, ""))
            for trigger, level, owner in steps:
                if trigger in known:
                    continue
                row = Escalation(subject=subject, level=level, trigger=trigger,
                                 trigger_key=trigger, triggers=[trigger], created_at=now,
                                 detail=f"decision D-{decision.id} overdue by {late} days")
                session.add(row)
                session.flush()
                target = ({"contacts": [owner], "timezone": self._context.settings.timezone}
                          if owner else self._level(level))
                payload = {"decision": {"id": decision.id, "ref": f"D-{decision.id}",
                                        "question": decision.question,
                                        "owner": decision.process_owner,
                                        "due_date": decision.due_date.isoformat()},
                           "escalation_id": row.id, "level": level, "trigger": trigger,
                           "detail": row.detail}
                row.notified = list(target["contacts"])
                done.append((trigger, self._send(session, "decision_overdue",
                                                 f"escalation:{row.id}", target, payload, now,
                                                 urgent=False)))
        return done
