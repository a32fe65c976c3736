"""Meetup pages: the public roadmap (by month, by city, SVG map, print view), meetup detail and
registration through the engine, staff report, feedback once per registration, city history,
venues."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from engagement.events.models import Registration, RegistrationState
from engagement.extensions import db
from engagement.meetups.models import Meetup, MeetupFeedback, Venue
from tests.test_roadmap_adapter import NOW, add_entry, build_world

AFTER = datetime(2027, 4, 29, 9, 0, tzinfo=UTC)  # the day after the Gilgit meetup


@pytest.fixture
def published(app, login_as, frozen_clock):
    """A published Gilgit meetup (28 April 2027) and the staff client that published it."""
    frozen_clock(NOW)
    staff = login_as("staff")
    build_world(app, member_ids=(staff.user_id,))
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    assert (
        staff.post("/roadmap/board/publish", data={"entry_id": [str(entry_id)]}).status_code == 302
    )
    with app.app_context():
        event_id = db.session.scalar(sa.select(Meetup.event_id))
    staff.event_id = event_id
    return staff


def test_public_roadmap_lists_by_month_and_city_with_an_svg_map(app, client, published):
    response = client.get("/roadmap/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "April 2027" in page
    assert f'href="/meetups/{published.event_id}"' in page
    assert "Gilgit-Baltistan" in page
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page
    assert '<title id="map-title">' in page and '<desc id="map-desc">' in page
    assert "Gilgit (1)" in page  # the description names cities with meetups
    assert 'href="/meetups/cities/gilgit"' in page and 'href="/meetups/cities/quetta"' in page
    assert "style=" not in page and "<script>" not in page
    printable = client.get("/roadmap/?print=1").get_data(as_text=True)
    assert "printable" in printable and "Back to the full page" in printable
    # The home page shows it too (engagement.meetups.services.upcoming_meetups).
    assert f"/meetups/{published.event_id}" in client.get("/").get_data(as_text=True)
    assert "Industry meetup: Gilgit" in client.get("/meetups/").get_data(as_text=True)


def test_meetup_page_shows_agenda_venue_and_registration(client, published):
    page = client.get(f"/meetups/{published.event_id}").get_data(as_text=True)
    assert "Gilgit STP" in page and "Agenda" in page and "60 seats left" in page
    assert "Registration closes" in page
    assert client.get("/meetups/999999").status_code == 404
    ics = client.get(f"/meetups/{published.event_id}/calendar.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data


def test_company_representative_registers_self_and_colleague(app, published, login_as, outbox):
    company = login_as("company", email="rep@techlogix.test")
    response = company.post(
        f"/meetups/{published.event_id}/register",
        data={
            "name": "Kamran Rep",
            "email": "rep@techlogix.test",
            "colleagues": "Hina Colleague <hina@techlogix.test>",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(Registration).order_by(Registration.email)).all()
        assert [(r.email, r.state) for r in rows] == [
            ("hina@techlogix.test", RegistrationState.CONFIRMED),
            ("rep@techlogix.test", RegistrationState.CONFIRMED),
        ]
        assert rows[0].organisation_id is not None
    assert len(outbox("hina@techlogix.test")) == 1
    page = company.get(f"/meetups/{published.event_id}").get_data(as_text=True)
    assert "You are registered" in page and "58 seats left" in page
    # Twice: the engine refuses the duplicate with a message on the field, not a 500.
    again = company.post(
        f"/meetups/{published.event_id}/register",
        data={"name": "Kamran Rep", "email": "rep@techlogix.test"},
    )
    # Post/redirect/get: back to the meetup page, which shows the form with the error.
    assert again.status_code == 303
    assert again.location.endswith(f"/meetups/{published.event_id}#register-heading")
    assert "already registered" in company.get(again.location).get_data(as_text=True)


def test_individuals_register_only_themselves(app, client, published, login_as):
    response = client.post(
        f"/meetups/{published.event_id}/register",
        data={"name": "Ali", "email": "ali@example.test", "colleagues": "Bo <bo@example.test>"},
    )
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Only company representatives can register colleagues" in page
    assert 'value="ali@example.test"' in page
    bad = client.post(
        f"/meetups/{published.event_id}/register", data={"name": "Ali", "email": "not-an-email"}
    )
    assert bad.status_code == 303
    assert 'id="email-error"' in client.get(bad.location).get_data(as_text=True)
    ok = client.post(
        f"/meetups/{published.event_id}/register", data={"name": "Ali", "email": "ali@example.test"}
    )
    assert ok.status_code == 302


def test_full_meetup_waitlists(app, client, published):
    with app.app_context():
        event = db.session.get(Meetup, 1) or db.session.scalar(sa.select(Meetup))
        event.event.capacity = 1
        db.session.commit()
    client.post(f"/meetups/{published.event_id}/register", data={"name": "A", "email": "a@x.test"})
    client.post(f"/meetups/{published.event_id}/register", data={"name": "B", "email": "b@x.test"})
    with app.app_context():
        states = dict(db.session.execute(sa.select(Registration.email, Registration.state)).all())
    assert states == {
        "a@x.test": RegistrationState.CONFIRMED,
        "b@x.test": RegistrationState.WAITLISTED,
    }


def test_report_and_feedback_after_the_meetup_show_on_the_city_page(
    app, client, published, login_as, frozen_clock
):
    startup = login_as("startup", email="founder@gilgitgrowth.test")
    assert (
        startup.post(
            f"/meetups/{published.event_id}/register",
            data={"name": "Zara", "email": "founder@gilgitgrowth.test"},
        ).status_code
        == 302
    )
    outsider = login_as("startup")

    # Before the meetup: no feedback, no report.
    early = startup.post(
        f"/meetups/{published.event_id}/feedback", data={"rating": "5", "useful": "x"}
    )
    assert early.status_code == 422
    assert (
        published.post(f"/meetups/{published.event_id}/report", data={"notes": "n"}).status_code
        == 422
    )

    frozen_clock(AFTER)
    report = published.post(
        f"/meetups/{published.event_id}/report",
        data={
            "notes": "Good turnout from Karakoram University.",
            "outcomes": "Three companies will register with PSEB.",
            "follow_ups": "Send STP space rates by 5 May.",
        },
    )
    assert report.status_code == 302

    page = startup.get(f"/meetups/{published.event_id}").get_data(as_text=True)
    assert "Give feedback" in page
    sent = startup.post(
        f"/meetups/{published.event_id}/feedback",
        data={"rating": "4", "useful": "Meeting the STP team", "comments": "More sessions"},
    )
    assert sent.status_code == 302
    twice = startup.post(
        f"/meetups/{published.event_id}/feedback", data={"rating": "5", "useful": "again"}
    )
    assert twice.status_code == 422
    not_registered = outsider.post(f"/meetups/{published.event_id}/feedback", data={"rating": "5"})
    assert not_registered.status_code == 422
    bad_rating = startup.post(f"/meetups/{published.event_id}/feedback", data={"rating": "9"})
    assert bad_rating.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MeetupFeedback.id))) == 1

    city = client.get("/meetups/cities/gilgit").get_data(as_text=True)
    assert "History" in city
    assert "Three companies will register with PSEB." in city
    assert "Send STP space rates" not in city  # follow-ups are for staff
    assert "4.0 / 5 from 1 attendee" in city and "Meeting the STP team" in city
    staff_view = published.get("/meetups/cities/gilgit").get_data(as_text=True)
    assert "Send STP space rates by 5 May." in staff_view


def test_staff_pages_are_staff_only(client, published, login_as):
    company = login_as("company")
    for path in (
        f"/meetups/{published.event_id}/report",
        f"/meetups/{published.event_id}/agenda",
        "/roadmap/venues",
        "/roadmap/venues/new",
        "/roadmap/teams",
        "/roadmap/closures",
        "/roadmap/settings",
        "/roadmap/cities",
    ):
        assert company.get(path).status_code == 403, path
        assert published.get(path).status_code == 200, path
    assert client.get(f"/meetups/{published.event_id}/feedback").status_code == 302


def test_venue_form_validates_and_keeps_input(app, published):
    with app.app_context():
        from engagement.directory.models import City

        sargodha = db.session.scalar(sa.select(City.id).where(City.slug == "sargodha"))
    response = published.post(
        "/roadmap/venues/new",
        data={
            "city_id": sargodha,
            "name": "New STP",
            "kind": "stp",
            "stp_status": "",
            "capacity": "40",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="New STP"' in page and "Give the Software Technology Park" in page
    response = published.post(
        "/roadmap/venues/new",
        data={
            "city_id": sargodha,
            "name": "New STP",
            "kind": "stp",
            "stp_status": "operating",
            "capacity": "40",
            "facilities": "Wi-Fi",
            "active": "y",
        },
    )
    assert response.status_code == 302
    duplicate = published.post(
        "/roadmap/venues/new",
        data={"city_id": sargodha, "name": "New STP", "kind": "hotel", "capacity": "40"},
    )
    assert duplicate.status_code == 422 and "already has a venue" in duplicate.get_data(
        as_text=True
    )
    with app.app_context():
        venue = db.session.scalar(sa.select(Venue).where(Venue.name == "New STP"))
        assert venue.usable and venue.capacity == 40
    assert "New STP" in published.get("/roadmap/venues?city=sargodha").get_data(as_text=True)


def test_agenda_edit(app, published):
    response = published.post(
        f"/meetups/{published.event_id}/agenda", data={"agenda": "15:00 Welcome\n15:30 Panel"}
    )
    assert response.status_code == 302
    page = published.get(f"/meetups/{published.event_id}").get_data(as_text=True)
    assert "<li>15:00 Welcome</li>" in page and "<li>15:30 Panel</li>" in page


def test_survey_mail_after_the_meetup_and_answer_by_ticket_without_an_account(
    app, client, published, login_as, outbox, frozen_clock
):
    from engagement.events import tasks as event_tasks  # noqa: F401  (registers events_feedback)
    from engagement.meetups.tasks import feedback_survey_job
    from engagement.scheduler.registry import JOBS
    from engagement.scheduler.runner import run_job
    from tests.conftest import link_in

    company = login_as("company", email="rep2@techlogix.test")
    registered = company.post(
        f"/meetups/{published.event_id}/register",
        data={
            "name": "Rep",
            "email": "rep2@techlogix.test",
            "colleagues": "Colleague <colleague@techlogix.test>",
        },
    )
    assert registered.status_code == 302, registered.get_data(as_text=True)[-3000:]
    assert JOBS["meetups_feedback_survey"].func is feedback_survey_job
    with app.app_context():
        assert run_job(JOBS["meetups_feedback_survey"]) == 0  # not over yet
    frozen_clock(AFTER)
    with app.app_context():
        assert run_job(JOBS["meetups_feedback_survey"]) == 2
        assert run_job(JOBS["meetups_feedback_survey"]) == 0  # once per registration
        # The engine's generic feedback mail skips meetups: attendees get one mail, the survey.
        assert run_job(JOBS["events_feedback"]) == 0
    (mail,) = outbox("colleague@techlogix.test")[-1:]
    assert mail.subject.startswith("Three questions about")
    assert not [m for m in outbox() if m.subject.startswith("Thank you for joining")]
    path = link_in(mail.body_text, "/meetups/feedback/")
    assert "Three short questions" in client.get(path).get_data(as_text=True)
    answer = client.post(path, data={"rating": "5", "useful": "Export clinic"})
    assert answer.status_code == 302
    again = client.post(path, data={"rating": "3"})
    assert again.status_code == 422 and "already given" in again.get_data(as_text=True)
    assert client.get("/meetups/feedback/not-a-ticket").status_code == 404
    assert "Export clinic" in client.get("/meetups/cities/gilgit").get_data(as_text=True)


def test_svg_map_places_cities_by_latitude_and_longitude(app):
    from engagement.directory.models import City
    from engagement.roadmap import svgmap

    with app.app_context():
        cities = db.session.scalars(sa.select(City)).all()
        by_slug = {c.slug: c for c in cities}
        points = {
            p.city.slug: p
            for p in svgmap.city_points(
                cities, {by_slug["islamabad"].id: 1, by_slug["rawalpindi"].id: 1}
            )
        }
    assert points["gilgit"].y < points["islamabad"].y < points["karachi"].y  # north is up
    assert points["gwadar"].x < points["karachi"].x < points["lahore"].x  # west is left
    width, height = (float(v) for v in svgmap.view_box().split()[2:])
    assert all(0 < p.x < width and 0 < p.y < height for p in points.values())
    # Islamabad and Rawalpindi are 9 km apart: their labels are moved apart.
    assert abs(points["islamabad"].label_y - points["rawalpindi"].label_y) >= svgmap.LABEL_HEIGHT
