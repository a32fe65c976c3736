"""``flask seed scale``: idempotent per size, additive when sizes grow, consistent data."""

from __future__ import annotations

import sqlalchemy as sa

from engagement.extensions import db
from engagement.scale import BENCH_STAFF_EMAIL, DOMAIN, SCALE_PASSWORD, Sizes, seed_scale

SIZES = Sizes(companies=30, startups=12, events=20, registrations=400, requests=25)
COUNTED = [
    "user",
    "organisation",
    "company",
    "startup",
    "overseas_entity",
    "stakeholder_body",
    "event",
    "registration",
    "facilitation_request",
    "webinar",
    "meetup",
]


def counts() -> dict[str, int]:
    tables = db.metadata.tables
    return {
        name: db.session.scalar(sa.select(sa.func.count()).select_from(tables[name]))
        for name in COUNTED
        if name in tables
    }


def test_scale_command_is_idempotent_per_size(app, runner):
    args = ["seed", "scale", "--companies", "30", "--startups", "12", "--events", "20"]
    args += ["--registrations", "400", "--requests", "25"]
    first = runner.invoke(args=args)
    assert first.exit_code == 0, first.output
    assert f"{BENCH_STAFF_EMAIL} / {SCALE_PASSWORD}" in first.output
    with app.app_context():
        after_first = counts()
    assert after_first["company"] == 30
    assert after_first["startup"] == 12
    assert after_first["event"] == 20
    assert after_first["registration"] == 400
    if "facilitation_request" in after_first:
        assert after_first["facilitation_request"] == 25

    second = runner.invoke(args=args)
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert counts() == after_first
    assert "registrations: 0 added" in second.output


def test_larger_sizes_add_only_the_difference(app):
    with app.app_context():
        seed_scale(SIZES, echo=lambda _line: None)
        db.session.commit()
        bigger = Sizes(companies=45, startups=12, events=30, registrations=700, requests=25)
        seed_scale(bigger, echo=lambda _line: None)
        db.session.commit()
        after = counts()
    assert after["company"] == 45
    assert after["event"] == 30
    assert after["registration"] == 700


def _snapshot() -> list[tuple]:
    """Generated content that must not depend on the run (ids aside)."""
    from engagement.directory.models import Company

    companies = db.session.execute(
        sa.select(Company.legal_name, Company.city_id, Company.employee_band).order_by(
            Company.legal_name
        )
    ).all()
    registration = db.metadata.tables["registration"]
    registrations = db.session.execute(
        sa.select(registration.c.email, registration.c.state).order_by(registration.c.email)
    ).all()
    return [*companies, *registrations]


def test_same_seed_same_data(app):
    with app.app_context():
        seed_scale(SIZES, echo=lambda _line: None)
        db.session.commit()
        first = _snapshot()
        db.session.remove()  # end the read transaction before emptying the tables
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in {"province", "district", "city", "sector"}:
                    connection.execute(table.delete())
        seed_scale(SIZES, echo=lambda _line: None)
        db.session.commit()
        assert _snapshot() == first


def test_generated_data_respects_the_rules(app):
    from engagement.auth.models import User
    from engagement.directory.models import City, Company, Sector, company_sector
    from engagement.events.models import SEAT_STATES, Event, EventState, Registration

    with app.app_context():
        seed_scale(SIZES, echo=lambda _line: None)
        db.session.commit()
        # No event holds more seats than it has.
        seats = dict(
            db.session.execute(
                sa.select(Registration.event_id, sa.func.count())
                .where(Registration.state.in_(SEAT_STATES))
                .group_by(Registration.event_id)
            ).all()
        )
        for event in db.session.scalars(sa.select(Event)):
            assert seats.get(event.id, 0) <= event.capacity, event
        # Varied: several cities, sectors, states and time zones.
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Company.city_id)))) >= 5
        assert (
            db.session.scalar(sa.select(sa.func.count(sa.distinct(company_sector.c.sector_id))))
            >= 8
        )
        assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Event.timezone)))) >= 3
        states = set(db.session.scalars(sa.select(Event.state).distinct()))
        assert {EventState.COMPLETED, EventState.PUBLISHED} <= states
        assert db.session.scalar(sa.select(sa.func.count()).select_from(City)) > 0
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Sector)) > 0
        # Every generated account signs in with the one printed password.
        emails = db.session.scalars(sa.select(User.email).where(User.email.like(f"%@{DOMAIN}")))
        assert all(email == email.lower() for email in emails)
    client = app.test_client()
    response = client.post("/login", data={"email": BENCH_STAFF_EMAIL, "password": SCALE_PASSWORD})
    assert response.status_code == 302
