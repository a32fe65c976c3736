"""The registration engine: every seat rule lives here (webinars, meetups and the API call it).

All functions flush and never commit: the request (or job runner) commits once. Functions that
count seats first lock the event row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite an
unsafe request or job already holds the write lock from ``BEGIN IMMEDIATE``), so two workers can
never confirm the same last seat.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from flask import abort, current_app, has_request_context, url_for
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from engagement import clock
from engagement.auth.models import Role, User
from engagement.auth.services import EmailNotConfirmed, email_confirmed, require_confirmed_email
from engagement.core.context import external_url
from engagement.core.i18n import current_language, mail_language
from engagement.core.timefmt import TIME, format_datetime, valid_timezone, viewer_timezone
from engagement.core.validation import email_problem, one_line
from engagement.events.markdown import markdown_to_text
from engagement.events.models import (
    ACTIVE_STATES,
    ATTENDEE_STATES,
    SEAT_STATES,
    Event,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from engagement.extensions import db
from engagement.notifications.services import (
    Attachment,
    Mail,
    mail_builder,
    queue_mail,
    queue_mail_later,
)

__all__ = [
    "Attendee",
    "RegistrationError",
    "create_event",
    "update_event",
    "publish_event",
    "register_attendees",
    "cancel_registration",
    "set_capacity",
    "cancel_event",
    "promote_waitlist",
    "seats_left",
    "seats_taken",
    "waitlist_length",
    "waitlist_position",
    "event_ics",
    "calendar_ics",
    "get_event_for",
    "get_registration_for",
    "get_registration_by_ticket",
    "check_in",
    "check_in_closed_reason",
    "check_in_opens_at",
    "undo_check_in",
    "door_counts",
    "mark_no_show",
    "message_confirmed",
    "registration_open",
    "registrant_language",
    "registration_closed_reason",
]

MAX_ATTENDEES_PER_REQUEST = 50


@dataclass
class Attendee:
    name: str
    email: str


CANCEL_SALT = "registration-cancel"


class RegistrationError(Exception):
    """A rule refused the change. ``code``: closed, full, duplicate, seat_limit, invalid, cancelled.

    ``field`` names the input at fault (``attendees[0].email``, ``capacity``) or is None;
    ``problems`` holds every faulty input at once (``{field: message}``), so a form can flag all
    of them, not one per attempt.
    """

    def __init__(
        self,
        message: str,
        code: str = "invalid",
        field: str | None = None,
        problems: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
        self.problems = problems or ({field: message} if field else {})


# --- Events ------------------------------------------------------------------------------------


def _check_times(
    starts_at: datetime,
    ends_at: datetime,
    opens_at: datetime | None,
    closes_at: datetime | None,
) -> None:
    for value, field in (
        (starts_at, "starts_at"),
        (ends_at, "ends_at"),
        (opens_at, "registration_opens_at"),
        (closes_at, "registration_closes_at"),
    ):
        if value is not None and value.tzinfo is None:
            raise RegistrationError(_("Times must carry a time zone."), "invalid", field)
    if ends_at <= starts_at:
        raise RegistrationError(_("The event must end after it starts."), "invalid", "ends_at")
    if opens_at and closes_at and closes_at <= opens_at:
        raise RegistrationError(
            _("Registration must close after it opens."), "invalid", "registration_closes_at"
        )
    if closes_at and closes_at > ends_at:
        raise RegistrationError(
            _("Registration cannot close after the event ends."),
            "invalid",
            "registration_closes_at",
        )


def _check_numbers(capacity: int, seat_limit: int | None) -> None:
    if capacity is None or capacity < 0:
        raise RegistrationError(_("Capacity must be zero or more."), "invalid", "capacity")
    if seat_limit is not None and seat_limit < 1:
        raise RegistrationError(
            _("The seat limit per organisation must be at least 1 (or empty for no limit)."),
            "invalid",
            "seat_limit_per_org",
        )


def create_event(
    kind: EventKind | str,
    title: str,
    starts_at: datetime,
    *,
    capacity: int,
    duration_minutes: int | None = None,
    ends_at: datetime | None = None,
    description: str = "",
    timezone: str = "Asia/Karachi",
    seat_limit_per_org: int | None = None,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
    waitlist_enabled: bool = True,
    state: EventState | str = EventState.DRAFT,
    created_by: User | None = None,
    record_past: bool = False,
) -> Event:
    """Create an event (a draft unless ``state`` says otherwise). Give duration or ends_at.

    A new event must start in the future; staff record one that already took place only by
    saying so (``record_past``): it is stored completed and marked ``recorded_past``."""
    if not title or not title.strip():
        raise RegistrationError(_("Give the event a title."), "invalid", "title")
    if ends_at is None:
        if duration_minutes is None or duration_minutes <= 0:
            raise RegistrationError(
                _("The duration must be at least one minute."), "invalid", "duration_minutes"
            )
        ends_at = starts_at + timedelta(minutes=duration_minutes)
    _check_times(starts_at, ends_at, registration_opens_at, registration_closes_at)
    _check_numbers(capacity, seat_limit_per_org)
    in_past = starts_at <= clock.now()
    if in_past and not record_past:
        raise RegistrationError(
            _(
                "The start is in the past. Pick a time in the future, or record an event that already "
                "took place by saying so."
            ),
            "invalid",
            "starts_at",
        )
    if record_past and not in_past:
        raise RegistrationError(
            _("Only an event that already took place can be recorded as past."),
            "invalid",
            "starts_at",
        )
    if record_past:
        state = EventState.COMPLETED
    try:
        ZoneInfo(timezone)
    except Exception as error:
        raise RegistrationError(_("Unknown time zone."), "invalid", "timezone") from error
    event = Event(
        kind=EventKind(kind),
        title=title.strip(),
        description=description or "",
        state=EventState(state),
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        capacity=capacity,
        seat_limit_per_org=seat_limit_per_org,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        waitlist_enabled=waitlist_enabled,
        created_by_id=created_by.id if created_by else None,
        recorded_past=record_past,
    )
    db.session.add(event)
    db.session.flush()
    return event


def update_event(event: Event, by_user: User | None = None, **changes: object) -> Event:
    """Change an event's details. Capacity goes through :func:`set_capacity` (it promotes)."""
    capacity = changes.pop("capacity", None)
    duration = changes.pop("duration_minutes", None)
    allowed = {
        "title",
        "description",
        "starts_at",
        "ends_at",
        "timezone",
        "seat_limit_per_org",
        "registration_opens_at",
        "registration_closes_at",
        "waitlist_enabled",
        "recording_url",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")
    starts_at = changes.get("starts_at", event.starts_at)
    if duration is not None:
        changes["ends_at"] = starts_at + timedelta(minutes=int(duration))  # type: ignore[operator]
    _check_times(
        starts_at,  # type: ignore[arg-type]
        changes.get("ends_at", event.ends_at),  # type: ignore[arg-type]
        changes.get("registration_opens_at", event.registration_opens_at),  # type: ignore[arg-type]
        changes.get("registration_closes_at", event.registration_closes_at),  # type: ignore[arg-type]
    )
    _check_numbers(event.capacity, changes.get("seat_limit_per_org", event.seat_limit_per_org))  # type: ignore[arg-type]
    moved = any(
        key in changes and changes[key] != getattr(event, key) for key in ("starts_at", "ends_at")
    )
    previous_start = event.starts_at
    for key, value in changes.items():
        setattr(event, key, value)
    db.session.flush()
    if moved and event.state in (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED):
        _mail_rescheduled(event, previous_start)
    if capacity is not None and capacity != event.capacity:
        set_capacity(event, int(capacity), by_user)  # type: ignore[arg-type]
    return event


def publish_event(event: Event, by_user: User | None = None) -> Event:
    if event.state != EventState.DRAFT:
        raise RegistrationError(_("Only a draft can be published."), "invalid")
    event.state = EventState.PUBLISHED
    db.session.flush()
    return event


def _lock_event(event_id: int) -> Event | None:
    """Load the event under a row lock (PostgreSQL); SQLite writers already hold the lock."""
    return db.session.scalar(
        sa.select(Event)
        .where(Event.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- Counting -------------------------------------------------------------------------------------


def seats_taken(event: Event) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(Registration.event_id == event.id, Registration.state.in_(SEAT_STATES))
        )
        or 0
    )


def seats_left(event: Event) -> int:
    return max(0, event.capacity - seats_taken(event))


def _seats_and_waitlist(event: Event) -> tuple[int, int]:
    """(seats taken, people waiting) of one event, in one statement."""
    row = db.session.execute(
        sa.select(
            sa.func.count().filter(Registration.state.in_(SEAT_STATES)),
            sa.func.count().filter(Registration.state == RegistrationState.WAITLISTED),
        ).where(
            Registration.event_id == event.id,
            Registration.state.in_((*SEAT_STATES, RegistrationState.WAITLISTED)),
        )
    ).one()
    return int(row[0] or 0), int(row[1] or 0)


def waitlist_length(event: Event) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.WAITLISTED,
            )
        )
        or 0
    )


