"""Issue 17.6: HSTS when cookies are HTTPS-only (configurable max-age), and no server banner."""

from __future__ import annotations

import urllib.request

import pytest


def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_hsts_when_cookies_are_secure(app, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    headers = app.test_client().get("/login").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setitem(app.config, "HSTS_MAX_AGE", 300)
    assert app.test_client().get("/").headers["Strict-Transport-Security"] == "max-age=300"
    monkeypatch.setitem(app.config, "HSTS_MAX_AGE", 0)  # 0 turns it off
    assert "Strict-Transport-Security" not in app.test_client().get("/").headers


@pytest.mark.slow
def test_gunicorn_sends_no_server_banner(live_server):
    with urllib.request.urlopen(f"{live_server}/healthz", timeout=10) as response:
        assert response.status == 200
        assert response.headers.get("Server") is None
