"""Issues 17.4 and 14.4: API tokens expire (chosen at creation, at most a year), show when they
were last used (written at most once a minute), and die with a password change or reset."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth.models import ApiToken
from engagement.extensions import db
from tests.conftest import PASSWORD, Auth, link_in

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EMAIL = "c@example.test"
NEW_PASSWORD = "another-pass-2027?"


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def api_token(client, **extra) -> dict:
    response = client.post("/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def stored(app) -> ApiToken:
    with app.app_context():
        token = db.session.scalar(sa.select(ApiToken).order_by(ApiToken.id.desc()))
        db.session.expunge_all()
        return token


def test_the_account_page_token_expires_when_chosen(app, make_user):
    make_user("company", email=EMAIL)
    client = app.test_client()
    Auth(client).login(EMAIL)
    form = client.get("/account/tokens").get_data(as_text=True)
    assert "Expires after" in form and "revokes them all" in form
    page = client.post("/account/tokens", data={"token-name": "HR", "token-lifetime": "7"})
    assert page.status_code == 200 and re.search(r"pse_[\w-]+", page.get_data(as_text=True))
    assert stored(app).expires_at == NOW + timedelta(days=7)
    assert "never used" in client.get("/account/tokens").get_data(as_text=True)
    bad = client.post("/account/tokens", data={"token-name": "HR", "token-lifetime": "9999"})
    assert bad.status_code == 422 and "Not a valid choice" in bad.get_data(as_text=True)


def test_api_tokens_expire_within_a_year(app, client, make_user, frozen_clock):
    make_user("company", email=EMAIL)
    default = api_token(client)
    assert default["expires_at"] == "2027-03-31T09:00:00Z"
    year = api_token(client, expires_in_days=365)
    assert year["expires_at"] == "2028-02-29T09:00:00Z"
    too_long = client.post(
        "/api/v1/tokens", json={"email": EMAIL, "password": PASSWORD, "expires_in_days": 366}
    )
    assert too_long.status_code == 422 and "expires_in_days" in too_long.get_json()["errors"]
    frozen_clock(NOW + timedelta(days=31))
    assert client.get("/api/v1/tokens", headers=bearer(default["token"])).status_code == 401
    assert client.get("/api/v1/tokens", headers=bearer(year["token"])).status_code == 200


def test_last_use_is_written_at_most_once_a_minute(app, client, make_user, frozen_clock):
    make_user("company", email=EMAIL)
    secret = api_token(client)["token"]
    assert stored(app).last_used_at is None
    client.get("/api/v1/tokens", headers=bearer(secret))
    assert stored(app).last_used_at == NOW
    frozen_clock(NOW + timedelta(seconds=30))
    client.get("/api/v1/tokens", headers=bearer(secret))
    assert stored(app).last_used_at == NOW  # not rewritten within the minute
    frozen_clock(NOW + timedelta(seconds=61))
    listed = client.get("/api/v1/tokens", headers=bearer(secret)).get_json()
    assert stored(app).last_used_at == NOW + timedelta(seconds=61)
    assert listed["items"][0]["last_used_at"] is not None


def test_a_password_change_revokes_every_token(app, client, make_user):
    make_user("company", email=EMAIL)
    secret = api_token(client)["token"]
    browser = app.test_client()
    Auth(browser).login(EMAIL)
    changed = browser.post(
        "/account/password",
        data={
            "password-current": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302
    assert client.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401


def test_a_password_reset_revokes_every_token(app, client, make_user, outbox):
    make_user("company", email=EMAIL)
    secret = api_token(client)["token"]
    client.post("/password/forgot", data={"email": EMAIL})
    link = link_in(outbox(EMAIL)[-1].body_text, "/password/reset/")
    reset = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert reset.status_code == 302
    assert client.get("/api/v1/tokens", headers=bearer(secret)).status_code == 401