def _waitlist_order() -> tuple:
    return (Registration.waitlisted_at, Registration.id)


def event_counts(event_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """{event_id: {state: count, "seats": taken}} for many events, in one query (list pages)."""
    counts: dict[int, dict[str, int]] = {event_id: {} for event_id in event_ids}
    if not event_ids:
        return counts
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.state, sa.func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.state)
    )
    for event_id, state, number in rows:
        counts[event_id][RegistrationState(state).value] = number
    for value in counts.values():
        value["seats"] = sum(value.get(s.value, 0) for s in SEAT_STATES)
    return counts


def waitlist_positions(registrations: Sequence[Registration]) -> dict[int, int]:
    """{registration id: waitlist position} for the waitlisted ones, in one query."""
    waiting = [r for r in registrations if r.state == RegistrationState.WAITLISTED]
    if not waiting:
        return {}
    ranked = (
        sa.select(
            Registration.id.label("id"),
            sa.func.row_number()
            .over(
                partition_by=Registration.event_id,
                order_by=_waitlist_order(),
            )
            .label("position"),
        )
        .where(
            Registration.event_id.in_({r.event_id for r in waiting}),
            Registration.state == RegistrationState.WAITLISTED,
        )
        .subquery()
    )
    rows = db.session.execute(
        sa.select(ranked.c.id, ranked.c.position).where(ranked.c.id.in_([r.id for r in waiting]))
    )
    return {row.id: row.position for row in rows}


