"""Staff open the impact dashboard, choose a fiscal year and download the briefing PDF."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import expect

from tests.browser.test_facilitation_journey import sign_in
from tests.test_dashboard_metrics import fixture_data  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def test_dashboard_period_and_pdf_journey(page, make_user, fixture_data, tmp_path):  # noqa: F811
    make_user("staff", email="nadia.analyst@pseb.gov.pk", org=None, name="Nadia Analyst")
    sign_in(page, "nadia.analyst@pseb.gov.pk")
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_text("Manage").click()  # staff tools sit in the "Manage" menu
    main_nav.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Impact dashboard")).to_be_visible()
    expect(page.locator("svg.city-map")).to_be_visible()

    page.get_by_role("combobox", name="Period").select_option("fiscal_year")
    page.get_by_label("Containing the day").fill("2020-11-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"period=fiscal_year"))
    expect(page.get_by_text("FY 2020-21 (July 2020-June 2021), against FY 2019-20")).to_be_visible()
    card = page.locator("#figure-companies_registered")
    expect(card.locator(".stat")).to_have_text("5")
    expect(card).to_contain_text("+150.0 %")
    expect(page.locator("#chart-webinars_by_country-title")).to_have_count(1)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Briefing PDF").click()
    download = download_info.value
    assert download.suggested_filename == "briefing-2020-07-01-2021-06-30.pdf"
    path = Path(tmp_path) / "briefing.pdf"
    download.save_as(path)
    text = " ".join(page_.extract_text() for page_ in pypdf.PdfReader(path).pages)
    text = re.sub(r"\s+", " ", text)
    assert (
        "PSEB-registered IT and ITeS companies: 5 on 30 June 2021 against 2 a year before,"
        " a growth of 150.0 %." in text
    )
