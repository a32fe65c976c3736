"""Faults: a worker killed mid-registration, the scheduler killed mid-run, PostgreSQL restarted
under load, and forms that fail validation keeping what the user typed.

The first three start real processes (``@pytest.mark.slow``). The PostgreSQL restart runs against
a throwaway server of its own (``tests/pgserver.py``), never the suite's database, and only in the
PostgreSQL pass of ``scripts/test``.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from engagement import clock
from engagement.extensions import db
from tests.servers import ROOT, gunicorn, server_env

requests = pytest.importorskip("requests")


# --- helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def patient_servers(monkeypatch):
    """gunicorn workers import the whole app; on a busy shared machine that takes more than the
    30 s ``tests.servers`` waits by default."""
    import functools

    import tests.servers

    monkeypatch.setattr(
        tests.servers, "wait_for", functools.partial(tests.servers.wait_for, timeout=180)
    )


def make_webinar(capacity: int = 40, starts_in: timedelta = timedelta(days=10), **extra) -> int:
    """A published webinar (engine event plus webinar row when that feature exists)."""
    from engagement.events.models import Event, EventKind, EventState

    now = clock.now()
    event = Event(
        kind=EventKind.WEBINAR,
        title=extra.pop("title", "Resilience webinar"),
        state=EventState.PUBLISHED,
        starts_at=now + starts_in,
        ends_at=now + starts_in + timedelta(hours=1),
        capacity=capacity,
        waitlist_enabled=True,
        **extra,
    )
    db.session.add(event)
    db.session.flush()
    if "webinar" in db.metadata.tables:
        db.session.execute(
            sa.insert(db.metadata.tables["webinar"]).values(
                event_id=event.id, speakers="", platform="Zoom", created_at=now, updated_at=now
            )
        )
    return event.id


def worker_pids(master: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            if re.search(rf"^PPid:\s+{master}$", status.read_text(), re.M):
                pids.append(int(status.parent.name))
    return sorted(pids)


def api_token(app, user_id: int) -> str:  # type: ignore[no-untyped-def]
    from engagement.auth.models import User
    from engagement.auth.services import issue_api_token

    with app.app_context():
        _, secret = issue_api_token(db.session.get(User, user_id), "resilience")
        db.session.commit()
        return secret


def needs_route(app, path: str, method: str = "GET") -> None:  # type: ignore[no-untyped-def]
    try:
        app.url_map.bind("localhost").match(path, method=method)
    except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed
        pytest.skip(f"{method} {path} is not built yet")


# --- kill -9 a worker during concurrent registrations --------------------------------------------


@pytest.mark.slow
def test_killed_worker_loses_no_acknowledged_registration(app, make_user):
    needs_route(app, "/api/v1/events/1/registrations", "POST")
    rep = make_user("company")
    token = api_token(app, rep)
    with app.app_context():
        event_id = make_webinar(capacity=40)
        db.session.commit()
    emails = [f"person{n}@kill.example" for n in range(240)]
    outcomes: dict[str, object] = {}

    with gunicorn(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path, workers=3) as (
        base,
        process,
    ):
        url = f"{base}/api/v1/events/{event_id}/registrations"

        def register(email: str) -> None:
            try:
                response = requests.post(
                    url,
                    json={"attendees": [{"name": "Kill Test", "email": email}]},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
                outcomes[email] = response.status_code
            except requests.RequestException as error:
                outcomes[email] = type(error).__name__

        killed = []
        with ThreadPoolExecutor(16) as pool:
            futures = [pool.submit(register, email) for email in emails]
            for moment in (0.4, 1.2):  # two kills, while requests are in flight
                time.sleep(moment)
                victims = worker_pids(process.pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    killed.append(victims[0])
            for future in futures:
                future.result()
        assert killed, "no worker to kill"

    acknowledged = {e for e, status in outcomes.items() if isinstance(status, int) and status < 400}
    failed = {e: s for e, s in outcomes.items() if e not in acknowledged}
    # The rest may have been cut off by the kill, but never answered with a server error page.
    assert all(not isinstance(s, int) or s != 500 for s in failed.values()), failed
    with app.app_context():
        from engagement.events.models import SEAT_STATES, Event, Registration

        rows = db.session.execute(
            sa.select(Registration.email, sa.func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.email)
        ).all()
        stored = dict(rows)
        seats = db.session.scalar(
            sa.select(sa.func.count()).where(
                Registration.event_id == event_id, Registration.state.in_(SEAT_STATES)
            )
        )
        capacity = db.session.get(Event, event_id).capacity
    missing = acknowledged - set(stored)
    assert not missing, f"acknowledged but not stored: {sorted(missing)}"
    assert all(n == 1 for n in stored.values())
    assert seats <= capacity
    assert len(acknowledged) >= len(emails) // 2, outcomes  # the kills cost a few, not most


# --- kill the scheduler during a reminder run ------------------------------------------------

SCHEDULER = """
import sys
from engagement import create_app
from engagement.scheduler import registry, runner

