"""Quarterly IT and ITeS export remittances (State Bank figures PSEB reports to the Ministry)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engagement.db import TimestampMixin
from engagement.extensions import db

__all__ = ["ExportRemittance"]


class ExportRemittance(TimestampMixin, db.Model):
    """One quarter's export remittances in US$ million, in two series."""

    __tablename__ = "export_remittance"
    __table_args__ = (
        sa.CheckConstraint("computer_services_usd_m >= 0", name="computer_services_non_negative"),
        sa.CheckConstraint(
            "ict_services_usd_m IS NULL OR ict_services_usd_m >= 0",
            name="ict_services_non_negative",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: First day of the calendar quarter (1 January, April, July or October).
    quarter_start: Mapped[date] = mapped_column(unique=True)
    #: Computer and call-centre services, US$ million.
    computer_services_usd_m: Mapped[Decimal] = mapped_column(sa.Numeric(12, 3))
    #: Including telecommunication, computer and information services, US$ million.
    ict_services_usd_m: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 3))
    #: Where the figure comes from (a State Bank release, PSEB's report ...).
    source: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
