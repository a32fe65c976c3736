"""Demo data for the dashboard: PSEB's published remittance quarters, and a little history
(meetups and a webinar held this quarter and a year earlier, with check-ins; companies verified
a year ago; requests answered a year ago) so every section of /dashboard has something to show.

The history is made once (found by its marker title) and is written as finished records: the
events are over, so no seat rule or mail applies to them.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from engagement import clock
from engagement.auth.models import User
from engagement.dashboard.periods import PK_ZONE, quarter_of, today_pk
from engagement.dashboard.services import seed_remittances
from engagement.directory.demo import record_demo_verification
from engagement.directory.models import City, Company, OverseasEntity
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db
from engagement.facilitation.models import (
    FacilitationRequest,
    RequestState,
    ResolutionOutcome,
    Sphere,
)
from engagement.facilitation.sla import add_working_days
from engagement.meetups.models import Meetup
from engagement.partners.models import (
    MeetingOutcome,
    MeetingRequest,
    MeetingSide,
    MeetingSlot,
    MeetingState,
)
from engagement.roadmap.models import EntryState, RoadmapEntry, StaffTeam
from engagement.webinars.models import Webinar

MARKER = "Demo history"
#: (city slug, days before today, seats, checked in) for meetups held recently ...
RECENT_MEETUPS = [
    ("gilgit", 2, 40, 31),
    ("mithi", 5, 25, 22),
    ("bannu", 9, 30, 19),
    ("lahore", 12, 60, 44),
]
#: ... and a year earlier.
YEAR_AGO_MEETUPS = [("lahore", 6, 50, 30), ("karachi", 10, 45, 28)]


def seed_demo() -> list[str]:
    saved = seed_remittances()
    lines = [
        f"dashboard: {saved} export remittance quarters (data/reference/export_remittances.csv)"
    ]
    exists = db.session.scalar(sa.select(Event.id).where(Event.title.like(f"{MARKER}%")).limit(1))
    if exists is None:
        lines.append(f"dashboard: history added ({_history()} records)")
    return lines


def _at(days_ago: int, year_ago: bool = False, hour: int = 11) -> datetime:
    """``days_ago`` days before today (kept inside this quarter when it can be), 11:00 PKT."""
    today = today_pk(clock.now())
    day = max(today - timedelta(days=days_ago), quarter_of(today).first)
    if day >= today:
        day = today - timedelta(days=days_ago)
    if year_ago:
        day = (
            day.replace(year=day.year - 1)
            if (day.month, day.day) != (2, 29)
            else day - timedelta(days=366)
        )
    return datetime.combine(day, time(hour), tzinfo=PK_ZONE)


def _event(kind: EventKind, title: str, starts: datetime, state=EventState.COMPLETED) -> Event:
    event = Event(
        kind=kind,
        title=f"{MARKER}: {title}",
        state=state,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=100,
        cancelled_reason="Road closed" if state == EventState.CANCELLED else None,
        cancelled_at=starts - timedelta(days=2) if state == EventState.CANCELLED else None,
    )
    db.session.add(event)
    db.session.flush()
    return event


def _attendees(event: Event, seats: int, came: int, organisation_id: int | None = None) -> int:
    for n in range(seats):
        db.session.add(
            Registration(
                event_id=event.id,
                name=f"Attendee {n + 1}",
                email=f"attendee{n + 1}.e{event.id}@example.demo",
                organisation_id=organisation_id if n == 0 else None,
                state=RegistrationState.ATTENDED if n < came else RegistrationState.NO_SHOW,
                confirmed_at=event.starts_at - timedelta(days=7),
                checked_in_at=event.starts_at + timedelta(minutes=10) if n < came else None,
            )
        )
    return seats


def _history() -> int:
    count = 0
    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    team = db.session.scalar(sa.select(StaffTeam).order_by(StaffTeam.id).limit(1))
    for rows, year_ago in ((RECENT_MEETUPS, False), (YEAR_AGO_MEETUPS, True)):
        for slug, days, seats, came in rows:
            city = cities.get(slug)
            if city is None:
                continue
            event = _event(EventKind.MEETUP, f"{city.name} meetup", _at(days, year_ago))
            db.session.add(Meetup(event_id=event.id, city_id=city.id, team=team))
            count += 1 + _attendees(event, seats, came)
            if team is not None:
                db.session.add(
                    RoadmapEntry(
                        city_id=city.id,
                        day=event.starts_at.astimezone(PK_ZONE).date(),
                        team=team,
                        state=EntryState.PUBLISHED,
                        event_id=event.id,
                    )
                )
    if team is not None and "sargodha" in cities:
        cancelled = _event(EventKind.MEETUP, "Sargodha meetup", _at(4), EventState.CANCELLED)
        db.session.add(Meetup(event_id=cancelled.id, city_id=cities["sargodha"].id, team=team))
        db.session.add(
            RoadmapEntry(
                city_id=cities["sargodha"].id,
                day=cancelled.starts_at.astimezone(PK_ZONE).date(),
                team=team,
                state=EntryState.CANCELLED,
                event_id=cancelled.id,
            )
        )
    partners = list(db.session.scalars(sa.select(OverseasEntity).order_by(OverseasEntity.id)))
    rep = db.session.scalar(sa.select(User).where(User.email == "company@techlogix.demo"))
    rep_org = rep.organisation.id if rep is not None and rep.organisation else None
    if partners:
        recent = _event(EventKind.WEBINAR, "Export readiness clinic", _at(3, hour=15))
        db.session.add(Webinar(event_id=recent.id, partners=partners[:3], platform="Zoom"))
        year_ago = _event(EventKind.WEBINAR, "Meet the buyers", _at(8, True, hour=15))
        db.session.add(Webinar(event_id=year_ago.id, partners=partners[:1], platform="Zoom"))
        count += 2 + _attendees(recent, 60, 41, rep_org) + _attendees(year_ago, 35, 20, rep_org)
        db.session.flush()
        if rep_org is not None:
            # After the recent webinar: one meeting held with a contract reported, one asked for.
            for partner, held in zip(partners[:2], (True, False), strict=False):
                slot = recent.ends_at + timedelta(days=2)
                db.session.add(
                    MeetingRequest(
                        event_id=recent.id,
                        organisation_id=rep_org,
                        overseas_entity_id=partner.id,
                        requested_side=MeetingSide.COMPANY,
                        requested_by_id=rep.id,
                        message="Introduce us to buyers of managed cloud services.",
                        state=MeetingState.ACCEPTED if held else MeetingState.REQUESTED,
                        created_at=recent.ends_at + timedelta(hours=1),
                        decided_at=recent.ends_at + timedelta(days=1) if held else None,
                        slot_at=slot if held else None,
                        outcome=MeetingOutcome.CONTRACT if held else None,
                        value_usd=Decimal("25000") if held else None,
                        outcome_at=slot + timedelta(days=1) if held else None,
                        slots=[MeetingSlot(starts_at=slot)],
                    )
                )
                count += 1
    lahore = cities.get("lahore")
    for n, name in enumerate(("Ravi Systems", "Margalla Data", "Indus Valley Apps")):
        company = Company(
            legal_name=f"{name} (Pvt) Ltd", registration_number=f"PSEB/2019/9{n:03d}", city=lahore
        )
        db.session.add(company)
        record_demo_verification(company, _at(20 + 15 * n, True))
        count += 1
    founder = db.session.scalar(sa.select(User).where(User.email == "founder@gilgitgrowth.demo"))
    if founder is not None and founder.organisation is not None:
        for days, answer_days, close_days in ((30, 2, 9), (15, 1, 4)):
            submitted = _at(days, True, hour=10)
            db.session.add(
                FacilitationRequest(
                    organisation_id=founder.organisation.id,
                    created_by_id=founder.id,
                    sphere=Sphere.MARKETING,
                    title=f"{MARKER}: trade fair stall",
                    state=RequestState.RESOLVED,
                    submitted_at=submitted,
                    first_response_due_at=add_working_days(submitted, 3),
                    first_response_at=submitted + timedelta(days=answer_days),
                    closed_at=submitted + timedelta(days=close_days),
                    outcome=ResolutionOutcome.ADVICE_GIVEN,
                )
            )
            count += 1
    db.session.flush()
    return count
