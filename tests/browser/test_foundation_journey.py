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
    expect(page.get_by_text(f"Signed in as {email}.")).to_be_visible()


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


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
    expect(page.get_by_text("Your email address is not confirmed yet.")).to_be_visible()

    # Confirm the email with the link from the outbox.
    [mail] = outbox(REP_EMAIL)
    page.goto(link_in(mail.body_text, "/verify/"))
    expect(page.get_by_text(f"Thank you: {REP_EMAIL} is confirmed.")).to_be_visible()
    expect(page.get_by_text("Your email address is not confirmed yet.")).to_have_count(0)
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
    expect(page.get_by_label("Legal name")).to_have_value("Karakoram Soft (Pvt) Ltd")
    page.get_by_label("PSEB registration number").fill("PSEB/2024/0815")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_label("Export markets")).to_have_value("DE, US")
    sign_out(page)

    # Staff find the company through the directory filters.
    make_user("staff", email=STAFF_EMAIL)
    sign_in(page, STAFF_EMAIL)
    page.get_by_role("navigation", name="Main").get_by_text("Manage").click()  # staff tools menu
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Directory").click()
    page.get_by_label("Search by name").fill("karakoram")
    page.get_by_label("City").select_option(label="Lahore")
    page.get_by_label("Sector").select_option(label="Fintech")
    page.get_by_label("Registration").select_option(label="Not verified")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(lambda url: "verified=no" in url and "q=karakoram" in url)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="Karakoram Soft (Pvt) Ltd").click()
    expect(page.get_by_role("heading", name="Karakoram Soft (Pvt) Ltd")).to_be_visible()
    expect(page.get_by_text("PSEB/2024/0815").first).to_be_visible()
    expect(page.get_by_text(REP_EMAIL)).to_be_visible()
