"""The roadmap journey in Chromium: staff plan the roadmap (seeing the proposal's difference
before keeping it), pin Gilgit on a date, re-plan when a team is away (the difference shows the
move), publish; a company representative registers for the Gilgit meetup from the public roadmap."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from engagement.auth.models import User
from engagement.directory.models import City
from engagement.extensions import db
from engagement.meetups.models import StpStatus, Venue, VenueKind
from engagement.roadmap import adapter
from engagement.roadmap.instance import blocked_reason, parse_instance
from engagement.roadmap.models import Closure, EntryState, RoadmapEntry, StaffTeam, TeamAbsence
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _world(app, staff_id: int) -> date:
    """Teams, venues and a Gilgit winter closure on the real clock; returns the Gilgit date."""
    with app.app_context():
        settings = adapter.get_settings()
        settings.horizon_start = None  # rolling: from next Monday
        settings.horizon_weeks = 12
        settings.max_per_week = 10
        settings.max_per_city = 1
        cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
        staff = db.session.get(User, staff_id)
        db.session.add(
            StaffTeam(
                slug="gilgit-team",
                name="Gilgit team",
                max_per_week=2,
                members=[staff],
                cities=[cities["gilgit"]],
            )
        )
        db.session.add(
            StaffTeam(
                slug="north",
                name="North team",
                max_per_week=2,
                cities=[cities[s] for s in ("islamabad", "bannu", "mingora")],
            )
        )
        db.session.add(
            Venue(
                city=cities["gilgit"],
                name="Gilgit Software Technology Park",
                kind=VenueKind.STP,
                stp_status=StpStatus.OPERATING,
                capacity=60,
            )
        )
        start, _end = adapter.horizon(settings)
        winter = date(start.year, 12, 20)
        db.session.add(
            Closure(
                city=cities["gilgit"],
                starts_on=winter,
                ends_on=date(winter.year + 1, 3, 15),
                reason="winter road access",
                every_year=True,
            )
        )
        db.session.commit()
        instance = parse_instance(adapter.build_instance())
        # A Wednesday in the window that Gilgit and its team may use (not a holiday, not winter).
        day = instance.start + timedelta(days=9)
        while day.weekday() != 2 or blocked_reason(instance, day, "gilgit", "gilgit-team"):
            day += timedelta(days=1)
        return day


def _away_on_islamabad_day(app) -> date:
    """The North team goes away on the day of Islamabad's draft; returns that day."""
    with app.app_context():
        entry = db.session.scalar(
            sa.select(RoadmapEntry)
            .join(RoadmapEntry.city)
            .where(City.slug == "islamabad", RoadmapEntry.state == EntryState.DRAFT)
        )
        north = db.session.scalar(sa.select(StaffTeam).where(StaffTeam.slug == "north"))
        db.session.add(
            TeamAbsence(team=north, starts_on=entry.day, ends_on=entry.day, reason="training")
        )
        db.session.commit()
        return entry.day


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/login" not in url)


def test_staff_plan_pin_replan_publish_then_company_registers(app, page, make_user):
    staff_id = make_user("staff", email="planner.roadmap@example.com", name="Bilal Planner")
    make_user("company", email="rep.roadmap@example.com", name="Kamran Rep", org="Techlogix")
    gilgit_day = _world(app, staff_id)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Staff plan the roadmap: the re-plan is a proposal, shown as a difference before it is kept.
    _sign_in(page, "planner.roadmap@example.com")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/roadmap/board")
    page.click("button:has-text('Re-plan around pinned and published')")
    page.wait_for_url(re.compile(r"/roadmap/board/plans/\d+$"))
    expect(page.locator("h1")).to_have_text("Re-plan: what would change")
    expect(page.locator("#diff-removed")).to_have_text("0")
    expect(page.locator("#difference")).to_contain_text("Gilgit")
    page.click("button:has-text('Keep the new plan')")
    page.wait_for_url(re.compile(r"/roadmap/board$"))
    expect(page.locator(".flashes")).to_contain_text("Kept the new plan")
    gilgit_row = page.locator("#city-gilgit")
    expect(gilgit_row.locator(".chip-draft")).to_have_count(1)
    # The month grid fits the page at 1280 px: nothing is cut off on the right.
    expect(page.locator(".roadmap-table")).to_be_visible()
    assert page.evaluate(
        "() => { const w = document.querySelector('.roadmap-table').closest('.table-wrap');"
        " return w.scrollWidth <= w.clientWidth; }"
    )

    # Pin Gilgit on a chosen date (moving a draft pins it there).
    gilgit_row.locator("a:has-text('edit')").click()
    page.wait_for_url(re.compile(r"/roadmap/entries/\d+$"))
    page.fill("#day", gilgit_day.isoformat())
    page.select_option("#team_id", label="Gilgit team")
    page.click("button:has-text('Move')")
    page.wait_for_url(re.compile(r"/roadmap/board#city-gilgit$"))
    expect(page.locator(".flashes")).to_contain_text("Moved Gilgit to")
    expect(page.locator("#city-gilgit .chip-pinned")).to_have_count(1)

    # The North team will be away on Islamabad's planned day: the re-plan moves it, and the
    # difference page says so for Islamabad before anything changes; Gilgit (pinned) stays.
    islamabad_day = _away_on_islamabad_day(app)
    page.click("button:has-text('Re-plan around pinned and published')")
    page.wait_for_url(re.compile(r"/roadmap/board/plans/\d+$"))
    expect(page.locator("#diff-moved")).to_have_text("1")
    islamabad = page.locator("#difference tr", has_text="Islamabad")
    expect(islamabad.locator(".diff-moved")).to_contain_text(islamabad_day.strftime("%a %d %b"))
    expect(page.locator("#difference")).not_to_contain_text("Gilgit")
    page.click("button:has-text('Keep the new plan')")
    page.wait_for_url(re.compile(r"/roadmap/board$"))
    chip = page.locator("#city-gilgit .chip-pinned")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(gilgit_day.strftime("%a %d"))

    # Publish it.
    chip.locator("input[name=entry_id]").check()
    page.click("button:has-text('Publish selected drafts')")
    page.wait_for_url(re.compile(r"/roadmap/board$"))
    expect(page.locator(".flashes")).to_contain_text("Published 1 meetup(s)")
    expect(page.locator("#city-gilgit .chip-published")).to_have_count(1)
    page.click(".user-menu button:has-text('Sign out')")
    expect(page.locator(".flashes")).to_contain_text("You are signed out.")

    # A company representative registers from the public roadmap.
    _sign_in(page, "rep.roadmap@example.com")
    page.goto("/roadmap/")
    expect(page.locator("svg.city-map title").first).to_have_text(
        "Map of meetup cities in Pakistan"
    )
    page.click("a.meetup-title:has-text('Gilgit')")
    page.wait_for_url(re.compile(r"/meetups/\d+$"))
    expect(page.locator("#email")).to_have_value("rep.roadmap@example.com")
    page.fill("#colleagues", "Hina Colleague <hina.roadmap@example.com>")
    page.click("main form button:has-text('Register')")
    expect(page.locator(".flashes")).to_contain_text("Registered: 2 confirmed")
    expect(page.locator("main")).to_contain_text("You are registered")
    assert errors == []
