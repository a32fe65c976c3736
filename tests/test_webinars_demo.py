"""The webinar demo data loads, is idempotent, and shows a waitlist and a past recording."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engagement.events.models import Event, EventKind, Registration, RegistrationState
from engagement.extensions import db


def test_demo_seed_is_idempotent(app):
    from engagement.auth.demo import seed_demo as seed_users
    from engagement.webinars.demo import seed_demo

    with app.app_context():
        seed_users()
        first = seed_demo()
        db.session.commit()
        again = seed_demo()
        db.session.commit()
        webinars = db.session.scalars(sa.select(Event).where(Event.kind == EventKind.WEBINAR)).all()
        assert len(webinars) == 5
        assert "5 created" in first[0] and "0 created" in again[0]
        assert any(e.recording_url for e in webinars)
        states = db.session.scalars(sa.select(Registration.state)).all()
        assert RegistrationState.WAITLISTED in states
        assert states.count(RegistrationState.CONFIRMED) >= 4


def test_demo_past_webinar_has_check_ins_and_no_shows(app):
    from engagement.auth.demo import seed_demo as seed_users
    from engagement.webinars.demo import PAST, seed_demo

    with app.app_context():
        seed_users()
        seed_demo()
        db.session.commit()
        past = db.session.scalar(sa.select(Event).where(Event.title == PAST[0]))
        states = [r.state for r in past.registrations]
        assert states.count(RegistrationState.ATTENDED) == 7
        assert states.count(RegistrationState.NO_SHOW) == 3
        for registration in past.registrations:
            if registration.state == RegistrationState.ATTENDED:
                assert past.starts_at - timedelta(hours=2) <= registration.checked_in_at
                assert registration.checked_in_at < past.ends_at


def test_demo_webinars_pass_the_platforms_own_slot_check(app, frozen_clock):
    """Seeded on 16 December 2026, the first webinar (9 days ahead) would land on Friday 25
    December, Quaid-e-Azam Day; the demo moves it to a day the slot check accepts."""
    from datetime import UTC, datetime

    from engagement.auth.demo import seed_demo as seed_users
    from engagement.webinars import services as wsvc
    from engagement.webinars.demo import seed_demo
    from engagement.webinars.models import Webinar

    frozen_clock(datetime(2026, 12, 16, 5, 0, tzinfo=UTC))
    with app.app_context():
        seed_users()
        seed_demo()
        db.session.commit()
        webinars = db.session.scalars(sa.select(Webinar)).all()
        assert len(webinars) == 5
        for webinar in webinars:
            event = webinar.event
            advice = wsvc.schedule_advice(event.starts_at, event.duration_minutes, webinar.partners)
            day_problems = [w for w in advice.warnings if "holiday" in w or "weekend" in w]
            assert day_problems == [], (event.title, event.starts_at, day_problems)
            assert (event.starts_at.month, event.starts_at.day) != (12, 25)
