"""Webinar rules: creating/editing (on the events engine), scheduling advice.

Seat rules are in ``engagement.events.services``; nothing here counts seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from engagement import business_hours, clock
from engagement.auth.models import User
from engagement.core.timefmt import TIME, format_date
from engagement.directory.models import OverseasEntity, Sector
from engagement.directory.services import country_name
from engagement.events import services as events
from engagement.events.models import (
    Event,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from engagement.extensions import db
from engagement.webinars.models import Webinar

PAKISTAN_ZONE = "Asia/Karachi"

WEBINAR_FIELDS = ("speakers", "platform", "join_url")


# --- Creating and editing ---------------------------------------------------------------------


def create_webinar(
    *,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    capacity: int,
    created_by: User | None,
    description: str = "",
    partners: Sequence[OverseasEntity] = (),
    sectors: Sequence[Sector] = (),
    speakers: str = "",
    platform: str = "",
    join_url: str | None = None,
    seat_limit_per_org: int | None = None,
    registration_opens_at: datetime | None = None,
    registration_closes_at: datetime | None = None,
    waitlist_enabled: bool = True,
    recording_url: str | None = None,
    publish: bool = False,
    record_past: bool = False,
) -> Webinar:
    event = events.create_event(
        EventKind.WEBINAR,
        title,
        starts_at,
        duration_minutes=duration_minutes,
        capacity=capacity,
        description=description,
        timezone=PAKISTAN_ZONE,
        seat_limit_per_org=seat_limit_per_org,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        waitlist_enabled=waitlist_enabled,
        state=EventState.PUBLISHED if publish else EventState.DRAFT,
        created_by=created_by,
        record_past=record_past,
    )
    event.recording_url = recording_url or None
    webinar = Webinar(
        event=event,
        speakers=speakers or "",
        platform=platform or "",
        join_url=join_url or None,
        partners=list(partners),
        sectors=list(sectors),
    )
    db.session.add(webinar)
    db.session.flush()
    return webinar


def update_webinar(
    webinar: Webinar,
    by_user: User | None,
    *,
    partners: Sequence[OverseasEntity] | None = None,
    sectors: Sequence[Sector] | None = None,
    **changes: object,
) -> Webinar:
    for name in WEBINAR_FIELDS:
        if name in changes:
            value = changes.pop(name)
            setattr(webinar, name, (value or None) if name == "join_url" else (value or ""))
    if "recording_url" in changes:
        changes["recording_url"] = changes["recording_url"] or None
    events.update_event(webinar.event, by_user, **changes)
    if partners is not None:
        webinar.partners = list(partners)
    if sectors is not None:
        webinar.sectors = list(sectors)
    db.session.flush()
    return webinar


# --- Loading ----------------------------------------------------------------------------------


def _webinar_options() -> list:
    return [selectinload(Webinar.partners), selectinload(Webinar.sectors)]


def get_webinar_for(user: User | None, event_id: int) -> Webinar:
    """The webinar if the viewer may see it (drafts only for staff); else 404."""
    event = events.get_event_for(user, event_id, kind=EventKind.WEBINAR)
    webinar = db.session.scalar(
        sa.select(Webinar).where(Webinar.event_id == event.id).options(*_webinar_options())
    )
    if webinar is None:
        abort(404)
    return webinar


def upcoming_query(
    sector_id: int | None = None, country: str | None = None, month: str | None = None
) -> sa.Select:
    """Published (or closed for registration) webinars that have not ended, soonest first."""
    query = (
        sa.select(Webinar)
        .join(Webinar.event)
        .where(
            Event.state.in_([EventState.PUBLISHED, EventState.REGISTRATION_CLOSED]),
            Event.ends_at > clock.now(),
        )
        .options(*_webinar_options())
        .order_by(Event.starts_at, Event.id)
    )
    if sector_id:
        query = query.where(Webinar.sectors.any(Sector.id == sector_id))
    if country:
        query = query.where(Webinar.partners.any(OverseasEntity.country_code == country.upper()))
    if month:
        start = month_start(month)
        if start is not None:
            end = (start + timedelta(days=32)).replace(day=1)
            query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return query


def month_start(month: str) -> datetime | None:
    """``2027-01`` → 1 Jan 2027 00:00 PKT (aware); None for anything else."""
    try:
        year, number = (int(part) for part in month.split("-"))
        return datetime(year, number, 1, tzinfo=ZoneInfo(PAKISTAN_ZONE))
    except (ValueError, TypeError):
        return None


def past_query() -> sa.Select:
    return (
        sa.select(Webinar)
        .join(Webinar.event)
        .where(
            Event.state.in_(
                [EventState.PUBLISHED, EventState.REGISTRATION_CLOSED, EventState.COMPLETED]
            ),
            Event.ends_at <= clock.now(),
        )
        .options(*_webinar_options())
        .order_by(Event.starts_at.desc(), Event.id.desc())
    )


def upcoming_webinars(limit: int = 4) -> list[Event]:
    """The next published webinars' events (the home page lists them)."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(
                Event.kind == EventKind.WEBINAR,
                Event.state.in_([EventState.PUBLISHED, EventState.REGISTRATION_CLOSED]),
                Event.ends_at > clock.now(),
            )
            .order_by(Event.starts_at, Event.id)
            .limit(limit)
            .options(selectinload(Event.webinar).selectinload(Webinar.partners))
        )
    )


