"""Partner accounts, the public showcase and B2B meetings through the WSGI client (real DB)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth.models import Role, User
from engagement.directory.models import Company, OverseasEntity
from engagement.extensions import db
from engagement.partners import services
from engagement.partners.models import MeetingOutcome, MeetingRequest, MeetingState
from tests.conftest import link_in
from tests.partners_support import (
    NOW,
    SLOT_A,
    SLOT_B,
    SLOT_EVENING,
    email_of,
    entity_id_of,
    make_showcase,
)


@pytest.fixture(autouse=True)
def _clock(frozen_clock, monkeypatch):
    frozen_clock(NOW)
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


@pytest.fixture
def sides(app, login_as):
    """A Berlin partner and a Lahore showcase company, both signed in."""
    partner = login_as("partner", org="Berlin Digital Chamber", country="DE")
    company = login_as("company", org="Lahore Soft")
    ids = make_showcase(app, company.user_id)
    return partner, company, ids


def request_meeting(partner, organisation_id: int, slots=(SLOT_A, SLOT_B)):
    return partner.post(
        f"/meetings/new?organisation={organisation_id}",
        data={"message": "We look for payments partners in Lahore.", "slots": list(slots)},
    )


def test_partner_account_from_cli_links_the_entity_and_its_zone(app, runner):
    result = runner.invoke(
        args=["users", "create", "amal@dubai.test", "--role", "partner", "--org",
              "Gulf Ventures", "--country", "AE", "--password-stdin"],
        input="a long enough password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    again = runner.invoke(
        args=["users", "create", "omar@dubai.test", "--role", "partner", "--org",
              "Gulf Ventures", "--password-stdin"],
        input="a long enough password\n",
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    missing = runner.invoke(
        args=["users", "create", "x@nowhere.test", "--role", "partner", "--org", "Nobody Ltd",
              "--password-stdin"],
        input="a long enough password\n",
    )  # fmt: skip
    assert missing.exit_code != 0 and "give its country" in missing.output
    with app.app_context():
        users = db.session.scalars(
            sa.select(User).where(User.role == Role.PARTNER).order_by(User.id)
        ).all()
        assert [u.overseas_entity.name for u in users] == ["Gulf Ventures", "Gulf Ventures"]
        assert users[0].overseas_entity_id == users[1].overseas_entity_id
        assert users[0].overseas_entity.timezone == "Asia/Dubai"
        assert users[0].timezone == "Asia/Dubai"


def test_showcase_lists_only_verified_opted_in_companies_without_contact_details(
    app, client, login_as
):
    listed = login_as("company", org="Karachi Cloud")
    ids = make_showcase(app, listed.user_id)
    unverified = login_as("company", org="Unverified Soft")
    make_showcase(app, unverified.user_id, number="PSEB/2022/0001", registration_verified_at=None)
    hidden = login_as("company", org="Private Soft")
    hidden_ids = make_showcase(app, hidden.user_id, number="PSEB/2022/0002", showcase_opt_in=False)
    page = client.get("/companies/")
    assert page.status_code == 200
    assert "Karachi Cloud" in page.text and "PSEB/2021/0457" in page.text
    assert "PSEB verified" in page.text
    assert "Unverified Soft" not in page.text and "Private Soft" not in page.text
    assert email_of(app, listed.user_id) not in page.text and "@" not in page.text.split("<main")[1]
    detail = client.get(f"/companies/{ids['company_id']}")
    assert detail.status_code == 200 and "Payments software for European banks." in detail.text
    assert "ISO 27001" in detail.text and "Germany" in detail.text
    assert email_of(app, listed.user_id) not in detail.text
    assert client.get(f"/companies/{hidden_ids['company_id']}").status_code == 404
    # Filters: sector, service, city, province, market, team size, certification, search.
    with app.app_context():
        from engagement.directory.models import City, Sector

        fintech = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "fintech"))
        edtech = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "edtech"))
        lahore = db.session.scalar(sa.select(City).where(City.slug == "lahore"))
        lahore_id, punjab_id = lahore.id, lahore.province_id
    hits = {
        f"sector={fintech}": True,
        f"sector={edtech}": False,
        "service=qa": True,
        "service=blockchain": False,
        f"city={lahore_id}": True,
        f"province={punjab_id}": True,
        "market=de": True,
        "market=US": False,
        "team=51-250": True,
        "team=1-10": False,
        "certification=iso27001": True,
        "certification=cmmi5": False,
        "q=payments": True,
        "q=nothing-like-this": False,
    }
    for query, expected in hits.items():
        text = client.get(f"/companies/?{query}").text
        assert ("Karachi Cloud" in text) is expected, query
    odd = client.get("/companies/?market=XX&team=huge&sector=abc")
    assert odd.status_code == 200 and "Ignored filters" in odd.text


def test_company_opts_in_on_its_profile_page(app, login_as, client):
    rep = login_as("company", org="Faisalabad Apps")
    page = rep.get("/directory/profile")
    assert "List us in the public showcase" in page.text
    bad = rep.post(
        "/directory/profile/showcase", data={"showcase_opt_in": "y", "founded_year": "1800"}
    )
    assert bad.status_code == 422 and "Enter a year." in bad.text
    ok = rep.post(
        "/directory/profile/showcase",
        data={
            "showcase_opt_in": "y",
            "services": "Mobile apps,  QA ",
            "certifications": ["iso9001"],
            "founded_year": "2015",
            "pitch": "Apps for retailers.",
        },
    )
    assert ok.status_code == 302
    with app.app_context():
        company = db.session.scalar(
            sa.select(Company).where(Company.legal_name == "Faisalabad Apps")
        )
        assert company.showcase_opt_in and company.services == "Mobile apps, QA"
        assert company.certification_list == ["ISO 9001"]
        company_id = company.id
    # Not listed until staff verify the registration number.
    assert "Faisalabad Apps" not in client.get("/companies/").text
    staff = login_as("staff")
    staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2020/0042"}
    )
    assert "Faisalabad Apps" in client.get("/companies/").text


def test_meeting_from_showcase_to_accept_ics_outcome_and_funnel(
    app, sides, outbox, frozen_clock, login_as
):
    partner, company, ids = sides
    detail = partner.get(f"/companies/{ids['company_id']}")
    assert "Request a meeting" in detail.text
    form = partner.get(f"/meetings/new?organisation={ids['organisation_id']}")
    assert form.status_code == 200
    # The partner sees its own time (CET) with the company's (PKT) beside it.
    assert "Tue 02 Mar 2027, 10:00 CET (theirs: Tue 14:00 PKT)" in form.text
    bad = request_meeting(partner, ids["organisation_id"], (SLOT_A, SLOT_EVENING))
    assert bad.status_code == 422
    assert "outside business hours in Lahore Soft" in bad.text
    one = request_meeting(partner, ids["organisation_id"], (SLOT_A,))
    assert one.status_code == 422 and "Propose between 2 and 5 slots." in one.text
    ok = request_meeting(partner, ids["organisation_id"])
    assert ok.status_code == 302
    meeting_id = int(ok.location.rsplit("/", 1)[1])
    company_email = email_of(app, company.user_id)
    mail = outbox(company_email)[-1]
    assert "Meeting request from Berlin Digital Chamber" in mail.subject
    assert "Tue 02 Mar 2027, 14:00 PKT" in mail.body_text
    # The requesting side cannot accept its own request.
    own = partner.post(f"/meetings/{meeting_id}/accept", data={"slot": SLOT_A})
    assert own.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingRequest, meeting_id).state == MeetingState.REQUESTED
    page = company.get(f"/meetings/{meeting_id}")
    assert "Accept a slot" in page.text
    assert "Tue 02 Mar 2027, 14:00 PKT (theirs: Tue 10:00 CET)" in page.text
    not_proposed = company.post(
        f"/meetings/{meeting_id}/accept", data={"slot": "2027-03-02T09:30:00Z"}
    )
    assert (
        not_proposed.status_code == 422 and "Choose one of the proposed slots." in not_proposed.text
    )
    accepted = company.post(
        f"/meetings/{meeting_id}/accept",
        data={"slot": SLOT_B, "video_url": "https://meet.example.com/pseb-1"},
    )
    assert accepted.status_code == 302
    # Each side sees its own local time.
    assert (
        "Tue 02 Mar 2027, 15:00 PKT</strong> (your time)"
        in company.get(f"/meetings/{meeting_id}").text
    )
    assert (
        "Tue 02 Mar 2027, 11:00 CET</strong> (your time)"
        in partner.get(f"/meetings/{meeting_id}").text
    )
    # Both get a confirmation with an .ics in their own zone, and can download it.
    partner_email = email_of(app, partner.user_id)
    confirmed = [m for m in outbox() if m.subject.startswith("Meeting confirmed")]
    assert {m.to_address for m in confirmed} == {partner_email, company_email}
    by_to = {m.to_address: m.attachment_data.decode() for m in confirmed}
    assert "DTSTART;TZID=Europe/Berlin:20270302T110000" in by_to[partner_email]
    assert "DTSTART;TZID=Asia/Karachi:20270302T150000" in by_to[company_email]
    ics = partner.get(f"/meetings/{meeting_id}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert "TZID=Europe/Berlin" in ics.text and "meet.example.com/pseb-1" in ics.text
    assert "TZID=Asia/Karachi" in company.get(f"/meetings/{meeting_id}.ics").text
    # Accepting twice is refused.
    again = company.post(f"/meetings/{meeting_id}/accept", data={"slot": SLOT_B})
    assert again.status_code == 302
    # No outcome before the meeting; after it, the partner records a contract.
    early = partner.post(f"/meetings/{meeting_id}/outcome", data={"outcome": "contract"})
    assert early.status_code == 302
    with app.app_context():
        assert db.session.get(MeetingRequest, meeting_id).outcome is None
    frozen_clock(datetime(2027, 3, 2, 11, 0, tzinfo=UTC))
    wrong = partner.post(
        f"/meetings/{meeting_id}/outcome", data={"outcome": "nda", "value_usd": "100"}
    )
    assert wrong.status_code == 422 and "A value goes with a contract only." in wrong.text
    done = partner.post(
        f"/meetings/{meeting_id}/outcome", data={"outcome": "contract", "value_usd": "25000"}
    )
    assert done.status_code == 302
    with app.app_context():
        meeting = db.session.get(MeetingRequest, meeting_id)
        assert meeting.outcome == MeetingOutcome.CONTRACT and meeting.value_usd == 25000
    staff = login_as("staff")
    funnel = staff.get("/staff/meetings")
    assert funnel.status_code == 200
    assert re.search(r"<th scope=\"row\">Germany</th><td>1</td><td>1</td><td>1</td>", funnel.text)
    assert "25,000" in funnel.text
    csv_text = staff.get("/staff/meetings.csv?country=DE").text
    assert "Lahore Soft,Berlin Digital Chamber,DE" in csv_text and "contract,25000.00" in csv_text
    assert staff.get("/staff/meetings?state=declined").text.count("Lahore Soft") == 0


def test_decline_propose_and_cancel(app, sides, outbox):
    partner, company, ids = sides
    first = request_meeting(partner, ids["organisation_id"])
    meeting_id = int(first.location.rsplit("/", 1)[1])
    # The company proposes other slots; now the partner answers.
    other = company.post(
        f"/meetings/{meeting_id}/propose",
        data={"slots": ["2027-03-03T09:00:00Z", "2027-03-03T09:30:00Z"], "message": ""},
    )
    assert other.status_code == 302
    assert "Accept a slot" in partner.get(f"/meetings/{meeting_id}").text
    assert "Accept a slot" not in company.get(f"/meetings/{meeting_id}").text
    short = partner.post(f"/meetings/{meeting_id}/decline", data={"reason": ""})
    assert short.status_code == 422
    declined = partner.post(f"/meetings/{meeting_id}/decline", data={"reason": "Not this quarter"})
    assert declined.status_code == 302
    assert (
        "Meeting declined by Berlin Digital Chamber"
        in outbox(email_of(app, company.user_id))[-1].subject
    )
    # A second request, accepted then cancelled: the other side is told, with a CANCELLED .ics.
    second = request_meeting(partner, ids["organisation_id"])
    second_id = int(second.location.rsplit("/", 1)[1])
    company.post(f"/meetings/{second_id}/accept", data={"slot": SLOT_A})
    cancelled = company.post(f"/meetings/{second_id}/cancel")
    assert cancelled.status_code == 302
    mail = outbox(email_of(app, partner.user_id))[-1]
    assert "Meeting cancelled by Lahore Soft" in mail.subject
    assert "STATUS:CANCELLED" in mail.attachment_data.decode()
    with app.app_context():
        assert db.session.get(MeetingRequest, second_id).state == MeetingState.CANCELLED


def test_company_asks_a_partner_of_its_webinar_and_shares_its_profile(app, login_as, sides):
    partner, company, ids = sides
    from engagement.webinars import services as wsvc

    other_partner = login_as("partner", org="Munich Buyers", country="DE")
    with app.app_context(), app.test_request_context():
        entity = db.session.get(OverseasEntity, entity_id_of(app, partner.user_id))
        webinar = wsvc.create_webinar(
            title="Fintech with Germany",
            starts_at=datetime(2027, 3, 10, 9, 0, tzinfo=UTC),
            duration_minutes=60,
            capacity=20,
            partners=[entity],
            created_by=None,
            publish=True,
        )
        db.session.commit()
        event_id, entity_id = webinar.event_id, entity.id
    # Not registered yet: the partner is not reachable.
    assert company.get(f"/meetings/new?entity={entity_id}").status_code == 404
    form = company.get(f"/events/{event_id}/register")
    assert "Share my company profile with this webinar" in form.text
    with app.app_context():
        from engagement.auth.models import User

        own_email = db.session.get(User, company.user_id).email
    # The representative registers themselves (a colleague outside the company's domain would
    # first have to confirm by email).
    registered = company.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Ali", "attendees-0-email": own_email, "share_profile": "y"},
    )
    assert registered.status_code == 302
    assert "Berlin Digital Chamber" in company.get("/meetings/").text
    assert "Request a meeting with a partner" in company.get(f"/webinars/{event_id}").text
    ok = company.post(
        f"/meetings/new?entity={entity_id}&event={event_id}",
        data={"message": "Following up on the fintech webinar.", "slots": [SLOT_A, SLOT_B]},
    )
    assert ok.status_code == 302
    # Munich is no partner of that webinar.
    munich = entity_id_of(app, other_partner.user_id)
    assert company.get(f"/meetings/new?entity={munich}").status_code == 404
    # The partner sees the shared (and showcased) company on its page; a non-showcase company
    # that shared its profile is reachable too.
    home = partner.get("/partner/")
    assert "Lahore Soft" in home.text and "Fintech with Germany" in home.text
    with app.app_context():
        company_row = db.session.get(Company, ids["company_id"])
        company_row.showcase_opt_in = False
        db.session.commit()
        assert services.company_reachable_by_partner(entity_id, ids["organisation_id"])
        assert not services.company_reachable_by_partner(munich, ids["organisation_id"])


def test_staff_invite_a_partner_contact_single_use(app, login_as, outbox, client):
    staff = login_as("staff")
    with app.app_context():
        entity = OverseasEntity(
            name="Gulf Ventures", country_code="AE", timezone="Asia/Dubai",
            entity_type="investor",
        )  # fmt: skip
        db.session.add(entity)
        db.session.commit()
        entity_id = entity.id
    assert "Partner contacts and invitations" in staff.get(f"/directory/overseas/{entity_id}").text
    bad = staff.post(f"/partners/entities/{entity_id}/invite", data={"email": "nope"})
    assert bad.status_code == 422
    sent = staff.post(f"/partners/entities/{entity_id}/invite", data={"email": "Amal@Gulf.test"})
    assert sent.status_code == 302
    assert "amal@gulf.test" in staff.get(f"/partners/entities/{entity_id}").text
    link = link_in(outbox("amal@gulf.test")[-1].body_text, "/partners/invitation/")
    page = client.get(link)
    assert page.status_code == 200 and "Gulf Ventures" in page.text
    weak = client.post(link, data={"name": "Amal", "password": "short"})
    assert weak.status_code == 422
    done = client.post(link, data={"name": "Amal Haddad", "password": "a long enough password"})
    assert done.status_code == 302 and done.location.endswith("/partner/")
    home = client.get("/partner/")
    assert "Gulf Ventures" in home.text and "Asia/Dubai" in home.text
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "amal@gulf.test"))
        assert user.role == Role.PARTNER and user.overseas_entity_id == entity_id
    reuse = app.test_client().get(link)
    assert reuse.status_code == 302
    assert "Amal Haddad" in staff.get(f"/partners/entities/{entity_id}").text


def test_reminders_24h_and_1h_once_each(app, sides, outbox, frozen_clock):
    partner, company, ids = sides
    meeting_id = int(request_meeting(partner, ids["organisation_id"]).location.rsplit("/", 1)[1])
    company.post(f"/meetings/{meeting_id}/accept", data={"slot": SLOT_A})
    slot = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)

    def run() -> int:
        with app.app_context(), app.test_request_context():
            queued = services.send_meeting_reminders()
            db.session.commit()
            return queued

    def reminders() -> list[str]:
        return sorted(m.subject for m in outbox() if m.subject.startswith("Reminder"))

    frozen_clock(slot - timedelta(hours=25))
    run()
    assert reminders() == []
    frozen_clock(slot - timedelta(hours=23))
    assert run() == 2
    assert run() == 0
    assert reminders() == [
        "Reminder: meeting with Berlin Digital Chamber in about 24 h",
        "Reminder: meeting with Lahore Soft in about 24 h",
    ]
    frozen_clock(slot - timedelta(minutes=50))
    run()
    run()
    assert len(reminders()) == 4 and sum("about 1 h" in s for s in reminders()) == 2
    body = next(m for m in outbox(email_of(app, partner.user_id)) if "1 h" in m.subject).body_text
    assert "Tue 02 Mar 2027, 10:00 CET" in body


def test_old_introduction_urls_redirect_to_meetings(sides):
    partner, company, _ = sides
    assert company.get("/webinars/introductions").location.endswith("/meetings/")
    assert partner.get("/webinars/introductions").location.endswith("/meetings/")
    assert company.get("/webinars/12/introductions/new").location.endswith("/meetings/")


def test_meeting_funnel_service_groups_by_outcome(app, sides, frozen_clock):
    partner, company, ids = sides
    for _ in range(3):
        request_meeting(partner, ids["organisation_id"])
    with app.app_context():
        first, second, third = db.session.scalars(
            sa.select(MeetingRequest).order_by(MeetingRequest.id)
        ).all()
        first_id, second_id = first.id, second.id
    company.post(f"/meetings/{first_id}/accept", data={"slot": SLOT_A})
    company.post(f"/meetings/{second_id}/decline", data={"reason": "No capacity"})
    frozen_clock(datetime(2027, 3, 3, 0, 0, tzinfo=UTC))
    partner.post(f"/meetings/{first_id}/outcome", data={"outcome": "pilot"})
    with app.app_context():
        funnel = services.meeting_funnel(NOW - timedelta(days=1), NOW + timedelta(days=1))
        assert funnel["requested"] == 3 and funnel["accepted"] == 1 and funnel["held"] == 1
        assert funnel["declined"] == 1 and funnel["outcomes"]["pilot"] == 1
        assert funnel["contract_value_usd"] == 0
        assert services.meeting_funnel(NOW + timedelta(days=1), None)["requested"] == 0
        rows = services.funnel_by("webinar")
        assert rows[0]["key"] == "No webinar" and rows[0]["requested"] == 3


def test_offered_friday_slots_warn_about_jumuah(sides):
    partner, _, ids = sides
    form = partner.get(f"/meetings/new?organisation={ids['organisation_id']}").text
    # Friday 5 March 2027, 13:00 PKT is inside Friday prayers in Pakistan (12:30-14:30).
    assert "Fri 05 Mar 2027, 09:00 CET (theirs: Fri 13:00 PKT) · overlaps Friday prayers" in form
    assert "Thu 04 Mar 2027, 09:00 CET (theirs: Thu 13:00 PKT)</label>" in form


def test_list_pages_run_constant_queries(app, login_as, sides):
    from tests.test_webinars_queries import count_statements

    partner, company, ids = sides
    staff = login_as("staff")

    def add(count: int, offset: int) -> None:
        for n in range(count):
            rep = login_as("company", org=f"Showcase Co {offset + n}")
            make_showcase(app, rep.user_id, number=f"PSEB/2020/{offset + n + 100}")
            request_meeting(partner, ids["organisation_id"])

    def measure() -> dict[str, int]:
        counts = {}
        anonymous = app.test_client()
        for label, path, client in (
            ("showcase", "/companies/", anonymous),
            ("partner", "/meetings/", partner),
            ("company", "/meetings/", company),
            ("staff", "/staff/meetings", staff),
            ("api", "/api/v1/showcase/companies", anonymous),
        ):
            with count_statements(app) as statements:
                assert client.get(path).status_code == 200, path
            counts[label] = len(statements)
        return counts

    add(2, 0)
    small = measure()
    add(6, 2)
    assert measure() == small


def test_partner_says_what_it_looks_for(app, sides):
    partner, _, _ = sides
    with app.app_context():
        from engagement.directory.models import Sector

        fintech = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "fintech"))
    bad = partner.post("/partner/profile", data={"sectors": ["999999"], "description": "x"})
    assert bad.status_code == 422 and "Choose sectors from the list." in bad.text
    ok = partner.post(
        "/partner/profile",
        data={"sectors": [str(fintech)], "description": "Payment processors for SMEs."},
    )
    assert ok.status_code == 302
    page = partner.get("/partner/")
    assert "Payment processors for SMEs." in page.text
    with app.app_context():
        entity = db.session.get(OverseasEntity, entity_id_of(app, partner.user_id))
        assert [s.id for s in entity.sectors] == [fintech]
