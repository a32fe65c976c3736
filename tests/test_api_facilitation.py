"""Contract tests: facilitation requests and their transitions through the API."""

from __future__ import annotations

from tests import test_api_support as support
from tests.test_api_support import assert_problem

api_as = support.api_as  # fixture

PATH = "/api/v1/facilitation-requests"


def marketing(**overrides):
    body = {
        "sphere": "marketing",
        "title": "Stand at GITEX Dubai",
        "summary": "We would like a place on PSEB's pavilion.",
    }
    body.update(overrides)
    return body


def test_create_submitted_and_draft(api_as):
    startup = api_as("startup")
    created = startup.post(PATH, json=marketing())
    assert created.status_code == 201, created.json
    body = created.json
    assert body["state"] == "submitted" and body["sphere"] == "marketing"
    assert body["submitted_at"].endswith("Z") and body["organisation"]["name"]
    draft = startup.post(PATH, json=marketing(submit=False, summary=""))
    assert draft.status_code == 201 and draft.json["state"] == "draft"
    assert draft.json["submitted_at"] is None
    assert startup.get(f"{PATH}/{body['id']}").json == body


def test_capital_request_fields(api_as):
    startup = api_as("startup")
    created = startup.post(
        PATH,
        json={
            "sphere": "capital_availability",
            "title": "Seed round",
            "summary": "Raising a seed round for our agritech platform.",
            "stage": "seed",
            "amount_sought": 250000,
            "currency": "USD",
            "use_of_funds": "Hiring and sales in the Gulf.",
        },
    )
    assert created.status_code == 201, created.json
    assert created.json["amount_sought"] == "250000.00" and created.json["currency"] == "USD"
    # Submitting without what the sphere needs is refused, naming the field (service rule).
    missing = startup.post(
        PATH, json={"sphere": "capital_availability", "title": "Seed", "summary": "Money"}
    )
    assert_problem(missing, 422, "stage")


def test_create_validation_and_roles(client, api_as):
    startup = api_as("startup")
    assert_problem(startup.post(PATH, json={}), 422, "sphere", "title")
    assert_problem(startup.post(PATH, json=marketing(sphere="catering")), 422, "sphere")
    assert_problem(startup.post(PATH, json=marketing(currency="EUR")), 422, "currency")
    assert_problem(startup.post(PATH, json=marketing(city_id=999999)), 422, "city_id")
    assert_problem(api_as("company").post(PATH, json=marketing()), 403)
    assert_problem(api_as("staff").post(PATH, json=marketing()), 403)
    assert_problem(client.post(PATH, json=marketing()), 401)


def test_transitions_200_409_403(api_as):
    startup = api_as("startup")
    staff = api_as("staff")
    request_id = startup.post(PATH, json=marketing()).json["id"]
    moves = f"{PATH}/{request_id}/transitions"

    reviewed = staff.post(moves, json={"to": "in_review", "comment": "Looking at it."})
    assert reviewed.status_code == 200 and reviewed.json["state"] == "in_review"
    # A move that does not exist from in_review: 409.
    assert_problem(staff.post(moves, json={"to": "submitted"}), 409)
    # A move the startup may not take: 403.
    assert_problem(startup.post(moves, json={"to": "resolved", "outcome": "other"}), 403)
    # A move that needs input names the field: 422.
    assert_problem(staff.post(moves, json={"to": "declined"}), 422, "reason")
    assert_problem(staff.post(moves, json={"to": "lost"}), 422, "to")
    asked = staff.post(moves, json={"to": "needs_information", "comment": "Which month?"})
    assert asked.status_code == 200 and asked.json["state"] == "needs_information"
    answered = startup.post(moves, json={"to": "in_review", "comment": "October."})
    assert answered.status_code == 200 and answered.json["state"] == "in_review"
    resolved = staff.post(
        moves, json={"to": "resolved", "outcome": "advice_given", "outcome_note": "Booked."}
    )
    assert resolved.status_code == 200
    assert resolved.json["state"] == "resolved" and resolved.json["outcome"] == "advice_given"
    assert resolved.json["closed_at"].endswith("Z")
    assert_problem(startup.post(moves, json={"to": "withdrawn"}), 409)


def test_visibility_and_lists(api_as):
    startup = api_as("startup")
    other = api_as("startup")
    staff = api_as("staff")
    submitted = startup.post(PATH, json=marketing()).json
    draft = startup.post(PATH, json=marketing(submit=False, title="Draft idea")).json
    startup.post(PATH, json=marketing(sphere="hr", title="Hiring help"))

    assert_problem(other.get(f"{PATH}/{submitted['id']}"), 404)
    assert_problem(
        other.post(f"{PATH}/{submitted['id']}/transitions", json={"to": "withdrawn"}), 404
    )
    assert_problem(api_as("company").get(f"{PATH}/{submitted['id']}"), 404)
    # Drafts are the startup's own, even staff do not see them.
    assert_problem(staff.get(f"{PATH}/{draft['id']}"), 404)

    mine = startup.get(PATH).json
    assert set(mine) == {"items", "page", "pages", "total"} and mine["total"] == 3
    assert other.get(PATH).json["total"] == 0
    queue = staff.get(PATH).json
    assert queue["total"] == 2
    hr = staff.get(f"{PATH}?sphere=hr").json
    assert [r["title"] for r in hr["items"]] == ["Hiring help"]
    assert staff.get(f"{PATH}?state=open&sort=newest&assignee_id=none").json["total"] == 2
    assert staff.get(f"{PATH}?q=gitex").json["total"] == 1
    assert_problem(staff.get(f"{PATH}?state=lost"), 422, "state")
    assert_problem(staff.get(f"{PATH}?assignee_id=everyone"), 422, "assignee_id")


def test_list_query_count_is_constant(app, api_as):
    from tests.test_api_events import count_queries

    staff = api_as("staff")
    startups = [api_as("startup") for _ in range(4)]

    def queries_for_listing() -> int:
        with count_queries(app) as statements:
            assert staff.get(f"{PATH}?per_page=100").status_code == 200
        return len(statements)

    startups[0].post(PATH, json=marketing())
    queries_for_listing()  # the token's first use writes last_used_at (then once a minute)
    few = queries_for_listing()
    for startup in startups:
        for n in range(3):
            startup.post(PATH, json=marketing(title=f"Request {n}"))
    assert queries_for_listing() == few