app = create_app()
runner.load_tasks()
# The real jobs, but every second: the reminder sweep and the outbox delivery only.
for name in list(registry.JOBS):
    job = registry.JOBS.pop(name)
    if name in ("events_reminders", "deliver_outbox"):
        registry.JOBS[name] = registry.Job(job.name, job.func, "interval", {"seconds": 1})
runner.run_forever(app)
"""


@pytest.mark.slow
def test_killed_scheduler_sends_every_reminder_once(app, make_user, tmp_path):
    from engagement.scheduler.registry import JOBS
    from engagement.scheduler.runner import load_tasks

    load_tasks()
    if "events_reminders" not in JOBS:
        pytest.skip("the events reminder job (events_reminders) is not built yet")
    from engagement.events.models import Registration, RegistrationState
    from engagement.notifications.models import OutboxMessage

    rep = make_user("company")
    with app.app_context():
        now = clock.now()
        ids = [
            make_webinar(capacity=200, starts_in=timedelta(hours=20), title=f"Reminder {n}")
            for n in range(3)
        ]
        db.session.execute(
            sa.insert(Registration),
            [
                {
                    "event_id": event_id,
                    "name": f"Person {n}",
                    "email": f"p{n}.{event_id}@remind.example",
                    "user_id": rep,
                    "state": RegistrationState.CONFIRMED,
                    "ticket_token": f"t-{event_id}-{n}",
                    # Registered two days ago: the 24 h reminder (4 hours ago) is still true
                    # for them (a registration made after it gets none).
                    "confirmed_at": now - timedelta(days=2),
                    "created_at": now - timedelta(days=2),
                    "updated_at": now - timedelta(days=2),
                }
                for event_id in ids
                for n in range(150)
            ],
        )
        db.session.commit()
    expected = 3 * 150
    script = tmp_path / "scheduler.py"
    script.write_text(SCHEDULER)
    env = server_env(
        app.config["SQLALCHEMY_DATABASE_URI"],
        tmp_path / "instance",
        ENGAGEMENT_SCHEDULER_LEASE_SECONDS="6",
        ENGAGEMENT_LOG_LEVEL="ERROR",
    )

    def start() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, str(script)], cwd=ROOT, env=env, start_new_session=True
        )

    def reminders() -> list[str]:
        with app.app_context():
            keys = list(
                db.session.scalars(
                    sa.select(OutboxMessage.dedupe_key).where(
                        OutboxMessage.dedupe_key.like("event-reminder:%")
                    )
                )
            )
            db.session.remove()
            return keys

    first = start()
    try:
        time.sleep(2.2)  # the lease, then the first sweep starts after one second
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
        at_kill = len(reminders())
        second = start()
        try:
            deadline = time.monotonic() + 90
            while len(reminders()) < expected and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(3)  # a few more sweeps: nothing may be added twice
            keys = reminders()
        finally:
            os.killpg(second.pid, signal.SIGTERM)
            second.wait(timeout=20)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
    assert at_kill in (0, expected), "a reminder run committed half its work"
    assert len(keys) == expected, f"{len(keys)} reminders for {expected} registrations"
    assert len(set(keys)) == len(keys)
    with app.app_context():
        states = db.session.execute(
            sa.select(OutboxMessage.state, sa.func.count())
            .where(OutboxMessage.dedupe_key.like("event-reminder:%"))
            .group_by(OutboxMessage.state)
        ).all()
    assert sum(n for _state, n in states) == expected


# --- restart PostgreSQL under load --------------------------------------------------------------


@pytest.mark.slow
def test_postgres_restart_gives_clean_503s_then_recovers(tmp_path):
    if not os.environ.get("ENGAGEMENT_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("PostgreSQL restart: runs in the PostgreSQL pass only")
    from engagement import create_app
    from tests.pgserver import PostgresServer, pg_bin

    if pg_bin() is None:
        pytest.skip("no PostgreSQL server binaries")
    server = PostgresServer()
    try:
        server.init()
        server.start()
        url = server.createdb("restart")
        own = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
        )
        with own.app_context():
            from engagement.seed import load_reference

            db.create_all()
            load_reference()
            make_webinar()
            db.session.commit()
            db.engine.dispose()
        paths = ["/healthz", "/"]
        if "webinars.index" in own.view_functions:
            paths.append("/webinars/")
        #: (sent, answered, path, status, content type, body)
        answers: list[tuple[float, float, str, int, str, str]] = []
        stop = threading.Event()

        with gunicorn(url, tmp_path, workers=2) as (base, process):
            master_workers = worker_pids(process.pid)

            def load() -> None:
                n = 0
                while not stop.is_set():
                    path = paths[n % len(paths)]
                    n += 1
                    sent = time.monotonic()
                    try:
                        r = requests.get(base + path, timeout=15, headers={"Accept": "text/html"})
                        answer = (r.status_code, r.headers.get("Content-Type", ""), r.text)
                    except requests.RequestException as error:
                        answer = (-1, "", repr(error))
                    answers.append((sent, time.monotonic(), path, *answer))
                    time.sleep(0.02)

            threads = [threading.Thread(target=load) for _ in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(1.5)
            down_at = time.monotonic()  # the outage starts while pg_ctl stops the server
            server.stop("fast")
            time.sleep(3)
            server.start()
            up_at = time.monotonic()
            time.sleep(6)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            same_workers = worker_pids(process.pid) == master_workers
    finally:
        server.destroy()

    before = [a for a in answers if a[1] < down_at]
    during = [a for a in answers if a[1] >= down_at and a[0] <= up_at + 1]
    after = [a for a in answers if a[0] > up_at + 1]

    def show(rows):  # type: ignore[no-untyped-def]
        return [(round(a[0] - down_at, 2), a[2], a[3]) for a in rows]

    assert before and all(a[3] == 200 for a in before), show(a for a in before if a[3] != 200)
    assert during, "no request was made while the database was down"
    bad = [a for a in during if a[3] not in (200, 503)]
    assert not bad, f"not a clean 503 during the outage (s after stop): {show(bad)}"
    errors = [a for a in during if a[3] == 503]
    assert errors, "the database outage was not noticed"
    for *_times, path, _status, content_type, body in errors:
        assert "Traceback" not in body, path
        assert "text/html" in content_type, (path, content_type)
        assert "Service unavailable" in html.unescape(body), body[:500]
    late = [a for a in after if a[3] != 200]
    assert after and not late, f"still failing after the restart (s after stop): {show(late)}"
    assert same_workers, "the workers were restarted; the app should recover by itself"


# --- a form that fails validation keeps what the user typed ------------------------------------


def _typed_values_kept(response, values: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
    page = html.unescape(response.get_data(as_text=True))
    return [value for value in values if value not in page]


def test_signup_keeps_what_was_typed(client):
    data = {
        "role": "company",
        "name": "Typed Person Name",
        "org_name": "Typed Organisation Ltd",
        "email": "typed.person@example.test",
        "password": "short",
        "confirm": "different",
    }
    response = client.post("/signup", data=data)
    assert response.status_code in (200, 422)
    assert not _typed_values_kept(response, [data["name"], data["org_name"], data["email"]])


def test_feature_forms_keep_what_was_typed(app, login_as):
    """Each main form that exists, posted with one invalid field, shows the other values again."""
    cases = []
    with app.app_context():
        event_id = make_webinar(capacity=10)
        db.session.commit()
    if "webinars.create" in app.view_functions:
        cases.append(
            (
                "staff",
                "/webinars/new",
                {
                    "title": "Typed Webinar Title",
                    "description": "Typed webinar description",
                    "speakers": "Typed Speaker, CEO",
                    "platform": "Typed Platform",
                    "duration_minutes": "90",
                    "capacity": "-5",
                    "starts_at": "not a time",
                    "submit": "Save webinar",
                },
                ["Typed Webinar Title", "Typed webinar description", "Typed Speaker, CEO"],
            )
        )
    if "events.register" in app.view_functions:
        cases.append(
            (
                "company",
                f"/events/{event_id}/register",
                {
                    "attendees-0-name": "Typed Colleague",
                    "attendees-0-email": "not-an-email",
                    "attendees-1-name": "Second Typed Colleague",
                    "attendees-1-email": "second.typed@example.test",
                },
                ["Typed Colleague", "not-an-email", "second.typed@example.test"],
            )
        )
    if "facilitation.new_request" in app.view_functions:
        cases.append(
            (
                "startup",
                "/facilitation/new",
                {"sphere": "no-such-sphere", "title": "Typed request title"},
                ["Typed request title"],
            )
        )
    if "events.message_registrants" in app.view_functions:
        cases.append(
            (
                "staff",
                f"/staff/events/{event_id}/message",
                {"subject": "Typed subject line", "body": ""},
                ["Typed subject line"],
            )
        )
    if not cases:
        pytest.skip("no feature forms built yet")
    lost = {}
    for role, path, data, typed in cases:
        client = login_as(role)
        response = client.post(path, data=data)
        if response.status_code in (302, 303):
            # Post/redirect/get: the form's own page shows the error and what was typed.
            response = client.get(response.headers["Location"])
        missing = _typed_values_kept(response, typed)
        if missing:
            lost[path] = f"{response.status_code}: lost {missing}"
    assert not lost, lost
