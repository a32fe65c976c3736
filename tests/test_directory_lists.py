"""Staff directory lists: search, filters, sort, pagination with a constant number of queries,
CSV export of the filtered list, and bad filter values that are ignored with a message."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from engagement import clock
from engagement.directory.models import (
    City,
    Company,
    Contact,
    EmployeeBand,
    OverseasEntity,
    OverseasEntityType,
    Province,
    Sector,
    StakeholderBody,
    StakeholderKind,
    Startup,
    StartupStage,
)
from engagement.directory.services import DirectoryFilters, search_companies
from engagement.extensions import db

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def ref(model, **where):
    return db.session.scalar(sa.select(model).filter_by(**where))


@pytest.fixture
def directory(app):
    """A small directory: companies in three cities, startups, overseas entities, bodies."""
    with app.app_context():
        lahore, karachi, quetta = (ref(City, name=n) for n in ("Lahore", "Karachi", "Quetta"))
        fintech, agritech, software = (
            ref(Sector, slug=s) for s in ("fintech", "agritech", "software-development")
        )
        rows = [
            ("Zeta Fintech", lahore, [fintech], "PSEB/2020/0001", True),
            ("alpha Software", karachi, [software], "PSEB/2019/0002", False),
            ("Beta Agri Data", quetta, [agritech, software], None, False),
            ("Gamma 100% Labs", lahore, [software], "PSEB/2018/0003", True),
        ]
        for n, (name, city, sectors, number, verified) in enumerate(rows):
            db.session.add(
                Company(
                    legal_name=name,
                    city=city,
                    sectors=sectors,
                    registration_number=number,
                    registration_verified_at=T0 if verified else None,
                    employee_band=EmployeeBand.B11_50,
                    export_markets="US,GB",
                    created_at=T0 + timedelta(days=n),
                )
            )
        db.session.add_all(
            [
                Startup(name="Seedling", city=quetta, stage=StartupStage.SEED, sectors=[agritech]),
                Startup(name="Ideaworks", city=lahore, stage=StartupStage.IDEA, sectors=[fintech]),
                OverseasEntity(
                    name="Berlin Chamber",
                    country_code="DE",
                    timezone="Europe/Berlin",
                    entity_type=OverseasEntityType.CHAMBER,
                    sectors=[software],
                ),
                OverseasEntity(
                    name="Tokyo Partners",
                    country_code="JP",
                    timezone="Asia/Tokyo",
                    entity_type=OverseasEntityType.COMPANY,
                ),
                StakeholderBody(
                    name="Punjab IT Board",
                    kind=StakeholderKind.PROVINCIAL_IT_BOARD,
                    province=ref(Province, name="Punjab"),
                    contacts=[Contact(name="Hassan Raza", position="Director")],
                ),
                StakeholderBody(name="Ministry of IT", kind=StakeholderKind.MINISTRY),
            ]
        )
        db.session.commit()
        return {
            "lahore": lahore.id,
            "punjab": lahore.province_id,
            "fintech": fintech.id,
            "software": software.id,
        }


def names(response) -> list[str]:
    """Entry names in the order the list shows them (first cell links)."""
    import re

    body = response.get_data(as_text=True)
    return re.findall(
        r'<td><a href="/directory/[a-z]+/\d+">(?:<bdi>)?([^<]+)(?:</bdi>)?</a></td>', body
    )


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_companies_default_sort_by_name_case_insensitive(staff, directory):
    response = staff.get("/directory/companies")
    assert response.status_code == 200
    assert names(response) == [
        "alpha Software",
        "Beta Agri Data",
        "Gamma 100% Labs",
        "Zeta Fintech",
    ]


def test_companies_search_and_filters(staff, directory):
    assert names(staff.get("/directory/companies?q=FINTECH")) == ["Zeta Fintech"]
    assert names(staff.get("/directory/companies?q=100%25")) == ["Gamma 100% Labs"]  # % is literal
    assert names(staff.get("/directory/companies?q=_")) == []
    assert names(staff.get("/directory/companies?q=PSEB/2019")) == ["alpha Software"]
    assert names(staff.get(f"/directory/companies?city={directory['lahore']}")) == [
        "Gamma 100% Labs",
        "Zeta Fintech",
    ]
    assert names(staff.get(f"/directory/companies?province={directory['punjab']}")) == [
        "Gamma 100% Labs",
        "Zeta Fintech",
    ]
    assert names(staff.get(f"/directory/companies?sector={directory['software']}")) == [
        "alpha Software",
        "Beta Agri Data",
        "Gamma 100% Labs",
    ]
    assert names(staff.get("/directory/companies?verified=yes")) == [
        "Gamma 100% Labs",
        "Zeta Fintech",
    ]
    assert names(staff.get("/directory/companies?verified=no")) == [
        "alpha Software",
        "Beta Agri Data",
    ]
    combined = f"/directory/companies?verified=yes&sector={directory['software']}&city={directory['lahore']}"
    assert names(staff.get(combined)) == ["Gamma 100% Labs"]


def test_companies_sort_by_city_and_newest(staff, directory):
    assert names(staff.get("/directory/companies?sort=city")) == [
        "alpha Software",  # Karachi
        "Gamma 100% Labs",  # Lahore
        "Zeta Fintech",  # Lahore
        "Beta Agri Data",  # Quetta
    ]
    assert names(staff.get("/directory/companies?sort=newest")) == [
        "Gamma 100% Labs",
        "Beta Agri Data",
        "alpha Software",
        "Zeta Fintech",
    ]


def test_bad_filter_values_are_ignored_with_a_message(staff, directory):
    response = staff.get("/directory/companies?city=abc&sort=drop&verified=maybe&page=-1")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Some filters were not understood and are ignored: verified, sort, city" in body
    assert len(names(response)) == 4


def test_startups_overseas_bodies_filters(staff, directory):
    assert names(staff.get("/directory/startups")) == ["Ideaworks", "Seedling"]
    assert names(staff.get("/directory/startups?kind=seed")) == ["Seedling"]
    assert names(staff.get(f"/directory/startups?city={directory['lahore']}")) == ["Ideaworks"]
    assert names(staff.get("/directory/overseas?country=jp")) == ["Tokyo Partners"]
    assert names(staff.get("/directory/overseas?kind=chamber")) == ["Berlin Chamber"]
    assert names(staff.get(f"/directory/overseas?sector={directory['software']}")) == [
        "Berlin Chamber"
    ]
    assert names(staff.get("/directory/overseas?sort=city")) == ["Berlin Chamber", "Tokyo Partners"]
    page = staff.get("/directory/overseas").get_data(as_text=True)
    assert "Europe/Berlin" in page and "Asia/Tokyo" in page
    assert names(staff.get("/directory/bodies")) == ["Ministry of IT", "Punjab IT Board"]
    assert names(staff.get("/directory/bodies?kind=ministry")) == ["Ministry of IT"]
    assert names(staff.get(f"/directory/bodies?province={directory['punjab']}")) == [
        "Punjab IT Board"
    ]
    assert names(staff.get("/directory/bodies?q=hassan")) == ["Punjab IT Board"]  # by contact


def test_filters_dataclass_round_trip():
    filters = DirectoryFilters.from_args(
        {"q": " lab ", "city": "3", "sector": "2", "verified": "no", "sort": "newest"}
    )
    assert filters == DirectoryFilters(
        q="lab", city_id=3, sector_id=2, verified=False, sort="newest"
    )
    assert DirectoryFilters.from_args(filters.as_args()) == filters
    odd = DirectoryFilters.from_args(
        {"kind": "seed", "country": "XX", "province": "1e3"}, kinds=["idea"]
    )
    assert odd.kind is None and odd.country is None and odd.province_id is None
    assert set(odd.invalid) == {"kind", "country", "province"}


@contextlib.contextmanager
def count_queries(engine):
    queries: list[str] = []

    def record(conn, cursor, statement, *args):
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
        ):
            queries.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield queries
    finally:
        event.remove(engine, "before_cursor_execute", record)


def add_companies(app, count: int) -> None:
    with app.app_context():
        cities = list(db.session.scalars(sa.select(City).limit(5)))
        sectors = list(db.session.scalars(sa.select(Sector).limit(4)))
        for n in range(count):
            db.session.add(
                Company(
                    legal_name=f"Bulk {n:03d}",
                    city=cities[n % len(cities)],
                    sectors=sectors[: 1 + n % 3],
                )
            )
        db.session.commit()


def test_list_and_csv_use_a_constant_number_of_queries(app, staff):
    add_companies(app, 5)
    with app.app_context():
        engine = db.engine
    with count_queries(engine) as few:
        assert staff.get("/directory/companies").status_code == 200
        staff.get("/directory/companies.csv").close()
    add_companies(app, 40)
    with count_queries(engine) as many:
        assert staff.get("/directory/companies").status_code == 200
        staff.get("/directory/companies.csv").close()
    assert len(many) == len(few), "the list or export issues a query per row"


def test_pagination(app, staff):
    add_companies(app, app.config["PER_PAGE"] + 3)
    first = staff.get("/directory/companies")
    assert len(names(first)) == app.config["PER_PAGE"]
    assert 'rel="next"' in first.get_data(as_text=True)
    second = staff.get("/directory/companies?page=2")
    assert names(second) == ["Bulk 025", "Bulk 026", "Bulk 027"]
    assert staff.get("/directory/companies?page=99").status_code == 200


def read_csv(response) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    response.close()
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_export_of_the_filtered_list(staff, directory):
    response = staff.get(f"/directory/companies.csv?verified=yes&city={directory['lahore']}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert [row["legal_name"] for row in rows] == ["Gamma 100% Labs", "Zeta Fintech"]
    assert rows[1]["registration_number"] == "PSEB/2020/0001"
    assert rows[1]["city"] == "Lahore" and rows[1]["province"] == "Punjab"
    assert rows[1]["verified"] == "yes" and rows[1]["sectors"] == "Fintech"
    # The list page links the same filters to the export.
    page = staff.get(f"/directory/companies?verified=yes&city={directory['lahore']}")
    assert f"/directory/companies.csv?city={directory['lahore']}&amp;verified=yes" in page.get_data(
        as_text=True
    )
    overseas = read_csv(staff.get("/directory/overseas.csv?country=DE"))
    assert overseas == [
        {
            "id": overseas[0]["id"],
            "name": "Berlin Chamber",
            "type": "chamber",
            "country_code": "DE",
            "country": "Germany",
            "timezone": "Europe/Berlin",
            "sectors": "Software development",
            "website": "",
        }
    ]
    bodies = read_csv(staff.get("/directory/bodies.csv?q=punjab"))
    assert bodies[0]["contacts"] == "Hassan Raza, Director"
    startups = read_csv(staff.get("/directory/startups.csv?kind=idea"))
    assert [row["name"] for row in startups] == ["Ideaworks"]


def test_csv_cells_cannot_run_formulas(app, staff):
    with app.app_context():
        db.session.add(Company(legal_name='=HYPERLINK("http://evil")'))
        db.session.commit()
    [row] = read_csv(staff.get("/directory/companies.csv"))
    assert row["legal_name"].startswith("'=")


def test_long_export_streams_in_batches(app, staff, monkeypatch):
    from engagement.directory import services

    monkeypatch.setattr(services, "EXPORT_BATCH", 7)
    add_companies(app, 20)
    rows = read_csv(staff.get("/directory/companies.csv"))
    assert [row["legal_name"] for row in rows] == [f"Bulk {n:03d}" for n in range(20)]


def test_search_function_is_reusable(app, directory):
    with app.app_context():
        select = search_companies(DirectoryFilters(q="zeta"))
        assert [c.legal_name for c in db.session.scalars(select)] == ["Zeta Fintech"]


def test_detail_pages(staff, directory, app):
    with app.app_context():
        company = ref(Company, legal_name="Zeta Fintech")
        entity = ref(OverseasEntity, name="Berlin Chamber")
        body = ref(StakeholderBody, name="Punjab IT Board")
        startup = ref(Startup, name="Seedling")
    clock.freeze(datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    page = staff.get(f"/directory/companies/{company.id}").get_data(as_text=True)
    assert "Zeta Fintech" in page and "PSEB/2020/0001" in page and "United States" in page
    page = staff.get(f"/directory/overseas/{entity.id}").get_data(as_text=True)
    assert "Germany" in page and "12:00 CEST" in page  # local time now in Berlin
    page = staff.get(f"/directory/bodies/{body.id}").get_data(as_text=True)
    assert "Hassan Raza" in page and "Director" in page
    assert "Seedling" in staff.get(f"/directory/startups/{startup.id}").get_data(as_text=True)
    assert staff.get("/directory/startups/999999").status_code == 404
