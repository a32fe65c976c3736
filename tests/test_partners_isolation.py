"""Every id-bearing partners URL and endpoint answers 404 to another partner and another
company (and the anonymous are sent to sign in); the two sides and staff get their page."""

from __future__ import annotations

import pytest

from tests.partners_support import NOW, SLOT_A, SLOT_B, make_showcase
from tests.test_access import RoleClient


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


@pytest.fixture
def world(app, login_as):
    from engagement.auth import services
    from engagement.auth.models import User
    from engagement.extensions import db

    def client(role: str, **kwargs) -> RoleClient:
        signed_in = login_as(role, **kwargs)
        with app.app_context(), app.test_request_context():
            _, secret = services.issue_api_token(db.session.get(User, signed_in.user_id), "t")
            db.session.commit()
        rc = RoleClient(signed_in, secret)
        rc.user_id = signed_in.user_id
        return rc

    clients = {
        "partner": client("partner", org="Berlin Digital Chamber", country="DE"),
        "company": client("company", org="Lahore Soft"),
        "other_partner": client("partner", org="Gulf Ventures", country="AE"),
        "other_company": client("company", org="Karachi Cloud"),
        "staff": client("staff"),
    }
    ids = make_showcase(app, clients["company"].user_id)
    make_showcase(app, clients["other_company"].user_id, number="PSEB/2022/0099")
    created = clients["partner"].post(
        "/api/v1/meeting-requests",
        json={
            "organisation_id": ids["organisation_id"],
            "message": "We look for payments partners in Lahore.",
            "slots": [SLOT_A, SLOT_B],
        },
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    meeting_id = created.get_json()["id"]
    accepted = clients["company"].post(
        f"/api/v1/meeting-requests/{meeting_id}/accept", json={"slot": SLOT_A}
    )
    assert accepted.status_code == 200
    return clients, meeting_id


READS = [
    "/meetings/{id}",
    "/meetings/{id}.ics",
    "/api/v1/meeting-requests/{id}",
    "/api/v1/meeting-requests/{id}/ics",
]
WRITES = {
    "/meetings/{id}/accept": {"slot": SLOT_A},
    "/meetings/{id}/decline": {"reason": "no"},
    "/meetings/{id}/propose": {"slots": [SLOT_A, SLOT_B]},
    "/meetings/{id}/cancel": {},
    "/meetings/{id}/outcome": {"outcome": "pilot"},
    "/api/v1/meeting-requests/{id}/accept": {"slot": SLOT_A},
    "/api/v1/meeting-requests/{id}/decline": {"reason": "no"},
    "/api/v1/meeting-requests/{id}/outcome": {"outcome": "pilot"},
}


@pytest.mark.parametrize("outsider", ["other_partner", "other_company"])
def test_another_side_gets_404_everywhere(world, outsider):
    clients, meeting_id = world
    client = clients[outsider]
    for template in READS:
        path = template.format(id=meeting_id)
        assert client.get(path).status_code == 404, path
    for template, body in WRITES.items():
        path = template.format(id=meeting_id)
        if path.startswith("/api/"):
            response = client.post(path, json=body)
        else:
            response = client.post(path, data=body)
        assert response.status_code == 404, path
    listed = client.get("/api/v1/meeting-requests").get_json()["items"]
    assert meeting_id not in [m["id"] for m in listed]
    assert "Lahore Soft" not in client.get("/meetings/").text


def test_the_two_sides_and_staff_see_it(world):
    clients, meeting_id = world
    for role in ("partner", "company", "staff"):
        for template in READS:
            path = template.format(id=meeting_id)
            assert clients[role].get(path).status_code == 200, (role, path)


def test_unknown_ids_are_404_and_non_showcase_companies_too(app, world):
    clients, meeting_id = world
    for template in READS:
        assert clients["staff"].get(template.format(id=meeting_id + 1000)).status_code == 404
    # A company that is not in the showcase cannot be asked by a partner that has no webinar
    # with it: the form is a 404, the API a 422 naming the field.
    from engagement.directory.models import Company
    from engagement.extensions import db

    with app.app_context():
        hidden = db.session.scalar(db.select(Company).where(Company.legal_name == "Karachi Cloud"))
        hidden.showcase_opt_in = False
        db.session.commit()
        hidden_id, hidden_org = hidden.id, hidden.organisation_id
    assert clients["partner"].get(f"/companies/{hidden_id}").status_code == 404
    assert clients["partner"].get(f"/meetings/new?organisation={hidden_org}").status_code == 404
    refused = clients["partner"].post(
        "/api/v1/meeting-requests",
        json={"organisation_id": hidden_org, "message": "x" * 20, "slots": [SLOT_A, SLOT_B]},
    )
    assert refused.status_code == 422 and "organisation_id" in refused.get_json()["errors"]
