"""KPI history, adoption signals and exit records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from hypercare.store.tables.columns import utc_field


class KpiSnapshot(SQLModel, table=True):
    """One KPI's value on one day (the command center's timezone), per company ("" = all)."""

    __tablename__ = "kpi_snapshot"
    __table_args__ = (UniqueConstraint("day", "company", "key", name="uq_kpi_snapshot"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    company: str = ""
    key: str
    value: float | None = None
    unit: str = ""
    taken_at: datetime | None = utc_field(nullable=False)


class AdoptionDaily(SQLModel, table=True):
    """An adoption or business signal from Odoo on one local day."""

    __tablename__ = "adoption_daily"
    __table_args__ = (UniqueConstraint("day", "key", name="uq_adoption_daily"),)

    id: int | None = Field(default=None, primary_key=True)
    day: date = Field(index=True)
    key: str
    value: float | None = None
    taken_at: datetime | None = utc_field(nullable=False)


class ExitRecord(SQLModel, table=True):
    """A milestone reached or a sign-off given, for the exit criteria."""

    __tablename__ = "exit_record"

    key: str = Field(primary_key=True)
    done_on: date
    done_by: str = ""
    note: str = ""
    recorded_at: datetime | None = utc_field(nullable=False)
