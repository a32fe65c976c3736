"""The foundation journey in Chromium: a company representative signs up, confirms the email
from the outbox, signs in, edits the company profile and signs out; staff then find the company
through the directory filters."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, link_in

pytestmark = pytest.mark.browser

# Real-looking addresses: the server process validates emails without the tests' .test leniency.
REP_EMAIL = "amina@karakoram-soft.pk"
STAFF_EMAIL = "browser.staff@pseb.gov.pk"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Signed in as {email}.").is_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    assert page.get_by_text("You are signed out.").is_visible()


def test_company_signs_up_edits_profile_and_staff_find_it(page, make_user, outbox):
    # Sign up.
    page.goto("/")
    page.get_by_role("link", name="Create account").click()
    page.get_by_label("A company representative").check()
    page.get_by_label("Your full name").fill("Amina Rep")
    page.get_by_label("Company or startup name").fill("Karakoram Soft")
    page.get_by_label("Work email").fill(REP_EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(re.compile(r"/account$"))
    assert page.get_by_text("Your email address is not confirmed yet.").is_visible()

    # Confirm the email with the link from the outbox.
    [mail] = outbox(REP_EMAIL)
    page.goto(link_in(mail.body_text, "/verify/"))
    assert page.get_by_text(f"Thank you: {REP_EMAIL} is confirmed.").is_visible()
    assert page.get_by_text("Your email address is not confirmed yet.").count() == 0
    sign_out(page)

    # Sign in and edit the company profile.
    sign_in(page, REP_EMAIL)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My profile").click()
    page.get_by_label("Legal name").fill("Karakoram Soft (Pvt) Ltd")
    page.get_by_label("PSEB registration number").fill("PSEB-2024")
    page.get_by_label("Fintech", exact=True).check()
    page.get_by_label("City").select_option(label="Lahore (Punjab)")
    page.get_by_label("Export markets").fill("de, us")
    page.get_by_role("button", name="Save profile").click()
    # A malformed number is refused with a field error and the input is kept.
    # Waiting assertions: the page after the POST, with the error by the field and in the summary.
    expect(page.locator(".field .error-text")).to_contain_text(
        "Use the format PSEB/YYYY/NNNN, for example PSEB/2021/0457."
    )
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.get_by_label("Legal name").input_value() == "Karakoram Soft (Pvt) Ltd"
    page.get_by_label("PSEB registration number").fill("PSEB/2024/0815")
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_text("Your profile is saved.").is_visible()
    assert page.get_by_label("Export markets").input_value() == "DE, US"
    sign_out(page)

    # Staff find the company through the directory filters.
    make_user("staff", email=STAFF_EMAIL)
    sign_in(page, STAFF_EMAIL)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_label("Search by name").fill("karakoram")
    page.get_by_label("City").select_option(label="Lahore")
    page.get_by_label("Sector").select_option(label="Fintech")
    page.get_by_label("Registration").select_option(label="Not verified")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "verified=no" in page.url and "q=karakoram" in page.url
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    rows.get_by_role("link", name="Karakoram Soft (Pvt) Ltd").click()
    assert page.get_by_role("heading", name="Karakoram Soft (Pvt) Ltd").is_visible()
    assert page.get_by_text("PSEB/2024/0815").first.is_visible()
    assert page.get_by_text(REP_EMAIL).is_visible()
