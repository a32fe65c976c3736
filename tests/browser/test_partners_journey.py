"""The partners journey in Chromium: a partner finds a company in the showcase and asks for a
meeting, the company accepts a slot (each sees its own local time), both download the .ics,
the partner records the outcome, and staff see it in the funnel."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engagement import clock
from engagement.extensions import db
from engagement.partners.models import MeetingRequest, MeetingSlot
from tests.conftest import PASSWORD
from tests.partners_support import make_showcase

pytestmark = pytest.mark.browser


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/login" not in url)


def test_partners_journey(app, browser, live_server, make_user):
    make_user("partner", email="katrin.journey@example.com", org="Hamburg Tech Chamber")
    rep_id = make_user("company", email="ali.journey@example.com", org="Ravi Software House")
    make_user("staff", email="staff.partners@example.com")
    make_showcase(app, rep_id, number="PSEB/2020/7788")

    def new_page(zone: str):
        context = browser.new_context(
            base_url=live_server, timezone_id=zone, locale="en-GB", accept_downloads=True
        )
        context.set_default_timeout(20_000)
        return context, context.new_page()

    # 1. The partner finds the company in the public showcase and asks for a meeting.
    partner_context, page = new_page("Europe/Berlin")
    sign_in(page, "katrin.journey@example.com")
    page.goto("/companies/")
    page.fill("#q", "Ravi")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**/companies/?q=Ravi*")
    page.click("a:has-text('Ravi Software House')")
    expect(page.locator("h1")).to_have_text("Ravi Software House")
    expect(page.get_by_text("PSEB verified")).to_be_visible()
    page.click("a:has-text('Request a meeting')")
    page.wait_for_url("**/meetings/new?organisation=*")
    # Slots are shown in the partner's zone (CET/CEST) with Pakistan's time beside them.
    first_label = page.locator("label[for='slots-0']")
    expect(first_label).to_contain_text(re.compile(r"CES?T \(theirs: .* PKT\)"))
    page.fill("#message", "Our members look for QA partners; shall we talk?")
    page.check("#slots-0")
    page.check("#slots-1")
    page.click("button:has-text('Send request')")
    page.wait_for_url(re.compile(r".*/meetings/\d+$"))
    expect(page.get_by_text("Your meeting request is sent.")).to_be_visible()
    meeting_url = page.url

    # 2. The company accepts the first slot and sees it in Pakistan time.
    company_context, company = new_page("Asia/Karachi")
    sign_in(company, "ali.journey@example.com")
    company.goto("/meetings/")
    company.click("a:has-text('Hamburg Tech Chamber')")
    company.wait_for_url(meeting_url)
    company.fill("#video_url", "https://meet.example.com/ravi-hamburg")
    company.click("button:has-text('Accept')")
    expect(company.get_by_text("The meeting is confirmed")).to_be_visible()
    expect(company.locator(".meeting-time strong")).to_contain_text("PKT")
    with company.expect_download() as download:
        company.click("a:has-text('Add to calendar (.ics)')")
    company_ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "TZID=Asia/Karachi" in company_ics and "meet.example.com/ravi-hamburg" in company_ics

    # 3. The partner sees the confirmed time in its own zone and downloads its .ics.
    page.goto(meeting_url)
    expect(page.locator(".meeting-time strong")).to_contain_text(re.compile(r"CES?T"))
    with page.expect_download() as download:
        page.click("a:has-text('Add to calendar (.ics)')")
    partner_ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "TZID=Europe/Berlin" in partner_ics

    # 4. The meeting takes place (moved into the past), and the partner records the outcome.
    meeting_id = int(meeting_url.rsplit("/", 1)[1])
    with app.app_context():
        meeting = db.session.get(MeetingRequest, meeting_id)
        past = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
        db.session.execute(
            sa.update(MeetingSlot)
            .where(MeetingSlot.request_id == meeting_id, MeetingSlot.starts_at == meeting.slot_at)
            .values(starts_at=past)
        )
        meeting.slot_at = past
        db.session.commit()
    page.goto(meeting_url)
    page.select_option("#outcome", "contract")
    page.fill("#value_usd", "50000")
    page.click("button:has-text('Record outcome')")
    expect(page.get_by_text("The outcome is recorded.")).to_be_visible()
    expect(page.get_by_text("Contract: US$ 50,000.00")).to_be_visible()
    partner_context.close()
    company_context.close()

    # 5. Staff see it in the funnel.
    staff_context, staff = new_page("Asia/Karachi")
    sign_in(staff, "staff.partners@example.com")
    staff.goto("/staff/meetings")
    row = (
        staff.locator("table.funnel")
        .nth(1)
        .locator("tbody tr", has=staff.locator("th", has_text=re.compile("^Germany$")))
    )
    expect(row).to_contain_text("50,000")
    expect(row.locator("td").nth(0)).to_have_text("1")
    expect(row.locator("td").nth(2)).to_have_text("1")
    expect(staff.locator("td", has_text="Ravi Software House")).to_be_visible()
    staff_context.close()