def waitlist_position(registration: Registration) -> int | None:
    """1 for the first in line; None unless the registration is waitlisted."""
    if registration.state != RegistrationState.WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.state == RegistrationState.WAITLISTED,
            sa.or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                sa.and_(
                    Registration.waitlisted_at == registration.waitlisted_at,
                    Registration.id < registration.id,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


def registration_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can register now, or None when registration is open."""
    now = now or clock.now()
    if event.state == EventState.CANCELLED:
        return _("This event was cancelled.")
    if event.state == EventState.DRAFT:
        return _("This event is not open for registration yet.")
    if event.state in (EventState.REGISTRATION_CLOSED, EventState.COMPLETED):
        return _("Registration for this event is closed.")
    if event.registration_opens_at and now < event.registration_opens_at:
        return _("Registration has not opened yet.")
    if now >= event.effective_closes_at:
        return _("Registration for this event is closed.")
    return None


def registration_open(event: Event, now: datetime | None = None) -> bool:
    return registration_closed_reason(event, now) is None


# --- Registering ----------------------------------------------------------------------------------


def _clean_attendees(attendees: Sequence[Attendee]) -> list[Attendee]:
    if not attendees:
        raise RegistrationError(_("Add at least one attendee."), "invalid", "attendees")
    if len(attendees) > MAX_ATTENDEES_PER_REQUEST:
        raise RegistrationError(
            _("Register at most %(n)s people at once.", n=MAX_ATTENDEES_PER_REQUEST),
            "invalid",
            "attendees",
        )
    cleaned: list[Attendee] = []
    seen: dict[str, int] = {}
    problems: dict[str, str] = {}
    duplicate = False
    for index, attendee in enumerate(attendees):
        name = (attendee.name or "").strip()
        email = (attendee.email or "").strip().lower()
        if not name:
            problems[f"attendees[{index}].name"] = _("Enter the attendee's name.")
        elif len(name) > 120:
            problems[f"attendees[{index}].name"] = _(
                "The name is too long (at most 120 characters)."
            )
        if not email:
            problems[f"attendees[{index}].email"] = _("Enter the attendee's email.")
        elif problem := email_problem(email):
            problems[f"attendees[{index}].email"] = problem
        elif email in seen:
            problems[f"attendees[{index}].email"] = _(
                "%(email)s appears twice in this registration.", email=email
            )
            duplicate = True
        seen.setdefault(email, index)
        cleaned.append(Attendee(name=name, email=email))
    if problems:
        field, message = next(iter(problems.items()))
        code = "duplicate" if duplicate and len(problems) == 1 else "invalid"
        raise RegistrationError(message, code, field, problems)
    return cleaned


def register_attendees(
    event_id: int, attendees: Sequence[Attendee], by_user: User | None
) -> list[Registration]:
    """Register people for an event: confirmed while seats are left, then waitlisted in order.

    Company representatives register colleagues (up to the per-organisation seat limit);
    startups and individuals register only themselves; staff may register anyone. Raises
    :class:`RegistrationError` and changes nothing when any rule refuses.
    """
    cleaned = _clean_attendees(attendees)
    try:
        require_confirmed_email(by_user, "register for an event")
    except EmailNotConfirmed as error:
        raise RegistrationError(str(error), "unconfirmed") from error
    event = _lock_event(event_id)
    if event is None:
        raise RegistrationError(_("This event does not exist."), "invalid")
    if event.state == EventState.CANCELLED:
        raise RegistrationError(_("This event was cancelled."), "cancelled")
    if event.state == EventState.DRAFT and not (by_user and by_user.is_staff):
        raise RegistrationError(_("This event does not exist."), "invalid")
    reason = registration_closed_reason(event)
    if reason:
        raise RegistrationError(reason, "closed")

    organisation_id = None
    if by_user is not None and not by_user.is_staff:
        organisation = by_user.organisation
        if by_user.role == Role.COMPANY and organisation is not None:
            organisation_id = organisation.id
        else:
            if len(cleaned) != 1 or cleaned[0].email != by_user.email:
                raise RegistrationError(
                    _(
                        "You can register only yourself; company representatives register colleagues."
                    ),
                    "invalid",
                    "attendees",
                )
            organisation_id = organisation.id if organisation else None

    emails = [a.email for a in cleaned]
    existing = {
        r.email: r
        for r in db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.email.in_(emails))
            .execution_options(populate_existing=True)
        )
    }
    # A person registered by someone else (a "colleague" row) takes the seat over when they
    # register themselves with their confirmed address: nobody can squat another's email.
    taken_over: dict[str, Registration] = {}
    reclaimed: dict[str, User | None] = {}
    taken: dict[str, str] = {}
    for index, attendee in enumerate(cleaned):
        found = existing.get(attendee.email)
        if found is not None and _may_take_over(found, attendee, by_user):
            taken_over[attendee.email] = found
            continue
        if (
            found is not None
            and found.state == RegistrationState.PENDING
            and by_user is not None
            and attendee.email == by_user.email
            and email_confirmed(by_user)
        ):
            # The owner registers themselves: the unconfirmed row becomes theirs (seat rules
            # below apply as for a newcomer) and whoever made it is told.
            reclaimed[attendee.email] = found.user
            continue
        if found is not None and found.state != RegistrationState.CANCELLED:
            taken[f"attendees[{index}].email"] = _(
                "%(email)s is already registered for this event.", email=attendee.email
            )
    if taken:  # every taken address at once, like the other field errors
        field, message = next(iter(taken.items()))
        raise RegistrationError(message, "duplicate", field, taken)

    if organisation_id is not None and event.seat_limit_per_org:
        used = (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Registration)
                .where(
                    Registration.event_id == event.id,
                    Registration.organisation_id == organisation_id,
                    Registration.state.in_((*ACTIVE_STATES, RegistrationState.PENDING)),
                )
            )
            or 0
        )
        already_ours = sum(1 for r in taken_over.values() if r.organisation_id == organisation_id)
        used -= already_ours
        if used + len(cleaned) > event.seat_limit_per_org:
            left = max(0, event.seat_limit_per_org - used)
            raise RegistrationError(
                _(
                    "Each organisation may register at most %(limit)s people for this event; "
                    "yours has %(used)s registered, so %(left)s more can be added.",
                    limit=event.seat_limit_per_org,
                    used=used,
                    left=left,
                ),
                "seat_limit",
                "attendees",
            )

    # Anyone already waiting goes first: fill freed seats from the waitlist before newcomers.
    # One statement counts both while the event is locked; the waitlist is read only when a
    # seat is free for someone on it.
    taken, waiting = _seats_and_waitlist(event)
    left = max(0, event.capacity - taken)
    if waiting and left:
        left -= len(promote_waitlist(event, free=left))
    pending = {a.email for a in cleaned if _needs_attendee_confirmation(a, by_user)}
    newcomers = [a for a in cleaned if a.email not in taken_over and a.email not in pending]
    if not event.waitlist_enabled and len(newcomers) > left:
        raise RegistrationError(
            _("This event is full.")
            if left == 0
            else _("Only %(left)s seats are left.", left=left),
            "full",
        )

    now = clock.now()
    registrations: list[Registration] = []
    for attendee in cleaned:
        if attendee.email in taken_over:
            registrations.append(_take_over(taken_over[attendee.email], attendee, by_user))
            continue
        registration = existing.get(attendee.email)
        if registration is None:
            registration = Registration(event_id=event.id, email=attendee.email)
            db.session.add(registration)
        registration.name = attendee.name
        registration.user_id = by_user.id if by_user else None
        registration.organisation_id = organisation_id
        if by_user is None:  # someone without an account registering themselves, on this page
            _registrant_acts_here(registration)
        registration.cancelled_at = None
        registration.checked_in_at = None
        registration.checked_in_by_id = None
        if attendee.email in pending:
            registration.state = RegistrationState.PENDING
            registration.confirmed_at = None
            registration.waitlisted_at = None
        elif left > 0:
            registration.state = RegistrationState.CONFIRMED
            registration.confirmed_at = now
            registration.waitlisted_at = None
            left -= 1
        else:
            registration.state = RegistrationState.WAITLISTED
            registration.waitlisted_at = now
            registration.confirmed_at = None
        registrations.append(registration)
    db.session.flush()
    # The mails are queued as "what to render" (their templates and calendar file are made by
    # the deliverer): nothing slow happens while the event row is locked.
    for registration in registrations:
        registration.event = event
        if registration.email in taken_over:
            continue  # already holds its seat (or place); the registrant was told in _take_over
        if registration.email in reclaimed:
            _tell_previous_registrant(registration, reclaimed[registration.email], by_user)
        if registration.state == RegistrationState.PENDING:
            _mail_confirm_place(registration, by_user)
        elif registration.state == RegistrationState.CONFIRMED:
            _mail_confirmed(registration)
        else:
            _mail_waitlisted(registration)
    return registrations


def cancellable(registration: Registration, now: datetime | None = None) -> bool:
    """A registrant may still cancel: confirmed, waitlisted or pending (a colleague's place not
    yet confirmed), event open and not started."""
    event = registration.event
    return (
        registration.state
        in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED, RegistrationState.PENDING)
        and event.state in (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED)
        and event.starts_at > (now or clock.now())
    )


#: Mailboxes anyone can open: an address there says nothing about belonging to an organisation.
PUBLIC_MAIL_DOMAINS = frozenset(
    {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com"}
    | {"icloud.com", "aol.com", "proton.me", "protonmail.com", "yandex.com", "mail.com"}
)


def _domain(email: str) -> str:
    return email.rpartition("@")[2].lower()


def _needs_attendee_confirmation(attendee: Attendee, by_user: User | None) -> bool:
    """A company's colleague outside its own email domain confirms by link before holding a seat
    (so nobody can take a seat in another person's name). Staff registrations need none."""
    if by_user is None or by_user.is_staff or attendee.email == by_user.email:
        return False
    domain = _domain(by_user.email)
    return domain in PUBLIC_MAIL_DOMAINS or _domain(attendee.email) != domain


def _place_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="confirm-place")


#: How long a colleague has to confirm a place someone registered them for.
CONFIRM_PLACE_MAX_AGE = 14 * 24 * 3600


def _mail_confirm_place(registration: Registration, by_user: User | None) -> None:
    queue_mail_later(
        registration.email,
        "event_confirm_place",
        language=registrant_language(registration),
        registration_id=registration.id,
        by_user_id=by_user.id if by_user else None,
    )


@mail_builder("event_confirm_place")
def _confirm_place_mail(context: dict[str, Any]) -> Mail | None:
    """The link is signed when the mail is made: its 14 days count from the sending."""
    registration = _registration_for_mail(context)
    if registration is None:
        return None
    by_user = db.session.get(User, context["by_user_id"]) if context.get("by_user_id") else None
    token = _place_serializer().dumps({"id": registration.id, "email": registration.email})
    event = registration.event
    return Mail(
        _("Please confirm your place: %(title)s", title=event.title),
        {
            "registration": registration,
            "event": event,
            "by_user": by_user,
            "link": external_url("events.confirm_place", token=token),
        },
    )


def registration_for_place_token(token: str) -> Registration:
    """The pending registration an emailed confirmation link names; RegistrationError if bad."""
    try:
        data = _place_serializer().loads(token, max_age=CONFIRM_PLACE_MAX_AGE)
    except SignatureExpired as error:
        raise RegistrationError(_("This confirmation link has expired."), "invalid") from error
    except BadSignature as error:
        raise RegistrationError(_("This confirmation link is not valid."), "invalid") from error
    registration = db.session.get(Registration, data.get("id"))
    if registration is None or registration.email != data.get("email"):
        raise RegistrationError(_("This confirmation link is not valid."), "invalid")
    return registration


def confirm_place(token: str) -> Registration:
    """The colleague confirms: a seat while seats are left, else the waitlist (event locked)."""
    registration = registration_for_place_token(token)
    _registrant_acts_here(registration)
    event = _lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state != RegistrationState.PENDING:
        if registration.state == RegistrationState.CANCELLED:
            raise RegistrationError(_("This registration was cancelled."), "cancelled")
        return registration  # confirmed already: the link works once
    if event is None or event.state == EventState.CANCELLED:
        raise RegistrationError(_("This event was cancelled."), "cancelled")
    reason = registration_closed_reason(event)
    if reason:
        raise RegistrationError(reason, "closed")
    promote_waitlist(event)
    now = clock.now()
    if seats_left(event) > 0:
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
    elif event.waitlist_enabled:
        registration.state = RegistrationState.WAITLISTED
        registration.waitlisted_at = now
    else:
        raise RegistrationError(_("This event is full."), "full")
    db.session.flush()
    if registration.state == RegistrationState.CONFIRMED:
        _mail_confirmed(registration)
    else:
        _mail_waitlisted(registration)
    return registration


def _may_take_over(found: Registration, attendee: Attendee, by_user: User | None) -> bool:
    """Whether ``by_user`` registering themselves takes over a row someone else made for them."""
    return (
        by_user is not None
        and attendee.email == by_user.email
        and email_confirmed(by_user)
        and found.user_id != by_user.id
        and found.state in (RegistrationState.CONFIRMED, RegistrationState.WAITLISTED)
    )


def _take_over(registration: Registration, attendee: Attendee, by_user: User) -> Registration:
    """The person now holds their own registration (same seat or waitlist place); the one who
    registered them is told."""
    previous = registration.user
    organisation = by_user.organisation
    registration.name = attendee.name
    registration.user_id = by_user.id
    registration.organisation_id = organisation.id if organisation else None
    _tell_previous_registrant(registration, previous, by_user)
    return registration


def _tell_previous_registrant(
    registration: Registration, previous: User | None, by_user: User | None
) -> None:
    """Mail whoever had registered this address that its owner now holds the registration."""
    if previous is None or by_user is None or previous.id == by_user.id:
        return
    with force_locale(mail_language(previous)):
        queue_mail(
            previous.email,
            _(
                "%(name)s now holds their own registration for %(title)s",
                name=registration.name,
                title=registration.event.title,
            ),
            "event_registration_taken_over",
            registration=registration,
            previous=previous,
            event=registration.event,
            link=_external(registration.event.url),
        )


def cancel_registration(registration: Registration, by_user: User | None) -> list[Registration]:
    """Cancel one registration; a freed seat goes to the first waitlisted (who is emailed).

    Returns the promoted registrations. Cancelling twice changes nothing.
    """
    event = _lock_event(registration.event_id)
    db.session.refresh(registration)
    if registration.state == RegistrationState.CANCELLED:
        return []
    if registration.state in (RegistrationState.ATTENDED, RegistrationState.NO_SHOW):
        raise RegistrationError(
            _("Attendance was already recorded; this registration cannot be cancelled."), "invalid"
        )
    if event is not None and event.state in (EventState.COMPLETED,):
        raise RegistrationError(_("The event is over."), "closed")
    registration.state = RegistrationState.CANCELLED
    registration.cancelled_at = clock.now()
    db.session.flush()
    if by_user is None:  # the registrant's own signed cancel link
        _registrant_acts_here(registration)
    queue_mail_later(
        registration.email,
        "event_registration_cancelled",
        language=registrant_language(registration),
        registration_id=registration.id,
    )
    if event is None or event.state == EventState.CANCELLED:
        return []
    return promote_waitlist(event)


def set_capacity(event: Event, capacity: int, by_user: User | None = None) -> list[Registration]:
    """Change the capacity; raising it promotes the waitlist. Cannot go below confirmed seats."""
    locked = _lock_event(event.id)
    assert locked is not None
    if capacity is None or capacity < 0:
        raise RegistrationError(_("Capacity must be zero or more."), "invalid", "capacity")
    taken = seats_taken(locked)
    if capacity < taken:
        raise RegistrationError(
            _(
                "%(taken)s seats are already confirmed; capacity cannot go below that. "
                "Cancel registrations first.",
                taken=taken,
            ),
            "invalid",
            "capacity",
        )
    locked.capacity = capacity
    db.session.flush()
    return promote_waitlist(locked)


def promote_waitlist(event: Event, free: int | None = None) -> list[Registration]:
    """Confirm waitlisted registrations, first come first served, while seats are free.

    The caller holds the event lock (and may pass the ``free`` seats it has just counted under
    it). Each promoted person is emailed with the calendar file.
    """
    if event.state not in (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED):
        return []
    if clock.now() >= event.starts_at:
        return []
    if free is None:
        free = seats_left(event)
    if free <= 0:
        return []
    promoted = list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.WAITLISTED,
            )
            .order_by(*_waitlist_order())
            .limit(free)
        )
    )
    now = clock.now()
    for registration in promoted:
        registration.state = RegistrationState.CONFIRMED
        registration.confirmed_at = now
    db.session.flush()
    for registration in promoted:
        _mail_confirmed(registration, promoted=True)
    return promoted


