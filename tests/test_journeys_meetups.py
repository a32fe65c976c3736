"""Meetup journeys: form errors come back on the meetup's own page (a reload never re-posts), a
ticket with its QR for the door, and a signed cancel link for registrants without an account."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engagement.events.models import Registration, RegistrationState
from engagement.extensions import db
from tests.conftest import link_in
from tests.test_meetups_pages import published  # noqa: F401 - the published Gilgit meetup


@pytest.fixture(autouse=True)
def _test_domain(monkeypatch):
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


def test_errors_redirect_back_to_the_meetup_page_keeping_what_was_typed(client, published):  # noqa: F811
    url = f"/meetups/{published.event_id}"
    response = client.post(f"{url}/register", data={"name": "Ali Raza", "email": "not-an-email"})
    assert response.status_code == 303 and response.location == f"{url}#register-heading"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Ali Raza"' in page and 'value="not-an-email"' in page
    assert 'class="error-summary"' in page and 'href="#email"' in page
    # Shown once: a reload is a plain page again.
    again = client.get(url).get_data(as_text=True)
    assert 'class="error-summary"' not in again and 'value="Ali Raza"' not in again


def test_anonymous_registrant_cancels_with_the_signed_link(app, client, published, outbox):  # noqa: F811
    url = f"/meetups/{published.event_id}"
    assert (
        client.post(
            f"{url}/register", data={"name": "Ali", "email": "ali@example.test"}
        ).status_code
        == 302
    )
    mail = outbox("ali@example.test")[-1]
    assert "My registrations" not in mail.body_text.split("Cancel your seat")[0][-200:]
    cancel = link_in(mail.body_text, "/registrations/cancel/")
    ticket = link_in(mail.body_text, "/tickets/")
    assert "QR code at the entrance" in mail.body_text
    ticket_page = client.get(ticket).get_data(as_text=True)
    assert "data:image/svg+xml" in ticket_page  # in person: the QR code for the door
    assert f'href="{cancel}"' in ticket_page
    assert client.get(cancel[:-3] + "xyz").status_code == 404  # a forged signature
    page = client.get(cancel).get_data(as_text=True)
    assert "Cancel my registration" in page
    done = client.post(cancel)
    assert done.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Registration.state)) == RegistrationState.CANCELLED
    after = client.get(cancel).get_data(as_text=True)
    assert "can no longer be cancelled" in after
    assert client.post(cancel).status_code == 409
    assert re.search(r"Registration cancelled", outbox("ali@example.test")[-1].subject)
