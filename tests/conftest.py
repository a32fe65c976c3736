"""Fixtures: an app on a real database (SQLite file, or PostgreSQL when
``ENGAGEMENT_TEST_DATABASE_URL`` is set), a client, users of every role, the outbox, the clock.

The schema is created once per session; after each test every non-reference table is emptied,
so tests see the reference data (provinces, districts, cities, sectors) and nothing else.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import email_validator
import pytest
import sqlalchemy as sa

from engagement import clock, create_app
from engagement.extensions import db

# Test addresses use the reserved .test domain (RFC 2606), which email-validator rejects in
# forms unless told this is a test environment (only here; never in the app).
email_validator.TEST_ENVIRONMENT = True

REFERENCE_TABLES = {"province", "district", "city", "sector"}
PASSWORD = "test-pass-2026!"


def database_url(tmp_root: Path) -> str:
    url = os.environ.get("ENGAGEMENT_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("instance")
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(root),
            "SQLALCHEMY_DATABASE_URI": database_url(root),
            "SECRET_KEY": "test-secret",
            "SERVER_NAME": "localhost",
            "BASE_URL": "http://localhost",
            "RATELIMIT_ENABLED": False,
            "CACHE_TYPE": "NullCache",
            "WTF_CSRF_ENABLED": False,
            # Tests move the clock by months; sessions must not end idle behind their backs.
            "SESSION_IDLE_DAYS": 3650,
        }
    )
    # Cheap Argon2 costs in tests (the default takes 64 MB and several passes per hash, on 2
    # shared cores). Each hash records its parameters, so verifying runs the same code path.
    from argon2 import PasswordHasher

    from engagement.auth import services as auth_services

    auth_services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with app.app_context():
        db.drop_all()
        db.create_all()
        from engagement.seed import load_reference

        load_reference()
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    clock.freeze(None)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                if table.name not in REFERENCE_TABLES:
                    connection.execute(table.delete())


@pytest.fixture
def ctx(app):
    """An application context for calling services directly; commits are up to the test."""
    with app.app_context(), app.test_request_context():
        yield
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_app(app):
    """The same app with CSRF protection on (for the tests that prove it)."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield app
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """``make_user("company", email=..., org="...")`` creates a verified user and commits."""
    from engagement.auth import services
    from engagement.auth.models import Role

    counter = iter(range(1, 10_000))

    def make(
        role: str = "company",
        *,
        email: str | None = None,
        org: str | None = "",
        name: str = "",
        password: str = PASSWORD,
        country: str | None = None,
    ):
        n = next(counter)
        email = email or f"{role}{n}@example.test"
        if org == "" and role in ("company", "startup", "partner"):
            org = f"{role.title()} Org {n}"
        if role == "partner" and country is None:
            country = "DE"  # a partner speaks for an overseas entity (created when missing)
        with app.app_context(), app.test_request_context():
            user = services.create_user(
                email,
                password,
                Role(role),
                name=name or f"{role.title()} User {n}",
                org_name=org or None,
                verified=True,
                country=country,
            )
            db.session.commit()
            return user.id

    return make


class Auth:
    """Sign a test client in and out through the real login form."""

    def __init__(self, client) -> None:
        self.client = client

    def login(self, email: str, password: str = PASSWORD):
        response = self.client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)


@pytest.fixture
def login_as(app, make_user):
    """``login_as("staff")`` → a test client signed in as a new user of that role (and its id)."""

    def login(role: str, **kwargs):
        user_id = make_user(role, **kwargs)
        with app.app_context():
            from engagement.auth.models import User

            email = db.session.get(User, user_id).email
        client = app.test_client()
        Auth(client).login(email)
        client.user_id = user_id
        return client

    return login


@pytest.fixture
def outbox(app):
    """Read queued mails: ``outbox()`` → list of OutboxMessage rows (detached), each with the
    text the deliverer sends (a mail queued to be rendered at sending time is rendered here the
    same way, and nothing is stored)."""
    from engagement.notifications.models import OutboxMessage
    from engagement.notifications.services import render_message

    def read(to: str | None = None):
        with app.app_context():
            query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
            if to:
                query = query.where(OutboxMessage.to_address == to)
            rows = db.session.scalars(query).all()
            for row in rows:
                render_message(row)
            db.session.expunge_all()
            db.session.rollback()
            return rows

    return read


def link_in(text: str, path_prefix: str) -> str:
    """The first URL path in ``text`` starting with ``path_prefix``."""
    match = re.search(r"https?://[^/\s]+(" + re.escape(path_prefix) + r"[^\s]*)", text)
    assert match, f"no link to {path_prefix} in: {text}"
    return match.group(1)


@pytest.fixture
def frozen_clock():
    """``frozen_clock(datetime)`` freezes engagement.clock.now(); it thaws after the test."""

    def freeze(moment: datetime) -> None:
        clock.freeze(moment)

    yield freeze
    clock.freeze(None)


# --- Real servers and a real browser ----------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app):
    """gunicorn (2 sync workers) on the test database; yields its base URL."""
    from tests.servers import gunicorn

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, workers=2) as (
        base_url,
        _process,
    ):
        yield base_url


CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if not Path(executable).exists():
        pytest.fail(f"Chromium not found at {executable}; scripts/test installs it")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context and page; ``page.goto("/path")`` is relative to the live server."""
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Karachi", locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