def cancel_event(event: Event, reason: str, by_user: User | None = None) -> int:
    """Cancel the event and email everyone registered (confirmed or waiting). Returns mails sent."""
    locked = _lock_event(event.id)
    assert locked is not None
    if locked.state == EventState.CANCELLED:
        raise RegistrationError(_("This event is already cancelled."), "cancelled")
    if locked.state == EventState.COMPLETED:
        raise RegistrationError(_("A completed event cannot be cancelled."), "invalid")
    reason = (reason or "").strip()
    if not reason:
        raise RegistrationError(_("Say why the event is cancelled."), "invalid", "reason")
    locked.state = EventState.CANCELLED
    locked.cancelled_reason = reason
    locked.cancelled_at = clock.now()
    db.session.flush()
    sent = 0
    for registration in db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == locked.id, Registration.state.in_(ACTIVE_STATES)
        )
    ):
        with force_locale(registrant_language(registration)):
            queue_mail(
                registration.email,
                _("Cancelled: %(title)s", title=locked.title),
                "event_cancelled",
                dedupe_key=f"event-cancelled:{registration.id}",
                registration=registration,
                event=locked,
                reason=reason,
            )
        sent += 1
    return sent


def message_confirmed(event: Event, subject: str, body: str, by_user: User | None = None) -> int:
    """Email every attendee (confirmed or already checked in) a message from staff.

    Returns how many were queued."""
    subject, body = (subject or "").strip(), (body or "").strip()
    if not subject:
        raise RegistrationError(_("Write a subject."), "invalid", "subject")
    if not body:
        raise RegistrationError(_("Write a message."), "invalid", "body")
    count = 0
    for registration in db.session.scalars(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.state.in_(ATTENDEE_STATES),
        )
        .order_by(Registration.id)
    ):
        with force_locale(registrant_language(registration)):
            queue_mail(
                registration.email,
                f"{subject} ({event.title})",
                "event_message",
                registration=registration,
                event=event,
                body=body,
                link=_external(event.url),
            )
        count += 1
    return count


