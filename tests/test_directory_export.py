"""The staff CSV exports read like the pages: country names, not codes, and the people to
contact at each company or startup."""

from __future__ import annotations

import csv
import io

import sqlalchemy as sa

from engagement.auth.models import Membership, MembershipRole, User
from engagement.directory.models import Company, Startup
from engagement.extensions import db
from tests.test_directory_lists import count_queries


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    response.close()
    return list(csv.DictReader(io.StringIO(text)))


def profile(app, user_id: int, model):
    with app.app_context():
        user = db.session.get(User, user_id)
        return db.session.scalar(
            sa.select(model.id).where(model.organisation_id == user.organisation.id)
        )


def test_company_export_names_countries_and_contacts(app, login_as, make_user):
    owner_client = login_as("company", org="Arfa Soft", name="Ayesha Khan", email="ayesha@arfa.pk")
    owner_client.post(
        "/directory/profile",
        data={"legal_name": "Arfa Soft", "export_markets": "us, gb, ae", "website": ""},
    )
    company_id = profile(app, owner_client.user_id, Company)
    colleague_id = make_user("company", org=None, name="Bilal Ahmed")
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert company.export_markets == "US,GB,AE"
        # A colleague joins the same organisation as a member.
        colleague = db.session.get(User, colleague_id)
        db.session.add(
            Membership(
                user_id=colleague.id,
                organisation_id=company.organisation_id,
                role=MembershipRole.MEMBER,
            )
        )
        db.session.add(Company(legal_name="No Rep Ltd", export_markets="DE"))
        db.session.commit()
        colleague_email = colleague.email

    staff = login_as("staff")
    rows = {row["legal_name"]: row for row in read_csv(staff.get("/directory/companies.csv"))}
    arfa = rows["Arfa Soft"]
    assert arfa["export_markets"] == "United States; United Kingdom; United Arab Emirates"
    assert (arfa["contact_name"], arfa["contact_email"]) == ("Ayesha Khan", "ayesha@arfa.pk")
    assert arfa["other_contacts"] == f"Bilal Ahmed <{colleague_email}>"
    lone = rows["No Rep Ltd"]
    assert lone["export_markets"] == "Germany"
    assert (lone["contact_name"], lone["contact_email"], lone["other_contacts"]) == ("", "", "")
    # The page shows the same names.
    page = staff.get(f"/directory/companies/{company_id}").get_data(as_text=True)
    assert "United Arab Emirates" in page


def test_startup_export_has_contacts(app, login_as):
    founder = login_as("startup", org="Gilgit Labs", name="Zara Hussain", email="zara@gilgit.pk")
    assert profile(app, founder.user_id, Startup)
    staff = login_as("staff")
    [row] = read_csv(staff.get("/directory/startups.csv"))
    assert (row["name"], row["contact_name"], row["contact_email"]) == (
        "Gilgit Labs",
        "Zara Hussain",
        "zara@gilgit.pk",
    )


def test_contact_columns_keep_queries_constant(app, login_as, make_user):
    staff = login_as("staff")
    for _ in range(2):
        make_user("company")
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as few:
        assert len(read_csv(staff.get("/directory/companies.csv"))) == 2
    for _ in range(8):
        make_user("company")
    with count_queries(engine) as many:
        rows = read_csv(staff.get("/directory/companies.csv"))
    assert len(rows) == 10 and all(row["contact_email"] for row in rows)
    assert len(many) == len(few)
