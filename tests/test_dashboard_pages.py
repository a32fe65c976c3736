"""The dashboard through HTTP: page, period picker, CSV, briefing (HTML and PDF), remittance
entry and import, and GET /api/v1/metrics. Data: the fixture of test_dashboard_metrics."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pypdf
import pytest
import sqlalchemy as sa

from engagement.dashboard.metrics import API_KEYS
from engagement.dashboard.models import ExportRemittance
from engagement.extensions import db
from tests import test_api_support as support
from tests.test_api_support import assert_problem
from tests.test_dashboard_metrics import fixture_data  # noqa: F401  (fixture)

api_as = support.api_as  # fixture
QUARTER = "period=quarter&on=2020-11-01"
HEADLINE = (
    "PSEB-registered IT and ITeS companies: 4 on 31 December 2020 against 2 a year before,"
    " a growth of 100.0 %."
)


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_staff_see_every_section_with_charts_and_tables(staff, fixture_data):  # noqa: F811
    response = staff.get(f"/dashboard/?{QUARTER}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for title in (
        "Companies",
        "Export remittances",
        "Webinars",
        "Meetings with partners",
        "Meetups",
        "Software Technology Parks",
        "Facilitation",
    ):
        assert f">{title}</h2>" in html, title
    assert "October-December 2020 (FY 2020-21), against October-December 2019" in _text(html)
    assert html.count('class="bar-chart"') >= 8
    assert 'class="city-map"' in html
    assert '<desc id="chart-companies_by_province-desc">Bar chart. Punjab:' in html
    assert "<script" not in html.split("</head>", 1)[1]  # no inline script in the page body
    assert 'href="/dashboard/tables/companies_by_province.csv?period=quarter' in html
    card = html.split('id="figure-companies_registered"', 1)[1].split("</div>", 1)[0]
    assert '<p class="stat">4</p>' in card and "+100.0 %" in card
    assert 'href="/directory/companies?verified=yes"' in card


def test_the_nav_shows_the_dashboard_to_staff_only(staff, login_as):
    assert 'href="/dashboard/"' in staff.get("/webinars/").get_data(as_text=True)
    company = login_as("company")
    assert 'href="/dashboard/"' not in company.get("/webinars/").get_data(as_text=True)
    assert company.get("/dashboard/").status_code == 403


def test_period_picker_choices(staff, fixture_data):  # noqa: F811
    fy = staff.get("/dashboard/?period=fiscal_year&on=2020-08-01").get_data(as_text=True)
    assert "FY 2020-21 (July 2020-June 2021), against FY 2019-20" in _text(fy)
    month = staff.get("/dashboard/?period=month&on=2020-11-20").get_data(as_text=True)
    assert "November 2020, against November 2019" in _text(month)
    days = staff.get("/dashboard/?from=2020-11-01&to=2020-11-30").get_data(as_text=True)
    assert "01 November 2020 to 30 November 2020" in _text(days)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=custom&from=2020-13-01&to=2020-12-01", "from"),
        ("from=2020-12-01&to=2020-11-01", "to"),
        ("period=decade", "period"),
    ],
)
def test_bad_period_is_a_message_naming_the_field(staff, query, field):
    response = staff.get(f"/dashboard/?{query}")
    assert response.status_code == 422
    assert f'role="alert">{field}:' in response.get_data(as_text=True)
    assert staff.get(f"/dashboard/figures.csv?{query}").status_code == 422


def test_figures_and_tables_download_as_csv(staff, fixture_data):  # noqa: F811
    response = staff.get(f"/dashboard/figures.csv?{QUARTER}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert (rows["companies_registered"]["value"], rows["companies_registered"]["previous"]) == (
        "4",
        "2",
    )
    assert rows["companies_registered"]["growth_pct"] == "100.0"
    assert rows["meetings_held"]["growth_pct"] == ""
    table = staff.get(f"/dashboard/tables/companies_by_province.csv?{QUARTER}")
    assert list(csv.reader(io.StringIO(table.get_data(as_text=True)))) == [
        ["Province", "On 31 December 2020", "On 31 December 2019", "Growth %"],
        ["Punjab", "3", "1", "200.0"],
        ["Sindh", "1", "1", "0.0"],
    ]
    assert staff.get(f"/dashboard/tables/nothing.csv?{QUARTER}").status_code == 404


def test_briefing_page_has_headline_sentences(staff, fixture_data):  # noqa: F811
    html = staff.get(f"/dashboard/briefing?{QUARTER}").get_data(as_text=True)
    assert HEADLINE in _text(html)
    assert "Meetups held: 2 in October-December 2020 (FY 2020-21) against 1 a year before" in html


def test_briefing_pdf_holds_the_headlines(staff, fixture_data):  # noqa: F811
    response = staff.get(f"/dashboard/briefing.pdf?{QUARTER}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert HEADLINE in text
    assert "Software Technology Parks" in text


def test_briefing_pdf_without_pango_is_a_clear_503(staff, monkeypatch):
    from engagement.dashboard import pdf

    def missing():
        raise pdf.PdfUnavailable("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "_weasyprint", missing)
    response = staff.get("/dashboard/briefing.pdf")
    assert response.status_code == 503
    assert "pango" in response.get_data(as_text=True)


def test_staff_enter_import_and_delete_remittances(staff, app):
    bad = staff.post(
        "/dashboard/remittances",
        data={"quarter_start": "2020-08-01", "computer_services_usd_m": "379.251"},
    )
    assert bad.status_code == 422
    assert "first day of a quarter" in bad.get_data(as_text=True)
    ok = staff.post(
        "/dashboard/remittances",
        data={
            "quarter_start": "2020-07-01",
            "computer_services_usd_m": "379.251",
            "ict_services_usd_m": "444.05",
            "source": "State Bank of Pakistan",
        },
    )
    assert ok.status_code == 302
    upload = (
        b"quarter_start,computer_services_usd_m,ict_services_usd_m,source\n"
        b"2019-07-01,264.187,314.9,SBP\n"
    )
    imported = staff.post(
        "/dashboard/remittances/import",
        data={"file": (io.BytesIO(upload), "remittances.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 302
    refused = staff.post(
        "/dashboard/remittances/import",
        data={"file": (io.BytesIO(b"quarter_start,computer_services_usd_m\nsoon,1\n"), "x.csv")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "line 2: quarter_start: Not a date" in refused.get_data(as_text=True)
    page = staff.get("/dashboard/?period=quarter&on=2020-08-01").get_data(as_text=True)
    assert "379.251" in page and "+43.6 %" in page
    briefing = _text(
        staff.get("/dashboard/briefing?period=quarter&on=2020-08-01").get_data(as_text=True)
    )
    assert (
        "IT and ITeS export remittances (computer and call-centre services), July-September 2020"
        " (FY 2020-21): US$ 379.251 million against US$ 264.187 million a year before, a growth"
        " of 43.6 %." in briefing
    )
    listing = staff.get("/dashboard/remittances.csv").get_data(as_text=True)
    assert "2020-07-01,379.251,444.050,State Bank of Pakistan" in listing
    with app.app_context():
        row_id = db.session.scalar(
            sa.select(ExportRemittance.id).where(ExportRemittance.quarter_start == date(2019, 7, 1))
        )
    assert staff.post(f"/dashboard/remittances/{row_id}/delete").status_code == 302
    assert staff.post(f"/dashboard/remittances/{row_id}/delete").status_code == 404
    assert "2019-07-01" not in staff.get("/dashboard/remittances.csv").get_data(as_text=True)


# --- API --------------------------------------------------------------------------------------


def test_api_metrics_returns_every_key(api_as, fixture_data):  # noqa: F811
    staff = api_as("staff")
    response = staff.get("/api/v1/metrics?from=2020-10-01&to=2020-12-31")
    assert response.status_code == 200, response.json
    body = response.json
    for key in API_KEYS:
        assert set(body[key]) == {"value", "previous", "growth_pct"}, key
    assert body["companies_registered"] == {"value": 4, "previous": 2, "growth_pct": 100.0}
    assert body["sla_first_response_met_pct"] == {
        "value": 33.3,
        "previous": 100.0,
        "growth_pct": -66.7,
    }
    assert body["meetups_focus_share_pct"] == {"value": 50.0, "previous": 0.0, "growth_pct": None}
    assert body["period"] == {
        "from": "2020-10-01",
        "to": "2020-12-31",
        "label": body["period"]["label"],
    }
    assert body["previous_period"]["from"] == "2019-10-01"
    assert body["export_remittances"] == []


def test_api_metrics_lists_remittance_quarters_with_both_series(api_as, app):
    from engagement.dashboard.services import seed_remittances

    with app.app_context():
        seed_remittances()
        db.session.commit()
    body = api_as("staff").get("/api/v1/metrics?from=2020-07-01&to=2020-09-30").json
    latest = body["export_remittances"][-1]
    assert latest["quarter_start"] == "2020-07-01"
    assert (latest["computer_services_usd_m"], latest["ict_services_usd_m"]) == (379.251, 444.05)
    assert (latest["computer_growth_pct"], latest["ict_growth_pct"]) == (43.6, 41.0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2020-10-01&to=2020-09-30", "to"),
        ("from=2020-02-30&to=2020-09-30", "from"),
        ("from=2020-01-01", "to"),
        ("to=2020-01-01", "from"),
    ],
)
def test_api_metrics_bad_dates_are_422_naming_the_field(api_as, query, field):
    assert_problem(api_as("staff").get(f"/api/v1/metrics?{query}"), 422, field)


def test_api_metrics_is_for_staff(api_as, client):
    assert api_as("company").get("/api/v1/metrics").status_code == 403
    assert client.get("/api/v1/metrics").status_code == 401


@pytest.fixture
def dashboard_cache(app, monkeypatch):
    """The dashboard's figures cache switched on (the test app's own cache is a NullCache)."""
    from flask_caching import Cache

    from engagement.dashboard import metrics

    cache = Cache(app, config={"CACHE_TYPE": "SimpleCache"})
    monkeypatch.setattr(metrics, "cache", cache)
    yield cache
    cache.clear()


def _registered(staff) -> str:
    html = staff.get(f"/dashboard/?{QUARTER}").get_data(as_text=True)
    card = html.split('id="figure-companies_registered"', 1)[1].split("</div>", 1)[0]
    return re.search(r'<p class="stat">([^<]+)</p>', card).group(1)


def test_figures_are_reused_for_minutes_recomputed_on_demand_and_after_remittances(
    staff,
    app,
    fixture_data,  # noqa: F811
    dashboard_cache,
):
    from engagement.dashboard import services
    from engagement.directory.models import Company

    assert _registered(staff) == "4"
    with app.app_context():
        db.session.add(
            Company(
                legal_name="G",
                registration_number="PSEB/2020/G",
                registration_verified_at=datetime(2020, 11, 2, tzinfo=UTC),
            )
        )
        db.session.commit()
    page = staff.get(f"/dashboard/?{QUARTER}").get_data(as_text=True)
    assert _registered(staff) == "4"  # the figures computed a moment ago
    assert "Figures as of" in page and "fresh=1" in page
    assert '<p class="stat">5</p>' in staff.get(f"/dashboard/?{QUARTER}&fresh=1").get_data(
        as_text=True
    )
    # Staff change a remittance (in another request): every cached dashboard is forgotten.
    with app.app_context():
        db.session.add(
            Company(
                legal_name="H",
                registration_number="PSEB/2020/H",
                registration_verified_at=datetime(2020, 11, 3, tzinfo=UTC),
            )
        )
        services.save_remittance(date(2020, 7, 1), Decimal("379.251"), None, "SBP")
        db.session.commit()
    assert _registered(staff) == "6"
