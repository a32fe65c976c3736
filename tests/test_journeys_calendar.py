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


# --- The words of a calendar file in its reader's language ----------------------------------------

URDU_ONLINE_NOTE = "آن لائن ایونٹ: شمولیت کا لنک"


def test_ics_download_follows_the_page_language(app, client, frozen_clock, partner_id):  # noqa: F811
    from tests.test_webinars_pages import NOW

    frozen_clock(NOW)
    event_id = make_webinar(app, partner_id)
    english = vevent(client.get(f"/events/{event_id}/calendar.ics?lang=en").data)
    assert "the join link is on the event page" in str(english["description"])
    assert "Event page: http" in str(english["description"])
    urdu = vevent(client.get(f"/events/{event_id}/calendar.ics?lang=ur").data)
    description = str(urdu["description"])
    assert URDU_ONLINE_NOTE in description and "ایونٹ کا صفحہ: http" in description
    assert "join link" not in description
    assert str(urdu["location"]).startswith("آن لائن: http")
    # The event's own title is the organiser's words, not translated.
    assert str(urdu["summary"]) == "Selling SaaS into the German Mittelstand"
    feed = icalendar.Calendar.from_ical(client.get("/calendar/events.ics?lang=ur").data)
    assert str(feed["x-wr-calname"]) == "PSEB Engage ایونٹس"


def test_confirmation_ics_and_private_feed_in_the_registrants_language(
    app,
    login_as,
    outbox,
    frozen_clock,
    partner_id,  # noqa: F811
):
    import sqlalchemy as sa

    from engagement.auth.models import User
    from engagement.extensions import db
    from tests.test_webinars_pages import NOW

    frozen_clock(NOW)
    event_id = make_webinar(app, partner_id, capacity=5)
    founder = login_as("startup")
    founder.get("/?lang=ur")  # saved in the profile
    assert founder.post(f"/events/{event_id}/register").status_code == 302
    with app.app_context():
        me = db.session.get(User, founder.user_id)
        email, token = me.email, me.calendar_token
        assert me.language == "ur"
    mail = outbox(email)[-1]
    assert mail.attachment_type == "text/calendar"
    assert URDU_ONLINE_NOTE in str(vevent(mail.attachment_data)["description"])
    # The feed is fetched by a calendar app, with no cookie: the owner's language still.
    feed = app.test_client().get(f"/calendar/{token}.ics").data
    assert str(icalendar.Calendar.from_ical(feed)["x-wr-calname"]) == "میرے PSEB Engage ایونٹس"
    assert URDU_ONLINE_NOTE in str(vevent(feed)["description"])
    # An English reader of the same event gets English.
    other = login_as("startup")
    assert other.post(f"/events/{event_id}/register").status_code == 302
    with app.app_context():
        other_email = db.session.scalar(sa.select(User.email).where(User.id == other.user_id))
    english = str(vevent(outbox(other_email)[-1].attachment_data)["description"])
    assert "the join link is on the event page" in english


def test_meeting_ics_in_each_sides_language(app, login_as, outbox, frozen_clock):
    from tests.partners_support import NOW, SLOT_B, email_of, make_showcase

    frozen_clock(NOW)
    partner = login_as("partner", org="Berlin Digital Chamber", country="DE")
    company = login_as("company", org="Lahore Soft")
    ids = make_showcase(app, company.user_id)
    company.get("/?lang=ur")
    meeting = partner.post(
        f"/meetings/new?organisation={ids['organisation_id']}",
        data={"message": "Payments partners in Lahore.", "slots": ["2027-03-02T09:00:00Z", SLOT_B]},
    )
    meeting_id = int(meeting.location.rsplit("/", 1)[1])
    accepted = company.post(
        f"/meetings/{meeting_id}/accept",
        data={"slot": SLOT_B, "video_url": "https://meet.example.com/pseb-1"},
    )
    assert accepted.status_code == 302
    confirmed = {m.to_address: m for m in outbox() if m.attachment_data}
    theirs = vevent(confirmed[email_of(app, partner.user_id)].attachment_data)
    ours = vevent(confirmed[email_of(app, company.user_id)].attachment_data)
    assert str(theirs["summary"]) == "B2B meeting: Lahore Soft / Berlin Digital Chamber"
    assert "Video link: https://meet.example.com/pseb-1" in str(theirs["description"])
    assert str(ours["summary"]) == "B2B میٹنگ: Lahore Soft / Berlin Digital Chamber"
    assert "ویڈیو لنک: https://meet.example.com/pseb-1" in str(ours["description"])
    # The download follows the page: the company reads Urdu, the partner English.
    assert "B2B میٹنگ" in str(vevent(company.get(f"/meetings/{meeting_id}.ics").data)["summary"])
    assert str(vevent(partner.get(f"/meetings/{meeting_id}.ics").data)["summary"]).startswith(
        "B2B meeting:"
    )