def join_url_visible(webinar: Webinar, registration: Registration | None) -> bool:
    """Only confirmed registrants see the join link, and only from shortly before the start."""
    if not webinar.join_url or registration is None:
        return False
    if registration.state not in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED):
        return False
    event = webinar.event
    if event.state == EventState.CANCELLED or clock.now() >= event.ends_at:
        return False
    minutes = int(current_app.config["JOIN_URL_VISIBLE_MINUTES"])
    return clock.now() >= event.starts_at - timedelta(minutes=minutes)


# --- Scheduling advice ----------------------------------------------------------------------------


@dataclass
class PartnerSchedule:
    partner: OverseasEntity
    #: Overlap of 09:00-17:00 in both zones on the slot's day, as UTC (start, end) or None.
    overlap: tuple[datetime, datetime] | None
    local_start: datetime
    local_end: datetime
    warnings: list[str] = field(default_factory=list)


@dataclass
class ScheduleAdvice:
    pakistan_start: datetime
    pakistan_end: datetime
    partners: list[PartnerSchedule]
    warnings: list[str]


def schedule_advice(
    starts_at: datetime, duration_minutes: int, partners: Sequence[OverseasEntity]
) -> ScheduleAdvice:
    """Business-hours overlap of Pakistan and each partner's zone, with warnings for the slot.

    The rule (hours, each country's working days and holidays, Friday prayers) is
    ``engagement.business_hours``; B2B meetings use the same one.
    """
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    pk = ZoneInfo(PAKISTAN_ZONE)
    pk_start, pk_end = starts_at.astimezone(pk), ends_at.astimezone(pk)
    warnings: list[str] = []
    pk_open, pk_close = business_hours.business_window(pk_start.date(), PAKISTAN_ZONE)
    if business_hours.is_weekend("PK", pk_start.date()):
        warnings.append(
            _("%(day)s is a weekend day in Pakistan.", day=format_date(pk_start, "EEEE"))
        )
    if pk_start < pk_open or pk_end > pk_close:
        warnings.append(_("The slot falls outside Pakistani business hours (09:00-17:00 PKT)."))
    if name := business_hours.holiday_name("PK", pk_start.date()):
        warnings.append(
            _(
                "%(date)s is a public holiday in Pakistan: %(holiday)s.",
                date=format_date(pk_start),
                holiday=name,
            )
        )
    if business_hours.jumuah_overlap(business_hours.PAKISTAN_SIDE, starts_at, ends_at):
        warnings.append(
            _("The slot overlaps Friday prayers (Jumu'ah, about 12:30-14:30) in Pakistan.")
        )
    advice: list[PartnerSchedule] = []
    for partner in partners:
        zone = ZoneInfo(partner.timezone)
        local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        label = f"{partner.name} ({partner.timezone})"
        side = business_hours.Side(label, partner.country_code, partner.timezone)
        overlap = business_hours.overlap_on(local_start.date(), business_hours.PAKISTAN_SIDE, side)
        best = (overlap[0].astimezone(pk), overlap[1].astimezone(pk)) if overlap else None
        schedule = PartnerSchedule(partner, best, local_start, local_end)
        if best is None:
            schedule.warnings.append(
                _(
                    "Business hours in Pakistan and %(partner)s do not overlap; "
                    "pick a slot early or late.",
                    partner=label,
                )
            )
        elif starts_at < best[0] or ends_at > best[1]:
            schedule.warnings.append(
                _(
                    "The slot falls outside the business-hours overlap with %(partner)s "
                    "(%(start)s-%(end)s PKT).",
                    partner=label,
                    start=format_date(best[0], TIME),
                    end=format_date(best[1], TIME),
                )
            )
        if business_hours.is_weekend(partner.country_code, local_start.date()):
            schedule.warnings.append(
                _(
                    "%(day)s is a weekend day for %(partner)s.",
                    day=format_date(local_start, "EEEE"),
                    partner=label,
                )
            )
        if name := business_hours.holiday_name(partner.country_code, local_start.date()):
            schedule.warnings.append(
                _(
                    "%(date)s is a public holiday in %(country)s: %(holiday)s.",
                    date=format_date(local_start),
                    country=country_name(partner.country_code) or partner.country_code,
                    holiday=name,
                )
            )
        if business_hours.jumuah_overlap(side, starts_at, ends_at):
            schedule.warnings.append(
                _(
                    "The slot overlaps Friday prayers (Jumu'ah, about 12:30-14:30) "
                    "for %(partner)s.",
                    partner=label,
                )
            )
        warnings.extend(schedule.warnings)
        advice.append(schedule)
    return ScheduleAdvice(pk_start, pk_end, advice, warnings)


def _join_url(event: Event) -> str | None:
    webinar = event.webinar
    return webinar.join_url if webinar is not None else None


def _partner_zones(event: Event) -> list[tuple[str, str]]:
    webinar = event.webinar
    return [(p.name, p.timezone) for p in webinar.partners] if webinar is not None else []


# The engine's mails and pages ask each kind for what it knows (see engagement.events.services).
events.JOIN_URLS[EventKind.WEBINAR] = _join_url
events.PARTNER_ZONES[EventKind.WEBINAR] = _partner_zones
