"""Partner rules: who may ask whom for a meeting, the slot check, accepting, declining,
proposing other slots, cancelling, outcomes, the showcase, partner invitations and the funnel.

Pages and the JSON API call these functions; neither holds a rule of its own. The business-hours
rule itself is :mod:`engagement.business_hours` (the webinar slot check uses the same one).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound

from engagement import business_hours, clock
from engagement.auth import services as accounts
from engagement.auth.models import Membership, Organisation, Role, User
from engagement.business_hours import Side
from engagement.core.context import external_url
from engagement.core.i18n import mail_language
from engagement.core.timefmt import format_date
from engagement.directory.models import City, Company, OverseasEntity, Sector
from engagement.events.models import ACTIVE_STATES, Event, Registration
from engagement.extensions import db
from engagement.notifications.services import Attachment, queue_mail
from engagement.partners.models import (
    MEETING_MINUTES,
    MeetingOutcome,
    MeetingRequest,
    MeetingSide,
    MeetingSlot,
    MeetingState,
    PartnerInvitation,
    WebinarProfileShare,
)
from engagement.webinars.models import Webinar, webinar_partner

PAKISTAN_ZONE = "Asia/Karachi"
MIN_SLOTS, MAX_SLOTS = 2, 5
#: How far ahead the form offers slots.
OFFER_DAYS = 14
REMINDER_HOURS = (24, 1)
INVITATION_DAYS = 14


class MeetingError(ValueError):
    """Bad input for a meeting (422); ``field`` names it (``slots[1]``, ``message``, ``slot``)."""

    def __init__(self, message: str, field: str | None = None, errors: Mapping | None = None):
        super().__init__(message)
        self.field = field
        self.errors = dict(errors) if errors else None


class MeetingForbidden(MeetingError):
    """The viewer's side may not do this (403), e.g. accept its own request."""


class MeetingConflict(MeetingError):
    """The request is not in a state that allows this (409), e.g. accepting twice."""


# --- Sides ----------------------------------------------------------------------------------


def company_side(organisation: Organisation) -> Side:
    return Side(organisation.name, "PK", PAKISTAN_ZONE)


def partner_side(entity: OverseasEntity) -> Side:
    return Side(entity.name, entity.country_code, entity.timezone)


def viewer_side(user: User, request: MeetingRequest | None = None) -> MeetingSide | None:
    """The side ``user`` speaks for (None for staff and everyone else)."""
    if user.role == Role.PARTNER and user.overseas_entity_id:
        mine = request is None or request.overseas_entity_id == user.overseas_entity_id
        return MeetingSide.PARTNER if mine else None
    if user.role == Role.COMPANY and user.organisation is not None:
        mine = request is None or request.organisation_id == user.organisation.id
        return MeetingSide.COMPANY if mine else None
    return None


def viewer_zone(user: User) -> str:
    """The zone the user sees times in: their own, else their entity's, else Pakistan's."""
    if user.timezone:
        return user.timezone
    if user.role == Role.PARTNER and user.overseas_entity is not None:
        return user.overseas_entity.timezone
    return PAKISTAN_ZONE


def side_zone(request: MeetingRequest, side: MeetingSide) -> str:
    return request.overseas_entity.timezone if side == MeetingSide.PARTNER else PAKISTAN_ZONE


def _sides(request: MeetingRequest) -> list[Side]:
    return [company_side(request.organisation), partner_side(request.overseas_entity)]


# --- Loading with access ------------------------------------------------------------------------


def _meeting_options() -> list:
    return [
        selectinload(MeetingRequest.slots),
        selectinload(MeetingRequest.organisation),
        selectinload(MeetingRequest.overseas_entity),
        selectinload(MeetingRequest.event),
    ]


def visible_meetings(user: User) -> sa.Select:
    """The requests ``user`` may see, newest first: staff all, a partner its entity's, a company
    its organisation's."""
    query = sa.select(MeetingRequest).options(*_meeting_options())
    if not user.is_staff:
        side = viewer_side(user)
        if side == MeetingSide.PARTNER:
            query = query.where(MeetingRequest.overseas_entity_id == user.overseas_entity_id)
        elif side == MeetingSide.COMPANY:
            query = query.where(MeetingRequest.organisation_id == user.organisation.id)
        else:
            query = query.where(sa.false())
    return query.order_by(MeetingRequest.id.desc())


def get_meeting_for(user: User, request_id: int) -> MeetingRequest:
    """The request if ``user`` may see it; 404 otherwise (another side's request does not exist)."""
    request = db.session.scalar(visible_meetings(user).where(MeetingRequest.id == request_id))
    if request is None:
        raise NotFound()
    return request


# --- Who may ask whom ---------------------------------------------------------------------------


