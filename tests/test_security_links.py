"""Issue 17.1: every link that leaves the request is built from BASE_URL, never from the Host
header, and a Host outside TRUSTED_HOSTS is refused before any view runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth.models import User
from engagement.config import trusted_hosts_for
from engagement.events import services as svc
from engagement.events.models import EventKind, EventState
from engagement.extensions import db
from tests.conftest import PASSWORD

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
ALIAS = "alias.example"
EVIL = "evil.example"


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
            capacity=10,
            state=EventState.PUBLISHED,
        )
        db.session.commit()
        return event.id


def _everything_sent(outbox) -> str:
    parts = []
    for mail in outbox():
        parts += [mail.subject, mail.body_text, mail.body_html or ""]
        if mail.attachment_data:
            parts.append(mail.attachment_data.decode("utf-8", "replace"))
    return "\n".join(parts)


def test_trusted_hosts_come_from_base_url():
    assert trusted_hosts_for("https://engage.pseb.org.pk") == ["engage.pseb.org.pk"]
    assert "localhost" in trusted_hosts_for("http://127.0.0.1:5000")
    assert "127.0.0.1" in trusted_hosts_for("http://localhost")


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("post", "/password/forgot", {"email": "victim@example.test"}),
        (
            "post",
            "/signup",
            {
                "role": "company",
                "name": "Eve",
                "org_name": "Eve Ltd",
                "email": "eve@example.test",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        ),
        ("post", "/login", {"email": "victim@example.test", "password": "x"}),
        ("get", "/api/v1/events", None),
        ("get", "/calendar/events.ics", None),
    ],
)
def test_a_foreign_host_is_refused_and_sends_nothing(client, make_user, outbox, method, path, data):
    make_user("company", email="victim@example.test")
    response = getattr(client, method)(path, data=data, base_url=f"http://{EVIL}")
    assert response.status_code == 400
    assert EVIL not in response.get_data(as_text=True)
    assert outbox() == []


def test_every_link_names_base_url_even_for_another_trusted_host(
    app, make_user, outbox, event_id, monkeypatch
):
    """With an alias host trusted (a second DNS name), links still use BASE_URL."""
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost", ALIAS])
    base = f"http://{ALIAS}"
    make_user("company", email="owner@example.test")
    client = app.test_client()

    # Anonymous forms that send mail.
    assert (
        client.post("/password/forgot", data={"email": "owner@example.test"}, base_url=base)
    ).status_code == 302
    signup = client.post(
        "/signup",
        data={
            "role": "company",
            "name": "New Rep",
            "org_name": "New Systems",
            "email": "new@example.test",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
        base_url=base,
    )
    assert signup.status_code == 302
    assert client.post("/account/verify", base_url=base).status_code == 302
    client.post("/logout", base_url=base)

    # Signed-in forms that send mail: an invitation and an event registration (with .ics).
    login = client.post(
        "/login", data={"email": "owner@example.test", "password": PASSWORD}, base_url=base
    )
    assert login.status_code == 302
    assert (
        client.post("/account/invite", data={"invite-email": "mate@example.test"}, base_url=base)
    ).status_code == 302
    registered = client.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Owner", "attendees-0-email": "owner@example.test"},
        base_url=base,
    )
    assert registered.status_code == 302, registered.get_data(as_text=True)

    sent = _everything_sent(outbox)
    subjects = [m.subject for m in outbox()]
    assert len(subjects) >= 5, subjects
    assert "http://localhost/password/reset/" in sent
    assert "http://localhost/verify/" in sent
    assert "http://localhost/invitation/" in sent
    assert ALIAS not in sent

    # Pages and API bodies that print absolute links.
    with app.app_context():
        token = db.session.scalar(
            sa.select(User.calendar_token).where(User.email == "owner@example.test")
        )
    for path in [
        "/account",
        "/my/registrations",
        "/api/v1/events",
        f"/api/v1/events/{event_id}",
        f"/calendar/{token}.ics",
        "/calendar/events.ics",
        f"/events/{event_id}/calendar.ics",
    ]:
        response = client.get(path, base_url=base)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        assert ALIAS not in body, path
    api = client.get(f"/api/v1/events/{event_id}", base_url=base).get_json()
    assert api["url"].startswith("http://localhost/")
    assert api["ical_url"].startswith("http://localhost/")