# --- Check-in -------------------------------------------------------------------------------------


def check_in_opens_at(event: Event) -> datetime:
    """When the door opens: ``CHECK_IN_OPENS_HOURS_BEFORE`` hours before the start."""
    hours = float(current_app.config["CHECK_IN_OPENS_HOURS_BEFORE"])
    return event.starts_at - timedelta(hours=hours)


def check_in_closed_reason(event: Event, now: datetime | None = None) -> str | None:
    """Why nobody can be checked in now (a sentence), or None while the door is open."""
    now = now or clock.now()
    if event.state == EventState.CANCELLED:
        return _("This event was cancelled.")
    if event.state == EventState.DRAFT:
        return _("This event is still a draft.")
    opens_at = check_in_opens_at(event)
    # Said in the viewer's zone on pages (like every time there), else in the event's.
    zone = viewer_timezone() if has_request_context() else event.timezone
    if now < opens_at:
        hours = current_app.config["CHECK_IN_OPENS_HOURS_BEFORE"]
        return _(
            "Check-in opens %(hours)s before the start, at %(time)s.",
            hours=_hours_phrase(hours),
            time=_event_time(opens_at, zone),
        )
    if now >= event.ends_at:
        return _(
            "The event ended at %(time)s; check-in is closed.",
            time=_event_time(event.ends_at, zone),
        )
    return None


