"""The header stays one row at 1280, 1024 and 390 px for staff (and for a startup, whose bar has
the most links); staff tools sit in a "Manage" menu that opens without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "instance" / "screenshots"


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def header_rows(page) -> dict[str, float]:
    """Height of the header bar and how far its visible items' tops differ (0 = one row)."""
    return page.evaluate(
        """() => {
          const bar = document.querySelector('.site-header .bar');
          const kids = [...bar.children].filter(el => el.offsetParent !== null);
          const tops = kids.map(el => el.getBoundingClientRect());
          const centres = tops.map(r => r.top + r.height / 2);
          return {
            height: bar.getBoundingClientRect().height,
            spread: Math.max(...centres) - Math.min(...centres),
            overflow: document.documentElement.scrollWidth - window.innerWidth,
            links: [...bar.querySelectorAll('.nav-wide .nav > li')]
              .filter(li => li.offsetParent !== null)
              .map(li => li.getBoundingClientRect().top),
            // Every visible item (brand, each link, the account links), left to right.
            boxes: [...bar.querySelectorAll('.brand, .nav-wide .nav > li, .user-menu > *, .nav-narrow')]
              .filter(el => el.offsetParent !== null)
              .map(el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }),
          };
        }"""
    )


def assert_one_row(page, width: int, name: str) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/webinars/")
    expect(page.locator(".site-header")).to_be_visible()
    rows = header_rows(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"header-{name}-{width}.png"))
    assert rows["height"] <= 64, rows  # one row of 2rem controls plus padding
    assert rows["spread"] <= 4, rows  # brand, links and account share one line
    assert rows["overflow"] <= 0, rows  # nothing pushes the page sideways
    assert len(set(round(top) for top in rows["links"])) <= 1, rows
    boxes = sorted(rows["boxes"])
    for (_left, right), (next_left, _right) in zip(boxes, boxes[1:], strict=False):
        assert right <= next_left + 0.5, rows  # no item overlaps the next one
    assert boxes[-1][1] <= width, rows


def test_staff_header_is_one_row_at_three_widths(app, page, make_user):
    make_user("admin", email="ayesha.admin@pseb.gov.pk", org=None, name="Ayesha Admin")
    sign_in(page, "ayesha.admin@pseb.gov.pk")
    main = page.get_by_role("navigation", name="Main")

    for width in (1280, 1024):
        assert_one_row(page, width, "admin")
        # Staff tools are grouped: hidden until "Manage" opens, then one click away.
        expect(main.get_by_role("link", name="Roadmap board")).to_be_hidden()
        main.get_by_text("Manage").click()
        for label in ("Events", "Roadmap board", "Requests", "Directory", "Users"):
            expect(main.get_by_role("link", name=label)).to_be_visible()
        if width == 1024:
            page.screenshot(path=str(SHOTS / "header-admin-1024-manage-open.png"))
        # A click elsewhere closes it (with JavaScript; without, its own button does).
        page.locator("main").click(position={"x": 5, "y": 5})
        expect(main.get_by_role("link", name="Roadmap board")).to_be_hidden()

    main.get_by_text("Manage").click()
    main.get_by_role("link", name="Directory").click()
    page.wait_for_url("**/directory/companies")
    expect(main.locator("summary[aria-current]")).to_have_text("Manage")

    # At 390 px everything sits behind one "Menu" button, and the header is still one row.
    assert_one_row(page, 390, "admin")
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    main.get_by_text("Menu").click()
    page.screenshot(path=str(SHOTS / "header-admin-390-menu-open.png"))
    for label in ("Webinars", "My registrations", "Roadmap board", "Users", "Your account"):
        expect(main.get_by_role("link", name=label)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()


def test_startup_header_is_one_row(app, page, make_user):
    make_user(
        "startup",
        email="zara@karakoram-labs.pk",
        org="Karakoram Labs",
        name="Zara Hussain-Baig Founder",
    )
    sign_in(page, "zara@karakoram-labs.pk")
    for width in (1280, 1024, 390):
        assert_one_row(page, width, "startup")
    page.set_viewport_size({"width": 1024, "height": 800})
    expect(page.get_by_role("navigation", name="Main").get_by_text("Manage")).to_have_count(0)


def test_menus_open_without_javascript(browser, live_server, make_user):
    make_user("staff", email="bilal@pseb.gov.pk", org=None, name="Bilal Staff")
    context = browser.new_context(base_url=live_server, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, "bilal@pseb.gov.pk")
        page.set_viewport_size({"width": 1024, "height": 800})
        page.goto("/webinars/")
        main = page.get_by_role("navigation", name="Main")
        main.get_by_text("Manage").click()
        expect(main.get_by_role("link", name="Requests")).to_be_visible()
        main.get_by_text("Manage").click()
        expect(main.get_by_role("link", name="Requests")).to_be_hidden()
    finally:
        context.close()


def test_visitor_header_is_one_row(page):
    for width in (1280, 1024, 390):
        assert_one_row(page, width, "visitor")
    main = page.get_by_role("navigation", name="Main")
    main.get_by_text("Menu").click()
    expect(main.get_by_role("link", name="Create account")).to_be_visible()
