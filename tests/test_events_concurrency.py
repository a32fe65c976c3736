"""No overbooking, ever: 200 people register at once, over real HTTP, with 4 gunicorn workers."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from engagement import clock
from engagement.auth import services as auth_services
from engagement.auth.models import Role, User
from engagement.events import services as svc
from engagement.events.models import EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db
from tests.conftest import PASSWORD
from tests.servers import ROOT, free_port, server_env, wait_for

PEOPLE = 200
SEATS = 50
CSRF_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE_RE = re.compile(r'value="([^"]+)"')


def csrf_token(html: str) -> str:
    tag = CSRF_RE.search(html)
    assert tag, "no CSRF token on the page"
    value = VALUE_RE.search(tag.group(0))
    assert value
    return value.group(1)


def make_people(app) -> tuple[int, list[str]]:
    """An event with 50 seats and 200 verified individual accounts (one password hash)."""
    with app.app_context(), app.test_request_context():
        first = auth_services.create_user(
            "person000@example.com", PASSWORD, Role.STARTUP, name="Person 0", verified=True
        )
        emails = [first.email]
        for n in range(1, PEOPLE):
            email = f"person{n:03d}@example.com"
            db.session.add(
                User(
                    email=email,
                    name=f"Person {n}",
                    password_hash=first.password_hash,
                    role=Role.STARTUP,
                    security_stamp=secrets.token_hex(16),
                    calendar_token=secrets.token_urlsafe(32),
                    email_verified_at=clock.now(),
                )
            )
            emails.append(email)
        event = svc.create_event(
            EventKind.WEBINAR,
            "Crowded webinar",
            clock.now() + timedelta(days=7),
            duration_minutes=60,
            capacity=SEATS,
            state=EventState.PUBLISHED,
        )
        db.session.commit()
        return event.id, emails


def register_all_at_once(
    people: list[tuple[requests.Session, str, str]], event_id: int
) -> list[int]:
    """Everyone (signed-in session, server base URL, CSRF token) posts the registration form at
    the same moment (a barrier); returns each answer's status. Fails on any transport error."""
    barrier = threading.Barrier(len(people))
    statuses = [0] * len(people)
    errors: list[str] = []

    def register(index: int) -> None:
        session, base_url, token = people[index]
        barrier.wait()
        try:
            response = session.post(
                f"{base_url}/events/{event_id}/register",
                data={"csrf_token": token},
                allow_redirects=False,
                timeout=120,
            )
            statuses[index] = response.status_code
        except Exception as error:  # collected and asserted below
            errors.append(f"register {index}: {error!r}")

    threads = [threading.Thread(target=register, args=(i,)) for i in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return statuses


@contextlib.contextmanager
def gunicorn_4_workers(database_url: str, instance_path: str):
    """Like tests.servers.gunicorn, with 4 workers and a longer boot allowance (busy machines)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--backlog",
            "512",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=server_env(database_url, instance_path, ENGAGEMENT_BASE_URL=base_url),
        start_new_session=True,
    )
    try:
        wait_for(f"{base_url}/healthz", timeout=180, process=process)
        yield base_url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.mark.slow
def test_200_concurrent_registrations_never_overbook(app):
    event_id, emails = make_people(app)
    with gunicorn_4_workers(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path) as base_url:
        sessions: list[tuple[requests.Session, str]] = [None] * PEOPLE  # type: ignore[list-item]
        errors: list[str] = []

        def sign_in(index: int) -> None:
            session = requests.Session()
            try:
                page = session.get(f"{base_url}/login", timeout=60)
                response = session.post(
                    f"{base_url}/login",
                    data={
                        "email": emails[index],
                        "password": PASSWORD,
                        "csrf_token": csrf_token(page.text),
                    },
                    allow_redirects=False,
                    timeout=60,
                )
                assert response.status_code == 302, response.status_code
                form = session.get(f"{base_url}/events/{event_id}/register", timeout=60)
                assert form.status_code == 200, form.status_code
                sessions[index] = (session, csrf_token(form.text))
            except Exception as error:  # collected and asserted below
                errors.append(f"sign-in {index}: {error!r}")

        threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(PEOPLE)]
        for chunk in range(0, PEOPLE, 25):
            batch = threads[chunk : chunk + 25]
            for thread in batch:
                thread.start()
            for thread in batch:
                thread.join()
        assert errors == []

        statuses = register_all_at_once(
            [(session, base_url, token) for session, token in sessions], event_id
        )
        assert statuses == [302] * PEOPLE  # every one answered, no 500s

    with app.app_context():
        rows = db.session.execute(
            sa.select(
                Registration.id,
                Registration.email,
                Registration.state,
                Registration.waitlisted_at,
                Registration.confirmed_at,
            )
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        ).all()
    assert len(rows) == PEOPLE
    assert len({row.email for row in rows}) == PEOPLE  # no duplicates
    confirmed = [row for row in rows if row.state == RegistrationState.CONFIRMED]
    waiting = [row for row in rows if row.state == RegistrationState.WAITLISTED]
    assert len(confirmed) == SEATS
    assert len(waiting) == PEOPLE - SEATS
    # First come, first served: every confirmed registration came before every waitlisted one,
    # and the waitlist is in arrival order.
    assert max(row.id for row in confirmed) < min(row.id for row in waiting)
    stamps = [row.waitlisted_at for row in waiting]
    assert stamps == sorted(stamps)
    with app.app_context(), app.test_request_context():
        first_waiting = db.session.get(Registration, waiting[0].id)
        last_waiting = db.session.get(Registration, waiting[-1].id)
        assert svc.waitlist_position(first_waiting) == 1
        assert svc.waitlist_position(last_waiting) == PEOPLE - SEATS
