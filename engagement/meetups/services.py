"""Meetup rules: venues, publishing a roadmap entry as an engine event, reports, feedback.

Seats, waitlists and check-in belong to the engine (``engagement.events.services``); this module
adds what only meetups have. Functions flush and never commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from engagement import clock
from engagement.auth.models import User
from engagement.auth.services import email_confirmed
from engagement.core.i18n import mail_language
from engagement.directory.models import City
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.events.services import (
    LOCATION_LOOKUPS,
    create_event,
    get_event_for,
    registrant_language,
)
from engagement.extensions import db
from engagement.meetups.models import (
    Meetup,
    MeetupFeedback,
    MeetupReport,
    StpStatus,
    Venue,
    VenueKind,
)
from engagement.notifications.services import queue_mail
from engagement.roadmap.adapter import RoadmapError, event_start, get_settings
from engagement.roadmap.models import EntryState
from engagement.roadmap.wording import long_day

#: Event states shown to the public (drafts are staff-only).
VISIBLE_STATES = (
    EventState.PUBLISHED,
    EventState.REGISTRATION_CLOSED,
    EventState.COMPLETED,
    EventState.CANCELLED,
)
UPCOMING_STATES = (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED)
#: Registrations that may answer the survey.
FEEDBACK_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)

DEFAULT_AGENDA = """Registration and networking
Welcome by PSEB: export facilitation, STP incentives and registration
Panel: growing IT exports from {city}
Startup pitches and company showcases
One-to-one clinics with PSEB staff (registration, tax, remittances)
Networking tea"""


class MeetupError(ValueError):
    """A meetup rule refused the change; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Reading --------------------------------------------------------------------------------


def _meetup_query() -> sa.Select:
    return sa.select(Meetup).options(
        joinedload(Meetup.event),
        joinedload(Meetup.city).joinedload(City.province),
        joinedload(Meetup.venue),
    )


