"""The API docs page renders Swagger UI in Chromium from local assets, under the site's CSP."""

import pytest

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
    page.wait_for_selector(".swagger-ui .info .title")
    assert "PSEB Engage API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-summary-path[data-path='/api/v1/events']")
    assert page.locator(".opblock-tag-section").count() >= 5
    # The Authorize button for the bearer scheme is there.
    assert page.locator(".btn.authorize").count() == 1
    assert failed == [] and foreign == []
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
