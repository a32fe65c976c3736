"""CSRF, security headers, cookie flags, login rate limiting, and bad input that must give a
clear message and store nothing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engagement import create_app
from engagement.auth.models import Organisation, User
from engagement.directory.models import Company
from engagement.extensions import db
from tests.conftest import PASSWORD


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def errors(response) -> list[str]:
    return re.findall(r'class="error-text"[^>]*>([^<]*)<', response.get_data(as_text=True))


SIGNUP = {
    "role": "company",
    "name": "Sana Rep",
    "org_name": "Sana Systems",
    "email": "sana@example.test",
    "password": PASSWORD,
    "confirm": PASSWORD,
}


# --- CSRF -----------------------------------------------------------------------------------


def test_post_without_csrf_token_is_400_in_layout(csrf_app, make_user):
    client = csrf_app.test_client()
    response = client.post("/signup", data=SIGNUP)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "security token" in body and "site-header" in body
    assert count(csrf_app, User) == 0
    # The same for a signed-in user's POST.
    make_user("company", email="c@example.test")
    response = client.post("/login", data={"email": "c@example.test", "password": PASSWORD})
    assert response.status_code == 400


def test_post_with_csrf_token_works(csrf_app):
    client = csrf_app.test_client()
    page = client.get("/signup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/signup", data={**SIGNUP, "csrf_token": token})
    assert response.status_code == 302
    assert count(csrf_app, User) == 1


# --- Headers and cookies ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/login", "/no-such-page"])
def test_security_headers_on_every_response(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Frame-Options"] == "DENY"


def test_session_cookie_flags(client, make_user):
    make_user("company", email="c@example.test")
    response = client.post("/login", data={"email": "c@example.test", "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


#: Flask-Limiter keeps ``enabled`` on the shared extension: every extra app must say it.
NO_LIMITS = {"SECRET_KEY": "x", "RATELIMIT_ENABLED": False}


def test_secure_cookie_flag_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ENGAGEMENT_SESSION_COOKIE_SECURE", "true")
    app = create_app(NO_LIMITS | {"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    monkeypatch.setenv("ENGAGEMENT_REMEMBER_COOKIE_SECURE", "false")
    app = create_app(NO_LIMITS | {"INSTANCE_PATH": str(tmp_path)})
    assert app.config["REMEMBER_COOKIE_SECURE"] is False


# --- Rate limiting ----------------------------------------------------------------------------


def test_login_rate_limit(tmp_path):
    """A separate app with rate limiting on (the shared test app has it off).

    Flask-Limiter keeps ``enabled`` on the one shared extension object, so it is put back after.
    """
    from engagement.extensions import limiter

    was_enabled = limiter.enabled
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'limits.sqlite3'}",
            "SECRET_KEY": "x",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "3 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    try:
        client = app.test_client()
        data = {"email": "nobody@example.test", "password": "wrong-password-1"}
        statuses = [client.post("/login", data=data).status_code for _ in range(4)]
        assert statuses == [200, 200, 200, 429]
        limited = client.post("/login", data=data)
        assert limited.status_code == 429
        assert "Too many requests" in limited.get_data(as_text=True)
        assert "site-header" in limited.get_data(as_text=True)
        # Reading the page is not limited.
        assert client.get("/login").status_code == 200
    finally:
        limiter.enabled = was_enabled
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- Bad input: a clear message and nothing stored -------------------------------------------


def test_duplicate_email(client, make_user, app):
    make_user("company", email="sana@example.test")
    users, orgs = count(app, User), count(app, Organisation)
    response = client.post("/signup", data={**SIGNUP, "email": "SANA@example.test"})
    assert response.status_code == 422
    assert any("An account with this email already exists." in e for e in errors(response))
    assert 'value="Sana Systems"' in response.get_data(as_text=True)  # input kept
    assert (count(app, User), count(app, Organisation)) == (users, orgs)


@pytest.mark.parametrize(
    "password, message",
    [
        ("short1!", "Use at least 10 characters."),
        ("password123", "This password is too easy to guess; choose a less common one."),
        ("onlyletterspassword", "Mix letters with digits or symbols."),
        ("sana-2026-secret", "The password must not contain your email name."),
    ],
)
def test_weak_password(client, app, password, message):
    response = client.post("/signup", data={**SIGNUP, "password": password, "confirm": password})
    assert response.status_code == 422
    assert message in errors(response)
    assert count(app, User) == 0 and count(app, Company) == 0


def test_over_long_fields(client, app):
    response = client.post("/signup", data={**SIGNUP, "name": "N" * 121, "org_name": "O" * 201})
    assert response.status_code == 422
    found = errors(response)
    assert "Field cannot be longer than 120 characters." in found
    assert "Field cannot be longer than 200 characters." in found
    assert count(app, User) == 0 and count(app, Organisation) == 0


def test_malformed_email_and_missing_fields(client, app):
    response = client.post("/signup", data={**SIGNUP, "email": "not-an-email", "name": ""})
    assert response.status_code == 422
    found = errors(response)
    assert "Enter a valid email address." in found and "This field is required." in found
    assert count(app, User) == 0


def test_oversized_request_is_413_in_layout(client, app):
    too_big = app.config["MAX_CONTENT_LENGTH"] + 1
    response = client.post(
        "/signup",
        data={**SIGNUP, "name": "x" * too_big},
        content_type="application/x-www-form-urlencoded",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "larger than the server accepts" in body and "site-header" in body
    assert count(app, User) == 0
    api = client.post("/signup", data="x" * too_big, headers={"Accept": "application/json"})
    assert api.status_code == 413 and api.json["title"] == "Too large"


def test_bad_path_parameters_are_404_not_500(login_as):
    staff = login_as("staff")
    assert staff.get("/directory/companies/999999").status_code == 404
    assert staff.get("/directory/companies/abc").status_code == 404
    assert staff.get("/directory/companies?page=-3&city=x&sort=;drop").status_code == 200
