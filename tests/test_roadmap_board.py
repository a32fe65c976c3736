"""The staff roadmap board: planning, pin, move (checker), remove, re-plan, publish, import and
export, the weekly job and replacement proposals for cancelled meetups."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from engagement.events.models import Event, EventKind, EventState
from engagement.extensions import db
from engagement.meetups.models import Meetup
from engagement.notifications.models import OutboxMessage
from engagement.roadmap import adapter
from engagement.roadmap.models import EntryState, RoadmapEntry, RoadmapPlan
from tests.test_roadmap_adapter import NOW, add_entry, build_world


@pytest.fixture
def staff(app, login_as, frozen_clock):
    frozen_clock(NOW)
    client = login_as("staff")
    build_world(app, member_ids=(client.user_id,))
    return client


def entries(app, state=None):
    with app.app_context():
        query = sa.select(RoadmapEntry).order_by(RoadmapEntry.day, RoadmapEntry.id)
        if state:
            query = query.where(RoadmapEntry.state == state)
        rows = db.session.scalars(query).all()
        return [(e.id, e.city.slug, e.day, e.team.slug, e.state, e.pinned) for e in rows]


def replan_and_keep(staff):
    """Re-plan from the board, then keep the proposal from its difference page."""
    proposed = staff.post("/roadmap/board/plan")
    assert proposed.status_code == 302 and "/roadmap/board/plans/" in proposed.headers["Location"]
    return staff.post(proposed.headers["Location"] + "/keep")


def assert_roadmap_holds(app):
    """The checker accepts the roadmap as it stands (drafts and published, pinned included)."""
    with app.app_context():
        instance = adapter.build_instance()
        assert adapter.check_plan(instance, adapter.current_plan_export()) == []


def test_board_is_for_staff_only(app, client, login_as, frozen_clock):
    frozen_clock(NOW)
    response = client.get("/roadmap/board")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    company = login_as("company")
    assert company.get("/roadmap/board").status_code == 403
    assert company.post("/roadmap/board/plan").status_code == 403
    assert company.get("/roadmap/export/instance.json").status_code == 403
    assert login_as("staff").get("/roadmap/board").status_code == 200


def test_planning_from_the_board_stores_drafts_that_pass_the_checker(app, staff):
    response = replan_and_keep(staff)
    assert response.status_code == 302
    drafts = entries(app, EntryState.DRAFT)
    assert drafts, "the planner proposed no meetups"
    assert {slug for _, slug, *_ in drafts} <= {
        "gilgit",
        "islamabad",
        "bannu",
        "mingora",
        "lahore",
        "sargodha",
    }
    assert_roadmap_holds(app)
    with app.app_context():
        plan = db.session.scalars(sa.select(RoadmapPlan)).one()
        assert plan.bound is not None and plan.bound >= plan.score > 0
        # Cities no team serves are explained in the shortfall.
        reasons = {item["city"]: item["reason"] for item in plan.shortfall}
        assert "quetta" in reasons and reasons["quetta"]
    page = staff.get("/roadmap/board").get_data(as_text=True)
    assert "Gilgit" in page and "Shortfall" in page and "estimated" in page
    assert "Eid al-Adha" in page  # holidays in the window, marked estimated
    # Planning again gives the same plan (deterministic).
    before = [(c, d, t) for _, c, d, t, *_ in drafts]
    replan_and_keep(staff)
    assert [(c, d, t) for _, c, d, t, *_ in entries(app, EntryState.DRAFT)] == before


def test_pin_then_replan_keeps_the_pinned_draft(app, staff):
    replan_and_keep(staff)
    first = entries(app, EntryState.DRAFT)[0]
    response = staff.post(f"/roadmap/entries/{first[0]}/pin")
    assert response.status_code == 302
    replan_and_keep(staff)
    after = {e[0]: e for e in entries(app, EntryState.DRAFT)}
    assert first[0] in after and after[first[0]][5] is True
    assert after[first[0]][1:4] == first[1:4]
    assert_roadmap_holds(app)
    staff.post(f"/roadmap/entries/{first[0]}/unpin")
    assert {e[0]: e for e in entries(app)}[first[0]][5] is False


def test_move_within_the_rules_pins_the_entry_there(app, staff):
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    response = staff.post(
        f"/roadmap/entries/{entry_id}",
        data={"day": "2027-05-05", "team_id": _team_id(app, "north")},
    )
    assert response.status_code == 302
    (row,) = entries(app)
    assert row[2] == date(2027, 5, 5) and row[5] is True


@pytest.mark.parametrize(
    ("day", "team", "message"),
    [
        (
            "2027-04-14",
            "north",
            "Gilgit is closed from 5 Apr 2027 to 15 Apr 2027 (winter road access).",
        ),
        ("2027-05-01", "north", "Saturday 1 May 2027 is Labor Day, a public holiday."),
        (
            "2027-04-30",
            "north",
            "Friday 30 April 2027 is a Friday, and meetups are not held on Fridays",
        ),
        ("2027-05-05", "punjab", "The Punjab team does not serve Gilgit."),
        (
            "2027-05-12",
            "north",
            "Gilgit&#39;s meetups on 12 May 2027 and 26 May 2027 would be 14 days apart; "
            "they must be at least 21 days apart.",
        ),
        (
            "2027-08-04",
            "north",
            "Wednesday 4 August 2027 is outside the planning window (5 Apr 2027 to ",
        ),
    ],
)
def test_move_that_breaks_a_rule_is_refused_in_sentences(app, staff, day, team, message):
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    add_entry(app, "gilgit", date(2027, 5, 26), "north", pinned=True)
    response = staff.post(
        f"/roadmap/entries/{entry_id}", data={"day": day, "team_id": _team_id(app, team)}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The move was refused" in page
    assert message in page
    row = next(e for e in entries(app) if e[0] == entry_id)
    assert row[2] == date(2027, 4, 28) and row[3] == "north" and row[5] is False


def test_bad_move_input_gets_a_field_error_not_a_500(app, staff):
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    response = staff.post(f"/roadmap/entries/{entry_id}", data={"day": "soon", "team_id": "x"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="soon"' in page and 'id="day-error"' in page
    assert staff.get("/roadmap/entries/999999").status_code == 302


def test_remove_a_draft(app, staff):
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north", pinned=True)
    assert staff.post(f"/roadmap/entries/{entry_id}/remove").status_code == 302
    assert entries(app)[0][4] == EntryState.REMOVED
    # A removed entry is no longer pinned for the planner.
    with app.app_context():
        assert adapter.build_instance()["pinned"] == []


def test_publish_selected_creates_meetup_events_with_the_venue_capacity(app, staff, outbox):
    gilgit = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    lahore = add_entry(app, "lahore", date(2027, 4, 29), "punjab")
    response = staff.post("/roadmap/board/publish", data={"entry_id": [str(gilgit)]})
    assert response.status_code == 302
    with app.app_context():
        event = db.session.scalars(sa.select(Event)).one()
        assert event.kind == EventKind.MEETUP and event.state == EventState.PUBLISHED
        assert event.capacity == 60
        assert event.registration_closes_at == event.starts_at - timedelta(days=1)
        assert event.registration_opens_at == NOW
        meetup = db.session.scalars(sa.select(Meetup)).one()
        assert meetup.city.slug == "gilgit" and meetup.venue.name == "Gilgit STP"
        assert meetup.team.slug == "north" and meetup.agenda
        entry = db.session.get(RoadmapEntry, gilgit)
        assert entry.state == EntryState.PUBLISHED and entry.event_id == event.id
        assert db.session.get(RoadmapEntry, lahore).state == EntryState.DRAFT
        member_email = db.session.get(
            __import__("engagement").auth.models.User, staff.user_id
        ).email
    mails = outbox(member_email)
    assert len(mails) == 1 and "Meetup published: Gilgit" in mails[0].subject
    # Published meetups are fixed: they are pinned in the next instance.
    with app.app_context():
        assert adapter.build_instance()["pinned"] == [
            {"city": "gilgit", "date": "2027-04-28", "team": "north"}
        ]
    assert f"/meetups/{event.id}" in staff.get("/roadmap/").get_data(as_text=True)


def test_publish_refuses_a_city_without_an_operating_venue(app, staff):
    gilgit = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    bannu = add_entry(app, "bannu", date(2027, 5, 4), "north")
    response = staff.post(
        "/roadmap/board/publish",
        data={"entry_id": [str(gilgit), str(bannu)]},
        follow_redirects=True,
    )
    assert "add an operating venue first in Bannu" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0
    assert {e[4] for e in entries(app)} == {EntryState.DRAFT}


def test_publish_all_drafts_skips_cities_without_a_venue(app, staff):
    add_entry(app, "gilgit", date(2027, 4, 28), "north")
    add_entry(app, "lahore", date(2027, 4, 29), "punjab")
    bannu = add_entry(app, "bannu", date(2027, 5, 4), "north")
    response = staff.post("/roadmap/board/publish", data={"all": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Published 2 meetup(s)" in page
    assert "stay unpublished until their city has an operating venue: Bannu." in page
    states = {e[0]: e[4] for e in entries(app)}
    assert states.pop(bannu) == EntryState.DRAFT
    assert set(states.values()) == {EntryState.PUBLISHED}
    with app.app_context():
        capacities = sorted(db.session.scalars(sa.select(Event.capacity)))
    assert capacities == [60, 250]


def test_export_and_import_round_trip_and_checked_import(app, staff):
    replan_and_keep(staff)
    instance = staff.get("/roadmap/export/instance.json").get_json()
    assert instance["version"] == 1 and instance["start"] == "2027-04-05"
    plan = staff.get("/roadmap/export/plan.json").get_json()
    assert plan["meetups"]

    good = {"version": 1, "meetups": plan["meetups"][:2]}
    response = staff.post(
        "/roadmap/import",
        data={"plan_file": (io.BytesIO(json.dumps(good).encode()), "plan.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert len(entries(app, EntryState.DRAFT)) == 2
    assert_roadmap_holds(app)

    bad = {"version": 1, "meetups": [{"city": "gilgit", "date": "2027-04-07", "team": "north"}]}
    response = staff.post(
        "/roadmap/import",
        data={"plan_file": (io.BytesIO(json.dumps(bad).encode()), "plan.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "breaks planning rules" in page and "winter road access" in page
    assert len(entries(app, EntryState.DRAFT)) == 2

    response = staff.post(
        "/roadmap/import",
        data={"plan_file": (io.BytesIO(b"{not json"), "plan.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert response.status_code == 200 and "not valid JSON" in response.get_data(as_text=True)


def _run_weekly(app):
    from engagement.roadmap.tasks import weekly_replan
    from engagement.scheduler.registry import JOBS
    from engagement.scheduler.runner import run_job

    assert "roadmap_weekly_replan" in JOBS
    with app.app_context(), app.test_request_context():
        return run_job(JOBS["roadmap_weekly_replan"]) if JOBS else weekly_replan()


def test_weekly_job_keeps_published_fixed_and_emails_staff_once(app, staff, outbox):
    published = add_entry(app, "lahore", date(2027, 4, 29), "punjab")
    staff.post("/roadmap/board/publish", data={"entry_id": [str(published)]})
    result = _run_weekly(app)
    assert result.startswith("plan ")
    rows = {e[0]: e for e in entries(app)}
    assert rows[published][4] == EntryState.PUBLISHED and rows[published][2] == date(2027, 4, 29)
    assert any(e[4] == EntryState.DRAFT for e in rows.values())
    assert_roadmap_holds(app)
    with app.app_context():
        summaries = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.subject.like("Meetup roadmap re-planned%"))
        ).all()
        assert len(summaries) == 1
        assert "New draft meetups" in summaries[0].body_text
        plans = db.session.scalar(sa.select(sa.func.count(RoadmapPlan.id)))
    assert _run_weekly(app) == "already planned this week"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RoadmapPlan.id))) == plans
        assert (
            db.session.scalar(
                sa.select(sa.func.count(OutboxMessage.id)).where(
                    OutboxMessage.subject.like("Meetup roadmap re-planned%")
                )
            )
            == 1
        )


def test_cancelled_meetup_gets_a_replacement_proposal(app, staff, outbox):
    from engagement.events.services import cancel_event

    gilgit = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    staff.post("/roadmap/board/publish", data={"entry_id": [str(gilgit)]})
    with app.app_context(), app.test_request_context():
        entry = db.session.get(RoadmapEntry, gilgit)
        cancel_event(entry.event, "venue flooded")
        db.session.commit()
    _run_weekly(app)
    with app.app_context():
        old = db.session.get(RoadmapEntry, gilgit)
        assert old.state == EntryState.CANCELLED
        replacement = db.session.scalar(
            sa.select(RoadmapEntry).where(RoadmapEntry.replaces_id == gilgit)
        )
        assert replacement is not None and replacement.state == EntryState.DRAFT
        assert replacement.city.slug == "gilgit" and replacement.day != date(2027, 4, 28)
        summary = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.subject.like("Meetup roadmap re-planned%"))
        ).one()
        assert "Replacements for cancelled meetups" in summary.body_text
        assert f"proposed {replacement.day:%d %b %Y}".replace(" 0", " ") in summary.body_text
    assert_roadmap_holds(app)
    page = staff.get("/roadmap/board").get_data(as_text=True)
    assert "Cancelled meetups" in page


def test_city_priority_page_shows_the_suggestion_and_saves(app, staff):
    page = staff.get("/roadmap/cities").get_data(as_text=True)
    assert "PSEB focus area for a Software Technology Park" in page
    with app.app_context():
        from engagement.directory.models import City

        gilgit = db.session.scalar(sa.select(City).where(City.slug == "gilgit"))
        city_id = gilgit.id
    assert (
        staff.post(f"/roadmap/cities/{city_id}/priority", data={"priority": "9"}).status_code == 302
    )
    response = staff.post(
        f"/roadmap/cities/{city_id}/priority", data={"priority": "11"}, follow_redirects=True
    )
    assert "from 1 to 10" in response.get_data(as_text=True)
    staff.post(f"/roadmap/cities/{city_id}/priority", data={"use_suggested": "1"})
    with app.app_context():
        assert db.session.get(City, city_id).meetup_priority == 6  # no estimate 3 + focus 3


def test_team_and_closure_forms_keep_input_on_errors(app, staff):
    response = staff.post(
        "/roadmap/teams/new", data={"name": "West", "slug": "Bad Slug", "max_per_week": "1"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="West"' in page and "Lower-case letters" in page
    response = staff.post(
        "/roadmap/closures/new",
        data={"city_id": "0", "starts_on": "2027-05-10", "ends_on": "2027-05-01", "reason": "x"},
    )
    assert response.status_code == 422
    assert "on or after the first day" in response.get_data(as_text=True)
    response = staff.post(
        "/roadmap/closures/new",
        data={"city_id": "0", "starts_on": "2027-05-10", "ends_on": "2027-05-11", "reason": "Vote"},
    )
    assert response.status_code == 302
    with app.app_context():
        assert {
            "from": "2027-05-10",
            "to": "2027-05-11",
            "reason": "Vote",
        } in adapter.build_instance()["closed"]
    response = staff.post(
        "/roadmap/teams/new",
        data={"name": "West team", "slug": "west", "max_per_week": "2", "home_city_id": "0"},
    )
    assert response.status_code == 302


def _team_id(app, slug: str) -> int:
    from engagement.roadmap.models import StaffTeam

    with app.app_context():
        return db.session.scalar(sa.select(StaffTeam.id).where(StaffTeam.slug == slug))


def test_settings_form_saves_and_validates(app, staff):
    data = {
        "weekdays": ["mon", "wed"],
        "max_per_week": "2",
        "min_gap_days": "30",
        "min_per_city": "1",
        "max_per_city": "3",
        "ramadan_avoid": "y",
        "public_holidays": "PK",
        "horizon_start": "2027-04-05",
        "horizon_weeks": "10",
        "start_time": "10:30",
        "duration_minutes": "120",
    }
    assert staff.post("/roadmap/settings", data=data).status_code == 302
    with app.app_context():
        instance = adapter.build_instance()
        assert instance["weekdays"] == ["mon", "wed"] and instance["min_gap_days"] == 30
        assert instance["end"] == "2027-06-13"
        assert {c["max"] for c in instance["cities"]} == {3}
    bad = dict(data, max_per_city="0", weekdays=[])
    response = staff.post("/roadmap/settings", data=bad)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose at least one weekday." in page and "Must be at least the number wanted" in page


def test_move_when_the_data_no_longer_holds_explains_instead_of_failing(app, staff):
    from engagement.roadmap.models import Closure

    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    add_entry(app, "lahore", date(2027, 5, 4), "punjab", pinned=True)
    with app.app_context():
        from engagement.directory.models import City

        lahore = db.session.scalar(sa.select(City).where(City.slug == "lahore"))
        db.session.add(
            Closure(city=lahore, starts_on=date(2027, 5, 1), ends_on=date(2027, 5, 10), reason="x")
        )
        db.session.commit()
    response = staff.post(
        f"/roadmap/entries/{entry_id}",
        data={"day": "2027-05-05", "team_id": _team_id(app, "north")},
    )
    assert response.status_code == 422
    assert "cannot be planned as the data stands: pinned[0]" in response.get_data(as_text=True)
    replan = staff.post("/roadmap/board/plan", follow_redirects=True)
    assert "pinned[0]" in replan.get_data(as_text=True)


# --- In each reader's language ------------------------------------------------------------------


def _set_language(app, user_id, code):
    from engagement.auth.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        user.language = code
        db.session.commit()
        return user.email


def _no_english_left(app, text, *extra):
    """The English words of ``text`` beyond the names people typed (cities, teams, venues, the
    event's title) and the day and month names ``|datetime`` still writes in English."""
    from tests.test_i18n_pages import ALLOWED, content_words, english_left

    with app.app_context():
        allowed = ALLOWED | content_words() | set(extra)
    left, _links = english_left(text, allowed)
    return left


def _join_north(app, user_id):
    from engagement.auth.models import User
    from engagement.roadmap.models import StaffTeam

    with app.app_context():
        north = db.session.scalar(sa.select(StaffTeam).where(StaffTeam.slug == "north"))
        north.members.append(db.session.get(User, user_id))
        db.session.commit()


def test_publish_mail_reaches_each_team_member_in_their_language(app, staff, make_user, outbox):
    urdu = _set_language(app, staff.user_id, "ur")
    english_id = make_user("staff")
    english = _set_language(app, english_id, "en")
    _join_north(app, english_id)
    gilgit = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    # Published from a page in Urdu: the English member still reads English.
    staff.post("/roadmap/board/publish?lang=ur", data={"entry_id": [str(gilgit)]})

    (mail,) = outbox(urdu)
    assert mail.subject.startswith("میٹ اپ شائع ہو گیا: ⁨Gilgit⁩")
    assert "اپریل" in mail.subject  # Babel's Urdu month name
    assert "السلام علیکم" in mail.body_text and "مقام: ⁨Gilgit STP⁩ (60 نشستیں)" in mail.body_text
    assert "آپ کی ٹیم کا ایک میٹ اپ PSEB روڈ میپ پر شائع کر دیا گیا ہے" in mail.body_text
    assert _no_english_left(app, mail.body_text) == []

    (mail,) = outbox(english)
    assert mail.subject == "Meetup published: Gilgit, Wednesday 28 April 2027"
    assert "Hello " in mail.body_text and "Venue: Gilgit STP (60 seats)" in mail.body_text
    assert "write the staff report on that page" in mail.body_text


def test_weekly_summary_reaches_each_staff_member_in_their_language(app, staff, make_user, outbox):
    from engagement.events.services import cancel_event

    urdu = _set_language(app, staff.user_id, "ur")
    english = _set_language(app, make_user("staff"), "en")
    gilgit = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    staff.post("/roadmap/board/publish", data={"entry_id": [str(gilgit)]})
    with app.app_context(), app.test_request_context():
        cancel_event(db.session.get(RoadmapEntry, gilgit).event, "venue flooded")
        db.session.commit()
    _run_weekly(app)

    (mail,) = [m for m in outbox(urdu) if "roadmap-summary" in (m.dedupe_key or "")]
    assert mail.subject.startswith("میٹ اپ روڈ میپ کی نئی منصوبہ بندی")
    body = mail.body_text
    assert "نئے مسودہ میٹ اپس:" in body and "منسوخ شدہ میٹ اپس کے متبادل:" in body
    assert "روڈ میپ بورڈ پر جائزہ لیں اور شائع کریں:" in body and "اپریل" in body
    assert _no_english_left(app, body) == []

    (mail,) = [m for m in outbox(english) if "roadmap-summary" in (m.dedupe_key or "")]
    assert mail.subject.startswith("Meetup roadmap re-planned (2027-W")
    assert "New draft meetups:" in mail.body_text
    assert "Gilgit (cancelled 28 Apr 2027): proposed " in mail.body_text
    assert "Review and publish on the roadmap board:" in mail.body_text


def _import(staff, meetups, lang):
    plan = json.dumps({"version": 1, "meetups": meetups}).encode()
    return staff.post(
        f"/roadmap/import?lang={lang}",
        data={"plan_file": (io.BytesIO(plan), "plan.json")},
        content_type="multipart/form-data",
        follow_redirects=True,
    ).get_data(as_text=True)


def _flashes(page):
    import re

    return re.findall(r'<p class="flash flash-error">(.*?)</p>', page, re.S)


BROKEN_PLAN = [
    {"city": "gilgit", "date": "2027-04-07", "team": "north"},
    {"city": "atlantis", "date": "2027-04-08", "team": "north"},
    {"city": "lahore", "date": "2027-04-08", "team": "south"},
]


def test_import_problems_are_sentences_in_the_page_language(app, staff):
    # A pinned draft the file leaves out: the plan must keep it.
    add_entry(app, "islamabad", date(2027, 5, 4), "north", pinned=True)

    english = _flashes(_import(staff, BROKEN_PLAN, "en"))
    assert english[0] == "The imported plan breaks planning rules; nothing was changed."
    assert "Gilgit is closed from " in english[1] and "(winter road access)." in english[1]
    assert any(
        "“atlantis” (on Thursday 8 April 2027) is not a city on the roadmap" in line
        for line in english
    )
    assert any(
        "“south” (on Thursday 8 April 2027) is not a roadmap team" in line for line in english
    )
    assert any(
        line.startswith("Islamabad on Tuesday 4 May 2027 with the North team is pinned")
        for line in english
    )
    assert not any("meetups[" in line or "pinned[" in line for line in english)

    urdu = _flashes(_import(staff, BROKEN_PLAN, "ur"))
    assert len(urdu) == len(english)
    assert urdu[0] == "درآمد شدہ منصوبہ منصوبہ بندی کے اصول توڑتا ہے؛ کچھ تبدیل نہیں کیا گیا۔"
    assert any("روڈ میپ کا کوئی شہر نہیں" in line for line in urdu)
    assert any("طے شدہ یا شائع شدہ ہے" in line for line in urdu)
    # Only the ids from the file and the names people typed stay in Latin letters.
    assert _no_english_left(app, "\n".join(urdu), "atlantis", "south") == []
    assert len(entries(app, EntryState.DRAFT)) == 1


def test_import_with_a_date_that_is_not_one_says_so(app, staff):
    plan = [{"city": "gilgit", "date": "7 April", "team": "north"}]
    assert _flashes(_import(staff, plan, "en")) == [
        "meetups[0]: 7 April is not a date (write it as YYYY-MM-DD)."
    ]
    (urdu,) = _flashes(_import(staff, plan, "ur"))
    assert "تاریخ نہیں" in urdu
