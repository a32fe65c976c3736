"""Roadmap board for staff in daily use: a re-plan shows its difference before it is kept,
refusals and shortfalls read as sentences, cities without a venue are marked before publishing,
the Venues tab sits with its siblings, an STP is named once, times follow the viewer's zone."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from engagement.directory.models import City
from engagement.extensions import db
from engagement.meetups.models import StpStatus, Venue, VenueKind
from engagement.roadmap import wording
from engagement.roadmap.instance import parse_instance
from engagement.roadmap.models import EntryState, RoadmapEntry, RoadmapPlan
from tests.test_roadmap_adapter import NOW, add_entry, build_world
from tests.test_roadmap_board import entries


@pytest.fixture
def staff(app, login_as, frozen_clock):
    frozen_clock(NOW)
    client = login_as("staff")
    build_world(app, member_ids=(client.user_id,))
    return client


def propose(staff) -> str:
    response = staff.post("/roadmap/board/plan")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/roadmap/board/plans/")
    return location


# --- Re-plan: propose, compare, keep -----------------------------------------------------------


def test_a_replan_changes_nothing_until_kept_and_shows_the_difference(app, staff):
    old = add_entry(app, "islamabad", date(2027, 4, 6), "north")
    location = propose(staff)
    # Nothing changed yet: the old draft is still there, no new drafts.
    assert [e[0] for e in entries(app, EntryState.DRAFT)] == [old]
    page = staff.get(location).get_data(as_text=True)
    assert "Re-plan: what would change" in page and "Keep the new plan" in page
    assert "Islamabad" in page and "Gilgit" in page
    with app.app_context():
        plan = db.session.get(RoadmapPlan, int(location.rsplit("/", 1)[1]))
        proposed = {(m["city"], m["date"]) for m in plan.proposed_meetups}
    # The board still follows no plan: the proposal is not the current plan.
    assert "Not planned yet" in staff.get("/roadmap/board").get_data(as_text=True)
    kept = staff.post(location + "/keep", follow_redirects=True)
    assert "Kept the new plan" in kept.get_data(as_text=True)
    drafts = {(slug, day.isoformat()) for _, slug, day, *_ in entries(app, EntryState.DRAFT)}
    assert drafts == proposed
    # Kept once: keeping again is refused, the page sends the viewer back to the board.
    again = staff.post(location + "/keep", follow_redirects=True)
    assert "already kept" in again.get_data(as_text=True)
    assert staff.get(location).status_code == 302


def test_the_difference_counts_moved_added_and_removed_per_city(app, staff):
    location = propose(staff)
    staff.post(location + "/keep")
    drafts = entries(app, EntryState.DRAFT)
    islamabad = [e for e in drafts if e[1] == "islamabad"]
    assert islamabad, "the plan gives Islamabad a meetup"
    # Staff move an Islamabad draft by hand (unpinned again, so the planner may move it back),
    # and add an extra Mingora draft the planner would not make.
    with app.app_context():
        entry = db.session.get(RoadmapEntry, islamabad[0][0])
        planned_day = entry.day
        entry.day = date(2027, 5, 20) if entry.day != date(2027, 5, 20) else date(2027, 5, 18)
        moved_to = entry.day
        db.session.commit()
    extra = add_entry(app, "mingora", date(2027, 5, 29), "north")
    with app.app_context():
        from engagement.roadmap import adapter

        plan = adapter.get_proposal(int(propose(staff).rsplit("/", 1)[1]))
        difference = adapter.plan_difference(plan)
        by_city = {c.city: c for c in difference.cities}
    assert not difference.stale
    assert by_city["Islamabad"].moved[0][0][0] == moved_to
    assert by_city["Islamabad"].moved[0][1][0] == planned_day
    assert (date(2027, 5, 29), "North team") in (
        by_city["Mingora (Swat)"].removed + [old for old, _ in by_city["Mingora (Swat)"].moved]
    )
    assert extra in [e[0] for e in entries(app, EntryState.DRAFT)]


def test_the_compare_page_lists_changes_per_city(app, staff):
    add_entry(app, "gilgit", date(2027, 5, 5), "north")  # an unpinned draft the planner may drop
    location = propose(staff)
    page = staff.get(location).get_data(as_text=True)
    assert 'id="diff-added"' in page and 'id="diff-removed"' in page and 'id="diff-moved"' in page
    assert '<th scope="row">Gilgit</th>' in page or 'id="no-difference"' in page


def test_a_proposal_goes_stale_when_the_roadmap_changes(app, staff):
    location = propose(staff)
    add_entry(app, "lahore", date(2027, 4, 7), "punjab", pinned=True)
    page = staff.get(location).get_data(as_text=True)
    assert "cannot be kept" in page and "Keep the new plan" not in page
    refused = staff.post(location + "/keep", follow_redirects=True)
    assert "The roadmap changed since this proposal was made" in refused.get_data(as_text=True)
    assert [e[1] for e in entries(app, EntryState.DRAFT)] == ["lahore"]


def test_proposal_pages_are_staff_only_and_404_for_unknown_ids(app, staff, login_as):
    location = propose(staff)
    company = login_as("company")
    assert company.get(location).status_code == 403
    assert company.post(location + "/keep").status_code == 403
    assert staff.get("/roadmap/board/plans/99999").status_code == 404
    assert staff.post("/roadmap/board/plans/99999/keep").status_code == 404


# --- Sentences ---------------------------------------------------------------------------------


@pytest.fixture
def instance(app, staff):
    with app.app_context():
        from engagement.roadmap import adapter

        return parse_instance(adapter.build_instance())


def test_checker_lines_read_as_sentences(instance):
    say = wording.sentence
    assert say(instance, "meetups[4] (gilgit 2027-05-01 north): public holiday (Labor Day)") == (
        "Saturday 1 May 2027 is Labor Day, a public holiday."
    )
    assert say(instance, "team north runs 3 meetups in week 2027-W18 (its max_per_week is 2)") == (
        "The North team already has 2 meetups in the week of Monday 3 May 2027 "
        "(its limit is 2 a week)."
    )
    assert say(instance, "4 meetups in week 2027-W18 (max_per_week is 3)") == (
        "There are already 3 meetups across Pakistan in the week of Monday 3 May 2027 "
        "(the limit is 3 a week)."
    )
    assert say(instance, "team north runs 2 meetups on 2027-05-04 (at most 1 a day)") == (
        "The North team already has a meetup on Tuesday 4 May 2027; a team runs at most one a day."
    )
    assert say(
        instance,
        "(lahore 2027-04-13 punjab): Punjab team away 2027-04-12..2027-04-18 (leave)",
    ) == ("The Punjab team is away from 12 Apr 2027 to 18 Apr 2027 (leave).")
    assert say(
        instance,
        "(lahore 2027-04-20 punjab): closed nationwide 2027-04-20..2027-04-21 (national event)",
    ) == ("Meetups are paused nationwide from 20 Apr 2027 to 21 Apr 2027 (national event).")
    assert say(instance, "lahore: 4 meetups, more than its max 3") == (
        "Lahore would have 4 meetups, more than its maximum of 3."
    )
    assert say(instance, "pinned[0] (gilgit 2027-05-05 north) is missing") == (
        "Gilgit on Wednesday 5 May 2027 with the North team is pinned or published, and the plan "
        "leaves it out; a plan must keep it."
    )
    assert say(instance, "meetups[0] (quetta 2027-05-05 north): unknown team 'north2'") == (
        "“north2” (on Wednesday 5 May 2027) is not a roadmap team; use a team id from the "
        "exported instance."
    )
    # A line this module does not know is shown as it is, never hidden.
    assert say(instance, "meetups: not sorted by date then city") == (
        "meetups: not sorted by date then city"
    )


def test_shortfall_reasons_on_the_board_are_plain_words(app, staff):
    staff.post(propose(staff) + "/keep")
    page = staff.get("/roadmap/board").get_data(as_text=True)
    shortfall = page[page.index('id="shortfall"') :]
    assert "No team serves this city." in shortfall
    assert "min_gap_days" not in shortfall and "max_per_week" not in shortfall
    assert wording.plain_reason(
        "closed 2027-01-04..2027-03-20 (winter road access) and min_gap_days 21 allows only "
        "1 meetup in the open window 2027-04-16..2027-05-26"
    ) == (
        "Closed from 4 Jan 2027 to 20 Mar 2027 (winter road access) and the minimum gap of "
        "21 days between a city's meetups allows only 1 meetup in the open window from "
        "16 Apr 2027 to 26 May 2027."
    )


# --- Cities without a venue, the Venues tab, names and zones ------------------------------------


def test_board_marks_drafts_in_cities_without_a_venue_before_publishing(app, staff):
    add_entry(app, "bannu", date(2027, 5, 4), "north")  # Bannu's STP is still being set up
    add_entry(app, "gilgit", date(2027, 4, 28), "north")
    page = staff.get("/roadmap/board").get_data(as_text=True)
    assert "1 city has draft meetups but no venue that can host yet" in page
    bannu_row = page[page.index('id="city-bannu"') :]
    bannu_row = bannu_row[: bannu_row.index("</tr>")]
    assert "no venue yet" in bannu_row and "needs a venue" in bannu_row
    assert 'name="entry_id"' not in bannu_row  # nothing to select for publishing
    gilgit_row = page[page.index('id="city-gilgit"') :]
    assert 'name="entry_id"' in gilgit_row[: gilgit_row.index("</tr>")]
    assert 'href="/roadmap/venues?city=bannu"' in page
    with app.app_context():
        bannu = db.session.scalar(sa.select(Venue).where(Venue.name == "Bannu STP"))
        bannu.stp_status = StpStatus.OPERATING
        db.session.commit()
    assert "no venue that can host yet" not in staff.get("/roadmap/board").get_data(as_text=True)


def test_venues_tab_sits_with_its_siblings_and_old_urls_redirect(app, staff):
    board = staff.get("/roadmap/board").get_data(as_text=True)
    assert 'href="/roadmap/venues"' in board and 'href="/meetups/venues"' not in board
    assert staff.get("/roadmap/venues").status_code == 200
    old = staff.get("/meetups/venues?city=gilgit")
    assert old.status_code == 301 and old.headers["Location"] == "/roadmap/venues?city=gilgit"
    with app.app_context():
        venue_id = db.session.scalar(sa.select(Venue.id).where(Venue.name == "Gilgit STP"))
    edit = staff.get(f"/meetups/venues/{venue_id}/edit")
    assert (
        edit.status_code == 301 and edit.headers["Location"] == f"/roadmap/venues/{venue_id}/edit"
    )
    assert staff.get("/meetups/venues/new").headers["Location"] == "/roadmap/venues/new"


def test_an_stp_named_as_one_is_not_labelled_twice(app, staff):
    with app.app_context():
        karachi = db.session.scalar(sa.select(City).where(City.slug == "karachi"))
        named = Venue(
            city=karachi,
            name="Karachi Software Technology Park",
            kind=VenueKind.STP,
            stp_status=StpStatus.OPERATING,
            capacity=100,
        )
        short = Venue(
            city=karachi, name="Korangi STP", kind=VenueKind.STP, stp_status=StpStatus.OPERATING
        )
        hall = Venue(city=karachi, name="Expo Hall", kind=VenueKind.HOTEL, capacity=10)
        assert named.kind_note is None
        assert short.kind_note == "Software Technology Park"
        assert hall.kind_note is None


def test_meetup_and_roadmap_times_follow_the_viewer_zone_like_the_footer(app, staff, client):
    entry_id = add_entry(app, "gilgit", date(2027, 4, 28), "north")
    staff.post("/roadmap/board/publish", data={"entry_id": [str(entry_id)]})
    with app.app_context():
        event_id = db.session.get(RoadmapEntry, entry_id).event_id
    # A browser in London (UTC is taken as "no zone reported" and shows Pakistan time).
    client.set_cookie("tz", "Europe/London")
    for path in ("/roadmap/", f"/meetups/{event_id}", "/meetups/", "/meetups/cities/gilgit"):
        page = client.get(path).get_data(as_text=True)
        assert "Times in Europe/London" in page, path
        assert "Wed 28 Apr 2027, 11:00 BST" in page, path  # 15:00 in Gilgit (PKT)
    client.delete_cookie("tz")  # the default zone, Asia/Karachi
    page = client.get("/roadmap/").get_data(as_text=True)
    assert "Wed 28 Apr 2027, 15:00 PKT" in page and "Times in Asia/Karachi" in page


# --- The public map: Pakistan's provinces under the city dots -----------------------------------


def _inside(x: float, y: float, path: str) -> bool:
    """Ray casting over every ring of an SVG path made of M/L/Z commands."""
    inside = False
    for ring in path.split("Z"):
        points = [
            tuple(float(v) for v in part.strip().lstrip("ML").split(","))
            for part in ring.replace("M", " M").replace("L", " L").split()
            if part.strip().lstrip("ML")
        ]
        for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
            if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                inside = not inside
    return inside


def test_provinces_come_from_natural_earth_and_cities_fall_inside_theirs(app):
    from engagement.roadmap import svgmap

    provinces = {p.code: p for p in svgmap.provinces()}
    assert set(provinces) == {
        "PK-BA",
        "PK-GB",
        "PK-IS",
        "PK-JK",
        "PK-KP",
        "PK-PB",
        "PK-SD",
        "PK-TA",
    }
    assert provinces["PK-TA"].part_of == "PK-KP"  # former FATA, merged in 2018
    assert provinces["PK-JK"].name == "Azad Jammu and Kashmir"  # our reference name
    assert svgmap.PROVINCES_FILE.stat().st_size < 40_000  # simplified: a small file
    readme = (svgmap.PROVINCES_FILE.parent / "README.md").read_text()
    assert "Natural Earth" in readme and "public domain" in readme
    with app.app_context():
        cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
        for slug, code in (
            ("lahore", "PK-PB"),
            ("karachi", "PK-SD"),
            ("quetta", "PK-BA"),
            ("gilgit", "PK-GB"),
            ("peshawar", "PK-KP"),
        ):
            x, y = svgmap.project(cities[slug].latitude, cities[slug].longitude)
            assert _inside(x, y, provinces[code].path), slug
            assert not _inside(x, y, provinces["PK-SD" if code != "PK-SD" else "PK-PB"].path)


def test_public_map_draws_provinces_marks_focus_cities_and_lists_them_in_text(app, client):
    page = client.get("/roadmap/").get_data(as_text=True)
    assert page.count('<path class="province') == 8
    assert "<title>Khyber Pakhtunkhwa</title>" in page and "<title>Sindh</title>" in page
    assert 'class="province province-pk-kp province-part"' in page  # former FATA drawn as KP
    with app.app_context():
        focus = db.session.scalars(sa.select(City).where(City.pseb_focus.is_(True))).all()
    assert focus, "reference data has focus cities"
    assert page.count('class="focus-ring"') == len(focus)
    text = page[page.index('id="map-text"') :]
    assert "<h4>Punjab</h4>" in text and "<h4>Gilgit-Baltistan</h4>" in text
    assert f"{focus[0].name}, PSEB focus city: no upcoming meetup" in text
    assert "Natural Earth" in page