def _hours_phrase(hours: float) -> str:
    hours = float(hours)
    if hours == int(hours):
        return ngettext("%(num)d hour", "%(num)d hours", int(hours))
    return _("%(minutes)s minutes", minutes=int(hours * 60))


def _event_time(moment: datetime, zone: str) -> str:
    return format_datetime(moment, zone)


def check_in(registration: Registration, by_user: User | None) -> Registration:
    """Mark a confirmed registrant as present (idempotent), while the door is open."""
    if registration.state == RegistrationState.ATTENDED:
        return registration
    if registration.state not in (RegistrationState.CONFIRMED, RegistrationState.NO_SHOW):
        raise RegistrationError(
            _(
                "Only confirmed registrations can be checked in; this one is %(state)s.",
                state=registration.state.label.lower(),
            ),
            "invalid",
        )
    reason = check_in_closed_reason(registration.event)
    if reason:
        raise RegistrationError(reason, "closed")
    registration.state = RegistrationState.ATTENDED
    registration.checked_in_at = clock.now()
    registration.checked_in_by_id = by_user.id if by_user else None
    db.session.flush()
    return registration


def undo_check_in(registration: Registration, by_user: User | None) -> Registration:
    """Take back a check-in made by mistake: the registrant is confirmed again."""
    if registration.state != RegistrationState.ATTENDED:
        raise RegistrationError(_("%(name)s is not checked in.", name=registration.name), "invalid")
    registration.state = RegistrationState.CONFIRMED
    registration.checked_in_at = None
    registration.checked_in_by_id = None
    db.session.flush()
    return registration


def mark_no_show(registration: Registration, by_user: User | None) -> Registration:
    """Record that a confirmed registrant did not come (only once the event has started)."""
    if registration.state not in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED):
        raise RegistrationError(_("Only confirmed registrations can be marked no-show."), "invalid")
    if clock.now() < registration.event.starts_at:
        raise RegistrationError(
            _("A no-show can be recorded only once the event has started."), "closed"
        )
    registration.state = RegistrationState.NO_SHOW
    registration.checked_in_at = None
    db.session.flush()
    return registration


def door_counts(event: Event) -> dict[str, int]:
    """Live figures for the check-in desk: expected (confirmed + checked in) and checked in."""
    counts = event_counts([event.id])[event.id]
    checked_in = counts.get(RegistrationState.ATTENDED.value, 0)
    expected = checked_in + counts.get(RegistrationState.CONFIRMED.value, 0)
    return {"expected": expected, "checked_in": checked_in, "waiting": expected - checked_in}


# --- Access ---------------------------------------------------------------------------------------


def get_event_for(user: User | None, event_id: int, kind: EventKind | None = None) -> Event:
    """The event if the viewer may see it (drafts only for staff); else 404."""
    event = db.session.get(Event, event_id)
    if event is None or (kind is not None and event.kind != kind):
        abort(404)
    is_staff = bool(user is not None and getattr(user, "is_authenticated", False) and user.is_staff)
    if event.state == EventState.DRAFT and not is_staff:
        abort(404)
    return event


