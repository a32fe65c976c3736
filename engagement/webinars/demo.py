"""Demo webinars with overseas partners in several time zones, and a few registrations."""

from __future__ import annotations

import zlib
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from engagement import clock
from engagement.auth.models import User
from engagement.core.context import offline_request_context
from engagement.directory.models import OverseasEntity, OverseasEntityType, Sector
from engagement.events import services as events
from engagement.events.models import Event, EventKind
from engagement.extensions import db
from engagement.webinars import services as svc

PKT = ZoneInfo("Asia/Karachi")

#: Used when the directory demo has not created overseas entities: name, country, zone, type.
FALLBACK_PARTNERS = [
    ("German-Pakistani Chamber of Commerce and Industry", "DE", "Europe/Berlin", "chamber"),
    ("Hudson Valley Ventures", "US", "America/New_York", "investor"),
    ("Dubai Digital Trade Council", "AE", "Asia/Dubai", "trade_body"),
    ("Sakura Systems K.K.", "JP", "Asia/Tokyo", "company"),
    ("University of Northbridge", "GB", "Europe/London", "university"),
]

#: title, days from now, PKT hour, minutes, partner countries, sector slugs, capacity, limit
WEBINARS = [
    (
        "Selling software services into the German Mittelstand",
        9,
        14,
        90,
        ["DE"],
        ["software-development", "it-enabled-services"],
        120,
        3,
    ),
    (
        "Raising a seed round from US investors",
        16,
        18,
        60,
        ["US"],
        ["fintech", "ai-data"],
        80,
        2,
    ),
    (
        "E-commerce and fintech opportunities in the UAE",
        23,
        12,
        60,
        ["AE"],
        ["ecommerce", "fintech"],
        3,
        2,
    ),
    (
        "Game and animation outsourcing with Japanese studios",
        30,
        10,
        75,
        ["JP", "GB"],
        ["gaming-animation"],
        60,
        4,
    ),
]

PAST = (
    "AI research partnerships with UK universities",
    -21,
    15,
    60,
    ["GB"],
    ["ai-data", "edtech"],
    100,
    None,
)

DESCRIPTION = """PSEB brings Pakistani IT and ITeS companies together with **{partners}**.

- What buyers and partners in the market look for
- How to approach them, with examples from Pakistani firms
- Questions and answers

Registered companies can request a **B2B meeting** with the partner, in both sides' business hours."""


def _partners() -> dict[str, OverseasEntity]:
    by_country: dict[str, OverseasEntity] = {}
    for entity in db.session.scalars(sa.select(OverseasEntity).order_by(OverseasEntity.id)):
        by_country.setdefault(entity.country_code, entity)
    for name, country, zone, kind in FALLBACK_PARTNERS:
        if country in by_country:
            continue
        entity = db.session.scalar(sa.select(OverseasEntity).where(OverseasEntity.name == name))
        if entity is None:
            entity = OverseasEntity(
                name=name,
                country_code=country,
                timezone=zone,
                entity_type=OverseasEntityType(kind),
            )
            db.session.add(entity)
            db.session.flush()
        by_country[country] = entity
    return by_country


def _slot(days: int, hour: int, minutes: int, partners: list[OverseasEntity]) -> datetime:
    """The first day from ``days`` ahead on which the platform's own slot check
    (:func:`svc.schedule_advice`) finds the fewest problems: no weekend, no public holiday in
    Pakistan or a partner country (Quaid-e-Azam Day, Christmas...). Warnings that hold for every
    day (business hours that never overlap) cannot be avoided by moving the day."""
    start = (clock.now().astimezone(PKT) + timedelta(days=days)).date()
    best: tuple[int, datetime] | None = None
    for shift in range(14):
        moment = datetime.combine(start + timedelta(days=shift), time(hour, 0), tzinfo=PKT)
        problems = len(svc.schedule_advice(moment, minutes, partners).warnings)
        if best is None or problems < best[0]:
            best = (problems, moment)
        if problems == 0:
            break
    assert best is not None
    return best[1]


def _create(spec, partners, sectors, publish=True):
    title, days, hour, minutes, countries, slugs, capacity, limit = spec
    if db.session.scalar(
        sa.select(Event.id).where(Event.kind == EventKind.WEBINAR, Event.title == title)
    ):
        return None
    chosen = [partners[c] for c in countries if c in partners]
    return svc.create_webinar(
        title=title,
        starts_at=_slot(days, hour, minutes, chosen),
        duration_minutes=minutes,
        capacity=capacity,
        seat_limit_per_org=limit,
        description=DESCRIPTION.format(partners=", ".join(p.name for p in chosen)),
        partners=chosen,
        sectors=[sectors[s] for s in slugs if s in sectors],
        speakers="\n".join(f"Representative, {p.name}" for p in chosen)
        + "\nTrade & Investment team, Pakistan Software Export Board",
        platform="Zoom",
        join_url=f"https://zoom.example.org/j/{zlib.crc32(title.encode()):010d}",
        publish=publish,
        created_by=None,
    )