def _partner_webinar_ids(entity_id: int) -> sa.Select:
    return sa.select(webinar_partner.c.webinar_id).where(
        webinar_partner.c.overseas_entity_id == entity_id
    )


def _org_registered_event_ids(organisation_id: int) -> sa.Select:
    return sa.select(Registration.event_id).where(
        Registration.organisation_id == organisation_id, Registration.state.in_(ACTIVE_STATES)
    )


def showcase_query() -> sa.Select:
    """Companies in the public showcase: opted in and with a staff-verified registration."""
    return sa.select(Company).where(
        Company.showcase_opt_in.is_(True),
        Company.registration_verified_at.is_not(None),
    )


def company_reachable_by_partner(entity_id: int, organisation_id: int) -> bool:
    """A partner may ask a showcase company, or a company that shared its profile at one of the
    partner's webinars."""
    showcased = db.session.scalar(
        showcase_query()
        .with_only_columns(Company.id)
        .where(Company.organisation_id == organisation_id)
    )
    if showcased:
        return True
    shared = db.session.scalar(
        sa.select(WebinarProfileShare.event_id).where(
            WebinarProfileShare.organisation_id == organisation_id,
            WebinarProfileShare.event_id.in_(_partner_webinar_ids(entity_id)),
            WebinarProfileShare.event_id.in_(_org_registered_event_ids(organisation_id)),
        )
    )
    return shared is not None


def partner_reachable_by_company(organisation_id: int, entity_id: int) -> bool:
    """A company may ask a partner of a webinar it registered for."""
    found = db.session.scalar(
        sa.select(webinar_partner.c.webinar_id).where(
            webinar_partner.c.overseas_entity_id == entity_id,
            webinar_partner.c.webinar_id.in_(_org_registered_event_ids(organisation_id)),
        )
    )
    return found is not None


def reachable_partners(organisation_id: int) -> list[OverseasEntity]:
    """The partners of the webinars the organisation registered for."""
    return list(
        db.session.scalars(
            sa.select(OverseasEntity)
            .where(
                OverseasEntity.id.in_(
                    sa.select(webinar_partner.c.overseas_entity_id).where(
                        webinar_partner.c.webinar_id.in_(_org_registered_event_ids(organisation_id))
                    )
                )
            )
            .order_by(OverseasEntity.name)
        )
    )


def shared_companies(entity_id: int) -> list[Company]:
    """Companies that shared their profile at one of the partner's webinars."""
    return list(
        db.session.scalars(
            sa.select(Company)
            .where(
                Company.organisation_id.in_(
                    sa.select(WebinarProfileShare.organisation_id).where(
                        WebinarProfileShare.event_id.in_(_partner_webinar_ids(entity_id))
                    )
                )
            )
            .options(selectinload(Company.city), selectinload(Company.sectors))
            .order_by(Company.legal_name)
        )
    )


def share_profile(event_id: int, organisation_id: int, share: bool = True) -> None:
    """Record (or withdraw) an organisation's consent to share its profile with the partners of
    a webinar it registers for."""
    row = db.session.get(WebinarProfileShare, (event_id, organisation_id))
    if share and row is None:
        db.session.add(WebinarProfileShare(event_id=event_id, organisation_id=organisation_id))
    elif not share and row is not None:
        db.session.delete(row)
    db.session.flush()


def register_share_profile_extra() -> None:
    """The webinar registration form's "share my company profile with this webinar's partners"
    checkbox (ticked: the consent is recorded; unticked: nothing changes)."""
    from engagement.events.extras import RegistrationExtra, register_extra
    from engagement.events.models import EventKind

    def applies(event: Event, user: User) -> bool:
        return (
            event.kind == EventKind.WEBINAR
            and user.role == Role.COMPANY
            and user.organisation is not None
        )

    def on_registered(event: Event, user: User, form: Mapping[str, str]) -> None:
        if form.get("share_profile") == "y":
            share_profile(event.id, user.organisation.id)

    register_extra(
        RegistrationExtra("share_profile", applies, "partners/_share_profile.html", on_registered)
    )


def update_partner_profile(user: User, sector_ids: Iterable[int], description: str) -> None:
    """A partner says what its entity looks for (sectors, free text)."""
    from engagement.directory.services import DirectoryError, sectors_by_ids

    entity = user.overseas_entity
    if viewer_side(user) != MeetingSide.PARTNER or entity is None:
        raise MeetingForbidden(_("Only partners describe their entity."))
    try:
        entity.sectors = sectors_by_ids(sector_ids)
    except DirectoryError as error:
        raise MeetingError(str(error), "sectors") from error
    entity.description = (description or "").strip()[:5000]
    db.session.flush()


