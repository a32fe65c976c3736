"""200 parallel API registrations at a 50-seat event under gunicorn (4 workers): exactly 50 seats.

Runs on the suite's database (scripts/test runs it on SQLite and on PostgreSQL).
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from tests.test_api_support import issue_token

REQUESTS = 200
SEATS = 50


def _post(url: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


@contextlib.contextmanager
def _server(app) -> Iterator[str]:
    """gunicorn with 4 workers; a boot slowed by a busy shared machine gets two more tries."""
    from tests.servers import gunicorn

    for attempt in range(3):
        booted = False
        try:
            # --preload: the app is imported once and forked, so four workers boot in seconds
            # even on a busy machine; they still serve requests as four separate processes.
            with gunicorn(
                app.config["SQLALCHEMY_DATABASE_URI"],
                app.instance_path,
                workers=4,
                GUNICORN_CMD_ARGS="--preload",
            ) as (base_url, _process):
                booted = True
                yield base_url
                return
        except TimeoutError:
            if booted or attempt == 2:
                raise


@pytest.mark.slow
def test_parallel_registrations_through_the_api(app, make_user):
    from engagement.events import services as events
    from engagement.events.models import Registration, RegistrationState

    # Colleagues in the company's own email domain hold seats at once (outside it, they confirm).
    company_id = make_user("company", email="rep@example.com")
    token = issue_token(app, company_id)
    with app.app_context(), app.test_request_context():
        event = events.create_event(
            "webinar",
            "Fifty seats",
            datetime.now(UTC) + timedelta(days=7),
            duration_minutes=60,
            capacity=SEATS,
            state="published",
        )
        db.session.commit()
        event_id = event.id

    url_path = f"/api/v1/events/{event_id}/registrations"
    bodies = [
        {"attendees": [{"name": f"Person {n}", "email": f"person{n}@example.com"}]}
        for n in range(REQUESTS)
    ]
    with _server(app) as base_url, ThreadPoolExecutor(max_workers=40) as pool:
        results = list(pool.map(lambda body: _post(base_url + url_path, token, body), bodies))

    statuses = sorted({status for status, _ in results})
    assert statuses == [201], [r for r in results if r[0] != 201][:3]
    answered = [body["registrations"][0]["status"] for _, body in results]
    assert answered.count("confirmed") == SEATS
    assert answered.count("waitlisted") == REQUESTS - SEATS

    with app.app_context():
        counts = dict(
            db.session.execute(
                sa.select(Registration.state, sa.func.count())
                .where(Registration.event_id == event_id)
                .group_by(Registration.state)
            ).all()
        )
    assert counts == {
        RegistrationState.CONFIRMED: SEATS,
        RegistrationState.WAITLISTED: REQUESTS - SEATS,
    }
    positions = sorted(
        body["registrations"][0]["waitlist_position"]
        for _, body in results
        if body["registrations"][0]["status"] == "waitlisted"
    )
    assert positions == list(range(1, REQUESTS - SEATS + 1))