#: People at the past webinar (registered by staff) and whether they came: a realistic door,
#: most checked in around the start, a few no-shows.
PAST_ATTENDEES = (
    ("Ayesha Siddiqui", "ayesha.siddiqui@netsol.demo", 0),
    ("Bilal Chaudhry", "bilal.chaudhry@systems.demo", 3),
    ("Fatima Zahra", "fatima.zahra@lums.demo", None),
    ("Hamza Qureshi", "hamza.qureshi@10pearls.demo", 8),
    ("Iqra Mahmood", "iqra.mahmood@arbisoft.demo", -5),
    ("Kamran Akmal", "kamran.akmal@contour.demo", None),
    ("Mehwish Raza", "mehwish.raza@nust.demo", 12),
    ("Noman Sheikh", "noman.sheikh@folio3.demo", 1),
    ("Rabia Anwar", "rabia.anwar@tkxel.demo", None),
    ("Usman Tariq", "usman.tariq@venturedive.demo", 20),
)


def _past_attendance(event: Event) -> None:
    """Registrations a week before, check-ins at the door (minutes after the start), no-shows."""
    with clock.frozen(event.starts_at - timedelta(days=7)):
        registered = events.register_attendees(
            event.id, [events.Attendee(name, email) for name, email, _ in PAST_ATTENDEES], None
        )
    for registration, (_name, _email, minutes) in zip(registered, PAST_ATTENDEES, strict=True):
        if minutes is None:
            with clock.frozen(event.ends_at):
                events.mark_no_show(registration, None)
        else:
            with clock.frozen(event.starts_at + timedelta(minutes=minutes)):
                events.check_in(registration, None)


def seed_demo() -> list[str]:
    """Idempotent: webinars are found by title; registrations are made only with new webinars."""
    # Mails carry links: build them against BASE_URL when run from the command line.
    with offline_request_context():
        return _seed()


def _seed() -> list[str]:
    partners = _partners()
    sectors = {s.slug: s for s in db.session.scalars(sa.select(Sector))}
    created = []
    for spec in WEBINARS:
        webinar = _create(spec, partners, sectors)
        if webinar is not None:
            created.append(webinar)
    # A past webinar with a recording: created as if scheduled back then (a month ahead of it),
    # since a new event may not start in the past.
    title, days, *rest = PAST
    with clock.frozen(clock.now() + timedelta(days=days - 30)):
        past = _create((title, 30, *rest), partners, sectors)
    if past is not None:
        past.event.recording_url = "https://www.youtube.com/@PSEBofficial"
        past.event.registration_closes_at = None

    # A few registrations from the demo company and founders.
    rep = db.session.scalar(sa.select(User).where(User.email == "company@techlogix.demo"))
    founder = db.session.scalar(sa.select(User).where(User.email == "founder@gilgitgrowth.demo"))
    if created and rep is not None:
        first = created[0]
        events.register_attendees(
            first.event_id,
            [
                events.Attendee(rep.name, rep.email),
                events.Attendee("Hina Colleague", "colleague@techlogix.demo"),
            ],
            rep,
        )
        if len(created) > 2:
            small = created[2]  # three seats: the demo shows a waitlist
            events.register_attendees(
                small.event_id,
                [
                    events.Attendee(rep.name, rep.email),
                    events.Attendee("Hina Colleague", "colleague@techlogix.demo"),
                ],
                rep,
            )
            if founder is not None:
                events.register_attendees(
                    small.event_id, [events.Attendee(founder.name, founder.email)], founder
                )
                other = db.session.scalar(sa.select(User).where(User.email == "company@indus.demo"))
                if other is not None:
                    events.register_attendees(
                        small.event_id, [events.Attendee(other.name, other.email)], other
                    )
    if past is not None and rep is not None:
        with clock.frozen(past.event.starts_at - timedelta(days=3)):
            events.register_attendees(past.event_id, [events.Attendee(rep.name, rep.email)], rep)
    if past is not None:
        _past_attendance(past.event)
    db.session.flush()
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Event).where(Event.kind == EventKind.WEBINAR)
    )
    return [f"webinars: {len(created) + (1 if past else 0)} created, {total} in all"]
