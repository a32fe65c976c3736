"""Contract tests: the roadmap and the staff directory through the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from tests import test_api_support as support
from tests.test_api_support import assert_problem

api_as = support.api_as  # fixture


def _iso(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT05:00:00Z")


@pytest.fixture
def gilgit_venue(app):
    from engagement.directory.models import City
    from engagement.meetups.models import Venue, VenueKind

    with app.app_context():
        city = db.session.scalar(sa.select(City).where(City.name == "Gilgit"))
        venue = Venue(
            city_id=city.id,
            name="Serena Hall",
            kind=VenueKind.HOTEL,
            capacity=120,
            address="Jutial",
        )
        db.session.add(venue)
        db.session.commit()
        return venue.id


def test_roadmap_lists_published_meetups_with_city_and_venue(api_as, gilgit_venue):
    staff = api_as("staff")

    def meetup(city: str, days: int, **extra) -> int:
        body = {
            "kind": "meetup",
            "title": f"Industry meetup: {city}",
            "city": city,
            "starts_at": _iso(days),
            "duration_minutes": 180,
            "capacity": 100,
            **extra,
        }
        response = staff.post("/api/v1/events", json=body)
        assert response.status_code == 201, response.json
        return response.json["id"]

    gilgit = meetup("Gilgit", 10)
    quetta = meetup("Quetta", 40)
    meetup("Multan", 20, state="draft")
    staff.post(
        "/api/v1/events",
        json={
            "kind": "webinar",
            "title": "Not a meetup",
            "starts_at": _iso(15),
            "duration_minutes": 60,
            "capacity": 10,
        },
    )
    company = api_as("company")
    items = company.get("/api/v1/roadmap").json["items"]
    assert [i["id"] for i in items] == [gilgit, quetta]
    first = items[0]
    assert first["city"]["name"] == "Gilgit" and first["city"]["province"]
    assert first["venue"]["name"] == "Serena Hall" and first["venue"]["address"] == "Jutial"
    assert items[1]["venue"] is None
    until = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    assert [i["id"] for i in company.get(f"/api/v1/roadmap?to={until}").json["items"]] == [gilgit]
    since = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    assert [i["id"] for i in company.get(f"/api/v1/roadmap?from={since}").json["items"]] == [quetta]
    assert_problem(company.get(f"/api/v1/roadmap?from={since}&to=2000-01-01"), 422, "to")
    assert_problem(company.get("/api/v1/roadmap?from=soon"), 422, "from")


def test_roadmap_needs_a_token(client):
    assert_problem(client.get("/api/v1/roadmap"), 401)


@pytest.fixture
def directory(app, make_user):
    from engagement.directory.models import Company, OverseasEntity, OverseasEntityType

    make_user("company", org="Arfa Software House")
    make_user("company", org="Lahore Cloud Works")
    make_user("startup", org="Kisan Data")
    with app.app_context():
        company = db.session.scalar(
            sa.select(Company).where(Company.legal_name == "Arfa Software House")
        )
        company.export_markets = "US,GB"
        db.session.add_all(
            [
                OverseasEntity(
                    name="Berlin IT Chamber",
                    country_code="DE",
                    timezone="Europe/Berlin",
                    entity_type=OverseasEntityType.CHAMBER,
                ),
                OverseasEntity(
                    name="Gulf Angels",
                    country_code="AE",
                    timezone="Asia/Dubai",
                    entity_type=OverseasEntityType.INVESTOR,
                ),
            ]
        )
        db.session.commit()


def test_directory_reads_for_staff(api_as, directory):
    staff = api_as("staff")
    companies = staff.get("/api/v1/directory/companies").json
    assert set(companies) == {"items", "page", "pages", "total"}
    names = [c["legal_name"] for c in companies["items"]]
    assert "Arfa Software House" in names and "Lahore Cloud Works" in names
    arfa = staff.get("/api/v1/directory/companies?q=arfa").json["items"]
    assert [c["legal_name"] for c in arfa] == ["Arfa Software House"]
    assert arfa[0]["export_markets"] == ["US", "GB"] and arfa[0]["verified"] is False
    assert staff.get("/api/v1/directory/companies?verified=yes").json["total"] == 0

    startups = staff.get("/api/v1/directory/startups?q=kisan").json["items"]
    assert [s["name"] for s in startups] == ["Kisan Data"]

    investors = staff.get("/api/v1/directory/overseas-entities?kind=investor").json["items"]
    assert [e["name"] for e in investors] == ["Gulf Angels"]
    german = staff.get("/api/v1/directory/overseas-entities?country=de").json["items"]
    assert [e["country_code"] for e in german] == ["DE"]

    assert_problem(staff.get("/api/v1/directory/startups?kind=unicorn"), 422, "kind")
    assert_problem(staff.get("/api/v1/directory/companies?city=abc"), 422, "city")
    assert_problem(staff.get("/api/v1/directory/overseas-entities?country=XX"), 422, "country")
    assert_problem(staff.get("/api/v1/directory/companies?sort=random"), 422, "sort")


def test_directory_is_staff_only(client, api_as):
    assert_problem(api_as("company").get("/api/v1/directory/companies"), 403)
    assert_problem(api_as("startup").get("/api/v1/directory/startups"), 403)
    assert_problem(client.get("/api/v1/directory/overseas-entities"), 401)
