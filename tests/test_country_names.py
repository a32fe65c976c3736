"""People read country names, not ISO codes: the webinar partner-country filter, cards, detail
and introduction pages; the codes stay in URLs and the API."""

from __future__ import annotations

import re

from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.extensions import db
from tests.test_webinars_pages import START, _clock, make_webinar  # noqa: F401 (fixture)


def add_partner(app, name: str, code: str, zone: str) -> int:
    with app.app_context():
        entity = OverseasEntity(
            name=name, country_code=code, timezone=zone, entity_type=OverseasEntityType.CHAMBER
        )
        db.session.add(entity)
        db.session.commit()
        return entity.id


def test_webinar_pages_show_country_names(app, client, login_as):
    german = add_partner(app, "Berlin Digital Chamber", "DE", "Europe/Berlin")
    add_partner(app, "Dubai Chamber", "AE", "Asia/Dubai")
    event_id = make_webinar(app, german)

    index = client.get("/webinars/").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([A-Z]{2})"[^>]*>([^<]*)</option>', index)
    # Names, sorted by name; the code is the value that goes into the URL.
    assert options == [("DE", "Germany"), ("AE", "United Arab Emirates")]
    assert 'Berlin Digital Chamber <span class="muted">(Germany)</span>' in index
    filtered = client.get("/webinars/?country=DE").get_data(as_text=True)
    assert re.search(r'<option[^>]*value="DE"[^>]*selected|selected[^>]*value="DE"', filtered)

    detail = client.get(f"/webinars/{event_id}").get_data(as_text=True)
    assert "Chamber · Germany</span>" in detail
    assert "· DE</span>" not in detail

    # The API keeps the code.
    api = login_as("staff").get(f"/api/v1/events/{event_id}").get_json()
    assert "DE" in str(api) and "Germany" not in str(api.get("partners", ""))


def test_meeting_pages_show_country_names(app, login_as):
    from engagement.partners.models import MeetingRequest, MeetingSide

    german = add_partner(app, "Berlin Digital Chamber", "DE", "Europe/Berlin")
    event_id = make_webinar(app, german)
    company = login_as("company", org="Arfa Soft")
    with app.app_context():
        from engagement.auth.models import User

        org_id = db.session.get(User, company.user_id).organisation.id
        db.session.add(
            MeetingRequest(
                event_id=event_id,
                organisation_id=org_id,
                overseas_entity_id=german,
                requested_side=MeetingSide.COMPANY,
                message="Find a reseller",
            )
        )
        db.session.commit()
    queue = login_as("staff").get("/staff/meetings").get_data(as_text=True)
    assert 'Berlin Digital Chamber <span class="muted small">(Germany)</span>' in queue
    assert "(DE)" not in queue


def test_holiday_warning_names_the_country(app):
    from datetime import UTC, datetime

    from engagement.webinars.services import schedule_advice

    with app.app_context():
        berlin = OverseasEntity(
            name="Berlin Digital Chamber",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.CHAMBER,
        )
        # 3 October is German Unity Day.
        advice = schedule_advice(datetime(2027, 10, 3, 9, tzinfo=UTC), 60, [berlin])
        assert any("public holiday in Germany" in w for w in advice.warnings), advice.warnings


def test_company_profile_reads_its_export_markets_as_names(login_as):
    company = login_as("company", org="Arfa Soft")
    company.post("/directory/profile", data={"legal_name": "Arfa Soft", "export_markets": "de ae"})
    page = company.get("/directory/profile").get_data(as_text=True)
    assert 'value="DE, AE"' in page  # still typed as codes
    assert "Saved: Germany, United Arab Emirates." in page
