"""Several machines: two separate gunicorn servers on the same PostgreSQL and the same Redis
(Debian's redis-server on a free loopback port), as web nodes behind a load balancer would run.

- the sign-in rate limit holds across both servers together (Flask-Limiter's Redis storage);
- a registration made through one server is seen through the other;
- 200 concurrent registrations spread over both give exactly the capacity confirmed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa

from engagement.events.models import Registration, RegistrationState
from engagement.extensions import db
from tests.conftest import PASSWORD
from tests.servers import free_port, gunicorn
from tests.test_events_concurrency import (
    PEOPLE,
    SEATS,
    csrf_token,
    make_people,
    register_all_at_once,
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A throwaway redis-server (no persistence) on a free loopback port."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(binary):
        pytest.fail("redis-server not found; scripts/test installs Debian's redis-server")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def postgresql(app) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("postgresql"):
        pytest.skip("several machines share PostgreSQL; the SQLite file is the one-machine default")
    return url


@contextlib.contextmanager
def two_nodes(app, database_url: str, redis_url: str, **env: str) -> Iterator[tuple[str, str]]:
    """Two gunicorn servers (2 workers each) sharing the database, the cache and the limits."""
    shared = {
        "ENGAGEMENT_CACHE_TYPE": "RedisCache",
        "ENGAGEMENT_CACHE_REDIS_URL": f"{redis_url}/0",
        "ENGAGEMENT_RATELIMIT_STORAGE_URI": f"{redis_url}/1",
        **env,
    }
    with (
        gunicorn(database_url, app.instance_path, workers=2, **shared) as (node_a, _a),
        gunicorn(database_url, app.instance_path, workers=2, **shared) as (node_b, _b),
    ):
        yield node_a, node_b


def sign_in(base_url: str, email: str, session: requests.Session | None = None):
    session = session or requests.Session()
    page = session.get(f"{base_url}/login", timeout=60)
    response = session.post(
        f"{base_url}/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
        allow_redirects=False,
        timeout=60,
    )
    return session, response


def test_sign_in_limit_holds_across_both_servers(app, postgresql, redis_url, make_user):
    make_user("company", email="target@example.com")
    env = {"ENGAGEMENT_RATELIMIT_ENABLED": "true", "ENGAGEMENT_LOGIN_RATE_LIMIT": "5 per minute"}
    with two_nodes(app, postgresql, redis_url, **env) as nodes:
        statuses = []
        for attempt in range(8):
            base_url = nodes[attempt % 2]
            session = requests.Session()
            page = session.get(f"{base_url}/login", timeout=60)
            response = session.post(
                f"{base_url}/login",
                data={
                    "email": "target@example.com",
                    "password": "wrong-password-123",
                    "csrf_token": csrf_token(page.text),
                },
                allow_redirects=False,
                timeout=60,
            )
            statuses.append(response.status_code)
    # Five attempts in all, whichever server answered; then both refuse.
    assert statuses[:5] == [200] * 5, statuses
    assert statuses[5:] == [429, 429, 429], statuses


def test_a_registration_on_one_server_is_seen_on_the_other(app, postgresql, redis_url, make_user):
    event_id, emails = make_people(app)
    with two_nodes(app, postgresql, redis_url, ENGAGEMENT_RATELIMIT_ENABLED="false") as nodes:
        node_a, node_b = nodes
        session, response = sign_in(node_a, emails[0])
        assert response.status_code == 302
        form = session.get(f"{node_a}/events/{event_id}/register", timeout=60)
        registered = session.post(
            f"{node_a}/events/{event_id}/register",
            data={"csrf_token": csrf_token(form.text)},
            allow_redirects=False,
            timeout=60,
        )
        assert registered.status_code == 302
        # The same browser session, now answered by the other machine.
        page = session.get(f"{node_b}/my/registrations", timeout=60)
        assert page.status_code == 200
        assert "Crowded webinar" in page.text


def test_200_concurrent_registrations_over_two_servers_never_overbook(app, postgresql, redis_url):
    event_id, emails = make_people(app)
    with two_nodes(app, postgresql, redis_url, ENGAGEMENT_RATELIMIT_ENABLED="false") as nodes:
        sessions: list = [None] * PEOPLE
        errors: list[str] = []

        def prepare(index: int) -> None:
            base_url = nodes[index % 2]
            try:
                session, response = sign_in(base_url, emails[index])
                assert response.status_code == 302, response.status_code
                form = session.get(f"{base_url}/events/{event_id}/register", timeout=60)
                sessions[index] = (session, base_url, csrf_token(form.text))
            except Exception as error:  # collected and asserted below
                errors.append(f"sign-in {index}: {error!r}")

        for chunk in range(0, PEOPLE, 25):
            batch = [threading.Thread(target=prepare, args=(i,)) for i in range(chunk, chunk + 25)]
            for thread in batch:
                thread.start()
            for thread in batch:
                thread.join()
        assert errors == []

        statuses = register_all_at_once(sessions, event_id)
        assert statuses == [302] * PEOPLE

    with app.app_context():
        states = db.session.scalars(
            sa.select(Registration.state).where(Registration.event_id == event_id)
        ).all()
    assert len(states) == PEOPLE
    assert states.count(RegistrationState.CONFIRMED) == SEATS
    assert states.count(RegistrationState.WAITLISTED) == PEOPLE - SEATS
