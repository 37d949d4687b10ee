"""Pure KPI logic: flow, aging, MTTA/MTTR, SLA attainment, exit criteria. No I/O, no clock reads."""
