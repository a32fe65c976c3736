"""The API docs page renders Swagger UI in Chromium from local assets, under the site's CSP."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_with_local_assets(page, live_server):
    failed, errors, foreign = [], [], []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server) else foreign.append(request.url)
        ),
    )
    page.goto("/api/v1/docs")
    # Swagger UI renders after the page loads: every read waits for it.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PSEB Engage API")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/events']")
    expect(page.locator(".opblock-tag-section").nth(4)).to_be_attached()  # at least five tags
    # The Authorize button for the bearer scheme is there.
    expect(page.locator(".btn.authorize")).to_have_count(1)
    assert failed == [] and foreign == []
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
