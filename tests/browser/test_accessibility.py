"""WCAG 2.1 AA checks by axe-core in Chromium, on the demo data: the key pages of each kind of
user, in English and in Urdu, on a desktop and on a 390-pixel phone. Any violation of impact
"serious" or "critical" fails, listed all at once. Also, by keyboard alone: a registration, and a
facilitation request (in English and Urdu)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from engagement import clock
from engagement.auth.demo import DEMO_PASSWORD
from engagement.core.context import offline_request_context
from engagement.events.models import Event, EventKind, EventState
from engagement.extensions import db
from engagement.facilitation.models import FacilitationRequest, RequestState, Sphere

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = Axe()
SERIOUS = ("serious", "critical")
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

#: who signs in (None: anonymous) -> the pages that person opens.
JOURNEYS: dict[str | None, list[str]] = {
    None: ["/", "/webinars/", "{webinar}", "/login", "/signup", "/roadmap/"],
    "company@techlogix.demo": ["/my/registrations", "{webinar}"],
    "founder@gilgitgrowth.demo": ["/facilitation/new", "/facilitation/my"],
    "staff@pseb.demo": ["/facilitation/queue", "/roadmap/board", "/staff/events", "/dashboard/"],
}


@pytest.fixture
def demo(app):
    """The whole demo data set; returns the path of an upcoming published webinar."""
    from engagement.seed import seed_demo

    with app.app_context():
        with offline_request_context():
            seed_demo()
        db.session.commit()
        webinar_id = db.session.scalar(
            sa.select(Event.id)
            .where(
                Event.kind == EventKind.WEBINAR,
                Event.state == EventState.PUBLISHED,
                Event.starts_at > clock.now(),
            )
            .order_by(Event.starts_at)
            .limit(1)
        )
    return f"/webinars/{webinar_id}"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main form button[type=submit]")  # "Sign in" or "سائن اِن"
    page.wait_for_url(lambda url: "/login" not in url)


def serious_violations(page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {violation['help']}"
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("language", ["en", "ur"])
def test_key_pages_have_no_serious_violations(browser, live_server, demo, language):
    failures: list[str] = []
    for email, paths in JOURNEYS.items():
        context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi")
        context.set_default_timeout(20_000)
        page = context.new_page()
        page.goto(f"/?lang={language}")
        if email:
            sign_in(page, email)
            # The page after an action, with its flash message, is checked too.
            failures += [f"after sign-in ({email}): {v}" for v in serious_violations(page)]
        for path in paths:
            path = path.format(webinar=demo)
            for name, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                response = page.goto(path)
                assert response is not None and response.status == 200, path
                expect(page.locator("html")).to_have_attribute("lang", language)
                failures += [f"{path} [{name}]: {v}" for v in serious_violations(page)]
        context.close()
    assert failures == [], "\n".join(failures)


def test_a_company_registers_for_a_webinar_by_keyboard_alone(browser, live_server, demo):
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto("/login")
    # The first Tab reaches the skip link, which is visible when focused and moves to the content.
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.locator("#email").focus()
    page.keyboard.type("colleague@techlogix.demo")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(demo)
    register = page.get_by_role("link", name=re.compile(r"^Register")).first
    register.focus()
    # A visible focus indicator: an outline or a box shadow on the focused control.
    ring = register.evaluate(
        "el => { const s = getComputedStyle(el); return s.outlineStyle + ' ' + s.boxShadow; }"
    )
    assert ring != "none none", ring
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/register"))
    page.locator("#attendees-0-name").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Keyboard Colleague")
    page.keyboard.press("Tab")
    expect(page.locator("#attendees-0-email")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("keyboard.colleague@techlogix.demo")
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("confirmed")
    context.close()


def tab_to(page, selector: str, most: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user moves through a page)."""
    target = page.locator(selector).first
    for _ in range(most):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} never took the focus in {most} presses of Tab")


def focus_ring(page) -> str:
    """The focused element's outline and box shadow: a visible indicator is not ``none none``."""
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return s.outlineStyle + ' ' + s.boxShadow; }"
    )


def skip_to_content(page) -> None:
    """The first Tab reaches the skip link, shown when focused; Enter moves into the content."""
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_ring(page) != "none none"
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()


@pytest.mark.parametrize("language", ["en", "ur"])
def test_a_startup_submits_a_facilitation_request_by_keyboard_alone(
    app, browser, live_server, demo, language
):
    """Tab, Enter, Space and typing only: no click, no programmatic focus."""
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi")
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.goto(f"/login?lang={language}")
    skip_to_content(page)
    tab_to(page, "#email")
    page.keyboard.type("founder@gilgitgrowth.demo")
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/facilitation/new")
    expect(page.locator("html")).to_have_attribute("lang", language)
    skip_to_content(page)
    # The first sphere (marketing) needs no more than a city, which is optional.
    tab_to(page, "input[name=sphere]")
    assert focus_ring(page) != "none none"
    page.keyboard.press("Space")
    expect(page.locator("input[name=sphere]").first).to_be_checked()
    tab_to(page, "#title")
    page.keyboard.type("Stand at the Lahore IT expo, by keyboard")
    page.keyboard.press("Enter")  # Enter in a text field submits its form
    page.wait_for_url(re.compile(r".*/summary$"))

    tab_to(page, "#summary")
    page.keyboard.type("We would like a shared stand for three Gilgit startups.")
    tab_to(page, "main form button[type=submit]")
    assert focus_ring(page) != "none none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/specifics$"))

    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Space")  # a button is pressed by Space as well as Enter
    page.wait_for_url(re.compile(r".*/files$"))

    tab_to(page, "form[action$='/submit'] button[type=submit]")
    assert focus_ring(page) != "none none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/facilitation/requests/\d+$"))
    expect(page.locator("h1")).to_contain_text("Stand at the Lahore IT expo, by keyboard")
    expect(page.locator(".flashes")).to_be_visible()
    context.close()
    with app.app_context():
        submitted = db.session.scalar(
            sa.select(FacilitationRequest).where(
                FacilitationRequest.title == "Stand at the Lahore IT expo, by keyboard"
            )
        )
        assert submitted.sphere == Sphere.MARKETING
        assert submitted.state == RequestState.SUBMITTED
        assert submitted.summary.startswith("We would like a shared stand")
