"""The home page renders in Chromium with its local stylesheet, and stays light in Urdu."""

import pytest

from tests.browser.test_accessibility import demo  # noqa: F401 - the demo data set

pytestmark = pytest.mark.browser

#: Issue 12: the Urdu home page, fonts included, on a first visit and on a repeat visit.
FIRST_VISIT_LIMIT = 300 * 1024
REPEAT_VISIT_LIMIT = 60 * 1024


def test_home_renders_with_local_assets(page):
    failed = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    page.goto("/")
    assert page.title().endswith("PSEB Engage")
    # The stylesheet applied: the header has the brand colour.
    colour = page.eval_on_selector(".site-header", "el => getComputedStyle(el).backgroundColor")
    assert colour == "rgb(11, 61, 46)"
    assert failed == []


class NetworkBytes:
    """Bytes received over the network per URL, headers and body, as Chromium's DevTools count
    them (``encodedDataLength``: compressed size; nothing for an answer from its cache)."""

    def __init__(self, page) -> None:
        self.urls: dict[str, str] = {}
        self.by_url: dict[str, int] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.send("Network.enable")

    def _sent(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict) -> None:
        url = self.urls.get(event["requestId"], event["requestId"])
        self.by_url[url] = self.by_url.get(url, 0) + int(event["encodedDataLength"])

    def take(self) -> tuple[int, dict[str, int]]:
        """The total so far and its parts; starts counting afresh."""
        parts, self.by_url = self.by_url, {}
        return sum(parts.values()), parts


def _visit(page, bytes_: NetworkBytes) -> tuple[int, dict[str, int]]:
    page.goto("/?lang=ur", wait_until="networkidle")
    # The Urdu font is fetched once text needs it: wait for it to load before counting.
    assert page.evaluate(
        "async () => { await document.fonts.ready;"
        " return document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'اردو'); }"
    )
    page.wait_for_load_state("networkidle")
    return bytes_.take()


def test_urdu_home_page_weight_first_and_repeat_visit(browser, live_server, demo):  # noqa: F811
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi")
    context.set_default_timeout(20_000)
    page = context.new_page()
    network = NetworkBytes(page)
    first, first_parts = _visit(page, network)
    assert any("nastaliq" in url for url in first_parts), first_parts  # the font is counted
    repeat, repeat_parts = _visit(page, network)
    context.close()
    print(f"\nUrdu home page: first visit {first / 1024:.1f} KB, repeat {repeat / 1024:.1f} KB")
    for url, size in sorted(first_parts.items(), key=lambda item: -item[1]):
        print(f"  first {size / 1024:7.1f} KB  {url}  (repeat: {repeat_parts.get(url, 0)} B)")
    assert first < FIRST_VISIT_LIMIT, first_parts
    assert repeat < REPEAT_VISIT_LIMIT, repeat_parts
