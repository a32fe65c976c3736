"""A company's (or startup's) page shows its engagement history: events registered and attended,
B2B meetings, facilitation requests and verifications, with links; assembled from each
feature's registered source with one query per source, however long the history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from engagement.auth.models import User
from engagement.core.timeline import TimelineEntry, add_timeline_source, timeline_sources
from engagement.directory.models import Company, OverseasEntity, OverseasEntityType, Startup
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db
from engagement.partners.models import MeetingRequest, MeetingSide
from engagement.webinars.models import Webinar
from tests.test_facilitation_factories import make_request

T0 = datetime(2026, 9, 1, 5, 0, tzinfo=UTC)


def org_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.get(User, user_id).organisation.id


def add_event(kind: EventKind, title: str, days: int) -> Event:
    event = Event(
        kind=kind,
        title=title,
        starts_at=T0 + timedelta(days=days),
        ends_at=T0 + timedelta(days=days, hours=2),
        capacity=50,
        state=EventState.COMPLETED,
    )
    db.session.add(event)
    return event


def add_history(app, org_id: int, n: int) -> None:
    """``n`` webinars (each: one attended, one no-show, a B2B meeting) and ``n`` meetups."""
    with app.app_context():
        partner = db.session.scalar(sa.select(OverseasEntity)) or OverseasEntity(
            name="Berlin Chamber",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.CHAMBER,
        )
        db.session.add(partner)
        start = db.session.scalar(sa.select(sa.func.count(Event.id)))
        for i in range(start, start + n):
            webinar = add_event(EventKind.WEBINAR, f"Selling to Germany {i}", i)
            db.session.add(Webinar(event=webinar))
            meetup = add_event(EventKind.MEETUP, f"Gilgit meetup {i}", i + 1)
            for event, states in (
                (webinar, [RegistrationState.ATTENDED, RegistrationState.NO_SHOW]),
                (meetup, [RegistrationState.CONFIRMED]),
            ):
                for j, state in enumerate(states):
                    db.session.add(
                        Registration(
                            event=event,
                            name=f"Person {j}",
                            email=f"p{i}-{j}-{event.kind.value}@arfa.example",
                            organisation_id=org_id,
                            state=state,
                        )
                    )
            db.session.flush()
            db.session.add(
                MeetingRequest(
                    event_id=webinar.id,
                    organisation_id=org_id,
                    overseas_entity_id=partner.id,
                    requested_side=MeetingSide.COMPANY,
                    message="Find a reseller",
                )
            )
        db.session.commit()


def company_id_of(app, org_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Company.id).where(Company.organisation_id == org_id))


def test_company_page_shows_its_engagement_history(app, login_as):
    rep = login_as("company", org="Arfa Soft")
    org_id = org_of(app, rep.user_id)
    company_id = company_id_of(app, org_id)
    add_history(app, org_id, 1)
    staff = login_as("staff", name="Bilal Staff")
    staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2021/0457"}
    )
    page = staff.get(f"/directory/companies/{company_id}").get_data(as_text=True)
    timeline = page[page.index('id="timeline"') :]
    with app.app_context():
        webinar_id, meetup_id = (
            db.session.scalar(sa.select(Event.id).where(Event.kind == kind))
            for kind in (EventKind.WEBINAR, EventKind.MEETUP)
        )
    assert f'<a href="/webinars/{webinar_id}">Selling to Germany 0</a>' in timeline
    assert "2 registered · 1 attended · 1 did not come" in timeline
    assert f'<a href="/meetups/{meetup_id}">Gilgit meetup 0</a>' in timeline
    assert "B2B meeting with Berlin Chamber" in timeline
    assert "After the webinar “Selling to Germany 0”" in timeline
    assert "Registration PSEB/2021/0457 verified" in timeline and "By Bilal Staff" in timeline
    # Newest first: the verification (now) before the meetup (2 Sep) before the webinar (1 Sep).
    assert (
        timeline.index("PSEB/2021/0457 verified")
        < timeline.index("Gilgit meetup 0")
        < timeline.index("Selling to Germany 0</a>")
    )


def test_startup_page_shows_facilitation_requests(app, login_as, make_user):
    founder = login_as("startup", org="Gilgit Labs")
    staff_id = make_user("staff")
    with app.app_context():
        owner, staff = db.session.get(User, founder.user_id), db.session.get(User, staff_id)
        fr = make_request(owner, staff, title="Seed round for our crop-advice app")
        db.session.commit()
        request_id = fr.id
        startup_id = db.session.scalar(
            sa.select(Startup.id).where(Startup.organisation_id == owner.organisation.id)
        )
    staff_client = login_as("staff")
    page = staff_client.get(f"/directory/startups/{startup_id}").get_data(as_text=True)
    assert (
        f'<a href="/facilitation/requests/{request_id}">'
        "Facilitation request: Seed round for our crop-advice app</a>"
    ) in page
    assert "Capital availability (funding) · Submitted" in page


def test_empty_history_says_so(app, login_as):
    rep = login_as("company")
    company_id = company_id_of(app, org_of(app, rep.user_id))
    page = login_as("staff").get(f"/directory/companies/{company_id}").get_data(as_text=True)
    assert "No engagement yet" in page


def test_timeline_queries_do_not_grow_with_history(app, login_as):
    rep = login_as("company")
    org_id = org_of(app, rep.user_id)
    company_id = company_id_of(app, org_id)
    staff = login_as("staff")
    add_history(app, org_id, 1)
    with app.app_context():
        engine = db.engine

    def queries() -> int:
        seen: list[str] = []

        def record(conn, cursor, statement, *args):  # noqa: ANN001
            seen.append(statement)

        sa_event.listen(engine, "before_cursor_execute", record)
        try:
            assert staff.get(f"/directory/companies/{company_id}").status_code == 200
        finally:
            sa_event.remove(engine, "before_cursor_execute", record)
        return len(seen)

    few = queries()
    add_history(app, org_id, 12)
    assert queries() == few


def test_every_feature_registers_its_source_and_a_new_one_is_one_function(app, login_as):
    assert set(timeline_sources(app)) >= {
        "event_registrations",
        "b2b_meetings",
        "facilitation_requests",
        "verifications",
    }

    def partner_meetings(entry):  # what a new feature would register
        yield TimelineEntry(at=T0, kind="partner_meeting", title="Met the Dubai Chamber")

    add_timeline_source(app, "partner_meetings", partner_meetings)
    try:
        rep = login_as("company")
        company_id = company_id_of(app, org_of(app, rep.user_id))
        page = login_as("staff").get(f"/directory/companies/{company_id}").get_data(as_text=True)
        assert "Met the Dubai Chamber" in page and "Partner meeting" in page
    finally:
        del app.extensions["engagement.timeline_sources"]["partner_meetings"]


def test_company_sees_no_other_companys_page(app, login_as):
    rep = login_as("company")
    other = login_as("company")
    company_id = company_id_of(app, org_of(app, other.user_id))
    assert rep.get(f"/directory/companies/{company_id}").status_code in (403, 404)
