"""List pages run a constant number of SQL statements per page, however much data there is."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from engagement.auth.models import User
from engagement.directory.models import OverseasEntity, OverseasEntityType, Sector
from engagement.events import services as events
from engagement.extensions import db
from engagement.partners.models import MeetingRequest, MeetingSide, MeetingSlot
from engagement.webinars import services as wsvc

NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _setup(frozen_clock, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


@contextlib.contextmanager
def count_statements(app):
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def add_webinars(app, count: int, rep_id: int, staff_id: int, offset: int) -> None:
    """``count`` webinars, each with two partners and sectors, registrations and an intro request."""
    with app.app_context(), app.test_request_context():
        rep = db.session.get(User, rep_id)
        sectors = db.session.scalars(sa.select(Sector).limit(3)).all()
        for n in range(offset, offset + count):
            partners = [
                OverseasEntity(
                    name=f"Partner {n}-{k}",
                    country_code="DE" if k else "AE",
                    timezone="Europe/Berlin" if k else "Asia/Dubai",
                    entity_type=OverseasEntityType.CHAMBER,
                )
                for k in range(2)
            ]
            webinar = wsvc.create_webinar(
                title=f"Webinar {n}",
                starts_at=NOW + timedelta(days=2, hours=n),
                duration_minutes=60,
                capacity=1,
                partners=partners,
                sectors=sectors,
                publish=True,
                created_by=None,
            )
            events.register_attendees(
                webinar.event_id,
                [
                    events.Attendee(f"A{n}", f"a{n}@example.test"),
                    events.Attendee(f"B{n}", f"b{n}@example.test"),
                ],
                rep,
            )
        if offset:
            # The first webinar's attendee list grows too.
            from engagement.events.models import Event

            first = db.session.scalar(sa.select(Event.id).order_by(Event.id))
            events.register_attendees(
                first,
                [events.Attendee(f"More {k}", f"more{k}@example.test") for k in range(12)],
                rep,
            )
        db.session.commit()
        from engagement import clock

        # Past webinars and meeting requests for the other lists.
        for n in range(offset, offset + count):
            # Scheduled back then: a new event cannot start in the past.
            with clock.frozen(NOW - timedelta(days=10)):
                past = wsvc.create_webinar(
                    title=f"Past {n}",
                    starts_at=NOW - timedelta(days=5, hours=n),
                    duration_minutes=60,
                    capacity=5,
                    partners=[
                        OverseasEntity(
                            name=f"Old partner {n}",
                            country_code="GB",
                            timezone="Europe/London",
                            entity_type=OverseasEntityType.INVESTOR,
                        )
                    ],
                    sectors=sectors,
                    publish=True,
                    created_by=None,
                    recording_url="https://video.example.org/x",
                )
                events.register_attendees(
                    past.event_id, [events.Attendee(f"P{n}", f"p{n}@example.test")], rep
                )
            db.session.add(
                MeetingRequest(
                    organisation_id=rep.organisation.id,
                    overseas_entity_id=past.partners[0].id,
                    event_id=past.event_id,
                    requested_side=MeetingSide.COMPANY,
                    requested_by_id=rep.id,
                    message="We would like to meet their portfolio.",
                    slots=[MeetingSlot(starts_at=NOW + timedelta(days=3, hours=n))],
                )
            )
        db.session.commit()


PAGES = [
    "/webinars/",
    "/webinars/past",
    "/my/registrations",
    "/meetings/",
    "/staff/events",
    "/staff/meetings",
]


def test_list_pages_run_constant_queries(app, login_as):
    rep = login_as("company")
    staff = login_as("staff")
    with app.app_context():
        staff_id = db.session.scalar(sa.select(User.id).where(User.role == "staff"))
    clients = {path: staff if "staff" in path else rep for path in PAGES}

    def measure() -> dict[str, int]:
        counts = {}
        for path in [*PAGES, "__event__"]:
            target = path
            client = clients.get(path, staff)
            if path == "__event__":
                with app.app_context():
                    from engagement.events.models import Event

                    first = db.session.scalar(sa.select(Event.id).order_by(Event.id))
                target = f"/staff/events/{first}"
            with count_statements(app) as statements:
                response = client.get(target)
            assert response.status_code == 200, (target, response.status_code)
            counts[path] = len(statements)
        return counts

    add_webinars(app, 2, rep.user_id, staff_id, 0)
    measure()  # warm the per-process caches (reference lists), as a running worker has them
    small = measure()
    add_webinars(app, 10, rep.user_id, staff_id, 2)
    large = measure()
    assert small == large
