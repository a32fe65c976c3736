"""A new company representative registers in Chromium: the form starts with them, errors come
back in a summary that takes focus, a full event offers the waitlist, and on a phone My
registrations is a stack of cards with every action in reach."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.extensions import db
from tests.browser.test_webinars_journey import sign_in
from tests.test_webinars_pages import make_webinar

pytestmark = pytest.mark.browser


@pytest.fixture
def webinar_id(app):
    with app.app_context():
        partner = OverseasEntity(
            name="Berlin Digital Chamber",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.CHAMBER,
        )
        db.session.add(partner)
        db.session.commit()
        partner_id = partner.id
    starts = (datetime.now(UTC) + timedelta(days=20)).replace(
        hour=9, minute=0, second=0, microsecond=0
    )
    return make_webinar(app, partner_id, starts_at=starts, capacity=3, seat_limit_per_org=3)


def test_company_registers_with_summary_errors_then_sees_cards_on_a_phone(
    browser, live_server, make_user, webinar_id
):
    make_user("company", email="kamran@techlogix.example.com", name="Kamran Rep", org="Techlogix")
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi", locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "kamran@techlogix.example.com")
        page.goto(f"/webinars/{webinar_id}")
        expect(page.get_by_text("3 seats left")).to_be_visible()
        page.get_by_role("link", name="Register", exact=True).click()
        expect(page.get_by_role("heading", name="Register for")).to_be_visible()
        expect(page.locator("#attendees-0-email")).to_have_value("kamran@techlogix.example.com")
        expect(page.locator("#attendees-0-name")).to_have_value("Kamran Rep")
        expect(page.get_by_text("so you can add 3 more")).to_be_visible()
        expect(page.locator(".attendee-row")).to_have_count(3)
        page.fill("#attendees-1-name", "H" * 130)
        page.fill("#attendees-1-email", "hina-at-techlogix")
        page.get_by_role("button", name="Register").click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text("The name is too long")
        expect(summary).to_contain_text("Enter a valid email address.")
        summary.get_by_role("link", name="Email: Enter a valid email address.").click()
        expect(page.locator("#attendees-1-email")).to_be_focused()
        page.fill("#attendees-1-name", "Hina Colleague")
        page.fill("#attendees-1-email", "hina@techlogix.example.com")
        page.get_by_role("button", name="Register").click()
        expect(page.locator(".flashes")).to_contain_text("2 confirmed")

        # One seat left for the world, then full: the page offers the waitlist and the place.
        page.goto(f"/events/{webinar_id}/register")
        page.fill("#attendees-0-name", "Omar Third")
        page.fill("#attendees-0-email", "omar@techlogix.example.com")
        page.get_by_role("button", name="Register").click()
        expect(page.locator(".flashes")).to_contain_text("1 confirmed")
        page.goto(f"/webinars/{webinar_id}")
        expect(page.get_by_text("Full — you would be number 1 on the waitlist")).to_be_visible()

        # On a phone: cards, nothing cut off, Cancel within reach.
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto("/my/registrations")
        expect(page.get_by_role("heading", name="My registrations")).to_be_visible()
        table = page.locator(".stack-table table")
        expect(table).to_be_visible()
        assert table.bounding_box()["width"] <= 390
        cancel = page.get_by_role("button", name="Cancel").first
        expect(cancel).to_be_visible()
        box = cancel.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        expect(page.get_by_text("Confirmed").first).to_be_visible()
    finally:
        context.close()
