"""Issue 17.2: signing out ends the session on the server; the account page lists devices and
signs out everywhere."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engagement.auth.models import ApiToken, User, UserSession
from engagement.extensions import db
from tests.conftest import PASSWORD, Auth

EMAIL = "c@example.test"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_cookie(source, name: str):
    thief = source.application.test_client()
    thief.set_cookie(name, source.get_cookie(name).value, domain="localhost")
    return thief


def test_a_session_cookie_captured_before_sign_out_is_dead_afterwards(app, make_user):
    make_user("company", email=EMAIL)
    client = app.test_client()
    Auth(client).login(EMAIL)
    thief = copy_cookie(client, "session")
    assert signed_in(thief)  # the copy works while the session lives
    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(thief)


def test_a_remember_me_cookie_captured_before_sign_out_is_dead_afterwards(app, make_user):
    make_user("company", email=EMAIL)
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    thief = copy_cookie(client, "remember_token")
    assert signed_in(thief)
    client.post("/logout")
    fresh = copy_cookie(client, "remember_token") if client.get_cookie("remember_token") else None
    assert not signed_in(thief)
    assert fresh is None or not signed_in(fresh)


def test_account_lists_devices_and_signs_one_out(app, make_user):
    make_user("company", email=EMAIL)
    laptop = app.test_client()
    laptop.post(
        "/login", data={"email": EMAIL, "password": PASSWORD}, headers={"User-Agent": CHROME}
    )
    phone = app.test_client()
    Auth(phone).login(EMAIL)
    page = laptop.get("/account/security").get_data(as_text=True)
    assert "Chrome on Windows" in page and "this device" in page
    assert page.count("last active") == 2
    with app.app_context():
        phone_session = db.session.scalar(
            sa.select(UserSession.id).where(UserSession.user_agent != CHROME)
        )
    assert laptop.post(f"/account/sessions/{phone_session}/revoke").status_code == 302
    assert not signed_in(phone)
    assert signed_in(laptop)


def test_someone_elses_session_cannot_be_revoked(app, make_user):
    make_user("company", email=EMAIL)
    make_user("company", email="other@example.test")
    mine, theirs = app.test_client(), app.test_client()
    Auth(mine).login(EMAIL)
    Auth(theirs).login("other@example.test")
    with app.app_context():
        other_id = db.session.scalar(
            sa.select(UserSession.id)
            .join(UserSession.user)
            .where(User.email == "other@example.test")
        )
    assert mine.post(f"/account/sessions/{other_id}/revoke").status_code == 404
    assert signed_in(theirs)


def test_sign_out_everywhere_ends_every_session_and_token(app, make_user):
    make_user("company", email=EMAIL)
    laptop, phone = app.test_client(), app.test_client()
    Auth(laptop).login(EMAIL)
    phone.post("/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    remembered = copy_cookie(phone, "remember_token")
    token = laptop.post("/account/tokens", data={"token-name": "CRM", "token-lifetime": "30"})
    secret = re.search(r"pse_[\w-]+", token.get_data(as_text=True)).group(0)
    api = app.test_client()
    assert (
        api.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )

    response = laptop.post("/account/sessions/revoke-all")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    for client in (laptop, phone, remembered):
        assert not signed_in(client)
    assert (
        api.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(ApiToken)
                .where(ApiToken.revoked_at.is_(None))
            )
            == 0
        )


def test_a_session_unused_for_the_idle_limit_ends(app, make_user, frozen_clock, monkeypatch):
    from datetime import UTC, datetime, timedelta

    monkeypatch.setitem(app.config, "SESSION_IDLE_DAYS", 30)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    frozen_clock(start)
    make_user("company", email=EMAIL)
    client = app.test_client()
    client.post("/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    frozen_clock(start + timedelta(days=29))
    assert signed_in(client)
    frozen_clock(start + timedelta(days=29 + 31))
    assert not signed_in(copy_cookie(client, "remember_token"))