def registrations_of_person(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: registrations the user made, or made for their address once it is proved."""
    if email_confirmed(user):
        return sa.or_(Registration.user_id == user.id, Registration.email == user.email)
    # Unconfirmed: a stranger may have signed up with an address someone else registered.
    return Registration.user_id == user.id


def registration_visible_to(user: User) -> sa.ColumnElement[bool]:
    """SQL condition: registrations ``user`` may see (own, for them, or their organisation's)."""
    conditions = [registrations_of_person(user)]
    organisation = user.organisation
    if organisation is not None and user.role == Role.COMPANY:
        conditions.append(Registration.organisation_id == organisation.id)
    return sa.or_(*conditions)


def get_registration_for(user: User | None, registration_id: int) -> Registration:
    """A registration the viewer may see (own, org's, or staff); else 404."""
    if user is None or not getattr(user, "is_authenticated", False):
        abort(404)
    query = sa.select(Registration).where(Registration.id == registration_id)
    if not user.is_staff:
        query = query.where(registration_visible_to(user))
    registration = db.session.scalar(query)
    if registration is None:
        abort(404)
    return registration


def get_registration_by_ticket(token: str) -> Registration:
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.ticket_token == token)
    )
    if registration is None:
        abort(404)
    return registration


# --- Calendar -------------------------------------------------------------------------------------


def _external(path: str) -> str:
    return external_url(path)


#: Per kind: ``events -> {event id: "venue, address, city"}`` (meetups register theirs), so the
#: engine puts a LOCATION in calendar files without knowing what a venue is.
LOCATION_LOOKUPS: dict[EventKind, Callable[[Sequence[Event]], dict[int, str]]] = {}


def event_locations(events: Sequence[Event]) -> dict[int, str]:
    """Where each in-person event takes place (one query per kind, not per event)."""
    found: dict[int, str] = {}
    for kind, lookup in LOCATION_LOOKUPS.items():
        of_kind = [e for e in events if e.kind == kind]
        if of_kind:
            found.update(lookup(of_kind))
    return found


def _vevent(event: Event, location: str | None = None) -> icalendar.Event:
    """One event for a calendar file; its words in the current language (``force_locale`` in
    mail code, the page's language for a download)."""
    zone = ZoneInfo(event.timezone or current_app.config["TIMEZONE"])
    item = icalendar.Event()
    item.add("uid", f"event-{event.id}@engage.pseb.org.pk")
    item.add("summary", one_line(event.title))
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("dtstamp", clock.now())
    link = _external(event.url)
    item.add("url", link)
    description = markdown_to_text(event.description)
    if len(description) > 1000:
        description = description[:1000] + "…"
    parts = [description]
    if event.is_online:
        parts.append(
            _(
                "Online event: the join link is on the event page for confirmed registrants, "
                "from shortly before the start."
            )
        )
    parts.append(f"{_('Event page:')} {link}")
    item.add("description", "\n\n".join(p for p in parts if p))
    if event.state == EventState.CANCELLED:
        item.add("status", "CANCELLED")
    else:
        item.add("status", "CONFIRMED")
    if location:
        item.add("location", one_line(location))
    elif event.is_online:
        item.add("location", one_line(_("Online: %(url)s", url=link)))
    return item


def calendar_ics(events: Iterable[Event], name: str = "PSEB Engage") -> bytes:
    """An iCalendar file of ``events`` with VTIMEZONE blocks for their zones."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PSEB Engage//Events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", one_line(name))
    calendar.add("method", "PUBLISH")
    zones: set[str] = set()
    events = list(events)
    locations = event_locations(events)
    for event in events:
        calendar.add_component(_vevent(event, locations.get(event.id)))
        zones.add(event.timezone or current_app.config["TIMEZONE"])
    for zone in sorted(zones):
        calendar.add_component(vtimezone(zone))
    return calendar.to_ical()


@functools.lru_cache(maxsize=64)
def vtimezone(zone: str) -> icalendar.Timezone:
    """The VTIMEZONE block of ``zone``, built once per process: deriving it from the tz database
    takes tens of milliseconds, which used to be spent inside every registration's seat lock."""
    this_year = clock.now().year
    return icalendar.Timezone.from_tzid(
        zone, first_date=date(this_year - 2, 1, 1), last_date=date(this_year + 6, 1, 1)
    )


def event_ics(event: Event) -> bytes:
    return calendar_ics([event], name=event.title)


def ics_filename(event: Event) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", event.title.lower()).strip("-")[:60] or "event"
    return f"{slug}.ics"


# --- Mail -----------------------------------------------------------------------------------------


#: Per kind: the join link of an online event (webinars register theirs), or None.
JOIN_URLS: dict[EventKind, Callable[[Event], str | None]] = {}
#: Per kind: ``[(label, zone)]`` of the other places an event is for (a webinar's partners).
PARTNER_ZONES: dict[EventKind, Callable[[Event], list[tuple[str, str]]]] = {}


def cancel_token(registration: Registration) -> str:
    """A signed token that lets whoever holds the mail cancel this registration, no account
    needed (anonymous meetup registrants, colleagues registered by their company)."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CANCEL_SALT).dumps(
        registration.ticket_token
    )


def registration_by_cancel_token(token: str) -> Registration:
    """The registration a cancel link names; 404 for a forged or unknown token."""
    try:
        ticket = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CANCEL_SALT).loads(token)
    except BadSignature:
        abort(404)
    return get_registration_by_ticket(str(ticket))


def event_times(event: Event, recipient_zone: str | None = None) -> list[tuple[str, str]]:
    """``[(label, formatted start–end)]``: the recipient's zone first, then the event's, then each
    partner's (webinars), each zone once."""
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()

    def add(label: str, zone: str) -> None:
        if zone in seen:
            return
        seen.add(zone)
        start = format_datetime(event.starts_at, zone)
        end = format_datetime(event.ends_at, zone, TIME)
        rows.append((label, _("%(start)s to %(end)s", start=start, end=end)))

    if recipient_zone and valid_timezone(recipient_zone):
        add(_("Your time"), recipient_zone)
    add(_("Pakistan") if event.timezone == "Asia/Karachi" else event.timezone, event.timezone)
    lookup = PARTNER_ZONES.get(event.kind)
    for label, zone in lookup(event) if lookup else []:
        add(label, zone)
    return rows


