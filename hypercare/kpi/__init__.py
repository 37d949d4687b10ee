"""Pure KPI logic: flow, aging, MTTA/MTTR, SLA attainment, exit criteria. No I/O, no clock reads.

- :mod:`hypercare.kpi.tickets`: ``ticket_board`` over columnar :class:`TicketColumns`
  (numpy arrays) -> :class:`~hypercare.kpi.model.KpiBoard`; ``DEFINITIONS`` of every KPI.
- :mod:`hypercare.kpi.exit`: ``evaluate_exit`` (criteria status, value, trend) and
  ``forecast_exit`` (backlog burn-down line with an approx. 80 % band).
- Helpers: ``days`` (local-day grids, business-day ages), ``flow``, ``timing``, ``mix``,
  ``measure``, ``forecast``, ``definitions``, ``columns``, ``model``.
"""
