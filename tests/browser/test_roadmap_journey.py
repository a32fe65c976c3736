"""The roadmap journey in Chromium: staff plan the roadmap, pin Gilgit on a date, re-plan and
publish; a company representative registers for the Gilgit meetup from the public roadmap."""

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
from engagement.roadmap.calendar import blocked_reason
from engagement.roadmap.instance import parse_instance
from engagement.roadmap.models import Closure, StaffTeam
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


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_load_state()
    assert "/login" not in page.url


def test_staff_plan_pin_replan_publish_then_company_registers(app, page, make_user):
    staff_id = make_user("staff", email="planner.roadmap@example.com", name="Bilal Planner")
    make_user("company", email="rep.roadmap@example.com", name="Kamran Rep", org="Techlogix")
    gilgit_day = _world(app, staff_id)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # Staff plan the roadmap.
    _sign_in(page, "planner.roadmap@example.com")
    page.goto("/roadmap/board")
    page.click("button:has-text('Re-plan around pinned and published')")
    expect(page.locator(".flashes")).to_contain_text("Planned:")
    gilgit_row = page.locator("#city-gilgit")
    expect(gilgit_row.locator(".chip-draft")).to_have_count(1)

    # Pin Gilgit on a chosen date (moving a draft pins it there).
    gilgit_row.locator("a:has-text('edit')").click()
    page.fill("#day", gilgit_day.isoformat())
    page.select_option("#team_id", label="Gilgit team")
    page.click("button:has-text('Move')")
    expect(page.locator(".flashes")).to_contain_text("Moved Gilgit to")
    expect(page.locator("#city-gilgit .chip-pinned")).to_have_count(1)

    # Re-plan: the pinned date stays.
    page.click("button:has-text('Re-plan around pinned and published')")
    expect(page.locator(".flashes")).to_contain_text("Planned:")
    chip = page.locator("#city-gilgit .chip-pinned")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text(gilgit_day.strftime("%a %d"))

    # Publish it.
    chip.locator("input[name=entry_id]").check()
    page.click("button:has-text('Publish selected drafts')")
    expect(page.locator(".flashes")).to_contain_text("Published 1 meetup(s)")
    assert page.locator("#city-gilgit .chip-published").count() == 1
    page.click(".user-menu button:has-text('Sign out')")

    # A company representative registers from the public roadmap.
    _sign_in(page, "rep.roadmap@example.com")
    page.goto("/roadmap/")
    assert (
        page.locator("svg.city-map title").first.text_content()
        == "Map of meetup cities in Pakistan"
    )
    page.click("a.meetup-title:has-text('Gilgit')")
    assert re.search(r"/meetups/\d+$", page.url)
    assert page.input_value("#email") == "rep.roadmap@example.com"
    page.fill("#colleagues", "Hina Colleague <hina.roadmap@example.com>")
    page.click("main form button:has-text('Register')")
    expect(page.locator(".flashes")).to_contain_text("Registered: 2 confirmed")
    assert "You are registered" in page.inner_text("main")
    assert errors == []