def registration_mail_context(
    registration: Registration, *, with_join_link: bool = False
) -> dict[str, object]:
    """What every registrant mail shows: times in the recipient's and the partners' zones, the
    event page, the ticket (in person) or the join-link note (online), a signed cancel link."""
    event = registration.event
    user = registration.user
    join_url = JOIN_URLS[event.kind](event) if event.kind in JOIN_URLS else None
    return {
        "registration": registration,
        "event": event,
        "times": event_times(event, user.timezone if user is not None else None),
        "link": _external(event.url),
        "online": event.is_online,
        "join_minutes": int(current_app.config["JOIN_URL_VISIBLE_MINUTES"]),
        "join_link": join_url if (with_join_link and event.is_online) else None,
        "join_in_this_mail": with_join_link,
        "location": event_locations([event]).get(event.id),
        "ticket_link": None
        if event.is_online
        else _external(url_for("events.ticket", token=registration.ticket_token)),
        "cancel_link": _external(
            url_for("events.cancel_by_link", token=cancel_token(registration))
        ),
        "has_account": registration.user_id is not None,
    }


def _registrant_acts_here(registration: Registration) -> None:
    """The registrant themselves is on this page (no account needed): their mails, from this
    request and later ones (reminders, feedback, a seat from the waitlist), are in the page's
    language, which the registration keeps."""
    if has_request_context():
        registration.language = current_language()


def registrant_language(registration: Registration) -> str:
    """The language a registrant reads mail in: the saved choice of the account with the
    registered address; without one, the language of the page they last acted on themselves
    (see ``_registrant_acts_here``), else English."""
    user = registration.user
    if user is not None and user.email == registration.email:
        return mail_language(user)
    # Only the saved choice is needed, not the account (registering runs this under the lock).
    account = db.session.execute(
        sa.select(User.language).where(User.email == registration.email)
    ).first()
    if account is None:
        return registration.language or mail_language(None)
    return mail_language(account)


def _registration_for_mail(context: dict[str, Any]) -> Registration | None:
    """The registration a mail queued with ``queue_mail_later`` is about (None: deleted since)."""
    return db.session.get(Registration, context["registration_id"])


def _mail_confirmed(registration: Registration, promoted: bool = False) -> None:
    """Queue the confirmation with its calendar file; both are made when the mail is sent."""
    last_reminder = timedelta(
        hours=min(int(h) for h in current_app.config["REMINDER_OFFSETS_HOURS"])
    )
    queue_mail_later(
        registration.email,
        "event_confirmed",
        language=registrant_language(registration),
        registration_id=registration.id,
        promoted=promoted,
        # Registered (or promoted) after the last reminder's time: this mail has the link.
        with_join_link=registration.event.starts_at - clock.now() <= last_reminder,
    )


@mail_builder("event_confirmed")
def _confirmed_mail(context: dict[str, Any]) -> Mail | None:
    registration = _registration_for_mail(context)
    if registration is None:
        return None
    event = registration.event
    promoted = bool(context.get("promoted"))
    return Mail(
        _("A seat opened up: you're confirmed for %(title)s", title=event.title)
        if promoted
        else _("Registration confirmed: %(title)s", title=event.title),
        {
            "promoted": promoted,
            **registration_mail_context(
                registration, with_join_link=bool(context.get("with_join_link"))
            ),
        },
        Attachment(ics_filename(event), "text/calendar", event_ics(event)),
    )


def _mail_rescheduled(event: Event, previous_start: datetime) -> None:
    """Tell everyone registered (confirmed or waitlisted) the new time, with an updated .ics."""
    attachments: dict[str, Attachment] = {}  # one .ics per language, not per registrant
    for registration in db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.state.in_(ACTIVE_STATES))
        .order_by(Registration.id)
    ):
        language = registrant_language(registration)
        with force_locale(language):
            if language not in attachments:
                attachments[language] = Attachment(
                    ics_filename(event), "text/calendar", event_ics(event)
                )
            queue_mail(
                registration.email,
                _("New time: %(title)s", title=event.title),
                "event_rescheduled",
                attachment=attachments[language],
                registration=registration,
                event=event,
                previous_start=previous_start,
                link=_external(event.url),
            )


def _mail_waitlisted(registration: Registration) -> None:
    queue_mail_later(
        registration.email,
        "event_waitlisted",
        language=registrant_language(registration),
        registration_id=registration.id,
    )


@mail_builder("event_waitlisted")
def _waitlisted_mail(context: dict[str, Any]) -> Mail | None:
    """The position is the one at sending time (people ahead may have left since)."""
    registration = _registration_for_mail(context)
    if registration is None:
        return None
    event = registration.event
    return Mail(
        _("On the waitlist: %(title)s", title=event.title),
        {
            "registration": registration,
            "event": event,
            "position": waitlist_position(registration),
            "link": _external(event.url),
            "cancel_link": _external(
                url_for("events.cancel_by_link", token=cancel_token(registration))
            ),
        },
    )


@mail_builder("event_registration_cancelled")
def _cancelled_mail(context: dict[str, Any]) -> Mail | None:
    registration = _registration_for_mail(context)
    if registration is None:
        return None
    event = registration.event
    return Mail(
        _("Registration cancelled: %(title)s", title=event.title),
        {"registration": registration, "event": event, "link": _external(event.url)},
    )
