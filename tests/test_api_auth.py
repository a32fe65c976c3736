"""API tokens, bearer authentication, problem+json errors, the spec and the docs page."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from tests import test_api_support as support
from tests.conftest import PASSWORD
from tests.test_api_support import assert_problem

api_as = support.api_as  # fixture


def _email(app, user_id: int) -> str:
    from engagement.auth.models import User

    with app.app_context():
        return db.session.get(User, user_id).email


def test_token_from_password_then_bearer(app, client, make_user):
    email = _email(app, make_user("company"))
    response = client.post(
        "/api/v1/tokens", json={"email": email.upper(), "password": PASSWORD, "name": "CRM"}
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["token"].startswith("pse_") and body["name"] == "CRM"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["expires_at"])
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {body['token']}"})
    assert listed.status_code == 200
    assert [t["id"] for t in listed.json["items"]] == [body["id"]]
    assert "token" not in listed.json["items"][0]

    from engagement.auth.models import ApiToken

    with app.app_context():
        stored = db.session.scalar(sa.select(ApiToken.token_hash))
    assert stored == hashlib.sha256(body["token"].encode()).hexdigest()


def test_token_wrong_password_and_validation(app, client, make_user):
    email = _email(app, make_user("startup"))
    body = assert_problem(
        client.post("/api/v1/tokens", json={"email": email, "password": "wrong-pass-123"}), 401
    )
    assert "password" in body["detail"].lower()
    assert_problem(client.post("/api/v1/tokens", json={}), 422, "email", "password")
    assert_problem(
        client.post("/api/v1/tokens", json={"email": email, "password": "x", "colour": "red"}),
        422,
        "colour",
    )
    assert_problem(
        client.post("/api/v1/tokens", data="{not json", content_type="application/json"), 400
    )
    assert_problem(client.post("/api/v1/tokens", json=["a"]), 422, "body")


def test_deactivated_user_cannot_get_or_use_a_token(app, client, api_as):
    caller = api_as("company")
    from engagement.auth import services
    from engagement.auth.models import User

    with app.app_context():
        services.set_active(db.session.get(User, caller.user_id), False)
        db.session.commit()
    assert_problem(caller.get("/api/v1/tokens"), 401)
    assert_problem(
        client.post("/api/v1/tokens", json={"email": caller.email, "password": PASSWORD}), 401
    )


def test_revoke_and_expiry(app, api_as, frozen_clock):
    caller = api_as("company")
    other = api_as("company")
    token_id = caller.get("/api/v1/tokens").json["items"][0]["id"]
    assert_problem(other.delete(f"/api/v1/tokens/{token_id}"), 404)
    assert caller.get("/api/v1/tokens").status_code == 200
    response = caller.delete(f"/api/v1/tokens/{token_id}")
    assert response.status_code == 204 and response.data == b""
    assert_problem(caller.get("/api/v1/tokens"), 401)

    frozen_clock(datetime.now(UTC) + timedelta(days=31))
    assert_problem(other.get("/api/v1/tokens"), 401)


@pytest.mark.parametrize(
    "header", ["Bearer nope", "Bearer ", "Basic dXNlcjpwYXNz", "pse_without_scheme"]
)
def test_bad_authorization_is_401(client, header):
    body = assert_problem(client.get("/api/v1/tokens", headers={"Authorization": header}), 401)
    assert body["title"] == "Sign in required"


def test_anonymous_is_401(client):
    assert_problem(client.get("/api/v1/tokens"), 401)
    assert_problem(client.delete("/api/v1/tokens/1"), 401)


def _signed_in_browser(app, user_id: int):
    """A client holding a Flask-Login session cookie for the user (as after signing in)."""
    from engagement.auth.models import User
    from engagement.auth.sessions import start_session

    with app.app_context(), app.test_request_context():
        user = db.session.get(User, user_id)
        start_session(user)
        session_id = user.get_id()
        db.session.commit()
    browser = app.test_client()
    with browser.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return browser


def test_session_reads_but_cannot_write(app, make_user, api_as):
    browser = _signed_in_browser(app, make_user("staff"))
    assert browser.get("/api/v1/tokens").status_code == 200
    # Writes need a bearer token: a cookie alone is anonymous (no CSRF hole in the API).
    assert_problem(browser.delete("/api/v1/tokens/1"), 401)
    # The bearer token decides, even next to a session; a bad one is 401, not the session user.
    other = api_as("company")
    mine = browser.get("/api/v1/tokens", headers={"Authorization": f"Bearer {other.token}"})
    assert mine.status_code == 200 and len(mine.json["items"]) == 1
    assert_problem(browser.get("/api/v1/tokens", headers={"Authorization": "Bearer bad"}), 401)


def test_bearer_is_ignored_outside_the_api(api_as):
    caller = api_as("staff")
    response = caller.get("/account")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_is_exempt_from_csrf(csrf_app, make_user):
    email = _email(csrf_app, make_user("company"))
    client = csrf_app.test_client()
    response = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201


def test_token_creation_is_rate_limited(app, make_user):
    from engagement import create_app
    from engagement.extensions import limiter

    email = _email(app, make_user("company"))
    limited = create_app(
        {
            **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "SERVER_NAME")},
            "INSTANCE_PATH": app.instance_path,
            "TESTING": True,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "LOGIN_RATE_LIMIT": "3 per minute",  # /login and POST /api/v1/tokens together
        }
    )
    try:
        client = limited.test_client()
        statuses = [
            client.post(
                "/api/v1/tokens", json={"email": email, "password": "wrong-pass-1"}
            ).status_code
            for _ in range(3)
        ]
        assert statuses == [401, 401, 401]
        assert_problem(
            client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD}), 429
        )
    finally:
        limiter.enabled = False
        with limited.app_context():
            limiter.reset()
            db.session.remove()
            db.engine.dispose()


def test_unknown_api_path_and_method_are_problems(client, api_as):
    assert_problem(client.get("/api/v1/nothing-here"), 404)
    caller = api_as("company")
    assert_problem(caller.client.put("/api/v1/tokens", headers=caller._headers(None)), 405)


def test_openapi_document_validates(client):
    from openapi_spec_validator import validate

    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert spec["security"] == [{"bearerAuth": []}]
    assert spec["paths"]["/api/v1/tokens"]["post"]["security"] == []
    problem = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]["content"]
    assert list(problem) == ["application/problem+json"]


def test_docs_page_uses_local_assets_and_no_inline_script(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "//cdn" not in html and "unpkg" not in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "init.js"):
        stem, suffix = asset.rsplit(".", 1)
        # Served under a fingerprinted name (long cache lifetime), from the app itself.
        url = re.search(rf'"(/static/swagger-ui/{stem}\.[0-9a-f]+\.{suffix})"', html).group(1)
        static = client.get(url)
        assert static.status_code == 200 and len(static.data) > 100
        static.close()


def test_personal_token_from_the_account_page(app, make_user):
    browser = _signed_in_browser(app, make_user("company"))
    page = browser.post("/account/tokens", data={"token-name": "HR tool"})
    assert page.status_code == 200
    secret = re.search(r"<code[^>]*>(pse_[^<]+)</code>", page.get_data(as_text=True)).group(1)
    fresh = app.test_client()
    listed = fresh.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"})
    assert listed.status_code == 200
    [token] = listed.json["items"]
    assert token["name"] == "HR tool" and token["expires_at"] is not None  # 30 days by default
    revoked = fresh.delete(
        f"/api/v1/tokens/{token['id']}", headers={"Authorization": f"Bearer {secret}"}
    )
    assert revoked.status_code == 204
    assert_problem(fresh.get("/api/v1/tokens", headers={"Authorization": f"Bearer {secret}"}), 401)
