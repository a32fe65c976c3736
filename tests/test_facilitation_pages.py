"""The pages through real HTTP: the step-by-step form, the queue, moves, channels, referrals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import (
    FacilitationRequest,
    FundingChannel,
    Referral,
    ReferralOutcome,
    RequestState,
)
from tests.conftest import Auth
from tests.test_facilitation_factories import (
    capital_fields,
    city,
    make_channel,
    make_request,
    people_fixture,  # noqa: F401
    sector,
    user,
)


def client_for(app, email: str):
    client = app.test_client()
    Auth(client).login(email)
    return client


def test_capital_request_step_by_step(app, people):
    owner = client_for(app, "owner@alpha.test")
    assert owner.get("/facilitation/new").status_code == 200
    missing = owner.post("/facilitation/new", data={"title": "Seed money"})
    assert missing.status_code == 422 and "Choose the sphere" in missing.get_data(as_text=True)
    assert 'value="Seed money"' in missing.get_data(as_text=True)

    response = owner.post(
        "/facilitation/new", data={"sphere": "capital_availability", "title": "Seed money"}
    )
    assert response.status_code == 302 and response.location.endswith("/draft/summary")
    base = response.location.rsplit("/draft/", 1)[0]
    request_id = int(base.rsplit("/", 1)[1])

    empty = owner.post(f"{base}/draft/summary", data={"summary": "", "details": "kept details"})
    assert empty.status_code == 422
    assert "Summarise what you need." in empty.get_data(as_text=True)
    assert "kept details" in empty.get_data(as_text=True)
    assert (
        owner.post(
            f"{base}/draft/summary", data={"summary": "Grow to 20,000 farmers", "details": ""}
        ).status_code
        == 302
    )

    with app.app_context():
        sector_id = sector().id
    bad = owner.post(
        f"{base}/draft/specifics",
        data={
            "stage": "seed",
            "amount_sought": "lots",
            "currency": "PKR",
            "use_of_funds": "Agents",
            "sector_id": str(sector_id),
        },
    )
    assert bad.status_code == 422 and "as a number" in bad.get_data(as_text=True)
    assert "Agents" in bad.get_data(as_text=True)
    ok = owner.post(
        f"{base}/draft/specifics",
        data={
            "stage": "seed",
            "amount_sought": "15000000",
            "currency": "PKR",
            "use_of_funds": "Agents",
            "traction": "1,200 farmers",
            "sector_id": str(sector_id),
        },
    )
    assert ok.status_code == 302 and ok.location.endswith("/draft/files")
    files = owner.get(f"{base}/draft/files").get_data(as_text=True)
    assert "Before you submit" not in files and "Submit request" in files

    # A draft is saved: leaving and coming back shows the values.
    again = owner.get(f"{base}/draft/specifics").get_data(as_text=True)
    assert "15000000" in again and "Agents" in again

    submitted = owner.post(f"{base}/submit")
    assert submitted.status_code == 302
    page = owner.get(f"/facilitation/requests/{request_id}").get_data(as_text=True)
    assert "Seed money" in page and "PKR 15,000,000" in page and "Submitted" in page
    assert owner.get(f"{base}/draft/summary").status_code == 302  # no editing after submission
    listing = owner.get("/facilitation/my").get_data(as_text=True)
    assert "Seed money" in listing and "submitted" in listing


def test_incomplete_draft_cannot_be_submitted(app, people):
    owner = client_for(app, "owner@alpha.test")
    response = owner.post("/facilitation/new", data={"sphere": "infrastructure", "title": "Desks"})
    base = response.location.rsplit("/draft/", 1)[0]
    files = owner.get(f"{base}/draft/files").get_data(as_text=True)
    assert "Before you submit" in files and "Summarise what you need." in files
    refused = owner.post(f"{base}/submit")
    assert refused.status_code == 302 and refused.location.endswith("/draft/summary")
    with app.app_context():
        assert db.session.scalar(sa.select(FacilitationRequest.state)) == RequestState.DRAFT
        gilgit = city().id
    owner.post(f"{base}/draft/summary", data={"summary": "Six desks"})
    bad = owner.post(
        f"{base}/draft/specifics",
        data={"city_id": str(gilgit), "seats_needed": "0", "needed_from": "2027-01-04"},
    )
    assert bad.status_code == 422 and "from 1 to 10,000" in bad.get_data(as_text=True)
    owner.post(
        f"{base}/draft/specifics",
        data={"city_id": str(gilgit), "seats_needed": "6", "needed_from": "2027-01-04"},
    )
    assert owner.post(f"{base}/submit").status_code == 302
    with app.app_context():
        request = db.session.scalar(sa.select(FacilitationRequest))
        assert request.state == RequestState.SUBMITTED and request.seats_needed == 6


def test_moves_over_http(app, people):
    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.IN_REVIEW)
        db.session.commit()
        url = f"/facilitation/requests/{request.id}/transition"
    staff = client_for(app, "staff@pseb.test")
    no_reason = staff.post(url, data={"to": "declined", "reason": ""})
    assert no_reason.status_code == 422
    assert "Give the reason for declining." in no_reason.get_data(as_text=True)
    no_outcome = staff.post(
        url, data={"to": "resolved", "outcome": "", "outcome_note": "kept note"}
    )
    assert no_outcome.status_code == 422 and "kept note" in no_outcome.get_data(as_text=True)

    illegal = staff.post(url, data={"to": "submitted"})
    assert illegal.status_code == 409
    assert "cannot be moved to “Submitted”" in illegal.get_data(as_text=True)
    as_json = staff.post(url, data={"to": "draft"}, headers={"Accept": "application/json"})
    assert as_json.status_code == 409 and as_json.mimetype == "application/problem+json"
    assert "cannot be moved" in as_json.json["detail"]

    owner = client_for(app, "owner@alpha.test")
    forbidden = owner.post(url, data={"to": "resolved", "outcome": "funded"})
    assert forbidden.status_code == 403 and "Only PSEB staff" in forbidden.get_data(as_text=True)

    asked = staff.post(url, data={"to": "needs_information", "comment": "Send your deck."})
    assert asked.status_code == 302
    answer = owner.post(
        f"/facilitation/requests/{request.id}/messages", data={"body": "Deck attached."}
    )
    assert answer.status_code == 302
    page = owner.get(f"/facilitation/requests/{request.id}").get_data(as_text=True)
    assert "Send your deck." in page and "Deck attached." in page
    assert "Needs information" in page and "In review" in page
    withdrawn = owner.post(url, data={"to": "withdrawn"})
    assert withdrawn.status_code == 302
    with app.app_context():
        assert db.session.get(FacilitationRequest, request.id).state == RequestState.WITHDRAWN
    # Still readable afterwards.
    assert owner.get(f"/facilitation/requests/{request.id}").status_code == 200


def test_queue_filters_sort_and_bulk_assign(app, people, frozen_clock):
    frozen_clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        old = make_request(owner, staff, RequestState.SUBMITTED, title="Old capital request")
        frozen_clock(datetime(2026, 11, 20, 7, 0, tzinfo=UTC))
        marketing = make_request(
            owner,
            staff,
            RequestState.SUBMITTED,
            sphere="marketing",
            title="Marketing in Gilgit",
            city_id=city("gilgit").id,
        )
        services.assign(marketing, staff.id, user(people["admin"]))
        make_request(owner, staff, RequestState.RESOLVED, title="Closed capital request")
        db.session.commit()
        ids = {"old": old.id, "marketing": marketing.id}
        gilgit = city("gilgit")
        gb_province = gilgit.province_id
    frozen_clock(datetime(2026, 11, 23, 7, 0, tzinfo=UTC))
    staff = client_for(app, "staff@pseb.test")

    def titles(query: str = "") -> list[str]:
        html = staff.get(f"/facilitation/queue{query}").get_data(as_text=True)
        found = [
            t
            for t in ("Old capital request", "Marketing in Gilgit", "Closed capital request")
            if t in html
        ]
        return sorted(found, key=html.index)

    assert titles() == ["Old capital request", "Marketing in Gilgit"]  # open, due first
    assert titles("?state=all&sort=newest")[0] in ("Closed capital request", "Marketing in Gilgit")
    assert "Closed capital request" in titles("?state=all")
    assert titles("?sphere=marketing") == ["Marketing in Gilgit"]
    assert titles(f"?province_id={gb_province}") == ["Marketing in Gilgit"]
    assert titles(f"?city_id={gilgit.id}") == ["Marketing in Gilgit"]
    assert titles("?assignee_id=none") == ["Old capital request"]
    assert titles("?assignee_id=me") == ["Marketing in Gilgit"]
    assert titles("?age_days=14") == ["Old capital request"]
    assert titles("?overdue=1") == ["Old capital request"]
    html = staff.get("/facilitation/queue").get_data(as_text=True)
    assert 'class="overdue"' in html and "Overdue" in html
    assert staff.get("/facilitation/queue?sphere=nonsense&city_id=abc&page=99").status_code == 200

    response = staff.post(
        "/facilitation/queue/assign",
        data={
            "request_ids": [str(ids["old"]), str(ids["marketing"])],
            "assignee_id": str(people["admin"]),
            "back": "/facilitation/queue?sphere=capital_availability",
        },
    )
    assert response.status_code == 302
    assert response.location.endswith("/facilitation/queue?sphere=capital_availability")
    with app.app_context():
        assignees = set(
            db.session.scalars(
                sa.select(FacilitationRequest.assignee_id).where(
                    FacilitationRequest.id.in_(ids.values())
                )
            )
        )
        assert assignees == {people["admin"]}
    nothing = staff.post("/facilitation/queue/assign", data={"assignee_id": str(people["staff"])})
    assert nothing.status_code == 302
    assert "Select at least one request." in staff.get("/facilitation/queue").get_data(as_text=True)
    evil = staff.post(
        "/facilitation/queue/assign",
        data={"request_ids": [str(ids["old"])], "assignee_id": str(people["owner"])},
    )
    assert evil.status_code == 302
    assert "Choose a staff member" in staff.get("/facilitation/queue").get_data(as_text=True)


def test_queue_query_count_is_constant(app, people):
    def count_queries(client) -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, *args):  # noqa: ANN001
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get("/facilitation/queue").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        return len(statements)

    staff = client_for(app, "staff@pseb.test")
    with app.app_context(), app.test_request_context():
        owner, staff_user = user(people["owner"]), user(people["staff"])
        for n in range(2):
            request = make_request(owner, staff_user, RequestState.SUBMITTED, title=f"R{n}")
            services.assign(request, staff_user.id, staff_user)
        db.session.commit()
    few = count_queries(staff)
    with app.app_context(), app.test_request_context():
        owner, staff_user = user(people["owner"]), user(people["staff"])
        for n in range(8):
            request = make_request(owner, staff_user, RequestState.SUBMITTED, title=f"S{n}")
            services.assign(request, user(people["admin"]).id, staff_user)
        db.session.commit()
    many = count_queries(staff)
    assert many == few


def test_channel_crud(app, people):
    staff = client_for(app, "staff@pseb.test")
    assert staff.get("/facilitation/channels/new").status_code == 200
    with app.app_context():
        fintech = sector("fintech").id
    bad = staff.post(
        "/facilitation/channels/new",
        data={
            "name": "Indus Valley Ventures",
            "kind": "vc",
            "stages": ["seed"],
            "sector_ids": [str(fintech)],
            "ticket_min": "3000000",
            "ticket_max": "250000",
            "currency": "USD",
        },
    )
    assert bad.status_code == 422
    text = bad.get_data(as_text=True)
    assert "The smallest ticket is larger than the largest." in text
    assert 'value="Indus Valley Ventures"' in text
    good = staff.post(
        "/facilitation/channels/new",
        data={
            "name": "Indus Valley Ventures",
            "kind": "vc",
            "stages": ["seed", "series_a_plus"],
            "sector_ids": [str(fintech)],
            "ticket_min": "250000",
            "ticket_max": "3000000",
            "currency": "USD",
            "contact_email": "Hello@IVV.test",
            "active": "y",
        },
    )
    assert good.status_code == 302
    duplicate = staff.post(
        "/facilitation/channels/new", data={"name": "indus valley ventures", "kind": "vc"}
    )
    assert duplicate.status_code == 422 and "already exists" in duplicate.get_data(as_text=True)
    with app.app_context():
        channel = db.session.scalar(sa.select(FundingChannel))
        assert channel.contact_email == "hello@ivv.test"
        assert [s.value for s in channel.stages] == ["seed", "series_a_plus"]
        channel_id = channel.id
    listing = staff.get("/facilitation/channels").get_data(as_text=True)
    assert "Indus Valley Ventures" in listing and "USD 250,000 – 3,000,000" in listing
    edit = staff.get(f"/facilitation/channels/{channel_id}").get_data(as_text=True)
    assert 'value="Indus Valley Ventures"' in edit
    retired = staff.post(
        f"/facilitation/channels/{channel_id}",
        data={"name": "Indus Valley Ventures", "kind": "vc", "stages": ["seed"]},
    )
    assert retired.status_code == 302
    with app.app_context():
        channel = db.session.get(FundingChannel, channel_id)
        assert channel.active is False and channel.currency is None
    assert staff.get("/facilitation/channels/999999").status_code == 404


def test_suggestions_ranked_by_fit_and_referral_recorded(app, people):
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        best = make_channel("Best Fit Angels")  # seed, agritech, PKR 1m-30m
        make_channel(
            "Dollar Fund",
            kind="vc",
            stages=["seed"],
            sector_ids=[],
            ticket_min="10000",
            ticket_max="100000",
            currency="USD",
        )  # seed, any sector, USD 10k-100k (= PKR 2.8m-28m): fits the amount
        make_channel(
            "Late Stage Bank",
            kind="bank",
            stages=["series_a_plus"],
            sector_ids=[str(sector("fintech").id)],
            ticket_min="100000000",
            ticket_max="900000000",
        )  # nothing fits
        make_channel("Retired Fund", active=False)
        request = make_request(owner, staff, RequestState.IN_REVIEW, **capital_fields())
        suggestions = services.suggested_channels(request)
        assert [s.channel.name for s in suggestions] == ["Best Fit Angels", "Dollar Fund"]
        assert suggestions[0].score == 8
        assert suggestions[0].reasons == [
            "invests at Seed",
            "focuses on Agritech",
            "ticket size fits PKR 15,000,000",
        ]
        assert "sector-agnostic" in suggestions[1].reasons
        marketing = make_request(owner, staff, RequestState.IN_REVIEW, sphere="marketing")
        assert services.suggested_channels(marketing) == []
        db.session.commit()
        request_id, best_id = request.id, best.id

    staff_client = client_for(app, "staff@pseb.test")
    page = staff_client.get(f"/facilitation/requests/{request_id}").get_data(as_text=True)
    assert "Best Fit Angels" in page and "ticket size fits" in page
    suggested = page.split('class="fac-suggestions"')[1].split("</ol>")[0]
    assert "Best Fit Angels" in suggested and "Dollar Fund" in suggested
    assert "Late Stage Bank" not in suggested and "Retired Fund" not in page
    referred = staff_client.post(
        f"/facilitation/requests/{request_id}/referrals", data={"channel_id": str(best_id)}
    )
    assert referred.status_code == 302
    again = staff_client.post(
        f"/facilitation/requests/{request_id}/referrals", data={"channel_id": str(best_id)}
    )
    assert again.status_code == 422 and "already referred" in again.get_data(as_text=True)
    with app.app_context():
        request = db.session.get(FacilitationRequest, request_id)
        referral = db.session.scalar(sa.select(Referral))
        assert request.state == RequestState.REFERRED and referral.channel_id == best_id
        referral_id = referral.id
    updated = staff_client.post(
        f"/facilitation/referrals/{referral_id}", data={"outcome": "funded", "note": "PKR 10m"}
    )
    assert updated.status_code == 302
    bad = staff_client.post(f"/facilitation/referrals/{referral_id}", data={"outcome": "maybe"})
    assert bad.status_code == 422
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        assert referral.outcome == ReferralOutcome.FUNDED and referral.outcome_at is not None
    owner_page = client_for(app, "owner@alpha.test").get(f"/facilitation/requests/{request_id}")
    text = owner_page.get_data(as_text=True)
    assert "Best Fit Angels" in text and "Funded" in text and "PKR 10m" in text
    assert "Record referral" not in text


def test_supervisor_team_page(app, people):
    admin = client_for(app, "admin@pseb.test")
    assert admin.get("/facilitation/team").status_code == 200
    assert (
        admin.post(
            "/facilitation/team", data={"user_id": str(people["staff"]), "supervisor": "1"}
        ).status_code
        == 302
    )
    refused = admin.post(
        "/facilitation/team", data={"user_id": str(people["owner"]), "supervisor": "1"}
    )
    assert refused.status_code == 302
    with app.app_context():
        emails = sorted(u.email for u in services.supervisors())
        assert emails == ["admin@pseb.test", "staff@pseb.test"]
    assert client_for(app, "staff@pseb.test").get("/facilitation/team").status_code == 403


@pytest.mark.parametrize("path", ["/facilitation/report", "/facilitation/report.csv"])
def test_report_pages_render_empty(app, people, path):
    staff = client_for(app, "staff@pseb.test")
    assert staff.get(path).status_code == 200


def test_report_numbers(app, people, frozen_clock):
    """Funnel and medians by sphere and by province, checked against hand-computed figures."""
    start = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        gilgit, mingora = city("gilgit").id, city("mingora").id

        def at(hours: float) -> None:
            frozen_clock(start + timedelta(hours=hours))

        # A: capital, Mingora: response after 2 h, referred, resolved after 50 h.
        at(0)
        a = make_request(owner, staff, RequestState.SUBMITTED, title="A")
        at(2)
        services.transition(a, RequestState.IN_REVIEW, staff)
        at(10)
        services.transition(a, RequestState.REFERRED, staff, channel_id="other", other_name="X")
        at(50)
        services.transition(a, RequestState.RESOLVED, staff, outcome="funded")
        # B: capital, Mingora: response after 6 h, resolved after 30 h (never referred).
        at(0)
        b = make_request(owner, staff, RequestState.SUBMITTED, title="B")
        at(6)
        services.transition(b, RequestState.IN_REVIEW, staff)
        at(30)
        services.transition(b, RequestState.RESOLVED, staff, outcome="advice_given")
        # C: marketing, Gilgit: asked for information after 4 h, then declined.
        at(0)
        c = make_request(
            owner, staff, RequestState.SUBMITTED, sphere="marketing", title="C", city_id=gilgit
        )
        at(4)
        services.transition(c, RequestState.NEEDS_INFORMATION, staff, comment="?")
        at(5)
        services.transition(c, RequestState.DECLINED, staff, reason="Out of scope")
        # D: marketing, Gilgit: submitted, no response yet. E: a draft (not counted).
        at(0)
        make_request(
            owner, staff, RequestState.SUBMITTED, sphere="marketing", title="D", city_id=gilgit
        )
        make_request(owner, staff, RequestState.DRAFT, title="E")
        db.session.commit()
        assert mingora

        from engagement.facilitation import report

        data = report.build_report()
        S = RequestState
        assert data.total.funnel == {S.SUBMITTED: 4, S.IN_REVIEW: 2, S.REFERRED: 1, S.RESOLVED: 2}
        assert data.total.median_response_hours == 4.0  # 2, 4, 6
        assert data.total.median_resolution_hours == 40.0  # 30, 50
        spheres = {g.label: g for g in data.by_sphere}
        capital = spheres["Capital availability (funding)"]
        assert capital.funnel[S.SUBMITTED] == 2 and capital.median_response_hours == 4.0
        assert capital.median_resolution_hours == 40.0
        marketing = spheres["Marketing"]
        assert marketing.funnel == {S.SUBMITTED: 2, S.IN_REVIEW: 0, S.REFERRED: 0, S.RESOLVED: 0}
        assert marketing.median_response_hours == 4.0 and marketing.median_resolution_hours is None
        provinces = {g.label: g for g in data.by_province}
        assert provinces["Gilgit-Baltistan"].funnel[S.SUBMITTED] == 2
        assert provinces["Khyber Pakhtunkhwa"].funnel[S.RESOLVED] == 2
        cities = {g.label: g for g in data.by_city}
        assert cities["Mingora (Swat)"].median_resolution_hours == 40.0

    staff_client = client_for(app, "staff@pseb.test")
    csv_text = staff_client.get("/facilitation/report.csv")
    assert csv_text.headers["Content-Disposition"].startswith("attachment;")
    lines = csv_text.get_data(as_text=True).splitlines()
    assert lines[0].startswith("dimension,group,reached_submitted,reached_in_review")
    assert "all,All requests,4,2,1,2,4.0,40.0" in lines
    assert "sphere,Marketing,2,0,0,0,4.0," in lines
    html = staff_client.get("/facilitation/report").get_data(as_text=True)
    assert "Gilgit-Baltistan" in html and "40.0 h" in html
