"""Issue 17.3 and issue 16: an account whose email is not confirmed sees and changes nothing others
attached to that address, creates no API tokens, holds no seat and submits no request (drafts are
kept), and is shown a resend button right where it is stopped. Verification links are single use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth import services as auth
from engagement.auth.models import Role, User
from engagement.events import services as svc
from engagement.events.models import EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db
from engagement.facilitation import services as facilitation
from engagement.facilitation.models import FacilitationRequest, RequestState
from tests.conftest import PASSWORD, Auth, link_in

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
CFO = "cfo@bigclient.test"
RESEND = "Send the link again"


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


def make_event(app, capacity: int = 10) -> int:
    with app.app_context(), app.test_request_context():
        event = svc.create_event(
            EventKind.WEBINAR,
            "Selling software to Germany",
            NOW + timedelta(days=3),
            duration_minutes=60,
            capacity=capacity,
            state=EventState.PUBLISHED,
        )
        db.session.commit()
        return event.id


def unconfirmed(app, email: str, role: str = "company", org: str | None = "Stranger Ltd"):
    """An account signed up but never confirmed; returns a client signed in as it."""
    with app.app_context(), app.test_request_context():
        auth.create_user(email, PASSWORD, Role(role), name="Stranger", org_name=org)
        db.session.commit()
    client = app.test_client()
    Auth(client).login(email)
    return client


def test_a_stranger_with_an_unconfirmed_address_sees_and_cancels_nothing(app, login_as):
    event_id = make_event(app)
    company = login_as("company", email="rep@bigclient.test")  # the CFO's own colleague
    company.post(
        f"/events/{event_id}/register",
        data={
            "attendees-0-name": "Rep",
            "attendees-0-email": "rep@bigclient.test",
            "attendees-1-name": "The CFO",
            "attendees-1-email": CFO,
        },
    )
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.email == CFO))
        registration_id, ticket = registration.id, registration.ticket_token

    stranger = unconfirmed(app, CFO)
    mine = stranger.get("/my/registrations").get_data(as_text=True)
    assert "Selling software to Germany" not in mine and ticket not in mine
    assert stranger.get("/api/v1/registrations").get_json()["items"] == []
    assert stranger.get(f"/api/v1/registrations/{registration_id}").status_code == 404
    assert stranger.post(f"/my/registrations/{registration_id}/cancel").status_code == 404
    with app.app_context():
        token = db.session.scalar(sa.select(User.calendar_token).where(User.email == CFO))
        assert db.session.get(Registration, registration_id).state == RegistrationState.CONFIRMED
    assert b"Selling software" not in stranger.get(f"/calendar/{token}.ics").data


def test_confirming_the_address_shows_what_was_registered_for_it(app, login_as, outbox):
    event_id = make_event(app)
    company = login_as("company", email="rep@bigclient.test")  # the CFO's own colleague
    company.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "The CFO", "attendees-0-email": CFO},
    )
    client = app.test_client()
    client.post(
        "/signup",
        data={
            "role": "company",
            "name": "The CFO",
            "org_name": "Big Client",
            "email": CFO,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert "Selling software" not in client.get("/my/registrations").get_data(as_text=True)
    [mail] = [m for m in outbox(CFO) if "/verify/" in m.body_text]
    link = link_in(mail.body_text, "/verify/")
    assert client.get(link).status_code == 302
    assert "Selling software" in client.get("/my/registrations").get_data(as_text=True)
    # The link is single use.
    again = client.get(link, follow_redirects=True).get_data(as_text=True)
    assert "already been used" in again


def test_unconfirmed_accounts_create_no_api_tokens(app):
    client = unconfirmed(app, "new@example.test")
    page = client.post("/account/tokens", data={"token-name": "CRM", "token-lifetime": "30"})
    body = page.get_data(as_text=True)
    assert page.status_code == 403
    assert "Confirm your email" in body or "not confirmed" in body
    assert RESEND in body and "pse_" not in body
    api = app.test_client().post(
        "/api/v1/tokens", json={"email": "new@example.test", "password": PASSWORD}
    )
    assert api.status_code == 403 and "Confirm your email" in api.get_json()["detail"]


def test_unconfirmed_accounts_hold_no_seat_and_are_offered_a_new_link(app, outbox):
    event_id = make_event(app)
    client = unconfirmed(app, "solo@example.test", role="startup", org="Solo Labs")
    form = client.get(f"/events/{event_id}/register").get_data(as_text=True)
    assert RESEND in form
    response = client.post(f"/events/{event_id}/register", data={})
    body = response.get_data(as_text=True)
    assert response.status_code == 403 and RESEND in body
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    # The resend button right there sends a fresh link and comes back to the same page.
    resend = client.post("/account/verify", data={"next": f"/events/{event_id}/register"})
    assert resend.status_code == 302 and resend.headers["Location"].endswith("/register")
    assert any("/verify/" in m.body_text for m in outbox("solo@example.test"))


def test_unconfirmed_startup_keeps_its_draft_but_cannot_submit(app):
    client = unconfirmed(app, "founder@example.test", role="startup", org="Founder Labs")
    with app.app_context(), app.test_request_context():
        user = db.session.scalar(sa.select(User).where(User.email == "founder@example.test"))
        draft = facilitation.create_request(
            user,
            "marketing",
            "Trade fair stand",
            summary="We need a stand at GITEX to meet Gulf buyers for our HR software.",
            details="Budget and dates attached.",
        )
        db.session.commit()
        draft_id = draft.id
    response = client.post(f"/facilitation/requests/{draft_id}/submit")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/requests/{draft_id}/draft/files")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert RESEND in page and "your draft is saved" in page
    with app.app_context():
        assert db.session.get(FacilitationRequest, draft_id).state == RequestState.DRAFT
        user = db.session.scalar(sa.select(User).where(User.email == "founder@example.test"))
        with pytest.raises(facilitation.TransitionForbidden, match="Confirm your email"):
            facilitation.transition(
                db.session.get(FacilitationRequest, draft_id), RequestState.SUBMITTED, user
            )
        db.session.rollback()
