"""Issues 17.5 and 14.5: sign-in attempts counted per client address over /login and
POST /api/v1/tokens together and per account (locked for a while, owner emailed, nothing told
about whether the account exists); limits on sign-up, the current-password check, anonymous
meetup registration and verification resends; ``Retry-After`` on 429; counts shared by workers."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD, Auth
from tests.test_meetups_pages import published  # noqa: F401  (fixture)

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EMAIL = "c@example.test"
WRONG = "wrong-pass-123"


@pytest.fixture
def limits(app, monkeypatch):
    """Rate limits on, small, for this test (the shared app has them off)."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)

    def set_limits(**values: str) -> None:
        for key, value in values.items():
            monkeypatch.setitem(app.config, key, value)

    return set_limits


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def login(client, email: str = EMAIL, password: str = WRONG):
    return client.post("/login", data={"email": email, "password": password})


def api_login(client, email: str = EMAIL, password: str = WRONG):
    return client.post("/api/v1/tokens", json={"email": email, "password": password})


def test_sign_in_attempts_are_counted_over_the_form_and_the_api_together(
    app, make_user, limits, frozen_clock
):
    frozen_clock(NOW)
    limits(LOGIN_RATE_LIMIT="4 per minute", ACCOUNT_LOCKOUT_LIMIT="100 per hour")
    make_user("company", email=EMAIL)
    client = from_address(app, "203.0.113.7")
    assert [login(client).status_code for _ in range(2)] == [200, 200]
    assert [api_login(client).status_code for _ in range(2)] == [401, 401]
    refused = api_login(client, password=PASSWORD)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = login(client, password=PASSWORD)
    assert page.status_code == 429 and "Retry-After" in page.headers
    assert "Too many sign-in attempts from your network" in page.get_data(as_text=True)
    # Another address is not affected, and the next minute starts afresh.
    assert login(from_address(app, "198.51.100.2"), password=PASSWORD).status_code == 302
    frozen_clock(NOW + timedelta(minutes=1))
    assert login(client, password=PASSWORD).status_code == 302


def test_an_account_is_locked_after_repeated_failures_and_its_owner_told(
    app, make_user, limits, frozen_clock, outbox
):
    frozen_clock(NOW)
    limits(LOGIN_RATE_LIMIT="100 per minute", ACCOUNT_LOCKOUT_LIMIT="3 per 15 minutes")
    make_user("company", email=EMAIL)
    # Failures from several addresses (a botnet) count against the one account.
    statuses = [login(from_address(app, f"192.0.2.{n}")).status_code for n in range(3)]
    assert statuses == [200, 200, 200]
    locked = login(from_address(app, "192.0.2.50"), password=PASSWORD)  # even the right password
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 60
    body = locked.get_data(as_text=True)
    assert "Too many failed sign-ins for this email address" in body
    assert api_login(app.test_client(), password=PASSWORD).status_code == 429
    mails = [m for m in outbox(EMAIL) if "paused" in m.subject]
    assert len(mails) == 1 and "/password/forgot" in mails[0].body_text
    login(from_address(app, "192.0.2.51"))
    assert len([m for m in outbox(EMAIL) if "paused" in m.subject]) == 1  # told once per lock

    # An address without an account answers exactly the same way.
    for n in range(3):
        login(from_address(app, f"192.0.2.{n}"), email="nobody@example.test")
    unknown = login(from_address(app, "192.0.2.50"), email="nobody@example.test")
    assert unknown.status_code == 429
    assert body.replace(EMAIL, "").count("Too many failed") == unknown.get_data(as_text=True).count(
        "Too many failed"
    )
    assert outbox("nobody@example.test") == []

    frozen_clock(NOW + timedelta(minutes=16))
    assert login(from_address(app, "192.0.2.50"), password=PASSWORD).status_code == 302


def test_sign_up_is_limited_per_address(app, limits):
    limits(SIGNUP_RATE_LIMIT="2 per hour")
    client = from_address(app, "203.0.113.8")
    data = {"role": "company", "name": "N", "org_name": "O", "email": "bad", "password": "x"}
    assert [client.post("/signup", data=data).status_code for _ in range(2)] == [422, 422]
    refused = client.post("/signup", data=data)
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_the_current_password_check_is_limited(app, make_user, limits):
    limits(PASSWORD_CHECK_RATE_LIMIT="2 per 15 minutes")
    make_user("company", email=EMAIL)
    client = app.test_client()
    Auth(client).login(EMAIL)
    data = {
        "password-current": "guess-number-1",
        "password-password": "another-pass-2027?",
        "password-confirm": "another-pass-2027?",
    }
    assert [client.post("/account/password", data=data).status_code for _ in range(2)] == [
        422,
        422,
    ]
    refused = client.post("/account/password", data={**data, "password-current": PASSWORD})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


