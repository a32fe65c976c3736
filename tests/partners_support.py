"""Helpers for the partners tests (no tests here): showcase companies, partners, webinars."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from engagement import clock
from engagement.auth.models import User
from engagement.directory.models import City, Company, EmployeeBand, Sector
from engagement.extensions import db

#: Monday 1 March 2027, 08:00 PKT / 04:00 Berlin (CET) / 03:00 UTC.
NOW = datetime(2027, 3, 1, 3, 0, tzinfo=UTC)
#: Tuesday 2 March 2027: 14:00 PKT = 10:00 Berlin; 15:00 PKT = 11:00 Berlin.
SLOT_A = "2027-03-02T09:00:00Z"
SLOT_B = "2027-03-02T10:00:00Z"
#: 19:00 PKT: outside Pakistani business hours.
SLOT_EVENING = "2027-03-02T14:00:00Z"


def make_showcase(app, user_id: int, number: str = "PSEB/2021/0457", **fields) -> dict[str, int]:
    """The user's company: verified, opted in, with a city, sectors and services."""
    with app.app_context():
        user = db.session.get(User, user_id)
        company = db.session.scalar(
            sa.select(Company).where(Company.organisation_id == user.organisation.id)
        )
        company.registration_number = number
        company.registration_verified_at = clock.now()
        company.showcase_opt_in = True
        company.city = db.session.scalar(sa.select(City).where(City.slug == "lahore"))
        company.sectors = [db.session.scalar(sa.select(Sector).where(Sector.slug == "fintech"))]
        company.services = "Custom software, QA and testing"
        company.certifications = "iso27001"
        company.export_markets = "DE,AE"
        company.employee_band = EmployeeBand.B51_250
        company.pitch = "Payments software for European banks."
        for name, value in fields.items():
            setattr(company, name, value)
        db.session.commit()
        return {"company_id": company.id, "organisation_id": user.organisation.id}


def entity_id_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).overseas_entity_id


def email_of(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).email
