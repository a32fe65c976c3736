"""Webinar and registration pages through real HTTP requests to the WSGI app."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth.models import User
from engagement.directory.models import OverseasEntity, OverseasEntityType, Sector
from engagement.events.models import Event, EventState, Registration, RegistrationState
from engagement.extensions import db
from engagement.webinars import services as wsvc
from engagement.webinars.models import Webinar

NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)  # Monday 11:00 PKT
START = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # Wednesday 14:00 PKT, 10:00 Berlin


@pytest.fixture(autouse=True)
def _clock(frozen_clock, monkeypatch):
    frozen_clock(NOW)
    # Test accounts use the reserved .test domain; let the login form's validator accept it.
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


@pytest.fixture
def partner_id(app):
    with app.app_context():
        entity = OverseasEntity(
            name="Berlin Digital Chamber",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.CHAMBER,
        )
        db.session.add(entity)
        db.session.commit()
        return entity.id


def make_webinar(app, partner_id: int, publish: bool = True, **kwargs) -> int:
    values = {
        "title": "Selling SaaS into the German Mittelstand",
        "starts_at": START,
        "duration_minutes": 60,
        "capacity": 2,
        "publish": publish,
        "description": "**Bold** plan <script>alert(1)</script>",
        "join_url": "https://meet.example.org/abc",
        "platform": "Zoom",
    }
    values.update(kwargs)
    with app.app_context(), app.test_request_context():
        partner = db.session.get(OverseasEntity, partner_id)
        sector = db.session.scalar(sa.select(Sector).where(Sector.slug == "fintech"))
        webinar = wsvc.create_webinar(
            **values, partners=[partner], sectors=[sector], created_by=None
        )
        db.session.commit()
        return webinar.event_id


def registrations(app, event_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (r.email, r.state.value)
            for r in db.session.scalars(
                sa.select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.id)
            )
        ]


def attendee_data(*pairs: tuple[str, str]) -> dict[str, str]:
    data = {}
    for index, (name, email) in enumerate(pairs):
        data[f"attendees-{index}-name"] = name
        data[f"attendees-{index}-email"] = email
    return data


def test_staff_creates_webinar_with_schedule_advice_and_errors_keep_input(
    app, login_as, partner_id
):
    staff = login_as("staff")
    page = staff.get("/webinars/new")
    assert page.status_code == 200 and "Berlin Digital Chamber" in page.text
    form = {
        "title": "AI partnerships with Germany",
        "description": "Meet **buyers**.",
        "partners": str(partner_id),
        "starts_at": "2027-03-10T14:00",
        "duration_minutes": "60",
        "capacity": "",
        "platform": "Zoom",
    }
    bad = staff.post("/webinars/new", data=form)
    assert bad.status_code == 422
    assert "Enter the number of seats." in bad.text
    assert 'value="AI partnerships with Germany"' in bad.text
    # The slot check shows the overlap of business hours (PKT 13:00-17:00 = Berlin 09:00-13:00).
    check = staff.post("/webinars/new", data={**form, "check": "1"})
    assert "13:00–17:00" in check.text and "09:00–13:00" in check.text
    # An evening slot on Pakistan Day warns about hours and the holiday.
    warn = staff.post("/webinars/new", data={**form, "starts_at": "2027-03-23T19:00", "check": "1"})
    assert "outside Pakistani business hours" in warn.text and "Pakistan Day" in warn.text
    ok = staff.post(
        "/webinars/new", data={**form, "capacity": "40", "seat_limit_per_org": "3", "publish": "y"}
    )
    assert ok.status_code == 302
    with app.app_context():
        webinar = db.session.scalar(sa.select(Webinar))
        assert webinar.event.state == EventState.PUBLISHED
        assert webinar.event.starts_at == START
        assert [p.id for p in webinar.partners] == [partner_id]
    detail = staff.get(ok.location)
    assert "AI partnerships with Germany" in detail.text
    assert "CET" in detail.text and "PKT" in detail.text  # both zones shown


def test_public_pages_filters_markdown_and_drafts(app, client, partner_id):
    event_id = make_webinar(app, partner_id)
    draft_id = make_webinar(app, partner_id, publish=False, title="Secret draft")
    index = client.get("/webinars/")
    assert index.status_code == 200 and "Selling SaaS" in index.text
    assert "Secret draft" not in index.text
    with app.app_context():
        fintech = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "fintech"))
        other = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "edtech"))
    assert "Selling SaaS" in client.get(f"/webinars/?sector={fintech}&country=DE").text
    assert "Selling SaaS" not in client.get(f"/webinars/?sector={other}").text
    assert "Selling SaaS" in client.get("/webinars/?month=2027-03").text
    assert "Selling SaaS" not in client.get("/webinars/?month=2027-04").text
    assert client.get("/webinars/?month=garbage&sector=x").status_code == 200
    detail = client.get(f"/webinars/{event_id}")
    assert "<strong>Bold</strong>" in detail.text and "<script>alert" not in detail.text
    assert "meet.example.org" not in detail.text  # join URL hidden from the public
    assert client.get(f"/webinars/{draft_id}").status_code == 404
    assert client.get("/webinars/99999").status_code == 404
    ics = client.get(f"/events/{event_id}/calendar.ics")
    assert ics.mimetype == "text/calendar" and b"TZID=Asia/Karachi" in ics.data
    feed = client.get("/calendar/events.ics")
    assert b"Selling SaaS" in feed.data and b"Secret draft" not in feed.data


def test_company_registers_colleagues_up_to_limit_then_waitlist(app, login_as, partner_id, outbox):
    event_id = make_webinar(app, partner_id, capacity=2, seat_limit_per_org=3)
    rep = login_as("company")
    form = rep.get(f"/events/{event_id}/register")
    assert form.status_code == 200 and "attendees-0-email" in form.text
    too_many = rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(*[(f"P{i}", f"p{i}@example.test") for i in range(4)]),
    )
    assert too_many.status_code == 409 and "at most 3" in too_many.text
    assert 'value="p3@example.test"' in too_many.text  # input kept
    missing = rep.post(f"/events/{event_id}/register", data=attendee_data(("Ayesha", "")))
    assert missing.status_code == 422 and "Enter the attendee&#39;s email." in missing.text
    done = rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("Ayesha Khan", "ayesha@example.test"), ("Bilal", "bilal@example.test")),
    )
    assert done.status_code == 302
    # Double submission of the same form stores nothing new.
    again = rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("Ayesha Khan", "ayesha@example.test"), ("Bilal", "bilal@example.test")),
    )
    assert again.status_code == 302 and again.location.endswith("/my/registrations")
    third = rep.post(
        f"/events/{event_id}/register", data=attendee_data(("Chand", "chand@example.test"))
    )
    assert third.status_code == 302
    assert registrations(app, event_id) == [
        ("ayesha@example.test", "confirmed"),
        ("bilal@example.test", "confirmed"),
        ("chand@example.test", "waitlisted"),
    ]
    mine = rep.get("/my/registrations")
    assert "Ayesha Khan" in mine.text and "you are number 1" in mine.text
    confirmation = outbox("ayesha@example.test")[0]
    assert confirmation.attachment_name.endswith(".ics")
    # Cancel Ayesha: Chand is promoted and emailed.
    with app.app_context():
        ayesha = db.session.scalar(
            sa.select(Registration.id).where(Registration.email == "ayesha@example.test")
        )
    assert rep.post(f"/my/registrations/{ayesha}/cancel").status_code == 302
    assert registrations(app, event_id)[2] == ("chand@example.test", "confirmed")
    assert "seat opened" in outbox("chand@example.test")[-1].subject


def test_startup_registers_only_self_and_sees_join_url_near_start(
    app, login_as, partner_id, frozen_clock
):
    event_id = make_webinar(app, partner_id, capacity=5)
    founder = login_as("startup")
    page = founder.get(f"/events/{event_id}/register")
    assert "You will be registered as" in page.text and "attendees-0-email" not in page.text
    assert founder.post(f"/events/{event_id}/register").status_code == 302
    with app.app_context():
        me = db.session.get(User, founder.user_id)
        assert registrations(app, event_id) == [(me.email, "confirmed")]
    assert "meet.example.org" not in founder.get(f"/webinars/{event_id}").text
    frozen_clock(START - timedelta(minutes=10))
    assert "meet.example.org" in founder.get(f"/webinars/{event_id}").text
    other = login_as("startup")
    assert "meet.example.org" not in other.get(f"/webinars/{event_id}").text


def test_registration_closed_and_cancelled_give_clear_messages(app, login_as, partner_id):
    closed_id = make_webinar(
        app,
        partner_id,
        registration_opens_at=NOW - timedelta(days=2),
        registration_closes_at=NOW - timedelta(days=1),
    )
    rep = login_as("company")
    response = rep.post(
        f"/events/{closed_id}/register", data=attendee_data(("A", "a@example.test"))
    )
    assert response.status_code == 409 and "Registration for this event is closed." in response.text


def test_other_users_cannot_cancel_or_see_registrations(app, login_as, partner_id):
    event_id = make_webinar(app, partner_id)
    rep = login_as("company")
    rep.post(f"/events/{event_id}/register", data=attendee_data(("A", "a@example.test")))
    with app.app_context():
        reg_id = db.session.scalar(sa.select(Registration.id))
    stranger = login_as("company")
    assert stranger.post(f"/my/registrations/{reg_id}/cancel").status_code == 404
    assert "a@example.test" not in stranger.get("/my/registrations").text
    assert registrations(app, event_id) == [("a@example.test", "confirmed")]


def test_private_calendar_feed_ticket_and_check_in(app, login_as, partner_id, client, frozen_clock):
    event_id = make_webinar(app, partner_id)
    rep = login_as("company")
    rep.post(f"/events/{event_id}/register", data=attendee_data(("Ayesha", "a@example.test")))
    with app.app_context():
        token = db.session.get(User, rep.user_id).calendar_token
        ticket = db.session.scalar(sa.select(Registration.ticket_token))
        reg_id = db.session.scalar(sa.select(Registration.id))
    feed = client.get(f"/calendar/{token}.ics")
    assert feed.status_code == 200 and b"Selling SaaS" in feed.data
    assert client.get("/calendar/not-a-token.ics").status_code == 404
    page = client.get(f"/tickets/{ticket}")
    # A webinar is online: no QR code to show at a door, the join link note instead.
    assert page.status_code == 200 and "data:image/svg+xml" not in page.text
    assert "This is an online event" in page.text
    assert client.get(f"/staff/check-in/{ticket}").status_code in (302, 401)
    staff = login_as("staff")
    frozen_clock(START + timedelta(minutes=10))  # the door is open from 2 hours before
    assert "Mark Ayesha as attended" in staff.get(f"/staff/check-in/{ticket}").text
    assert staff.post(f"/staff/check-in/{ticket}").status_code == 302
    assert registrations(app, event_id) == [("a@example.test", "attended")]
    assert "Attended" in staff.get(f"/webinars/{event_id}").text
    assert (
        staff.post(
            f"/staff/registrations/{reg_id}/attendance", data={"action": "no_show"}
        ).status_code
        == 302
    )
    assert registrations(app, event_id) == [("a@example.test", "no_show")]


def test_staff_attendee_list_csv_capacity_message_and_cancel(app, login_as, partner_id, outbox):
    event_id = make_webinar(app, partner_id, capacity=1)
    rep = login_as("company", org="Arbisoft Test")
    rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("Ayesha", "a@example.test"), ("=Bilal", "b@example.test")),
    )
    staff = login_as("staff")
    page = staff.get(f"/staff/events/{event_id}")
    assert page.status_code == 200 and "Ayesha" in page.text
    assert "Ayesha" not in staff.get(f"/staff/events/{event_id}?state=waitlisted").text
    assert "Ayesha" in staff.get(f"/staff/events/{event_id}?q=arbisoft").text
    exported = staff.get(f"/staff/events/{event_id}/attendees.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][0] == "name" and rows[2][0] == "'=Bilal"  # no formula injection
    low = staff.post(
        f"/staff/events/{event_id}/capacity", data={"capacity": "0"}, follow_redirects=True
    )
    assert low.request.path == f"/staff/events/{event_id}" and "already confirmed" in low.text
    assert (
        staff.post(f"/staff/events/{event_id}/capacity", data={"capacity": "2"}).status_code == 302
    )
    assert registrations(app, event_id)[1] == ("b@example.test", "confirmed")
    empty = staff.post(
        f"/staff/events/{event_id}/message",
        data={"subject": "", "body": "x"},
        follow_redirects=True,
    )
    assert empty.request.path == f"/staff/events/{event_id}" and "Write a subject." in empty.text
    staff.post(f"/staff/events/{event_id}/message", data={"subject": "Agenda", "body": "See you"})
    assert "Agenda" in outbox("b@example.test")[-1].subject
    staff.post(f"/staff/events/{event_id}/cancel", data={"reason": "Speaker ill"})
    with app.app_context():
        assert db.session.get(Event, event_id).state == EventState.CANCELLED
    assert "Speaker ill" in outbox("a@example.test")[-1].body_text
    assert "Selling SaaS" in staff.get("/staff/events").text
    company = login_as("company")
    assert company.get("/staff/events").status_code == 403


def test_past_webinars_show_recordings(app, client, partner_id, frozen_clock):
    make_webinar(app, partner_id, recording_url="https://video.example.org/rec1")
    frozen_clock(START + timedelta(days=1))
    page = client.get("/webinars/past")
    assert "Watch the recording" in page.text and "video.example.org/rec1" in page.text
    assert "Selling SaaS" not in client.get("/webinars/").text


def test_my_registrations_pages_and_feed_address(app, login_as, partner_id):
    rep = login_as("company")
    page = rep.get("/my/registrations")
    assert page.status_code == 200 and "/calendar/" in page.text
    assert RegistrationState.CONFIRMED.label == "Confirmed"


def test_staff_edit_raises_capacity_and_keeps_input_on_errors(app, login_as, partner_id):
    event_id = make_webinar(app, partner_id, capacity=1)
    rep = login_as("company")
    rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("A", "a@example.test"), ("B", "b@example.test")),
    )
    staff = login_as("staff")
    page = staff.get(f"/webinars/{event_id}/edit")
    assert page.status_code == 200 and 'value="2027-03-10T14:00"' in page.text
    form = {
        "title": "Renamed webinar",
        "partners": str(partner_id),
        "starts_at": "2027-03-10T15:00",
        "duration_minutes": "45",
        "capacity": "2",
        "registration_opens_at": "2027-03-05T10:00",
        "registration_closes_at": "2027-03-04T10:00",
    }
    bad = staff.post(f"/webinars/{event_id}/edit", data=form)
    assert bad.status_code == 422 and "Registration must close after it opens." in bad.text
    assert 'value="Renamed webinar"' in bad.text
    del form["registration_opens_at"], form["registration_closes_at"]
    assert staff.post(f"/webinars/{event_id}/edit", data=form).status_code == 302
    assert registrations(app, event_id)[1] == ("b@example.test", "confirmed")
    with app.app_context():
        event = db.session.get(Event, event_id)
        assert event.title == "Renamed webinar"
        assert event.starts_at == START + timedelta(hours=1)
        assert event.duration_minutes == 45
    assert login_as("company").get(f"/webinars/{event_id}/edit").status_code == 403


def test_registration_needs_sign_in_and_csrf(app, client, login_as, partner_id):
    event_id = make_webinar(app, partner_id)
    response = client.get("/my/registrations")
    assert response.status_code == 302 and "/login" in response.location
    assert "/login" in client.post(f"/events/{event_id}/register").location
    founder = login_as("startup")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert founder.post(f"/events/{event_id}/register").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert registrations(app, event_id) == []
