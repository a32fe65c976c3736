"""The check-in desk in Chromium, at the door of an event starting in an hour: staff search a
name, check the person in (the result answers in place, the counts move), undo it; and the same
desk without JavaScript (plain forms, a redirect after each POST)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from engagement.auth.models import User
from engagement.events import services as svc
from engagement.events.models import EventKind, EventState
from engagement.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _event_at_the_door(app, rep_id: int) -> int:
    """A published event starting in an hour (the door is open) with three registrants."""
    with app.app_context(), app.test_request_context():
        event = svc.create_event(
            EventKind.MEETUP,
            "Industry meetup: Hyderabad",
            datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1),
            duration_minutes=120,
            capacity=50,
            state=EventState.PUBLISHED,
        )
        rep = db.session.get(User, rep_id)
        svc.register_attendees(
            event.id,
            [
                svc.Attendee("Ayesha Khan", "ayesha.desk@example.com"),
                svc.Attendee("Bilal Ahmed", "bilal.desk@example.com"),
                svc.Attendee("Hina Baig", "hina.desk@example.com"),
            ],
            rep,
        )
        db.session.commit()
        return event.id


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/login" not in url)


def test_check_in_desk_search_check_in_undo(app, page, browser, live_server, make_user):
    make_user("staff", email="door.desk@example.com", name="Sana Door")
    rep_id = make_user(
        "company", email="rep.desk@example.com", name="Kamran Rep", org="Systems Ltd"
    )
    event_id = _event_at_the_door(app, rep_id)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_viewport_size({"width": 390, "height": 844})  # a phone at the door

    _sign_in(page, "door.desk@example.com")
    page.goto(f"/staff/events/{event_id}")
    page.click("a:has-text('Check-in desk')")
    page.wait_for_url(f"**/staff/events/{event_id}/desk")
    expect(page.locator("#count-expected")).to_have_text("3")
    expect(page.locator("#count-checked-in")).to_have_text("0")
    expect(page.locator("#desk-closed")).to_have_count(0)

    page.fill("#desk-q", "ayesha")
    page.click(".desk-search button:has-text('Search')")
    page.wait_for_url(re.compile(r"/desk\?q=ayesha$"))
    button = page.locator("button:has-text('Check in Ayesha Khan')")
    expect(button).to_be_visible()
    button.click()
    result = page.locator("#desk-result")
    expect(result).to_have_class("desk-result desk-ok")
    expect(result).to_contain_text("Checked in.")
    expect(result).to_contain_text("Ayesha Khan")
    expect(result).to_contain_text("Systems Ltd")
    expect(page.locator("#count-checked-in")).to_have_text("1")
    expect(page.locator("#count-expected")).to_have_text("3")

    undo = page.locator("#desk-undo button")
    expect(undo).to_contain_text("Undo check-in of Ayesha Khan")
    undo.click()
    expect(result).to_contain_text("Check-in undone.")
    expect(page.locator("#count-checked-in")).to_have_text("0")
    expect(page.locator("#desk-undo")).to_be_hidden()

    # The attendee list agrees after a reload.
    page.goto(f"/staff/events/{event_id}?q=ayesha")
    expect(page.locator("table")).to_contain_text("confirmed")
    assert errors == []

    # Without JavaScript the desk is plain forms: each POST redirects back with the result.
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    context.set_default_timeout(15_000)
    plain = context.new_page()
    _sign_in(plain, "door.desk@example.com")
    plain.goto(f"/staff/events/{event_id}/desk?q=bilal")
    with plain.expect_navigation(url=re.compile(r"/desk\?q=bilal$")):
        plain.click("button:has-text('Check in Bilal Ahmed')")
    expect(plain.locator("#desk-result")).to_have_class("desk-result desk-ok")
    expect(plain.locator("#desk-result")).to_contain_text("Bilal Ahmed")
    expect(plain.locator("#count-checked-in")).to_have_text("1")
    with plain.expect_navigation(url=re.compile(r"/desk\?q=bilal$")):
        plain.click("#desk-undo button")
    expect(plain.locator("#desk-result")).to_contain_text("Check-in undone.")
    expect(plain.locator("#count-checked-in")).to_have_text("0")
    context.close()
