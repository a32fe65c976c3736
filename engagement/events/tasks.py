"""Scheduled sweeps of the events engine: reminders, closing, completing, feedback.

Each job reads due work from our tables and is idempotent. Reminder and feedback mails carry an
outbox ``dedupe_key`` (unique in the database, inserted with ON CONFLICT DO NOTHING), so each
registrant gets each mail exactly once, however often the job runs and in however many processes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from engagement import clock
from engagement.core.context import offline_request_context
from engagement.core.timefmt import format_datetime
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.events.services import _external, registrant_language, registration_mail_context
from engagement.extensions import db
from engagement.notifications.services import queue_mail
from engagement.scheduler.registry import job

T = TypeVar("T")

OPEN_STATES = (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED)
#: How long after an event the feedback mail may still go out.
FEEDBACK_WINDOW = timedelta(days=3)


def starts_in(remaining: timedelta) -> str:
    """How long until the start, as true at sending time: "in about 23 hours", "in 40 minutes"."""
    minutes = max(1, round(remaining.total_seconds() / 60))
    if minutes < 50:
        return _("in %(minutes)s minutes", minutes=minutes)
    hours = round(minutes / 60)
    return _("in about an hour") if hours <= 1 else _("in about %(hours)s hours", hours=hours)


def send_reminders() -> int:
    """Queue the "starts in N hours" reminder for every confirmed registrant once N hours remain.

    Only reminders that are still true go out: none once a smaller offset is due (no "24 hours"
    two hours before), none to a registration made after that reminder's time (who registers two
    hours before needs no 24 h reminder), and the text says the time actually left. Online events
    get their join link in the smallest (1 h) reminder.
    """
    now = clock.now()
    queued = 0
    offsets = sorted({int(h) for h in current_app.config["REMINDER_OFFSETS_HOURS"]}, reverse=True)
    for hours in offsets:
        smaller = [h for h in offsets if h < hours]
        window_end = now + timedelta(hours=hours)
        # Once a smaller offset is due, this reminder would no longer be true.
        window_start = now + timedelta(hours=max(smaller)) if smaller else now
        rows = db.session.scalars(
            sa.select(Registration)
            .join(Registration.event)
            .options(contains_eager(Registration.event))
            .where(
                Event.state.in_(OPEN_STATES),
                Event.starts_at > window_start,
                Event.starts_at <= window_end,
                Registration.state == RegistrationState.CONFIRMED,
            )
            .order_by(Registration.id)
        )
        for registration in rows:
            event = registration.event
            reminder_at = event.starts_at - timedelta(hours=hours)
            registered_at = registration.confirmed_at or registration.created_at
            if registered_at is not None and registered_at > reminder_at:
                continue
            with force_locale(registrant_language(registration)):
                sent = queue_mail(
                    registration.email,
                    _(
                        "Reminder: %(title)s, %(when)s",
                        title=event.title,
                        when=format_datetime(event.starts_at, event.timezone),
                    ),
                    "event_reminder",
                    dedupe_key=f"event-reminder:{registration.id}:{hours}h",
                    hours=hours,
                    starts_in=starts_in(event.starts_at - now),
                    **registration_mail_context(registration, with_join_link=not smaller),
                )
            if sent:
                queued += 1
    return queued


def close_registrations() -> int:
    """Published events whose registration deadline (or start) has passed: registration closed."""
    now = clock.now()
    result = db.session.execute(
        sa.update(Event)
        .where(
            Event.state == EventState.PUBLISHED,
            sa.func.coalesce(Event.registration_closes_at, Event.starts_at) <= now,
        )
        .values(state=EventState.REGISTRATION_CLOSED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def complete_events() -> int:
    """Events that have ended are completed."""
    now = clock.now()
    result = db.session.execute(
        sa.update(Event)
        .where(Event.state.in_(OPEN_STATES), Event.ends_at <= now)
        .values(state=EventState.COMPLETED, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def send_feedback_requests() -> int:
    """After an event ends, ask each attendee (or confirmed registrant) for feedback, once."""
    now = clock.now()
    queued = 0
    due = db.session.scalars(
        sa.select(Event)
        .where(
            Event.state.in_((*OPEN_STATES, EventState.COMPLETED)),
            Event.ends_at <= now,
            Event.ends_at > now - FEEDBACK_WINDOW,
            Event.feedback_sent_at.is_(None),
            # Meetups ask for feedback with their own survey (meetups.services.send_feedback_surveys).
            Event.kind != EventKind.MEETUP,
        )
        .order_by(Event.id)
    ).all()
    for event in due:
        for registration in db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.state.in_((RegistrationState.ATTENDED, RegistrationState.CONFIRMED)),
            )
            .order_by(Registration.id)
        ):
            with force_locale(registrant_language(registration)):
                sent = queue_mail(
                    registration.email,
                    _("Thank you for joining %(title)s", title=event.title),
                    "event_feedback",
                    dedupe_key=f"event-feedback:{registration.id}",
                    registration=registration,
                    event=event,
                    link=_external(event.url),
                )
            if sent:
                queued += 1
        event.feedback_sent_at = now
    db.session.flush()
    return queued


def _with_urls(func: Callable[[], T]) -> T:
    """Run ``func`` in a request context on BASE_URL, so url_for builds the mails' links."""
    with offline_request_context():
        return func()


@job("events_reminders", minutes=5)
def reminders_job() -> int:
    return _with_urls(send_reminders)


@job("events_lifecycle", minutes=5)
def lifecycle_job() -> tuple[int, int]:
    return _with_urls(lambda: (close_registrations(), complete_events()))


@job("events_feedback", minutes=15)
def feedback_job() -> int:
    return _with_urls(send_feedback_requests)