def partner_webinars(entity_id: int) -> list[Webinar]:
    return list(
        db.session.scalars(
            sa.select(Webinar)
            .join(Webinar.event)
            .where(Webinar.event_id.in_(_partner_webinar_ids(entity_id)))
            .order_by(Event.starts_at.desc())
        )
    )


# --- Slots ----------------------------------------------------------------------------------------


def offered_slots(organisation: Organisation, entity: OverseasEntity) -> business_hours.SlotOffer:
    """Slots of the next two weeks inside both sides' business hours (with notes when few)."""
    return business_hours.meeting_slots(
        [company_side(organisation), partner_side(entity)],
        clock.now() + timedelta(hours=2),
        days=OFFER_DAYS,
        minutes=MEETING_MINUTES,
    )


def _parse_slot(value: datetime | str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = value.strip()
        if text[-1:] in ("z", "Z"):
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError as error:
            raise ValueError(_("Not a valid date-time; use ISO 8601 with a zone.")) from error
    if moment.tzinfo is None:
        raise ValueError(_("Give a time zone (e.g. a trailing Z for UTC)."))
    return moment.astimezone(ZoneInfo("UTC"))


def check_slots(
    slots: Sequence[datetime | str], organisation: Organisation, entity: OverseasEntity
) -> list[datetime]:
    """Two to five future slots, each inside both sides' business hours; errors name
    ``slots[i]``."""
    if not MIN_SLOTS <= len(slots) <= MAX_SLOTS:
        raise MeetingError(
            _("Propose between %(min)s and %(max)s slots.", min=MIN_SLOTS, max=MAX_SLOTS), "slots"
        )
    sides = [company_side(organisation), partner_side(entity)]
    errors: dict[str, list[str]] = {}
    parsed: list[datetime] = []
    now = clock.now()
    for index, value in enumerate(slots):
        name = f"slots[{index}]"
        try:
            moment = _parse_slot(value)
        except ValueError as error:
            errors[name] = [str(error)]
            continue
        if moment.minute % MEETING_MINUTES or moment.second or moment.microsecond:
            errors[name] = [_("Slots start on the hour or half hour.")]
        elif moment <= now:
            errors[name] = [_("This slot is in the past.")]
        elif moment in parsed:
            errors[name] = [_("This slot is proposed twice.")]
        elif problems := business_hours.slot_problems(
            moment, moment + timedelta(minutes=MEETING_MINUTES), sides
        ):
            errors[name] = [
                _("%(time)s UTC is not possible:", time=format_date(moment, "dd MMM yyyy HH:mm"))
                + " "
                + " ".join(problems)
            ]
        parsed.append(moment)
    if errors:
        first = next(iter(errors))
        raise MeetingError(errors[first][0], first, errors)
    return parsed


def slot_view(moment: datetime, request: MeetingRequest, zone: str) -> dict[str, Any]:
    """A slot as the viewer sees it: in their zone, each side's local time, warnings."""
    end = moment + timedelta(minutes=MEETING_MINUTES)
    checks = business_hours.check_slot(moment, end, _sides(request))
    return {
        "starts_at": moment,
        "zone": zone,
        "sides": checks,
        "warnings": [w for check in checks for w in check.warnings],
    }


# --- Requests and answers -------------------------------------------------------------------------


def _clean_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) < 10:
        raise MeetingError(_("Say in a sentence or two what the meeting is for."), "message")
    if len(message) > 5000:
        raise MeetingError(_("Keep the message under 5000 characters."), "message")
    return message


def request_meeting(
    user: User,
    *,
    message: str,
    slots: Sequence[datetime | str],
    organisation_id: int | None = None,
    overseas_entity_id: int | None = None,
    event_id: int | None = None,
) -> MeetingRequest:
    """A partner asks a company (``organisation_id``) or a company asks a partner
    (``overseas_entity_id``) for a meeting in one of ``slots``; the other side is emailed."""
    side = viewer_side(user)
    if side == MeetingSide.PARTNER:
        if organisation_id is None:
            raise MeetingError(_("Choose the company to meet."), "organisation_id")
        entity = user.overseas_entity
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or not company_reachable_by_partner(entity.id, organisation.id):
            raise MeetingError(
                _("Choose a company from the showcase or from your webinars."), "organisation_id"
            )
    elif side == MeetingSide.COMPANY:
        if overseas_entity_id is None:
            raise MeetingError(_("Choose the partner to meet."), "overseas_entity_id")
        organisation = user.organisation
        entity = db.session.get(OverseasEntity, overseas_entity_id)
        if entity is None or not partner_reachable_by_company(organisation.id, entity.id):
            raise MeetingError(
                _("Choose a partner of a webinar your company registered for."),
                "overseas_entity_id",
            )
    else:
        raise MeetingForbidden(_("Only partners and companies arrange meetings."))
    if event_id is not None and db.session.get(Event, event_id) is None:
        raise MeetingError(_("No such event."), "event_id")
    text = _clean_message(message)
    moments = check_slots(slots, organisation, entity)
    request = MeetingRequest(
        organisation_id=organisation.id,
        overseas_entity_id=entity.id,
        event_id=event_id,
        requested_side=side,
        requested_by_id=user.id,
        message=text,
        state=MeetingState.REQUESTED,
        slots=[MeetingSlot(starts_at=moment) for moment in moments],
    )
    db.session.add(request)
    db.session.flush()
    _notify(
        request,
        side.other,
        "meeting_requested",
        lambda: _("Meeting request from %(name)s", name=_name(request, side)),
    )
    return request


