"""The environmental programme: measures with owner, dates, costs and savings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True, slots=True)
class Measure:
    id: str
    organisation_id: str
    title: str
    audit_id: str | None = None
    site_id: str | None = None
    description: str = ""
    area: str = ""
    owner: str = ""
    start_date: date | None = None
    due_date: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    priority: int | None = None
    investment_eur: Decimal | None = None
    savings_eur_per_year: Decimal | None = None
    savings_kwh_per_year: Decimal | None = None
    savings_m3_per_year: Decimal | None = None
    savings_t_per_year: Decimal | None = None
    savings_t_co2_per_year: Decimal | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    revision: int = 1
