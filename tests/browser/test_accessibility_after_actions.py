"""axe-core on pages people land on after an action: a flash message, a form with errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_webinars_journey import sign_in

pytestmark = pytest.mark.browser

axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")


def serious(page) -> list[str]:
    results = axe_module.Axe().run(page)
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes: {v['nodes'][0]['html'][:120]})"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_pages_after_an_action_pass_axe(page, make_user):
    make_user("company", email="axe.rep@example.com", name="Axe Rep")
    sign_in(page, "axe.rep@example.com")
    expect(page.locator(".flashes")).to_contain_text("Signed in as axe.rep@example.com")
    assert serious(page) == []
    page.goto("/signup")
    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".flashes")).to_contain_text("You are signed out")
    assert serious(page) == []
    page.goto("/signup")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert serious(page) == []
