"""Pure triage logic: classification, severity, SLA clocks, escalation. No I/O, no clock reads."""
