"""A real browser in three zones: the first page it sees already shows its own local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.extensions import db
from tests.test_webinars_pages import make_webinar

pytestmark = pytest.mark.browser


@pytest.fixture
def webinar_id(app):
    with app.app_context():
        partner = OverseasEntity(
            name="Tokyo IT Association",
            country_code="JP",
            timezone="Asia/Tokyo",
            entity_type=OverseasEntityType.TRADE_BODY,
        )
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    starts = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return make_webinar(app, partner_id, starts_at=starts), starts


@pytest.mark.parametrize(
    ("zone", "abbreviation"),
    [
        ("America/New_York", ("EST", "EDT")),
        ("Europe/Berlin", ("CET", "CEST")),
        ("Asia/Dubai", ("+04",)),
    ],
)
def test_the_browser_zone_is_used_from_the_first_page(
    browser, live_server, webinar_id, zone, abbreviation
):
    from zoneinfo import ZoneInfo

    event_id, starts = webinar_id
    local = starts.astimezone(ZoneInfo(zone))
    context = browser.new_context(base_url=live_server, timezone_id=zone, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        page.goto(f"/webinars/{event_id}")
        row = page.locator("tr", has_text="Your time")
        expect(row).to_contain_text(f"({zone})")
        expect(row).to_contain_text(f"{local:%H:%M} {local.tzname()}")
        assert local.tzname() in abbreviation
        expect(page.locator(".site-footer")).to_contain_text(f"Times in {zone}")
        cookies = {c["name"]: c["value"] for c in context.cookies()}
        assert cookies["tz"] == zone
        # The next page keeps the zone; the list shows it beside Pakistan time.
        page.goto("/webinars/")
        expect(page.locator(".webinar-when").first).to_contain_text("your time")
        expect(page.locator(".webinar-when").first).to_contain_text(
            f"{local:%H:%M} {local.tzname()}"
        )
    finally:
        context.close()


def test_a_browser_reporting_utc_sees_pakistan_time(browser, live_server, webinar_id):
    event_id, starts = webinar_id
    context = browser.new_context(base_url=live_server, timezone_id="UTC", locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"/webinars/{event_id}")
        expect(page.locator(".site-footer")).to_contain_text("Times in Asia/Karachi")
        expect(page.locator("table")).not_to_contain_text("Your time")
    finally:
        context.close()