def _lock(request: MeetingRequest) -> None:
    """Lock the request's row and re-read it, so two answers at once cannot both win (on
    SQLite the request's write transaction already serialises them)."""
    db.session.execute(
        sa.select(MeetingRequest.id).where(MeetingRequest.id == request.id).with_for_update()
    )
    db.session.refresh(request)


def _answering_side(user: User, request: MeetingRequest) -> MeetingSide:
    """The viewer's side if it is the one to answer; MeetingForbidden/Conflict otherwise."""
    _lock(request)
    side = viewer_side(user, request)
    if side is None:
        raise MeetingForbidden(_("Only the two sides of the meeting can answer it."))
    if request.state != MeetingState.REQUESTED:
        raise MeetingConflict(
            _("This request is already %(state)s.", state=str(request.state.label).lower())
        )
    if side == request.requested_side:
        raise MeetingForbidden(_("The other side answers this request."))
    return side


def accept_meeting(
    user: User, request: MeetingRequest, slot: datetime | str, video_url: str | None = None
) -> MeetingRequest:
    """The answering side accepts one of the proposed slots; both sides get the .ics."""
    side = _answering_side(user, request)
    try:
        moment = _parse_slot(slot)
    except ValueError as error:
        raise MeetingError(str(error), "slot") from error
    if moment not in {s.starts_at for s in request.slots}:
        raise MeetingError(_("Choose one of the proposed slots."), "slot")
    if moment <= clock.now():
        raise MeetingError(_("This slot has passed; propose other slots."), "slot")
    video_url = (video_url or "").strip() or None
    if video_url and not re.fullmatch(r"https?://\S{3,490}", video_url):
        raise MeetingError(
            _("Enter a full link such as https://meet.example.com/abc."), "video_url"
        )
    request.state = MeetingState.ACCEPTED
    request.slot_at = moment
    request.video_url = video_url
    request.decided_at = clock.now()
    db.session.flush()
    for each in MeetingSide:
        _notify(
            request,
            each,
            "meeting_accepted",
            lambda: _(
                "Meeting confirmed: %(one)s and %(other)s",
                one=_name(request, side),
                other=_name(request, side.other),
            ),
            ics=True,
        )
    return request


def decline_meeting(user: User, request: MeetingRequest, reason: str) -> MeetingRequest:
    side = _answering_side(user, request)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise MeetingError(_("Give a short reason."), "reason")
    request.state = MeetingState.DECLINED
    request.decline_reason = reason[:2000]
    request.decided_at = clock.now()
    db.session.flush()
    _notify(
        request,
        side.other,
        "meeting_declined",
        lambda: _("Meeting declined by %(name)s", name=_name(request, side)),
    )
    return request


def propose_slots(
    user: User, request: MeetingRequest, slots: Sequence[datetime | str], message: str = ""
) -> MeetingRequest:
    """The answering side proposes other slots; the turn passes to the other side."""
    side = _answering_side(user, request)
    moments = check_slots(slots, request.organisation, request.overseas_entity)
    request.slots = [MeetingSlot(starts_at=moment) for moment in moments]
    request.requested_side = side
    request.requested_by_id = user.id
    if (message or "").strip():
        request.message = _clean_message(message)
    db.session.flush()
    _notify(
        request,
        side.other,
        "meeting_requested",
        lambda: _("Other slots from %(name)s", name=_name(request, side)),
    )
    return request


def cancel_meeting(user: User, request: MeetingRequest) -> MeetingRequest:
    """Either side cancels a pending or accepted meeting; the other side is emailed."""
    _lock(request)
    side = viewer_side(user, request)
    if side is None:
        raise MeetingForbidden(_("Only the two sides of the meeting can cancel it."))
    if request.state not in (MeetingState.REQUESTED, MeetingState.ACCEPTED):
        raise MeetingConflict(
            _("This request is already %(state)s.", state=str(request.state.label).lower())
        )
    if request.slot_at is not None and request.slot_at <= clock.now():
        raise MeetingConflict(_("The meeting has taken place; record its outcome instead."))
    request.state = MeetingState.CANCELLED
    request.cancelled_at = clock.now()
    db.session.flush()
    _notify(
        request,
        side.other,
        "meeting_cancelled",
        lambda: _("Meeting cancelled by %(name)s", name=_name(request, side)),
        ics=request.slot_at is not None,
    )
    return request


