"""The webinar journey in Chromium: schedule, register colleagues, .ics, waitlist, promotion."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.events.models import Registration
from engagement.extensions import db
from engagement.notifications.models import OutboxMessage
from engagement.notifications.services import render_message
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/login" not in url)


def test_webinar_journey(app, browser, live_server, make_user):
    make_user("staff", email="staff.journey@example.com", name="Sana Staff")
    make_user("company", email="rep.journey@example.com", name="Kamran Rep", org="Techlogix")
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
    # A weekday two weeks ahead, 11:00 PKT = 15:00 in Tokyo (inside both business days).
    day = (datetime.now(ZoneInfo("Asia/Karachi")) + timedelta(days=14)).date()
    while day.weekday() >= 5:
        day += timedelta(days=1)
    starts = f"{day.isoformat()}T11:00"

    def new_page():
        context = browser.new_context(
            base_url=live_server, timezone_id="Asia/Karachi", locale="en-GB", accept_downloads=True
        )
        context.set_default_timeout(20_000)
        return context, context.new_page()

    # 1. Staff schedule the webinar, checking the slot against the partner's business hours.
    staff_context, page = new_page()
    sign_in(page, "staff.journey@example.com")
    page.goto("/webinars/new")
    page.fill("#title", "Japanese outsourcing for Pakistani studios")
    page.fill("#description", "Meet **Tokyo** buyers.")
    page.select_option("#partners", str(partner_id))
    page.fill("#starts_at", starts)
    page.fill("#duration_minutes", "60")
    page.click("button:has-text('Check the time slot')")
    advice = page.locator(".schedule-advice")
    expect(advice).to_contain_text("Tokyo IT Association")
    expect(advice).to_contain_text("09:00–13:00 PKT")  # 13:00-17:00 JST
    page.fill("#capacity", "2")
    page.fill("#seat_limit_per_org", "5")
    page.fill("#join_url", "https://zoom.example.org/j/123")
    page.check("#publish")
    page.click("button:has-text('Save webinar')")
    page.wait_for_url(re.compile(r"/webinars/\d+$"))  # not /webinars/new, the page being left
    expect(page.locator("table.times")).to_contain_text("JST")
    expect(page.locator("table.times")).to_contain_text("PKT")
    webinar_url = page.url
    staff_context.close()

    # 2. A company representative registers two colleagues and downloads the .ics.
    rep_context, page = new_page()
    sign_in(page, "rep.journey@example.com")
    page.goto(webinar_url)
    page.get_by_role("link", name="Register", exact=True).click()
    page.fill("#attendees-0-name", "Ayesha Khan")
    page.fill("#attendees-0-email", "ayesha.journey@example.com")
    page.fill("#attendees-1-name", "Bilal Ahmed")
    page.fill("#attendees-1-email", "bilal.journey@example.com")
    page.click("button:has-text('Register')")
    page.wait_for_url("**/my/registrations")
    expect(page.locator(".flashes")).to_contain_text("2 confirmed")
    page.goto(webinar_url)
    with page.expect_download() as download_info:
        page.click("text=Add to calendar (.ics)")
    ics = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and "TZID=Asia/Karachi" in ics
    assert "Japanese outsourcing" in ics

    # 3. A third colleague joins the waitlist (the event is full: the page says so).
    page.get_by_role("link", name="Join the waitlist").click()
    page.fill("#attendees-0-name", "Chand Bibi")
    page.fill("#attendees-0-email", "chand.journey@example.com")
    page.click("button:has-text('Join the waitlist')")
    page.wait_for_url("**/my/registrations")
    expect(page.locator(".flashes")).to_contain_text("1 on the waitlist")
    expect(page.locator("tr", has_text="Chand Bibi")).to_contain_text("Waitlist: you are number 1")

    # 4. Cancelling Ayesha promotes Chand, who is emailed.
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has_text="Ayesha Khan").locator("button:has-text('Cancel')").click()
    # Auto-retrying: the page after the POST, not the one being left (which has a flash too).
    expect(page.locator(".flashes")).to_contain_text("next person on the waitlist")
    expect(page.locator("tr", has_text="Chand Bibi")).to_contain_text("Confirmed")
    rep_context.close()

    with app.app_context():
        state = db.session.scalar(
            sa.select(Registration.state).where(Registration.email == "chand.journey@example.com")
        )
        assert state.value == "confirmed"
        # Registration mails get their text when the deliverer sends them: render as it does.
        subjects = [
            render_message(message).subject
            for message in db.session.scalars(
                sa.select(OutboxMessage).where(
                    OutboxMessage.to_address == "chand.journey@example.com"
                )
            )
        ]
    assert any("waitlist" in s.lower() for s in subjects)
    assert any("seat opened" in s for s in subjects)
