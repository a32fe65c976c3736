"""The home page renders in Chromium with its local stylesheet."""

import pytest

pytestmark = pytest.mark.browser


def test_home_renders_with_local_assets(page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/")
    assert page.title().endswith("PSEB Engage")
    # The stylesheet applied: the header has the brand colour.
    colour = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(11, 61, 46)"
    assert failed == []
