"""Issue 14.11: registering someone else's address does not lock its owner out. When the owner
signs in with the confirmed address and registers, the seat becomes theirs and the organisation
that registered them is told; staff see who registered whom."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.events import services as svc
from engagement.events.models import EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
FOUNDER = "founder@growth.test"
CFO = "cfo@bigcorp.test"


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


@pytest.fixture
def event_id(app):
    with app.app_context(), app.test_request_context():
        event = svc.create_event(
            EventKind.WEBINAR,
            "Selling software to Germany",
            NOW + timedelta(days=3),
            duration_minutes=60,
            capacity=2,
            seat_limit_per_org=2,
            state=EventState.PUBLISHED,
        )
        db.session.commit()
        return event.id


def registration(app, email: str = FOUNDER) -> Registration:
    with app.app_context():
        row = db.session.scalar(sa.select(Registration).where(Registration.email == email))
        db.session.expunge_all()
        return row


def test_the_owner_of_a_squatted_address_takes_the_seat_over(app, login_as, outbox, event_id):
    company = login_as("company", email="rep@bigcorp.test")
    squat = company.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Not Really A Colleague", "attendees-0-email": CFO},
    )
    assert squat.status_code == 302
    assert registration(app, CFO).user_id == company.user_id

    founder = login_as("company", email=CFO, name="Real Founder", org="CFO Consulting")
    response = founder.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Real Founder", "attendees-0-email": CFO},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    row = registration(app, CFO)
    assert row.user_id == founder.user_id and row.name == "Real Founder"
    assert row.state == RegistrationState.CONFIRMED
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
        assert svc.seats_taken(svc.get_event_for(None, event_id)) == 1
    [told] = [m for m in outbox("rep@bigcorp.test") if "own registration" in m.subject]
    assert CFO in told.body_text
    # The seat no longer counts against the company: it may register two more people.
    more = company.post(
        f"/events/{event_id}/register",
        data={
            "attendees-0-name": "A",
            "attendees-0-email": "a@bigcorp.test",
            "attendees-1-name": "B",
            "attendees-1-email": "b@bigcorp.test",
        },
    )
    assert more.status_code == 302


def test_staff_see_who_registered_whom(app, login_as, event_id):
    company = login_as("company", email="rep@bigcorp.test", name="Rep Person")
    company.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Colleague", "attendees-0-email": "colleague@bigcorp.test"},
    )
    staff = login_as("staff")
    page = staff.get(f"/staff/events/{event_id}").get_data(as_text=True)
    assert "Rep Person" in page and "rep@bigcorp.test" in page
    rows = list(csv.reader(io.StringIO(staff.get(f"/staff/events/{event_id}/attendees.csv").text)))
    assert rows[0][-1] == "registered_by" and rows[1][-1] == "rep@bigcorp.test"


def test_a_colleague_outside_the_domain_confirms_before_holding_a_seat(
    app, client, login_as, outbox, event_id
):
    from tests.conftest import link_in

    company = login_as("company", email="rep@bigcorp.test")
    response = company.post(
        f"/events/{event_id}/register",
        data={
            "attendees-0-name": "Inside",
            "attendees-0-email": "inside@bigcorp.test",
            "attendees-1-name": "Outside",
            "attendees-1-email": FOUNDER,
        },
        follow_redirects=True,
    )
    assert "asked to confirm by the emailed link" in response.get_data(as_text=True)
    row = registration(app)
    assert row.state == RegistrationState.PENDING
    with app.app_context():
        event = svc.get_event_for(None, event_id)
        assert svc.seats_taken(event) == 1  # only the colleague inside the domain
    [mail] = [m for m in outbox(FOUNDER) if "confirm your place" in m.subject.lower()]
    assert "rep@bigcorp.test" in mail.body_text
    path = link_in(mail.body_text, "/events/places/")
    # Opening the link (a mail scanner may) changes nothing; the button confirms.
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my place" in page.get_data(as_text=True)
    assert registration(app).state == RegistrationState.PENDING
    confirmed = client.post(path)
    assert confirmed.status_code == 302 and "/tickets/" in confirmed.headers["Location"]
    assert registration(app).state == RegistrationState.CONFIRMED
    assert any("calendar" in m.attachment_type for m in outbox(FOUNDER) if m.attachment_type)
    # The link works once: a second press changes nothing.
    assert client.post(path).status_code == 302
    with app.app_context():
        assert svc.seats_taken(svc.get_event_for(None, event_id)) == 2
    assert client.get("/events/places/not-a-token", follow_redirects=True).status_code == 200


def test_the_owner_registering_takes_over_a_pending_row(app, login_as, outbox, event_id):
    company = login_as("company", email="rep@bigcorp.test")
    company.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Squatted", "attendees-0-email": FOUNDER},
    )
    assert registration(app).state == RegistrationState.PENDING
    founder = login_as("startup", email=FOUNDER)
    assert founder.post(f"/events/{event_id}/register", data={}).status_code == 302
    row = registration(app)
    assert row.user_id == founder.user_id and row.state == RegistrationState.CONFIRMED
    told = [m for m in outbox("rep@bigcorp.test") if "own registration" in m.subject]
    assert len(told) == 1