def record_outcome(
    user: User, request: MeetingRequest, outcome: str, value_usd: Decimal | str | None = None
) -> MeetingRequest:
    """After an accepted meeting's start, either side records what came of it."""
    _lock(request)
    if viewer_side(user, request) is None:
        raise MeetingForbidden(_("Only the two sides of the meeting record its outcome."))
    if request.state != MeetingState.ACCEPTED or request.slot_at is None:
        raise MeetingConflict(_("Only an accepted meeting has an outcome."))
    if request.slot_at > clock.now():
        raise MeetingConflict(_("Record the outcome after the meeting."))
    try:
        result = MeetingOutcome(outcome)
    except ValueError as error:
        raise MeetingError(_("Choose an outcome from the list."), "outcome") from error
    value: Decimal | None = None
    if value_usd not in (None, ""):
        try:
            value = Decimal(str(value_usd)).quantize(Decimal("0.01"))
        except InvalidOperation as error:
            raise MeetingError(_("Enter the value in US$ as a number."), "value_usd") from error
        if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
            raise MeetingError(_("Enter a value between 0 and 999,999,999,999."), "value_usd")
        if result != MeetingOutcome.CONTRACT:
            raise MeetingError(_("A value goes with a contract only."), "value_usd")
    request.outcome = result
    request.value_usd = value
    request.outcome_at = clock.now()
    request.outcome_by_id = user.id
    db.session.flush()
    return request


def held(request: MeetingRequest) -> bool:
    return (
        request.state == MeetingState.ACCEPTED
        and request.slot_at is not None
        and request.slot_at <= clock.now()
    )


# --- Mail and calendar ------------------------------------------------------------------------


def _name(request: MeetingRequest, side: MeetingSide) -> str:
    return (
        request.overseas_entity.name if side == MeetingSide.PARTNER else request.organisation.name
    )


def side_users(request: MeetingRequest, side: MeetingSide) -> list[User]:
    """The active accounts that speak for ``side`` of the request."""
    if side == MeetingSide.PARTNER:
        query = sa.select(User).where(
            User.role == Role.PARTNER, User.overseas_entity_id == request.overseas_entity_id
        )
    else:
        query = (
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == request.organisation_id)
        )
    return list(db.session.scalars(query.where(User.active.is_(True)).order_by(User.id)))


def _link(request: MeetingRequest) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(
        "partners.meeting", request_id=request.id
    )


def _notify(
    request: MeetingRequest,
    side: MeetingSide,
    template: str,
    subject: Callable[[], str],
    *,
    ics: bool = False,
    dedupe: str | None = None,
    **context: Any,
) -> int:
    """Mail every account of ``side``; returns how many mails were queued (dedupe may skip).

    ``subject`` is called for each recipient, inside their language (``mail_language``)."""
    zone = side_zone(request, side)
    attachments: dict[str, Attachment] = {}  # the .ics in each reader's language, made once
    queued = 0
    for user in side_users(request, side):
        language = mail_language(user)
        with force_locale(language):
            if ics and language not in attachments:
                attachments[language] = Attachment(
                    ics_filename(request), "text/calendar", meeting_ics(request, zone)
                )
            queued += queue_mail(
                user.email,
                subject(),
                template,
                dedupe_key=f"{dedupe}:{user.id}" if dedupe else None,
                attachment=attachments.get(language),
                request=request,
                user=user,
                zone=user.timezone or zone,
                other=_name(request, side.other),
                link=_link(request),
                **context,
            )
    return queued


def ics_filename(request: MeetingRequest) -> str:
    return f"meeting-{request.id}.ics"


