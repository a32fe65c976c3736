"""The partners API: /me, the public showcase and meeting requests, over the same services."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests import test_api_support as support
from tests.partners_support import NOW, SLOT_A, SLOT_B, SLOT_EVENING, make_showcase
from tests.test_api_support import assert_problem

api_as = support.api_as  # fixture

BODY = {"message": "We look for payments partners in Lahore.", "slots": [SLOT_A, SLOT_B]}


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


@pytest.fixture
def pair(app, api_as):
    partner = api_as("partner", org="Berlin Digital Chamber", country="DE")
    company = api_as("company", org="Lahore Soft")
    ids = make_showcase(app, company.user_id)
    return partner, company, ids


def test_me_for_each_kind_of_account(pair, api_as, client):
    partner, company, ids = pair
    me = partner.get("/api/v1/me").get_json()
    assert me["role"] == "partner" and me["timezone"] == "Europe/Berlin"
    assert me["organisation"] is None
    assert me["overseas_entity"]["name"] == "Berlin Digital Chamber"
    assert me["overseas_entity"]["country_code"] == "DE"
    body = company.get("/api/v1/me").get_json()
    assert body["organisation"] == {"id": ids["organisation_id"], "name": "Lahore Soft"}
    assert body["overseas_entity"] is None and body["timezone"] == "Asia/Karachi"
    assert_problem(client.get("/api/v1/me"), 401)


def test_showcase_is_public_and_has_no_contact_details(pair, client):
    _, company, ids = pair
    page = client.get("/api/v1/showcase/companies")
    assert page.status_code == 200
    [item] = page.get_json()["items"]
    assert item["organisation_id"] == ids["organisation_id"] and item["name"] == "Lahore Soft"
    assert item["city"] == "Lahore" and item["sectors"] == ["Fintech"]
    assert item["services"] == ["Custom software", "QA and testing"]
    assert item["registration_number"] == "PSEB/2021/0457"
    assert company.email not in page.get_data(as_text=True)
    assert client.get("/api/v1/showcase/companies?market=US").get_json()["items"] == []
    assert_problem(client.get("/api/v1/showcase/companies?team=huge"), 422, "team")


def test_meeting_request_lifecycle(pair, frozen_clock):
    partner, company, ids = pair
    created = partner.post(
        "/api/v1/meeting-requests", json={**BODY, "organisation_id": ids["organisation_id"]}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    meeting = created.get_json()
    assert meeting["state"] == "requested" and meeting["slots"] == [SLOT_A, SLOT_B]
    path = f"/api/v1/meeting-requests/{meeting['id']}"
    assert company.get(path).get_json()["id"] == meeting["id"]
    assert [m["id"] for m in company.get("/api/v1/meeting-requests").get_json()["items"]] == [
        meeting["id"]
    ]
    assert_problem(partner.post(f"{path}/accept", json={"slot": SLOT_A}), 403)
    assert_problem(
        company.post(f"{path}/accept", json={"slot": "2027-03-02T09:30:00Z"}), 422, "slot"
    )
    assert_problem(company.get(f"{path}/ics"), 409)
    accepted = company.post(f"{path}/accept", json={"slot": SLOT_B})
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    assert accepted.get_json()["slot"] == SLOT_B
    assert_problem(company.post(f"{path}/accept", json={"slot": SLOT_B}), 409)
    ics = partner.get(f"{path}/ics")
    assert ics.status_code == 200 and "TZID=Europe/Berlin" in ics.get_data(as_text=True)
    assert "TZID=Asia/Karachi" in company.get(f"{path}/ics").get_data(as_text=True)
    assert_problem(partner.post(f"{path}/outcome", json={"outcome": "pilot"}), 409)
    frozen_clock(datetime(2027, 3, 2, 12, 0, tzinfo=UTC))
    assert_problem(partner.post(f"{path}/outcome", json={"outcome": "maybe"}), 422, "outcome")
    done = partner.post(f"{path}/outcome", json={"outcome": "contract", "value_usd": 12000})
    assert done.status_code == 200
    assert done.get_json()["outcome"] == "contract" and done.get_json()["value_usd"] == "12000.00"


def test_company_asks_partner_and_partner_declines(app, pair):
    partner, company, ids = pair
    # Without a shared webinar the partner is not reachable: 422 naming the field.
    me = partner.get("/api/v1/me").get_json()
    entity_id = me["overseas_entity"]["id"]
    refused = company.post(
        "/api/v1/meeting-requests", json={**BODY, "overseas_entity_id": entity_id}
    )
    assert_problem(refused, 422, "overseas_entity_id")
    created = partner.post(
        "/api/v1/meeting-requests", json={**BODY, "organisation_id": ids["organisation_id"]}
    ).get_json()
    path = f"/api/v1/meeting-requests/{created['id']}"
    assert_problem(company.post(f"{path}/decline", json={"reason": ""}), 422, "reason")
    declined = company.post(f"{path}/decline", json={"reason": "Not this quarter"})
    assert declined.status_code == 200 and declined.get_json()["state"] == "declined"
    assert declined.get_json()["decline_reason"] == "Not this quarter"
    assert_problem(company.post(f"{path}/decline", json={"reason": "again"}), 409)


def test_slots_outside_business_hours_or_on_holidays_are_named(pair):
    partner, _, ids = pair
    target = {"organisation_id": ids["organisation_id"], "message": BODY["message"]}
    evening = partner.post(
        "/api/v1/meeting-requests", json={**target, "slots": [SLOT_A, SLOT_EVENING]}
    )
    body = assert_problem(evening, 422, "slots[1]")
    assert "outside business hours in Lahore Soft" in body["errors"]["slots[1]"][0]
    # 23 March 2027 is Pakistan Day; 26 March 2027 is Good Friday in Germany.
    holidays = partner.post(
        "/api/v1/meeting-requests",
        json={**target, "slots": ["2027-03-23T09:00:00Z", SLOT_A, "2027-03-26T09:00:00Z"]},
    )
    body = assert_problem(holidays, 422, "slots[0]", "slots[2]")
    assert "Pakistan Day" in body["errors"]["slots[0]"][0]
    assert "Good Friday" in body["errors"]["slots[2]"][0]
    assert "slots[1]" not in body["errors"]
    assert_problem(
        partner.post("/api/v1/meeting-requests", json={**target, "slots": [SLOT_A]}), 422, "slots"
    )
    naive = partner.post(
        "/api/v1/meeting-requests", json={**target, "slots": ["2027-03-02T09:00:00", SLOT_B]}
    )
    assert_problem(naive, 422, "slots[0]")
    assert_problem(
        partner.post(
            "/api/v1/meeting-requests", json={"message": "x" * 20, "slots": [SLOT_A, SLOT_B]}
        ),
        422,
        "organisation_id",
    )


def test_staff_cannot_create_but_can_list(api_as, pair):
    _, _, ids = pair
    staff = api_as("staff")
    assert_problem(
        staff.post(
            "/api/v1/meeting-requests", json={**BODY, "organisation_id": ids["organisation_id"]}
        ),
        403,
    )
    assert staff.get("/api/v1/meeting-requests").status_code == 200