def test_verification_resends_are_limited(app, limits, outbox):
    limits(VERIFICATION_RESEND_RATE_LIMIT="2 per hour")
    client = app.test_client()
    client.post(
        "/signup",
        data={
            "role": "startup",
            "name": "Founder",
            "org_name": "Labs",
            "email": "f@example.test",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert [client.post("/account/verify").status_code for _ in range(2)] == [302, 302]
    refused = client.post("/account/verify")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert len(outbox("f@example.test")) == 3  # the sign-up mail and two resends


def test_anonymous_meetup_registration_is_limited(app, published, limits):  # noqa: F811
    limits(ANONYMOUS_REGISTRATION_RATE_LIMIT="2 per hour")
    client = from_address(app, "203.0.113.9")
    path = f"/meetups/{published.event_id}/register"
    statuses = [
        client.post(path, data={"name": f"P {n}", "email": f"p{n}@x.test"}).status_code
        for n in range(2)
    ]
    assert statuses == [302, 302]
    refused = client.post(path, data={"name": "P 3", "email": "p3@x.test"})
    assert refused.status_code == 429 and "Retry-After" in refused.headers


@pytest.mark.slow
def test_the_sign_in_limit_holds_across_two_gunicorn_workers(app, make_user):
    """Counts live where every worker sees them: 2 workers still answer only 6 per hour."""
    from tests.servers import gunicorn

    make_user("company", email=EMAIL)
    env = {"ENGAGEMENT_RATELIMIT_ENABLED": "true", "ENGAGEMENT_LOGIN_RATE_LIMIT": "6 per hour"}
    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, workers=2, **env) as (
        base_url,
        _process,
    ):
        statuses, retry_after = [], None
        for _ in range(14):  # a new connection each time: the workers take turns
            request = urllib.request.Request(
                f"{base_url}/api/v1/tokens",
                data=json.dumps({"email": EMAIL, "password": WRONG}).encode(),
                headers={"Content-Type": "application/json", "Connection": "close"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    statuses.append(response.status)
            except urllib.error.HTTPError as error:
                statuses.append(error.code)
                retry_after = error.headers.get("Retry-After") or retry_after
        # Per-worker counting would answer up to 12; shared counting answers exactly 6.
        assert statuses == [401] * 6 + [429] * 8, statuses
        assert retry_after is not None and int(retry_after) > 0


def test_the_flask_limiter_storage_backend_counts_the_same_way(app, make_user, limits, monkeypatch):
    """With RATELIMIT_STORAGE_URI=redis://… the counts go to Flask-Limiter's storage; the same
    code path is exercised here on its in-process storage."""
    from engagement.auth import throttle

    monkeypatch.setattr(throttle, "_uses_database", lambda: False)
    limits(LOGIN_RATE_LIMIT="2 per minute")
    make_user("company", email=EMAIL)
    client = from_address(app, "203.0.113.77")
    try:
        assert [api_login(client).status_code for _ in range(2)] == [401, 401]
        refused = api_login(client, password=PASSWORD)
        assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    finally:
        with app.app_context():
            throttle._storage().reset()


def test_the_prune_job_deletes_counters_whose_window_ended(app, make_user, limits, frozen_clock):
    import sqlalchemy as sa

    from engagement.auth.models import RateCounter
    from engagement.extensions import db
    from engagement.scheduler.registry import JOBS
    from engagement.scheduler.runner import load_tasks, run_job

    frozen_clock(NOW)
    limits(LOGIN_RATE_LIMIT="10 per minute", ACCOUNT_LOCKOUT_LIMIT="10 per hour")
    login(from_address(app, "203.0.113.10"))
    load_tasks()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RateCounter)) == 2
        frozen_clock(NOW + timedelta(minutes=2))
        assert run_job(JOBS["auth_prune_rate_counters"]) == 1  # the minute's; the hour's stays
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RateCounter)) == 1