def meeting_ics(request: MeetingRequest, zone: str) -> bytes:
    """The accepted meeting as an iCalendar file with times in ``zone`` (one side's own), its
    words in the current language."""
    from engagement.events.services import vtimezone

    if request.slot_at is None:
        raise MeetingConflict(_("Only an accepted meeting has a calendar entry."))
    tz = ZoneInfo(zone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PSEB Engage//Meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    item = icalendar.Event()
    item.add("uid", f"meeting-{request.id}@engage.pseb.org.pk")
    item.add(
        "summary",
        _(
            "B2B meeting: %(company)s / %(partner)s",
            company=request.organisation.name,
            partner=request.overseas_entity.name,
        ),
    )
    item.add("dtstart", request.slot_at.astimezone(tz))
    item.add("dtend", request.slot_end.astimezone(tz))
    item.add("dtstamp", clock.now())
    item.add("url", _link(request))
    description = request.message
    if request.video_url:
        item.add("location", request.video_url)
        description += "\n\n" + _("Video link: %(url)s", url=request.video_url)
    item.add("description", f"{description}\n\n{_link(request)}")
    item.add("status", "CANCELLED" if request.state == MeetingState.CANCELLED else "CONFIRMED")
    calendar.add_component(item)
    calendar.add_component(vtimezone(zone))
    return calendar.to_ical()


def send_meeting_reminders() -> int:
    """Queue the 24 h and 1 h reminders of accepted meetings, once each (outbox dedupe key)."""
    now = clock.now()
    queued = 0
    upcoming = db.session.scalars(
        sa.select(MeetingRequest)
        .where(
            MeetingRequest.state == MeetingState.ACCEPTED,
            MeetingRequest.slot_at > now,
            MeetingRequest.slot_at <= now + timedelta(hours=max(REMINDER_HOURS)),
        )
        .options(*_meeting_options())
        .order_by(MeetingRequest.id)
    ).all()
    for request in upcoming:
        # Only the nearest due reminder: a meeting accepted 30 minutes ahead gets the 1 h one.
        due = [h for h in REMINDER_HOURS if request.slot_at - now <= timedelta(hours=h)]
        hours = min(due)
        for side in MeetingSide:
            queued += _notify(
                request,
                side,
                "meeting_reminder",
                lambda request=request, side=side, hours=hours: _(
                    "Reminder: meeting with %(name)s in about %(hours)s h",
                    name=_name(request, side.other),
                    hours=hours,
                ),
                dedupe=f"meeting-reminder:{request.id}:{hours}h:{request.slot_at:%Y%m%dT%H%M}",
                hours=hours,
            )
    return queued


# --- Partner invitations ----------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="partner-invite")


def invite_partner(staff: User, entity: OverseasEntity, email: str) -> PartnerInvitation:
    """Staff email a contact of ``entity`` a single-use link to set up a partner account."""
    email = accounts.normalise_email(email)
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise MeetingError(_("Enter a valid email address."), "email")
    if accounts.user_by_email(email) is not None:
        raise MeetingError(_("An account with this email already exists."), "email")
    invitation = db.session.scalar(
        sa.select(PartnerInvitation).where(
            PartnerInvitation.overseas_entity_id == entity.id, PartnerInvitation.email == email
        )
    )
    if invitation is None:
        invitation = PartnerInvitation(overseas_entity=entity, email=email, invited_by=staff)
        db.session.add(invitation)
        db.session.flush()
    elif invitation.accepted_at is not None:
        raise MeetingError(_("This person already accepted an invitation."), "email")
    token = _serializer().dumps({"id": invitation.id, "n": secrets.token_hex(4)})
    # The invitee has no account yet, so no saved language: the mail is in English (what
    # mail_language gives), whatever language the staff member's page is in.
    with force_locale(mail_language(None)):
        queue_mail(
            email,
            _("Your partner account for %(name)s on PSEB Engage", name=entity.name),
            "partner_invitation",
            invitation=invitation,
            staff=staff,
            link=external_url("partners.accept_invitation", token=token),
            days=INVITATION_DAYS,
        )
    return invitation


def invitation_for_token(token: str) -> PartnerInvitation:
    try:
        data = _serializer().loads(token, max_age=INVITATION_DAYS * 24 * 3600)
    except (BadSignature, SignatureExpired) as error:
        raise MeetingError(_("This invitation link is not valid or has expired.")) from error
    invitation = db.session.get(PartnerInvitation, data.get("id"))
    if invitation is None or invitation.accepted_at is not None:
        raise MeetingError(_("This invitation has already been used."))
    return invitation


def accept_partner_invitation(invitation: PartnerInvitation, name: str, password: str) -> User:
    """Create the partner account (email verified: the link reached it); the link is used up."""
    try:
        user = accounts.create_user(
            invitation.email,
            password,
            Role.PARTNER,
            name=name,
            org_name=invitation.overseas_entity.name,
            country=invitation.overseas_entity.country_code,
            verified=True,
        )
    except accounts.AccountError as error:
        raise MeetingError(str(error), error.field or "password") from error
    user.overseas_entity = invitation.overseas_entity
    invitation.accepted_at = clock.now()
    db.session.flush()
    return user


def entity_contacts(entity: OverseasEntity) -> tuple[list[User], list[PartnerInvitation]]:
    users = list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.PARTNER, User.overseas_entity_id == entity.id)
            .order_by(User.name)
        )
    )
    invitations = list(
        db.session.scalars(
            sa.select(PartnerInvitation)
            .where(
                PartnerInvitation.overseas_entity_id == entity.id,
                PartnerInvitation.accepted_at.is_(None),
            )
            .order_by(PartnerInvitation.id)
        )
    )
    return users, invitations


