"""Contract tests: events and registrations through the API (the engine decides the seats)."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from tests import test_api_support as support
from tests.test_api_support import assert_problem

api_as = support.api_as  # fixture

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def in_days(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def partners(app):
    """Two overseas entities (German and British) → their ids."""
    from engagement.directory.models import OverseasEntity, OverseasEntityType

    with app.app_context():
        rows = [
            OverseasEntity(
                name="Berlin IT Chamber",
                country_code="DE",
                timezone="Europe/Berlin",
                entity_type=OverseasEntityType.CHAMBER,
            ),
            OverseasEntity(
                name="London Tech Council",
                country_code="GB",
                timezone="Europe/London",
                entity_type=OverseasEntityType.TRADE_BODY,
            ),
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


@pytest.fixture
def staff(api_as):
    return api_as("staff")


def webinar_body(**overrides):
    body = {
        "kind": "webinar",
        "title": "Selling software to the German Mittelstand",
        "starts_at": iso(in_days(10)),
        "duration_minutes": 90,
        "capacity": 50,
        "seat_limit_per_org": None,
        "registration_opens_at": None,
        "registration_closes_at": None,
        "partner_ids": [],
    }
    body.update(overrides)
    return body


def make_event(staff, **overrides) -> dict:
    response = staff.post("/api/v1/events", json=webinar_body(**overrides))
    assert response.status_code == 201, response.json
    return response.json


def test_create_webinar_shape(app, staff, partners):
    starts = in_days(10)
    event = make_event(staff, partner_ids=partners, starts_at=iso(starts), seat_limit_per_org=3)
    assert event["kind"] == "webinar" and event["state"] == "published"
    assert ISO_Z.match(event["starts_at"]) and ISO_Z.match(event["ends_at"])
    assert event["starts_at"] == iso(starts)
    assert event["ends_at"] == iso(starts + timedelta(minutes=90))
    assert event["timezone"] == "Asia/Karachi"
    assert (event["capacity"], event["seats_left"], event["waitlist_length"]) == (50, 50, 0)
    assert event["seat_limit_per_org"] == 3
    assert [p["country_code"] for p in event["partners"]] == ["DE", "GB"]
    assert event["city"] is None and event["registration_opens_at"] is None
    if "webinars.detail" in app.view_functions:  # the web pages exist
        assert event["url"] == f"http://localhost/webinars/{event['id']}"
    if "events.event_calendar" in app.view_functions:
        assert event["ical_url"] == f"http://localhost/events/{event['id']}/calendar.ics"
    assert staff.get(f"/api/v1/events/{event['id']}").json == event


def test_create_meetup_by_city_name(staff):
    event = make_event(
        staff,
        kind="meetup",
        title="Industry meetup: Gilgit",
        city="Gilgit",
        partner_ids=[],
        starts_at="2031-05-06T10:00:00+05:00",
    )
    assert event["kind"] == "meetup"
    assert event["city"]["name"] == "Gilgit" and event["city"]["province"]
    assert event["partners"] is None
    assert event["starts_at"] == "2031-05-06T05:00:00Z"


def test_draft_is_staff_only(staff, api_as):
    draft = make_event(staff, state="draft")
    assert draft["state"] == "draft"
    company = api_as("company")
    assert_problem(company.get(f"/api/v1/events/{draft['id']}"), 404)
    assert draft["id"] not in [e["id"] for e in company.get("/api/v1/events").json["items"]]
    assert draft["id"] in [e["id"] for e in staff.get("/api/v1/events").json["items"]]
    assert_problem(
        company.post(
            f"/api/v1/events/{draft['id']}/registrations",
            json={"attendees": [{"name": "A", "email": "a@example.com"}]},
        ),
        404,
    )
    published = staff.patch(f"/api/v1/events/{draft['id']}", json={"state": "published"})
    assert published.status_code == 200 and published.json["state"] == "published"
    assert_problem(staff.patch(f"/api/v1/events/{draft['id']}", json={"state": "published"}), 409)


def test_only_staff_create_and_anonymous_is_401(client, api_as):
    company = api_as("company")
    assert_problem(company.post("/api/v1/events", json=webinar_body()), 403)
    assert_problem(client.post("/api/v1/events", json=webinar_body()), 401)
    assert_problem(client.get("/api/v1/events"), 401)


def test_create_validation_names_fields(staff, partners):
    body = assert_problem(staff.post("/api/v1/events", json={}), 422)
    for field in ("kind", "title", "starts_at", "duration_minutes", "capacity"):
        assert field in body["errors"]
    assert_problem(
        staff.post("/api/v1/events", json=webinar_body(starts_at="2031-01-01T10:00:00")),
        422,
        "starts_at",
    )
    assert_problem(
        staff.post("/api/v1/events", json=webinar_body(kind="meetup", city="Atlantis")),
        422,
        "city",
    )
    assert_problem(
        staff.post("/api/v1/events", json=webinar_body(kind="meetup", city=None)), 422, "city"
    )
    assert_problem(
        staff.post("/api/v1/events", json=webinar_body(partner_ids=[partners[0], 999999])),
        422,
        "partner_ids[1]",
    )
    assert_problem(staff.post("/api/v1/events", json=webinar_body(capacity=-1)), 422, "capacity")
    # A rule of the engine (registration cannot close after the end), named by its field.
    assert_problem(
        staff.post(
            "/api/v1/events",
            json=webinar_body(registration_closes_at=iso(in_days(30))),
        ),
        422,
        "registration_closes_at",
    )


def test_list_filters_and_pages(staff, partners):
    webinar = make_event(staff, partner_ids=[partners[0]], starts_at=iso(in_days(5)))
    make_event(staff, partner_ids=[partners[1]], starts_at=iso(in_days(40)))
    meetup = make_event(
        staff, kind="meetup", city="Gilgit", partner_ids=[], starts_at=iso(in_days(20))
    )
    listing = staff.get("/api/v1/events").json
    assert set(listing) == {"items", "page", "pages", "total"}
    assert listing["total"] == 3 and listing["pages"] == 1 and listing["page"] == 1

    def ids(query: str) -> list[int]:
        response = staff.get(f"/api/v1/events?{query}")
        assert response.status_code == 200, response.json
        return [e["id"] for e in response.json["items"]]

    assert ids("kind=meetup") == [meetup["id"]]
    assert ids("city=gilgit") == [meetup["id"]]
    assert ids("country=de") == [webinar["id"]]
    to = (in_days(25)).date().isoformat()
    assert ids(f"to={to}") == [webinar["id"], meetup["id"]]
    page2 = staff.get("/api/v1/events?per_page=2&page=2").json
    assert page2["pages"] == 2 and len(page2["items"]) == 1
    assert_problem(staff.get("/api/v1/events?kind=party"), 422, "kind")
    assert_problem(staff.get("/api/v1/events?per_page=1000"), 422, "per_page")
    assert_problem(staff.get("/api/v1/events?from=yesterday"), 422, "from")


@contextlib.contextmanager
def count_queries(app):
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_list_query_count_is_constant(app, staff, partners):
    def queries_for_listing() -> int:
        with count_queries(app) as statements:
            assert staff.get("/api/v1/events?per_page=50").status_code == 200
        return len(statements)

    make_event(staff, partner_ids=partners)
    make_event(staff, kind="meetup", city="Gilgit", partner_ids=[])
    few = queries_for_listing()
    for n in range(6):
        make_event(staff, partner_ids=partners, title=f"Webinar {n}")
        make_event(staff, kind="meetup", city="Lahore", partner_ids=[], title=f"Meetup {n}")
    assert queries_for_listing() == few


def test_register_waitlist_capacity_and_cancel(app, staff, api_as):
    event = make_event(staff, capacity=1)
    company = api_as("company", email="rep@example.com")  # colleagues in its own domain
    response = company.post(
        f"/api/v1/events/{event['id']}/registrations",
        json={
            "attendees": [
                {"name": "Ayesha Khan", "email": "Ayesha@Example.com"},
                {"name": "Bilal Ahmed", "email": "bilal@example.com"},
                {"name": "Sana Malik", "email": "sana@example.com"},
            ]
        },
    )
    assert response.status_code == 201, response.json
    regs = response.json["registrations"]
    assert [(r["email"], r["status"], r["waitlist_position"]) for r in regs] == [
        ("ayesha@example.com", "confirmed", None),
        ("bilal@example.com", "waitlisted", 1),
        ("sana@example.com", "waitlisted", 2),
    ]
    got = staff.get(f"/api/v1/events/{event['id']}").json
    assert (got["seats_left"], got["waitlist_length"]) == (0, 2)

    # Raising the capacity promotes the first in line.
    raised = staff.patch(f"/api/v1/events/{event['id']}", json={"capacity": 2})
    assert raised.status_code == 200, raised.json
    assert (raised.json["capacity"], raised.json["seats_left"], raised.json["waitlist_length"]) == (
        2,
        0,
        1,
    )
    mine = company.get("/api/v1/registrations").json
    assert [(r["email"], r["status"], r["waitlist_position"]) for r in mine["items"]] == [
        ("ayesha@example.com", "confirmed", None),
        ("bilal@example.com", "confirmed", None),
        ("sana@example.com", "waitlisted", 1),
    ]
    assert_problem(
        staff.patch(f"/api/v1/events/{event['id']}", json={"capacity": 1}), 422, "capacity"
    )

    # Cancelling a confirmed seat promotes the next one; 204 with no body.
    deleted = company.delete(f"/api/v1/registrations/{regs[0]['id']}")
    assert deleted.status_code == 204 and deleted.data == b""
    sana = company.get(f"/api/v1/registrations/{regs[2]['id']}").json
    assert sana["status"] == "confirmed" and sana["waitlist_position"] is None

    # Others cannot see or cancel them; staff filter by event.
    stranger = api_as("company")
    assert_problem(stranger.get(f"/api/v1/registrations/{regs[1]['id']}"), 404)
    assert_problem(stranger.delete(f"/api/v1/registrations/{regs[1]['id']}"), 404)
    assert stranger.get("/api/v1/registrations").json["total"] == 0
    by_event = staff.get(f"/api/v1/registrations?event_id={event['id']}").json
    assert by_event["total"] == 3
    assert staff.get("/api/v1/registrations?event_id=1&status=waitlisted").status_code == 200


def test_registration_errors(staff, api_as, frozen_clock):
    event = make_event(
        staff, capacity=5, registration_closes_at=iso(in_days(2)), starts_at=iso(in_days(10))
    )
    path = f"/api/v1/events/{event['id']}/registrations"
    company = api_as("company")
    assert_problem(
        company.post(path, json={"attendees": [{"name": "A", "email": "not-an-email"}]}),
        422,
        "attendees[0].email",
    )
    assert_problem(
        company.post(
            path,
            json={"attendees": [{"name": "A", "email": "a@example.com"}, {"email": "b@x.org"}]},
        ),
        422,
        "attendees[1].name",
    )
    assert_problem(company.post(path, json={"attendees": []}), 422, "attendees")
    assert_problem(company.post(path, json={}), 422, "attendees")
    ok_body = {"attendees": [{"name": "A", "email": "a@example.com"}]}
    ok = company.post(path, json=ok_body)
    assert ok.status_code == 201
    assert_problem(
        company.post(path, json={"attendees": [{"name": "A", "email": "A@example.com"}]}),
        409,
        "attendees[0].email",
    )
    assert_problem(
        company.post(
            path,
            json={
                "attendees": [
                    {"name": "C", "email": "c@example.com"},
                    {"name": "C", "email": "c@example.com"},
                ]
            },
        ),
        409,
        "attendees[1].email",
    )
    startup = api_as("startup")
    assert_problem(
        startup.post(path, json={"attendees": [{"name": "Z", "email": "z@example.com"}]}),
        422,
        "attendees",
    )
    assert_problem(company.post("/api/v1/events/999999/registrations", json=ok_body), 404)

    frozen_clock(datetime.now(UTC) + timedelta(days=3))
    closed = company.post(path, json={"attendees": [{"name": "D", "email": "d@example.com"}]})
    assert_problem(closed, 409)
    assert "closed" in closed.json["detail"].lower()


def test_cancel_event(staff, api_as):
    event = make_event(staff)
    company = api_as("company")
    path = f"/api/v1/events/{event['id']}"
    assert_problem(company.post(f"{path}/cancel", json={"reason": "x"}), 403)
    assert_problem(staff.post(f"{path}/cancel", json={}), 422, "reason")
    assert_problem(staff.post("/api/v1/events/999999/cancel", json={"reason": "x"}), 404)
    cancelled = staff.post(f"{path}/cancel", json={"reason": "The speaker is ill."})
    assert cancelled.status_code == 200 and cancelled.json["state"] == "cancelled"
    assert_problem(staff.post(f"{path}/cancel", json={"reason": "again"}), 409)
    assert_problem(
        company.post(
            f"{path}/registrations",
            json={"attendees": [{"name": "A", "email": "a@example.com"}]},
        ),
        409,
    )


def test_registration_list_query_count_is_constant(app, staff, api_as):
    company = api_as("company")

    def queries_for_listing() -> int:
        with count_queries(app) as statements:
            assert company.get("/api/v1/registrations?per_page=100").status_code == 200
        return len(statements)

    def register(event_id: int, n: int) -> None:
        attendees = [{"name": f"P{i}", "email": f"p{event_id}-{i}@example.com"} for i in range(n)]
        response = company.post(
            f"/api/v1/events/{event_id}/registrations", json={"attendees": attendees}
        )
        assert response.status_code == 201, response.json

    first = make_event(staff, capacity=1)
    register(first["id"], 3)
    few = queries_for_listing()
    for _ in range(3):
        register(make_event(staff, capacity=2)["id"], 5)
    assert queries_for_listing() == few
