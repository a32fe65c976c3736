"""The viewer's time zone, decided once (profile, else browser, else Asia/Karachi), on real pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from engagement.auth.models import User
from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.extensions import db
from tests.conftest import PASSWORD
from tests.test_meetups_pages import published  # noqa: F401
from tests.test_webinars_pages import make_webinar

NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
# make_webinar's default start: 09:00 UTC = 14:00 PKT = 10:00 Berlin = 04:00 New York.


@pytest.fixture(autouse=True)
def _clock(frozen_clock, monkeypatch):
    frozen_clock(NOW)
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


@pytest.mark.parametrize(
    ("cookie", "expected"),
    [
        ("America%2FNew_York", "04:00 EST"),  # what the old app.js stored
        ("America/New_York", "04:00 EST"),
        ("Asia/Dubai", "13:00 +04"),
        ("UTC", None),  # a machine without a zone: Pakistan time, never UTC by accident
        ("Mars/Olympus", None),
    ],
)
def test_the_browser_zone_cookie_is_decoded_and_validated(
    app, client, partner_id, cookie, expected
):
    event_id = make_webinar(app, partner_id)
    client.set_cookie("tz", cookie)
    html = client.get(f"/webinars/{event_id}").get_data(as_text=True)
    if expected:
        assert "Your time" in html
        assert expected in html
    else:
        assert "Your time" not in html
        assert "09:00 UTC" not in html
    assert "14:00 PKT" in html


def test_a_signed_in_user_without_a_zone_sees_pakistan_time_when_the_browser_reports_utc(
    app, client, auth, make_user, partner_id
):
    make_webinar(app, partner_id)
    user_id = make_user("company", email="rep@example.test")
    client.set_cookie("tz", "UTC")
    auth.login("rep@example.test")
    html = client.get("/").get_data(as_text=True)
    assert "14:00 PKT" in html
    assert "09:00 UTC" not in html
    # The profile's zone wins over the browser's.
    with app.app_context():
        db.session.get(User, user_id).timezone = "UTC"
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "09:00 UTC" in html


def test_the_first_page_asks_the_browser_once_and_only_on_get(app, client):
    html = client.get("/").get_data(as_text=True)
    assert 'data-tz="Asia/Karachi" data-tz-detect' in html
    client.set_cookie("tz", "Europe/Berlin")
    html = client.get("/").get_data(as_text=True)
    assert 'data-tz="Europe/Berlin"' in html
    assert "data-tz-detect" not in html


def test_webinar_list_and_home_cards_show_the_partners_local_time(app, client, partner_id):
    make_webinar(app, partner_id)
    for path in ("/webinars/", "/"):
        html = client.get(path).get_data(as_text=True)
        assert "Wed 10 Mar 2027, 14:00 PKT" in html, path
        assert "10:00 CET in Berlin Digital Chamber" in html, path


def test_flash_messages_are_not_list_items_inside_a_status_region(app, client, auth, make_user):
    make_user("company", email="rep@example.test")
    response = client.post("/login", data={"email": "rep@example.test", "password": PASSWORD})
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<div class="flashes" role="status">' in html
    assert '<li class="flash' not in html
    assert "Signed in as rep@example.test" in html


def test_my_registrations_lead_with_the_viewer_zone_and_show_pakistan_time_beside_it(
    app, login_as, partner_id
):
    event_id = make_webinar(app, partner_id, capacity=5)
    founder = login_as("startup")
    founder.post(f"/events/{event_id}/register")
    founder.set_cookie("tz", "UTC")  # a browser without a zone: Pakistan time, not UTC
    page = founder.get("/my/registrations").get_data(as_text=True)
    assert "Wed 10 Mar 2027, 14:00 PKT" in page and "09:00 UTC" not in page
    with app.app_context():
        db.session.get(User, founder.user_id).timezone = "Europe/Berlin"
        db.session.commit()
    page = founder.get("/my/registrations").get_data(as_text=True)
    assert "Wed 10 Mar 2027, 10:00 CET (14:00 PKT)" in page


def test_meetup_page_shows_the_viewer_time_beside_pakistan_time(client, published):  # noqa: F811
    client.set_cookie("tz", "Europe/Berlin")
    page = client.get(f"/meetups/{published.event_id}").get_data(as_text=True)
    assert "Wed 28 Apr 2027, 15:00 PKT" in page
    assert "(your time: Wed 28 Apr 2027, 12:00 CEST)" in page
    home = client.get("/").get_data(as_text=True)
    assert "Wed 28 Apr 2027, 12:00 CEST (15:00 PKT)" in home
