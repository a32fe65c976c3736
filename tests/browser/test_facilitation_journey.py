"""A capital request from submission to resolution, in Chromium against gunicorn."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engagement.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_capital_request_journey(app, browser, live_server, page, make_user):
    make_user(
        "startup", email="zara@journey-agritech.pk", org="Journey Agritech", name="Zara Founder"
    )
    make_user("staff", email="bilal.officer@pseb.gov.pk", org=None, name="Bilal Officer")
    with app.app_context(), app.test_request_context():
        from engagement.facilitation import services
        from tests.test_facilitation_factories import sector

        services.save_channel(
            None,
            name="Karachi Angels Network",
            kind="angel_network",
            stages=["seed"],
            sector_ids=[str(sector("agritech").id)],
            ticket_min="1000000",
            ticket_max="30000000",
            currency="PKR",
        )
        db.session.commit()

    # Real-looking addresses: the server validates emails without the tests' .test leniency.
    # The startup submits a capital request with a PDF.
    sign_in(page, "zara@journey-agritech.pk")
    page.goto("/facilitation/new")
    page.get_by_label(re.compile("Capital availability")).check()
    page.get_by_label("Title").fill("Seed round for our crop-advice app")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Summary").fill("We need PKR 15 million to reach 20,000 farmers.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Stage").select_option("seed")
    page.get_by_label("Amount sought").fill("15000000")
    page.get_by_label("PKR").check()
    page.get_by_label("Sector").select_option(label="Agritech")
    page.get_by_label("Use of funds").fill("Field agents and SMS costs")
    page.get_by_label("Traction").fill("1,200 paying farmers")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Attach a file").set_input_files(
        {"name": "pitch-deck.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_role("link", name="pitch-deck.pdf")).to_be_visible()
    page.get_by_role("button", name="Submit request").click()
    page.wait_for_url(re.compile(r".*/facilitation/requests/\d+$"))
    request_url = page.url
    expect(page.locator(".page-head")).to_contain_text("submitted", ignore_case=True)

    # Staff assign it and ask for information.
    staff_context = browser.new_context(base_url=live_server)
    staff = staff_context.new_page()
    sign_in(staff, "bilal.officer@pseb.gov.pk")
    staff.goto("/facilitation/queue")
    staff.get_by_role("link", name="Seed round for our crop-advice app").click()
    staff.get_by_label("Assign to").select_option(label="Bilal Officer")
    staff.get_by_role("button", name="Assign", exact=True).click()
    # Wait for the page after the POST (auto-retrying), not the one being left.
    expect(staff.locator("main")).to_contain_text("Assigned to Bilal Officer")
    staff.get_by_label("Question to the startup").fill("What is your monthly revenue?")
    staff.get_by_role("button", name="Ask for information").click()
    expect(staff.locator(".page-head")).to_contain_text("needs information", ignore_case=True)
    expect(staff.locator("main")).to_contain_text("The request now needs more information.")

    # The startup answers in the conversation, where the question is; back to review.
    page.goto(request_url)
    expect(page.locator("main")).to_contain_text("PSEB needs more information")
    expect(page.locator("#thread")).to_contain_text("What is your monthly revenue?")
    page.get_by_label("Message").fill("About PKR 350,000 a month.")
    page.get_by_role("button", name="Send answer").click()
    expect(page.locator(".page-head")).to_contain_text("in review", ignore_case=True)

    # Staff refer it to the suggested channel, then resolve it.
    staff.goto(request_url)
    suggestions = staff.locator(".fac-suggestions")
    expect(suggestions).to_contain_text("Karachi Angels Network")
    suggestions.get_by_role("button", name="Refer to Karachi Angels Network").click()
    expect(staff.locator(".page-head")).to_contain_text("referred", ignore_case=True)
    staff.locator("#mv-resolved-outcome").select_option("introduced")
    staff.locator("#mv-resolved-note").fill("Meeting with the angels on 10 Dec")
    staff.get_by_role("button", name="Resolve").click()
    expect(staff.locator(".page-head")).to_contain_text("resolved", ignore_case=True)
    staff_context.close()

    # The startup sees the whole timeline.
    page.goto(request_url)
    timeline = page.locator(".timeline")
    for step in (
        "Draft → Submitted",
        "Assigned to Bilal Officer",
        "Submitted → Needs information",
        "What is your monthly revenue?",
        "Needs information → In review",
        "Referred to Karachi Angels Network",
        "In review → Referred",
        "Referred → Resolved",
        "Outcome: Introduced (Meeting with the angels on 10 Dec)",
    ):
        expect(timeline).to_contain_text(step)
    expect(page.locator("#referrals")).to_contain_text("Karachi Angels Network")
    expect(page.get_by_role("link", name="pitch-deck.pdf")).to_be_visible()
