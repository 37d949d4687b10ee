"""Fixture packs for the writers: every column kind, charts, warnings, empty tables, long and
hostile text (``<script>``, ``&``, quotes, pipes, line breaks, unicode, ``=HYPERLINK``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from hypercare.services.packs.model import Column, KpiLine, Pack, Section, Series, Table

HOSTILE = "<script>alert('x')</script> & \"quoted\" | R&D's"
FORMULA = '=HYPERLINK("http://evil.example/x","click me")'
UNICODE = "Zürich – Lieferschein ✓ 日本語 €"
LONG = ("The credit note approval for returns above EUR 5,000 is not defined in the new "
        "process: finance and sales disagree on who signs, so 14 returns wait for a decision "
        "and customers are chasing their refunds every day. ") * 2
MONDAY = date(2026, 11, 23)
GENERATED = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Brussels

HEADLINE = (
    KpiLine("open_backlog", "Open backlog", 42.0, 51.0, "tickets", "down", None, None),
    KpiLine("sla_attainment", "SLA attainment", 92.5, 88.0, "%", "up", 90.0, True),
    KpiLine("open_s1", "Open S1", 1.0, 0.0, "tickets", "down", 0.0, False),
    KpiLine("mttr", "MTTR", 18.25, 16.0, "hours", "down", None, None),
    KpiLine("training_gap_share", "Training-gap share", None, 22.0, "%", "down", 20.0, None),
    KpiLine("known_issues_open", "Known issues open", 7.0, 7.0, "issues", "down", None, None),
)

KPI_TABLE = Table(
    "kpis", "KPIs this week",
    (Column("kpi", "KPI"), Column("value", "This week", "float"),
     Column("tickets", "Tickets", "int"), Column("attainment", "Attainment", "percent"),
     Column("since", "Since", "date"), Column("updated", "Updated", "datetime")),
    (("Open backlog", 42.0, 42, 0.935, MONDAY, GENERATED),
     ("MTTR (hours)", 18.25, 31, 0.5, MONDAY + timedelta(days=1),
      datetime(2026, 11, 29, 22, 30, tzinfo=UTC)),
     (HOSTILE, -1.5, 1234567, 1.0, None, None)),
    note="3 confidential tickets counted, not shown")

DECISIONS = Table(
    "decisions_requested", "Decisions requested",
    (Column("ref", "Ref"), Column("question", "Question"), Column("owner", "Owner"),
     Column("due", "Due", "date"), Column("overdue", "Days overdue", "int"),
     Column("raised", "Raised", "datetime")),
    (("D-12", LONG, "Finance | Controlling", date(2026, 11, 27), 3,
      datetime(2026, 11, 20, 9, 15, tzinfo=UTC)),
     ("D-13", FORMULA, "Sales", date(2026, 12, 4), 0, datetime(2026, 11, 24, 14, 0)),
     ("D-14", "Line one\nline two", UNICODE, None, None, None),
     ("D-15", "-5 + 3 = ?", "@ops", date(2026, 12, 1), 0,
      datetime(2026, 11, 25, 8, 0, tzinfo=UTC))))

KNOWN = Table(
    "known_issues", "Open known issues",
    (Column("id", "Known issue"), Column("title", "Title"), Column("tickets", "Tickets", "int"),
     Column("share", "Share of inflow", "percent")),
    (("KI-3", UNICODE, 12, 0.125), ("KI-7", "VAT rounding on credit notes", 5, 0.0521),
     ("KI-9", "Label printer offline", 0, 0.0)))

EMPTY_BACKLOG = Table("backlog_items", "Backlog items approved this week",
                      (Column("id", "Item"), Column("score", "Score", "float")), (),
                      note="Nothing approved this week.")

BACKLOG_DAYS = tuple(f"11-{day}" for day in range(17, 31))
OPEN_PER_DAY = Series("Open backlog per day", BACKLOG_DAYS,
                      (51, 55, 58, 60, 57, 54, 52, 50, 49, 47, 46, 44, 43, 42), "tickets")
BY_APP = Series("Tickets created by app", ("Accounting", "Inventory", "Sales & CRM",
                                           "Manufacturing <MRP>", "Payroll"),
                (34, 21, 12, 7, 2), "tickets", "bar")
NET_FLOW = Series("Net flow per day", BACKLOG_DAYS[-7:], (3.0, -2.5, -4.0, 1.0, -1.0, -2.0, 0.0),
                  "tickets/day")


def rich_pack() -> Pack:
    sections = (
        Section("executive", "Executive summary",
                summary=("The backlog fell from 51 to 42 tickets; SLA attainment is back above "
                         "target at 92.5 %.", HOSTILE, "# not a heading"),
                tables=(KPI_TABLE,), charts=(OPEN_PER_DAY, BY_APP),
                warnings=("One S1 ticket is open: the payment run of Friday failed.", LONG)),
        Section("decisions", "Decisions for the steering committee",
                summary=("Four policy questions wait for a process owner.",),
                tables=(DECISIONS,), warnings=("D-12 is 3 days overdue.",)),
        Section("known_issues", "Known issues", summary=(UNICODE,), tables=(KNOWN,)),
        Section("backlog", "Continuous-improvement backlog", tables=(EMPTY_BACKLOG,),
                charts=(NET_FLOW,)),
        Section("training", "Training gaps",
                summary=("Training-gap share is unknown this week: no classified inflow.",)),
        Section("defects", "Defects and change requests awaiting a steering decision (part 1)",
                tables=(KNOWN, EMPTY_BACKLOG),
                charts=(Series("One app", ("Accounting",), (5,), "tickets", "bar"),
                        Series("=1+1 Nothing yet", (), (), "tickets"))),
        Section("defects_more", "Defects and change requests awaiting a steering decision (2)"),
    )
    return Pack(kind="weekly", title="Weekly steering pack — Acme go-live", week="2026-W48",
                period_start=MONDAY, period_end=MONDAY + timedelta(days=6),
                generated_at=GENERATED, timezone="Europe/Brussels", headline=HEADLINE,
                sections=sections, confidential_count=3,
                notes=("Figures in Europe/Brussels time.", FORMULA))


def empty_pack() -> Pack:
    return Pack(kind="weekly", title="Weekly steering pack", week="2026-W02",
                period_start=date(2026, 1, 5), period_end=date(2026, 1, 11),
                generated_at=datetime(2026, 1, 12, 6, 0, tzinfo=UTC), timezone="Europe/Brussels",
                headline=(KpiLine("open_backlog", "Open backlog", None, None, "tickets", "down",
                                  None, None),),
                sections=(Section("executive", "Executive summary"),
                          Section("backlog", "Backlog", tables=(EMPTY_BACKLOG,))),
                empty=True)


def handover_pack() -> Pack:
    contacts = Table("contacts", "Contacts", (Column("role", "Role"), Column("name", "Name"),
                                              Column("email", "E-mail")),
                     (("Command-center lead", "Léa Martin", "lea@example.com"),))
    sections = tuple(Section(key, key.replace("_", " ").capitalize(), tables=tables)
                     for key, tables in (("open_tickets", (KNOWN,)), ("known_issues", (KNOWN,)),
                                         ("decisions", (DECISIONS,)), ("backlog", ()),
                                         ("runbooks", ()), ("exit_evidence", (KPI_TABLE,)),
                                         ("contacts", (contacts,))))
    return Pack(kind="handover", title="Hypercare handover", week="2026-W52",
                period_start=date(2026, 12, 21), period_end=date(2026, 12, 27),
                generated_at=datetime(2026, 12, 28, 9, 0, tzinfo=UTC), timezone="Europe/Brussels",
                headline=HEADLINE[:3], sections=sections)


@pytest.fixture
def pack() -> Pack:
    return rich_pack()


@pytest.fixture(params=["rich", "empty", "handover"])
def any_pack(request: pytest.FixtureRequest) -> Pack:
    return {"rich": rich_pack, "empty": empty_pack, "handover": handover_pack}[request.param]()
