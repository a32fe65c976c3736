"""Companies and startups edit their own profile; staff verify registration numbers."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engagement.auth.models import User
from engagement.directory.models import City, Company, EmployeeBand, Sector, Startup, StartupStage
from engagement.extensions import db
from tests.conftest import Auth


def errors(response) -> list[str]:
    return re.findall(r'class="error-text"[^>]*>([^<]*)<', response.get_data(as_text=True))


def own(app, user_id: int, model):
    with app.app_context():
        user = db.session.get(User, user_id)
        entry = db.session.scalar(
            sa.select(model).where(model.organisation_id == user.organisation.id)
        )
        entry.sectors, entry.city  # noqa: B018 - load before leaving the session
        db.session.expunge_all()
        return entry


def ids(app):
    with app.app_context():
        return {
            "lahore": db.session.scalar(sa.select(City.id).where(City.name == "Lahore")),
            "gilgit": db.session.scalar(sa.select(City.id).where(City.name == "Gilgit")),
            "fintech": db.session.scalar(sa.select(Sector.id).where(Sector.slug == "fintech")),
            "ai": db.session.scalar(sa.select(Sector.id).where(Sector.slug == "ai-data")),
        }


def company_form(refs, **changes):
    data = {
        "legal_name": "Acme Software (Pvt) Ltd",
        "registration_number": "pseb/2021/0457",
        "sectors": [str(refs["fintech"]), str(refs["ai"])],
        "city": str(refs["lahore"]),
        "employee_band": "51-250",
        "export_markets": "us, gb ae",
        "website": "https://acme.example.com",
        "description": "We build payment systems.",
    }
    data.update(changes)
    return data


def test_company_edits_own_profile(app, login_as):
    client = login_as("company", org="Acme")
    refs = ids(app)
    page = client.get("/directory/profile")
    assert page.status_code == 200 and 'value="Acme"' in page.get_data(as_text=True)
    response = client.post("/directory/profile", data=company_form(refs))
    assert response.status_code == 302
    company = own(app, client.user_id, Company)
    assert company.legal_name == "Acme Software (Pvt) Ltd"
    assert company.registration_number == "PSEB/2021/0457" and not company.verified
    assert [s.slug for s in company.sectors] == ["fintech", "ai-data"]
    assert company.city.name == "Lahore"
    assert company.employee_band == EmployeeBand.B51_250
    assert company.export_markets == "US,GB,AE"
    assert company.website == "https://acme.example.com"
    assert "Acme Software (Pvt) Ltd" in client.get("/account").get_data(as_text=True)
    # The form shows what is saved.
    page = client.get("/directory/profile").get_data(as_text=True)
    assert 'value="PSEB/2021/0457"' in page and 'value="US, GB, AE"' in page
    assert re.search(
        rf'value="{refs["fintech"]}"[^>]*checked|checked[^>]*value="{refs["fintech"]}"', page
    )


def test_company_profile_bad_input_keeps_input_and_saves_nothing(app, login_as):
    client = login_as("company", org="Acme")
    refs = ids(app)
    response = client.post(
        "/directory/profile",
        data=company_form(
            refs,
            registration_number="PSEB-2021-457",
            export_markets="US, XX",
            website="acme",
            legal_name="L" * 201,
        ),
    )
    assert response.status_code == 422
    found = errors(response)
    assert "Use the format PSEB/YYYY/NNNN, for example PSEB/2021/0457." in found
    assert "Unknown country code: XX. Use two-letter ISO codes such as US, GB, AE." in found
    assert "Enter a web address such as example.pk or https://example.pk." in found
    assert "Field cannot be longer than 200 characters." in found
    body = response.get_data(as_text=True)
    assert 'value="PSEB-2021-457"' in body and "We build payment systems." in body
    company = own(app, client.user_id, Company)
    assert company.legal_name == "Acme" and company.registration_number is None
    assert company.sectors == [] and company.city is None

    bad_choice = client.post(
        "/directory/profile", data=company_form(refs, city="999999", sectors=["abc"])
    )
    assert bad_choice.status_code == 422
    assert own(app, client.user_id, Company).city is None


def test_registration_number_is_unique(app, login_as):
    refs = ids(app)
    first = login_as("company", org="First")
    assert (
        first.post("/directory/profile", data=company_form(refs, legal_name="First")).status_code
        == 302
    )
    second = login_as("company", org="Second")
    response = second.post("/directory/profile", data=company_form(refs, legal_name="Second"))
    assert response.status_code == 422
    assert "Another company is already registered with this number." in " ".join(errors(response))
    assert own(app, second.user_id, Company).registration_number is None


def test_staff_verify_registration_then_company_cannot_change_it(app, login_as):
    refs = ids(app)
    company_client = login_as("company", org="Acme")
    company_client.post("/directory/profile", data=company_form(refs))
    company_id = own(app, company_client.user_id, Company).id
    staff = login_as("staff")

    bad = staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "2021/457"}
    )
    assert bad.status_code == 422
    assert "Use the format PSEB/YYYY/NNNN, for example PSEB/2021/0457." in errors(bad)
    assert not own(app, company_client.user_id, Company).verified

    ok = staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2021/0457"}
    )
    assert ok.status_code == 302
    company = own(app, company_client.user_id, Company)
    assert company.verified and company.verified_by_id == staff.user_id
    assert "verified" in staff.get("/directory/companies?verified=yes").get_data(as_text=True)

    # The company's form shows the number read-only; a changed number is ignored.
    page = company_client.get("/directory/profile").get_data(as_text=True)
    assert "readonly" in page and "Verified by PSEB" in page
    response = company_client.post(
        "/directory/profile",
        data=company_form(refs, registration_number="PSEB/2022/0001", legal_name="Acme Renamed"),
    )
    assert response.status_code == 302
    company = own(app, company_client.user_id, Company)
    assert company.registration_number == "PSEB/2021/0457" and company.legal_name == "Acme Renamed"

    # Staff may correct it and it stays verified; withdrawing keeps the number.
    staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2021/0458"}
    )
    assert own(app, company_client.user_id, Company).registration_number == "PSEB/2021/0458"
    staff.post(f"/directory/companies/{company_id}/unverify", data={"reason": "Wrong certificate"})
    company = own(app, company_client.user_id, Company)
    assert not company.verified and company.registration_number == "PSEB/2021/0458"


def test_verify_duplicate_number_is_refused(app, login_as):
    with app.app_context():
        db.session.add_all(
            [
                Company(legal_name="Taken", registration_number="PSEB/2020/0001"),
                Company(legal_name="Other"),
            ]
        )
        db.session.commit()
        other = db.session.scalar(sa.select(Company.id).where(Company.legal_name == "Other"))
    staff = login_as("staff")
    response = staff.post(
        f"/directory/companies/{other}/verify", data={"registration_number": "PSEB/2020/0001"}
    )
    assert response.status_code == 422
    assert "Another company is already registered with this number." in " ".join(errors(response))


def test_startup_edits_own_profile(app, login_as, frozen_clock):
    from datetime import UTC, datetime

    frozen_clock(datetime(2026, 5, 1, tzinfo=UTC))
    client = login_as("startup", org="Gilgit Labs")
    refs = ids(app)
    data = {
        "name": "Gilgit Growth Labs",
        "founding_year": "2023",
        "stage": "pre_seed",
        "sectors": [str(refs["ai"])],
        "city": str(refs["gilgit"]),
        "founders": "Zara Hussain\n\n  Ali Baig  \n",
        "website": "",
        "description": "",
    }
    assert client.post("/directory/profile", data=data).status_code == 302
    startup = own(app, client.user_id, Startup)
    assert startup.name == "Gilgit Growth Labs" and startup.founding_year == 2023
    assert startup.stage == StartupStage.PRE_SEED and startup.city.name == "Gilgit"
    assert startup.founders == "Zara Hussain\nAli Baig" and startup.website is None

    future = client.post("/directory/profile", data={**data, "founding_year": "2031"})
    assert future.status_code == 422 and "Enter a year between 1990 and 2026." in errors(future)
    old = client.post("/directory/profile", data={**data, "founding_year": "1850"})
    assert old.status_code == 422 and "Enter a year after 1990." in errors(old)
    assert own(app, client.user_id, Startup).founding_year == 2023


def test_member_without_organisation_sees_explanation(app, make_user):
    make_user("company", email="alone@example.test", org=None)
    client = app.test_client()
    Auth(client).login("alone@example.test")
    response = client.get("/directory/profile")
    assert response.status_code == 200 and "No directory profile yet" in response.get_data(
        as_text=True
    )


def test_profile_is_for_companies_and_startups_only(login_as):
    assert login_as("staff").get("/directory/profile").status_code == 403