# --- Showcase ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowcaseFilters:
    """The public showcase's filters, read from a query string; nonsense is dropped and named."""

    q: str = ""
    sector_id: int | None = None
    service: str = ""
    city_id: int | None = None
    province_id: int | None = None
    market: str | None = None
    team: str | None = None
    certification: str | None = None
    invalid: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ShowcaseFilters:
        from engagement.directory.models import CERTIFICATIONS, EmployeeBand
        from engagement.directory.services import country_name, int_arg

        invalid: list[str] = []

        def number(name: str) -> int | None:
            return int_arg(args, name, invalid)

        market = (args.get("market") or "").strip().upper() or None
        if market and country_name(market) is None:
            invalid.append("market")
            market = None
        team = (args.get("team") or "").strip() or None
        if team and team not in {band.value for band in EmployeeBand}:
            invalid.append("team")
            team = None
        cert = (args.get("certification") or "").strip() or None
        if cert and cert not in CERTIFICATIONS:
            invalid.append("certification")
            cert = None
        return cls(
            q=(args.get("q") or "").strip()[:100],
            sector_id=number("sector"),
            service=(args.get("service") or "").strip()[:100],
            city_id=number("city"),
            province_id=number("province"),
            market=market,
            team=team,
            certification=cert,
            invalid=tuple(invalid),
        )


def _contains(column: Any, text: str) -> Any:
    return sa.func.lower(column).contains(text.lower(), autoescape=True)


def search_showcase(filters: ShowcaseFilters) -> sa.Select:
    """Showcase companies matching ``filters`` (name, pitch, services, description searched),
    by name, with what the cards show eager-loaded."""
    from engagement.directory.models import EmployeeBand

    query = showcase_query().options(
        selectinload(Company.sectors), selectinload(Company.city).joinedload(City.province)
    )
    if filters.q:
        query = query.where(
            sa.or_(
                *(
                    _contains(column, filters.q)
                    for column in (
                        Company.legal_name,
                        Company.pitch,
                        Company.services,
                        Company.description,
                    )
                )
            )
        )
    if filters.sector_id is not None:
        query = query.where(Company.sectors.any(Sector.id == filters.sector_id))
    if filters.service:
        query = query.where(_contains(Company.services, filters.service))
    if filters.city_id is not None:
        query = query.where(Company.city_id == filters.city_id)
    if filters.province_id is not None:
        query = query.where(
            Company.city_id.in_(sa.select(City.id).where(City.province_id == filters.province_id))
        )
    if filters.market:
        query = query.where(
            sa.literal(",")
            .concat(Company.export_markets)
            .concat(",")
            .contains(f",{filters.market},")
        )
    if filters.team:
        query = query.where(Company.employee_band == EmployeeBand(filters.team))
    if filters.certification:
        query = query.where(
            sa.literal(",")
            .concat(Company.certifications)
            .concat(",")
            .contains(f",{filters.certification},")
        )
    return query.order_by(sa.func.lower(Company.legal_name), Company.id)


def get_showcase_company(company_id: int) -> Company:
    """A showcase company by id; 404 for any company that is not in the showcase."""
    company = db.session.scalar(showcase_query().where(Company.id == company_id))
    if company is None:
        raise NotFound()
    return company


# --- Staff list, funnel, CSV --------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFilters:
    event_id: int | None = None
    country: str | None = None
    sector_id: int | None = None
    state: str | None = None
    invalid: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> MeetingFilters:
        from engagement.directory.services import int_arg

        invalid: list[str] = []

        def number(name: str) -> int | None:
            return int_arg(args, name, invalid)

        country = (args.get("country") or "").strip().upper() or None
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            invalid.append("country")
            country = None
        state = (args.get("state") or "").strip() or None
        if state and state not in {s.value for s in MeetingState}:
            invalid.append("state")
            state = None
        return cls(number("webinar"), country, number("sector"), state, tuple(invalid))

    def as_args(self) -> dict[str, str]:
        args = {
            "webinar": self.event_id,
            "country": self.country,
            "sector": self.sector_id,
            "state": self.state,
        }
        return {k: str(v) for k, v in args.items() if v not in (None, "")}


def staff_meetings(filters: MeetingFilters) -> sa.Select:
    query = sa.select(MeetingRequest).options(*_meeting_options())
    if filters.event_id is not None:
        query = query.where(MeetingRequest.event_id == filters.event_id)
    if filters.country:
        query = query.where(
            MeetingRequest.overseas_entity_id.in_(
                sa.select(OverseasEntity.id).where(OverseasEntity.country_code == filters.country)
            )
        )
    if filters.sector_id is not None:
        query = query.where(
            MeetingRequest.organisation_id.in_(
                sa.select(Company.organisation_id).where(
                    Company.sectors.any(Sector.id == filters.sector_id)
                )
            )
        )
    if filters.state:
        query = query.where(MeetingRequest.state == MeetingState(filters.state))
    return query.order_by(MeetingRequest.id.desc())


