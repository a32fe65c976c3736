"""Static files: fingerprinted names with a year's cache, pre-compressed; pages compressed."""

from __future__ import annotations

import gzip
import re

import brotli


def asset_urls(client) -> list[str]:
    return re.findall(
        r'(?:href|src)="(/static/[^"]+)"', client.get("/login").get_data(as_text=True)
    )


def test_pages_link_fingerprinted_assets_cached_for_a_year(client):
    urls = asset_urls(client)
    css = next(u for u in urls if u.startswith("/static/css/app."))
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{10}\.css", css)
    response = client.get(css, headers={"Accept-Encoding": "br, gzip"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    plain = client.get("/static/css/app.css")
    assert brotli.decompress(response.data) == plain.data
    assert b".error-summary" in plain.data
    # Revalidated by ETag: a 304 with no body.
    again = client.get(
        css, headers={"Accept-Encoding": "br, gzip", "If-None-Match": response.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""


def test_plain_and_outdated_names_are_revalidated_and_gzip_is_offered(client):
    plain = client.get("/static/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert plain.headers["Cache-Control"] == "no-cache"
    assert plain.headers["Content-Encoding"] == "gzip"
    assert b"data-error-summary" in gzip.decompress(plain.data)
    outdated = client.get("/static/js/app.0123456789.js")
    assert outdated.status_code == 200 and outdated.headers["Cache-Control"] == "no-cache"
    assert client.get("/static/js/nothing.js").status_code == 404
    assert client.get("/static/../pyproject.toml").status_code == 404


def test_html_pages_are_compressed_for_browsers_that_accept_it(client):
    page = client.get("/login", headers={"Accept-Encoding": "br, gzip"})
    assert page.headers["Content-Encoding"] == "br"
    assert b"Sign in" in brotli.decompress(page.data)
    assert "Content-Encoding" not in client.get("/login").headers


def test_the_stylesheet_names_its_font_by_fingerprint_so_repeat_visits_skip_it(client):
    css = next(u for u in asset_urls(client) if u.startswith("/static/css/app."))
    text = client.get(css).get_data(as_text=True)
    font = re.search(r'url\("\.\./fonts/(noto-nastaliq-urdu[^"]+)"\)', text).group(1)
    assert re.fullmatch(r"noto-nastaliq-urdu-arabic-400-normal\.[0-9a-f]{10}\.woff2", font)
    served = client.get(f"/static/fonts/{font}")
    assert served.status_code == 200 and served.headers["Content-Type"] == "font/woff2"
    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The stylesheet's own name follows what it serves (its fingerprint is of the rewritten text).
    assert client.get(css).headers["Cache-Control"] == "public, max-age=31536000, immutable"
