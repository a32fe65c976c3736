"""Calendar files people import: plain-text description, where the event is, its page."""

from __future__ import annotations

import icalendar
import pytest

from tests.test_meetups_pages import published  # noqa: F401 - the published Gilgit meetup
from tests.test_webinars_pages import make_webinar, partner_id  # noqa: F401


def vevent(data: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(data)
    return next(c for c in calendar.walk("VEVENT"))


@pytest.fixture(autouse=True)
def _test_domain(monkeypatch):
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


def test_meetup_ics_has_the_venue_as_location(client, published):  # noqa: F811
    item = vevent(client.get(f"/meetups/{published.event_id}/calendar.ics").data)
    assert "Gilgit STP" in str(item["location"])
    assert "Gilgit" in str(item["location"])
    assert str(item["url"]).endswith(f"/meetups/{published.event_id}")
    assert "join link" not in str(item["description"])


def test_webinar_ics_has_plain_text_description_url_and_online_note(
    app,
    client,
    frozen_clock,
    partner_id,  # noqa: F811
):
    from tests.test_webinars_pages import NOW

    frozen_clock(NOW)
    event_id = make_webinar(
        app,
        partner_id,
        description="**Bold** plan with [GPCCI](https://gpcci.example.org)\n\n- one\n- two",
    )
    item = vevent(client.get(f"/events/{event_id}/calendar.ics").data)
    description = str(item["description"])
    assert "**" not in description and "Bold plan" in description
    assert "GPCCI (https://gpcci.example.org)" in description
    assert "- one\n- two" in description
    assert "the join link is on the event page" in description
    assert str(item["url"]).endswith(f"/webinars/{event_id}")
    assert str(item["location"]).startswith("Online: http")
