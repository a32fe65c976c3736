"""Webinar rules: creating/editing (on the events engine), scheduling advice, introductions.

Seat rules are in ``engagement.events.services``; nothing here counts seats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa
from flask import abort, current_app
from sqlalchemy.orm import selectinload

from engagement import clock
from engagement.auth.models import Role, User
from engagement.core.context import external_url
from engagement.directory.models import OverseasEntity, Sector
from engagement.events import services as events
from engagement.events.models import (
    ACTIVE_STATES,
    Event,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from engagement.extensions import db
from engagement.notifications.services import queue_mail
from engagement.webinars.models import B2BIntroductionRequest, IntroductionState, Webinar

PAKISTAN_ZONE = "Asia/Karachi"
BUSINESS_START, BUSINESS_END = time(9, 0), time(17, 0)

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


def _business_window(day: date, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    return (
        datetime.combine(day, BUSINESS_START, tzinfo=tz),
        datetime.combine(day, BUSINESS_END, tzinfo=tz),
    )


def _holiday(country: str, day: date) -> str | None:
    try:
        calendar = holidays.country_holidays(country, years=day.year)
    except NotImplementedError:
        return None
    return calendar.get(day)


def schedule_advice(
    starts_at: datetime, duration_minutes: int, partners: Sequence[OverseasEntity]
) -> ScheduleAdvice:
    """Business-hours overlap of Pakistan and each partner's zone, with warnings for the slot."""
    ends_at = starts_at + timedelta(minutes=duration_minutes)
    pk = ZoneInfo(PAKISTAN_ZONE)
    pk_start, pk_end = starts_at.astimezone(pk), ends_at.astimezone(pk)
    warnings: list[str] = []
    pk_open, pk_close = _business_window(pk_start.date(), PAKISTAN_ZONE)
    if pk_start.weekday() >= 5:
        warnings.append(f"{pk_start:%A} is a weekend day in Pakistan.")
    if pk_start < pk_open or pk_end > pk_close:
        warnings.append("The slot falls outside Pakistani business hours (09:00-17:00 PKT).")
    if name := _holiday("PK", pk_start.date()):
        warnings.append(f"{pk_start:%d %b %Y} is a public holiday in Pakistan: {name}.")
    advice: list[PartnerSchedule] = []
    for partner in partners:
        zone = ZoneInfo(partner.timezone)
        local_start, local_end = starts_at.astimezone(zone), ends_at.astimezone(zone)
        p_open, p_close = _business_window(local_start.date(), partner.timezone)
        # The overlap on the partner's day of the slot, in UTC.
        pk_day_open, pk_day_close = _business_window(local_start.date(), PAKISTAN_ZONE)
        best: tuple[datetime, datetime] | None = None
        for shift in (-1, 0, 1):
            o_start = max(p_open, pk_day_open + timedelta(days=shift))
            o_end = min(p_close, pk_day_close + timedelta(days=shift))
            if o_end > o_start and (best is None or o_end - o_start > best[1] - best[0]):
                best = (o_start.astimezone(pk), o_end.astimezone(pk))
        schedule = PartnerSchedule(partner, best, local_start, local_end)
        label = f"{partner.name} ({partner.timezone})"
        if best is None:
            schedule.warnings.append(
                f"Business hours in Pakistan and {label} do not overlap; pick a slot early or late."
            )
        elif starts_at < best[0] or ends_at > best[1]:
            schedule.warnings.append(
                f"The slot falls outside the business-hours overlap with {label} "
                f"({best[0]:%H:%M}-{best[1]:%H:%M} PKT)."
            )
        if local_start.weekday() >= 5:
            schedule.warnings.append(f"{local_start:%A} is a weekend day for {label}.")
        if name := _holiday(partner.country_code, local_start.date()):
            schedule.warnings.append(
                f"{local_start:%d %b %Y} is a public holiday in {partner.country_code}: {name}."
            )
        warnings.extend(schedule.warnings)
        advice.append(schedule)
    return ScheduleAdvice(pk_start, pk_end, advice, warnings)


# --- B2B introductions ------------------------------------------------------------------------


class IntroductionError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def can_request_introduction(user: User, webinar: Webinar) -> bool:
    """A company or startup that had someone registered, once the webinar has started."""
    organisation = user.organisation
    if organisation is None or user.role not in (Role.COMPANY, Role.STARTUP):
        return False
    if clock.now() < webinar.event.starts_at or webinar.event.state == EventState.CANCELLED:
        return False
    return bool(
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == webinar.event_id,
                Registration.state.in_(ACTIVE_STATES),
                sa.or_(
                    Registration.organisation_id == organisation.id,
                    Registration.user_id == user.id,
                ),
            )
        )
    )


def request_introduction(
    user: User,
    webinar: Webinar,
    partner_id: int,
    purpose: str,
    sectors: Sequence[Sector] = (),
) -> B2BIntroductionRequest:
    if not can_request_introduction(user, webinar):
        raise IntroductionError(
            "Introductions can be requested after the webinar by organisations that registered."
        )
    partner = next((p for p in webinar.partners if p.id == partner_id), None)
    if partner is None:
        raise IntroductionError("Choose one of this webinar's partners.", "partner")
    purpose = (purpose or "").strip()
    if len(purpose) < 10:
        raise IntroductionError("Tell us in a sentence or two what you hope to achieve.", "purpose")
    organisation = user.organisation
    assert organisation is not None
    exists = db.session.scalar(
        sa.select(B2BIntroductionRequest.id).where(
            B2BIntroductionRequest.webinar_id == webinar.event_id,
            B2BIntroductionRequest.organisation_id == organisation.id,
            B2BIntroductionRequest.overseas_entity_id == partner.id,
        )
    )
    if exists:
        raise IntroductionError(
            f"Your organisation already asked for an introduction to {partner.name}.", "partner"
        )
    request = B2BIntroductionRequest(
        webinar_id=webinar.event_id,
        organisation_id=organisation.id,
        overseas_entity_id=partner.id,
        requested_by_id=user.id,
        purpose=purpose,
        sectors=list(sectors),
    )
    db.session.add(request)
    db.session.flush()
    return request


def decide_introduction(
    request: B2BIntroductionRequest, state: IntroductionState, note: str, by_user: User
) -> B2BIntroductionRequest:
    """Staff mark a request made or declined; the requester is emailed."""
    if state not in (IntroductionState.MADE, IntroductionState.DECLINED):
        raise IntroductionError("Mark the request made or declined.", "state")
    if request.state != IntroductionState.REQUESTED:
        raise IntroductionError("This request was already decided.")
    request.state = state
    request.staff_note = (note or "").strip() or None
    request.decided_at = clock.now()
    request.decided_by_id = by_user.id
    db.session.flush()
    requester = request.requested_by
    if requester is not None:
        queue_mail(
            requester.email,
            f"Introduction to {request.overseas_entity.name}: {state.value}",
            "webinar_introduction_decided",
            dedupe_key=f"introduction-decided:{request.id}",
            request=request,
            user=requester,
            link=external_url("webinars.my_introductions"),
        )
    return request


def get_introduction_for(user: User, request_id: int) -> B2BIntroductionRequest:
    request = db.session.get(B2BIntroductionRequest, request_id)
    if request is None:
        abort(404)
    if not user.is_staff:
        organisation = user.organisation
        if organisation is None or request.organisation_id != organisation.id:
            abort(404)
    return request