def upcoming_meetups(limit: int | None = None) -> list[Event]:
    """The next published meetup events, soonest first (the home page shows a few)."""
    query = (
        sa.select(Event)
        .where(
            Event.kind == EventKind.MEETUP,
            Event.state.in_(UPCOMING_STATES),
            Event.ends_at > clock.now(),
        )
        .order_by(Event.starts_at, Event.id)
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def upcoming_meetup_rows() -> list[Meetup]:
    """Upcoming published meetups with their event, city, province and venue loaded."""
    return list(
        db.session.scalars(
            _meetup_query()
            .join(Meetup.event)
            .where(Event.state.in_(UPCOMING_STATES), Event.ends_at > clock.now())
            .order_by(Event.starts_at, Event.id)
        ).unique()
    )


def get_meetup_for(user: User | None, event_id: int) -> Meetup:
    """The meetup of event ``event_id`` if the viewer may see it (drafts: staff only); else 404."""
    get_event_for(user, event_id, kind=EventKind.MEETUP)
    meetup = db.session.scalar(_meetup_query().where(Meetup.event_id == event_id))
    if meetup is None:
        abort(404)
    return meetup


def get_city(slug: str) -> City:
    city = db.session.scalar(sa.select(City).where(City.slug == slug))
    if city is None:
        abort(404)
    return city


@dataclass
class MeetupHistory:
    """A past meetup for the city page: attendance, staff report and feedback summary."""

    meetup: Meetup
    registered: int
    attended: int
    feedback_count: int
    average_rating: float | None
    useful: list[str]


def city_meetups(city: City) -> tuple[list[Meetup], list[MeetupHistory]]:
    """Upcoming meetups of the city, and its history (past meetups, newest first)."""
    now = clock.now()
    rows = list(
        db.session.scalars(
            _meetup_query()
            .options(selectinload(Meetup.report))
            .join(Meetup.event)
            .where(Meetup.city_id == city.id, Event.state.in_(VISIBLE_STATES))
            .order_by(Event.starts_at.desc())
        ).unique()
    )
    upcoming = sorted(
        (m for m in rows if m.event.ends_at > now and m.event.state in UPCOMING_STATES),
        key=lambda m: m.event.starts_at,
    )
    past = [m for m in rows if m.event.ends_at <= now or m.event.state == EventState.COMPLETED]
    ids = [m.event_id for m in past]
    counts: dict[tuple[int, str], int] = {}
    if ids:
        for event_id, state, count in db.session.execute(
            sa.select(Registration.event_id, Registration.state, sa.func.count())
            .where(Registration.event_id.in_(ids))
            .group_by(Registration.event_id, Registration.state)
        ):
            counts[event_id, RegistrationState(state).value] = count
    feedback: dict[int, list[MeetupFeedback]] = {}
    if past:
        for item in db.session.scalars(
            sa.select(MeetupFeedback)
            .where(MeetupFeedback.meetup_id.in_([m.id for m in past]))
            .order_by(MeetupFeedback.id)
        ):
            feedback.setdefault(item.meetup_id, []).append(item)
    history = []
    for meetup in past:
        items = feedback.get(meetup.id, [])
        seat = sum(
            counts.get((meetup.event_id, s), 0) for s in ("confirmed", "attended", "no_show")
        )
        history.append(
            MeetupHistory(
                meetup=meetup,
                registered=seat,
                attended=counts.get((meetup.event_id, "attended"), 0),
                feedback_count=len(items),
                average_rating=(sum(i.rating for i in items) / len(items)) if items else None,
                useful=[i.useful for i in items if i.useful.strip()][:5],
            )
        )
    return upcoming, history


# --- Venues ---------------------------------------------------------------------------------


def choose_venue(city_id: int) -> Venue | None:
    """The venue a new meetup in the city uses: an operating STP first, then the largest."""
    venues = [
        v for v in db.session.scalars(sa.select(Venue).where(Venue.city_id == city_id)) if v.usable
    ]
    venues.sort(key=lambda v: (v.kind != VenueKind.STP, -v.capacity, v.id))
    return venues[0] if venues else None


def cities_with_usable_venue() -> set[int]:
    """Ids of the cities with a venue that can host a meetup now (see ``Venue.usable``)."""
    return set(
        db.session.scalars(
            sa.select(Venue.city_id).where(
                Venue.active.is_(True),
                sa.or_(Venue.kind != VenueKind.STP, Venue.stp_status == StpStatus.OPERATING),
            )
        )
    )


def save_venue(venue: Venue | None, **values: object) -> Venue:
    """Create or update a venue; the STP status goes with STPs only."""
    kind = VenueKind(values["kind"])
    status = values.get("stp_status") or None
    if kind == VenueKind.STP and not status:
        raise MeetupError(_("Give the Software Technology Park's status."), "stp_status")
    if kind != VenueKind.STP:
        status = None
    capacity = values.get("capacity")
    if not isinstance(capacity, int) or capacity < 1:
        raise MeetupError(_("Capacity must be at least 1."), "capacity")
    city_id = int(values["city_id"])  # type: ignore[arg-type]
    name = str(values["name"]).strip()
    clash = db.session.scalar(sa.select(Venue).where(Venue.city_id == city_id, Venue.name == name))
    if clash is not None and clash is not venue:
        raise MeetupError(_("This city already has a venue with that name."), "name")
    if venue is None:
        venue = Venue()
        db.session.add(venue)
    venue.city_id = city_id
    venue.name = name
    venue.kind = kind
    venue.stp_status = StpStatus(status) if status else None
    venue.capacity = capacity
    venue.address = str(values.get("address") or "").strip()
    venue.facilities = str(values.get("facilities") or "").strip()
    venue.active = bool(values.get("active", True))
    db.session.flush()
    return venue


# --- Publishing -----------------------------------------------------------------------------


def create_meetup_for_entry(entry, user: User | None) -> Meetup:  # type: ignore[no-untyped-def]
    """Publish a roadmap draft: an engine event (kind meetup) plus its Meetup row.

    Capacity comes from the venue; registration opens now and closes a day before the start.
    The team's members are emailed.
    """
    venue = choose_venue(entry.city_id)
    if venue is None:
        raise RoadmapError(
            _("%(city)s has no operating venue; add one first.", city=entry.city.name)
        )
    settings = get_settings()
    starts_at = event_start(entry.day)
    now = clock.now()
    closes_at = starts_at - timedelta(days=1)
    event = create_event(
        EventKind.MEETUP,
        f"Industry meetup: {entry.city.name}",
        starts_at,
        capacity=venue.capacity,
        duration_minutes=settings.duration_minutes,
        description=(
            f"PSEB's industry meetup in {entry.city.name} for IT and ITeS companies, startups "
            "and freelancers: export facilitation, Software Technology Parks, and networking."
        ),
        timezone=current_app.config.get("TIMEZONE", "Asia/Karachi"),
        registration_opens_at=now,
        registration_closes_at=closes_at if closes_at > now else None,
        state=EventState.PUBLISHED,
        created_by=user,
    )
    meetup = Meetup(
        event=event,
        city_id=entry.city_id,
        venue=venue,
        team_id=entry.team_id,
        agenda=DEFAULT_AGENDA.format(city=entry.city.name),
    )
    db.session.add(meetup)
    entry.event = event
    entry.state = EntryState.PUBLISHED
    entry.pinned = False
    db.session.flush()
    link = current_app.config["BASE_URL"].rstrip("/") + event.url
    for member in entry.team.members:
        with force_locale(mail_language(member)):
            queue_mail(
                member.email,
                _(
                    "Meetup published: %(city)s, %(day)s",
                    city=entry.city.name,
                    day=long_day(entry.day),
                ),
                "roadmap_published",
                dedupe_key=f"meetup-published:{event.id}:{member.id}",
                member=member,
                entry=entry,
                event=event,
                venue=venue,
                link=link,
            )
    return meetup


def update_agenda(meetup: Meetup, agenda: str) -> None:
    meetup.agenda = agenda.strip()
    db.session.flush()


# --- After the meetup -----------------------------------------------------------------------


def attendance(meetup: Meetup) -> dict[str, int]:
    """Registrations of the meetup by state (from the engine's check-ins)."""
    counts = {state.value: 0 for state in RegistrationState}
    for state, count in db.session.execute(
        sa.select(Registration.state, sa.func.count())
        .where(Registration.event_id == meetup.event_id)
        .group_by(Registration.state)
    ):
        counts[RegistrationState(state).value] = count
    return counts


def is_over(meetup: Meetup) -> bool:
    return meetup.event.starts_at <= clock.now() and meetup.event.state != EventState.CANCELLED


def save_report(
    meetup: Meetup, user: User, *, notes: str, outcomes: str, follow_ups: str
) -> MeetupReport:
    """Write or update the staff report; only once the meetup has started."""
    if not is_over(meetup):
        raise MeetupError(_("The report can be written once the meetup has taken place."))
    report = meetup.report
    if report is None:
        report = MeetupReport(meetup=meetup)
        db.session.add(report)
    report.notes = notes.strip()
    report.outcomes = outcomes.strip()
    report.follow_ups = follow_ups.strip()
    report.written_by_id = user.id
    db.session.flush()
    return report


def own_registration(user: User, meetup: Meetup) -> Registration | None:
    """The viewer's registration for the meetup that may give feedback (None if there is none)."""
    if not getattr(user, "is_authenticated", False) or not email_confirmed(user):
        return None  # an unconfirmed address may belong to someone else
    return db.session.scalar(
        sa.select(Registration)
        .where(
            Registration.event_id == meetup.event_id,
            Registration.email == user.email,
            Registration.state.in_(FEEDBACK_STATES),
        )
        .order_by(Registration.id)
        .limit(1)
    )


def feedback_given(registration: Registration) -> bool:
    return (
        db.session.scalar(
            sa.select(MeetupFeedback.id).where(MeetupFeedback.registration_id == registration.id)
        )
        is not None
    )


def submit_feedback(
    meetup: Meetup,
    registration: Registration | None,
    *,
    rating: int,
    useful: str,
    comments: str,
) -> MeetupFeedback:
    """One short survey per registration, by the registered person, after the meetup."""
    if not is_over(meetup):
        raise MeetupError(_("Feedback opens once the meetup has taken place."))
    if (
        registration is None
        or registration.event_id != meetup.event_id
        or registration.state not in FEEDBACK_STATES
    ):
        raise MeetupError(_("Only people registered for this meetup can give feedback."))
    if feedback_given(registration):
        raise MeetupError(_("Feedback for this registration was already given. Thank you!"))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise MeetupError(_("Choose a rating from 1 to 5."), "rating")
    feedback = MeetupFeedback(
        meetup=meetup,
        registration_id=registration.id,
        rating=rating,
        useful=useful.strip(),
        comments=comments.strip(),
    )
    db.session.add(feedback)
    db.session.flush()
    return feedback


#: How long after a meetup the survey mail may still go out.
SURVEY_WINDOW = timedelta(days=3)


def send_feedback_surveys() -> int:
    """After a meetup ends, email each confirmed or checked-in registrant the survey link, once.

    The link carries the registration's ticket token, so colleagues registered by a company
    representative can answer without an account.
    """
    from engagement.core.context import external_url

    now = clock.now()
    queued = 0
    rows = db.session.execute(
        sa.select(Registration, Meetup)
        .join(Meetup, Meetup.event_id == Registration.event_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Event.state != EventState.CANCELLED,
            Event.ends_at <= now,
            Event.ends_at > now - SURVEY_WINDOW,
            Registration.state.in_(FEEDBACK_STATES),
            Registration.id.not_in(sa.select(MeetupFeedback.registration_id)),
        )
        .order_by(Registration.id)
    ).all()
    for registration, meetup in rows:
        link = external_url("meetups.feedback_by_ticket", token=registration.ticket_token)
        with force_locale(registrant_language(registration)):
            sent = queue_mail(
                registration.email,
                _("Three questions about %(title)s", title=meetup.event.title),
                "meetup_feedback",
                dedupe_key=f"meetup-survey:{registration.id}",
                registration=registration,
                event=meetup.event,
                link=link,
            )
        if sent:
            queued += 1
    return queued


def feedback_for(meetup: Meetup) -> list[MeetupFeedback]:
    return list(
        db.session.scalars(
            sa.select(MeetupFeedback)
            .where(MeetupFeedback.meetup_id == meetup.id)
            .order_by(MeetupFeedback.id)
        )
    )


def meetup_locations(events: Sequence[Event]) -> dict[int, str]:
    """Each meetup event's venue, address and city, for calendar files (one query)."""
    rows = db.session.scalars(
        sa.select(Meetup)
        .where(Meetup.event_id.in_([e.id for e in events]))
        .options(joinedload(Meetup.venue), joinedload(Meetup.city))
    )
    found = {}
    for meetup in rows:
        parts = []
        if meetup.venue is not None:
            parts += [meetup.venue.name, meetup.venue.address]
        parts.append(meetup.city.name if meetup.city else "")
        found[meetup.event_id] = ", ".join(p.strip() for p in parts if p and p.strip())
    return found


LOCATION_LOOKUPS[EventKind.MEETUP] = meetup_locations