def _funnel_columns(now: datetime) -> list:
    accepted = MeetingRequest.state == MeetingState.ACCEPTED
    is_held = sa.and_(accepted, MeetingRequest.slot_at <= now)
    columns = [
        sa.func.count(MeetingRequest.id).label("requested"),
        sa.func.count(sa.case((accepted, 1))).label("accepted"),
        sa.func.count(sa.case((is_held, 1))).label("held"),
        sa.func.count(sa.case((MeetingRequest.state == MeetingState.DECLINED, 1))).label(
            "declined"
        ),
        sa.func.count(sa.case((MeetingRequest.state == MeetingState.CANCELLED, 1))).label(
            "cancelled"
        ),
    ]
    for outcome in MeetingOutcome:
        columns.append(
            sa.func.count(sa.case((MeetingRequest.outcome == outcome, 1))).label(outcome.value)
        )
    columns.append(sa.func.coalesce(sa.func.sum(MeetingRequest.value_usd), 0).label("value_usd"))
    return columns


def _funnel_row(row: Any) -> dict[str, Any]:
    return {
        "requested": row.requested,
        "accepted": row.accepted,
        "held": row.held,
        "declined": row.declined,
        "cancelled": row.cancelled,
        "outcomes": {outcome.value: getattr(row, outcome.value) for outcome in MeetingOutcome},
        "contract_value_usd": Decimal(row.value_usd or 0).quantize(Decimal("0.01")),
    }


def meeting_funnel(
    start_utc: datetime | None = None, end_utc: datetime | None = None
) -> dict[str, Any]:
    """Aggregate counts of meeting requests created in [start_utc, end_utc): requested,
    accepted, held, declined, cancelled, by outcome, and the contract value in US$, from one
    aggregate query (``funnel_by`` groups the same columns per webinar or country). The impact
    dashboard calls this."""
    query = sa.select(*_funnel_columns(clock.now()))
    if start_utc is not None:
        query = query.where(MeetingRequest.created_at >= start_utc)
    if end_utc is not None:
        query = query.where(MeetingRequest.created_at < end_utc)
    return _funnel_row(db.session.execute(query).one())


def funnel_by(group: str, filters: MeetingFilters | None = None) -> list[dict[str, Any]]:
    """The funnel per webinar (``group="webinar"``) or per partner country (``"country"``),
    one GROUP BY query."""
    if group == "webinar":
        key = [Event.id.label("key_id"), Event.title.label("key")]
        query = sa.select(*key, *_funnel_columns(clock.now())).join(
            Event, Event.id == MeetingRequest.event_id, isouter=True
        )
    else:
        key = [sa.literal(0).label("key_id"), OverseasEntity.country_code.label("key")]
        query = sa.select(*key, *_funnel_columns(clock.now())).join(
            OverseasEntity, OverseasEntity.id == MeetingRequest.overseas_entity_id
        )
    if filters is not None:
        query = query.where(
            MeetingRequest.id.in_(staff_meetings(filters).with_only_columns(MeetingRequest.id))
        )
    query = query.group_by(*key[1:] if group != "webinar" else key).order_by(sa.text("key"))
    rows = []
    for row in db.session.execute(query):
        key = row.key or _("No webinar")
        if group != "webinar":
            from engagement.directory.services import country_name

            key = country_name(row.key) or row.key  # people read names; codes stay in the CSV
        rows.append({"key": key, "key_id": row.key_id, **_funnel_row(row)})
    return rows


CSV_HEADER = [
    "id",
    "created_at_utc",
    "state",
    "requested_by_side",
    "company",
    "partner",
    "partner_country",
    "webinar",
    "slot_utc",
    "outcome",
    "value_usd",
]


def export_csv(filters: MeetingFilters) -> Iterator[str]:
    """The filtered staff list as CSV, streamed in batches."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    yield buffer.getvalue()
    for request in db.session.scalars(staff_meetings(filters).execution_options(yield_per=200)):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                request.id,
                request.created_at.strftime("%Y-%m-%d %H:%M"),
                request.state.value,
                request.requested_side.value,
                _safe(request.organisation.name),
                _safe(request.overseas_entity.name),
                request.overseas_entity.country_code,
                _safe(request.event.title) if request.event else "",
                request.slot_at.strftime("%Y-%m-%d %H:%M") if request.slot_at else "",
                request.outcome.value if request.outcome else "",
                request.value_usd if request.value_usd is not None else "",
            ]
        )
        yield buffer.getvalue()


def _safe(text: str) -> str:
    """Spreadsheet formula injection guard."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
