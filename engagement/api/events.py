"""Events (webinars and meetups) over the registration engine, webinars and meetups services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_login import current_user
from marshmallow import ValidationError, fields, validate, validates_schema
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.routing import BuildError

from engagement.api.errors import fail
from engagement.api.schemas import (
    ID,
    BoundedDate,
    CountryCode,
    Id,
    PageArgs,
    Strict,
    Text,
    UTCDateTime,
    page_of,
    paginated,
)
from engagement.api.spec import api_blueprint
from engagement.auth.access import login_required, staff_required
from engagement.core.context import external_url
from engagement.directory.models import City, OverseasEntity, Sector
from engagement.directory.services import reference_data_problem
from engagement.events import services as events
from engagement.events.models import (
    Event,
    EventKind,
    EventState,
)
from engagement.extensions import db
from engagement.meetups import services as meetups
from engagement.meetups.models import Meetup
from engagement.webinars import services as webinars
from engagement.webinars.models import Webinar, webinar_partner, webinar_sector

blp = api_blueprint(
    "events",
    __name__,
    "Events",
    "Webinars and meetups; staff create, change and cancel them.",
)

MAX_DURATION_MINUTES = 7 * 24 * 60


def registration_problem(error: events.RegistrationError) -> None:
    """The engine refused: 422 for a bad input it names, 403 for an unconfirmed email, else 409
    (closed, full, duplicate...)."""
    status = 422 if error.code == "invalid" and error.field else 409
    if error.code == "unconfirmed":
        status = 403
    fail(status, error.message, field=error.field)


# --- Shapes -------------------------------------------------------------------------------------


class CitySchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)
    slug = Text(required=True)
    province = Text(required=True)


class VenueSchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)
    address = Text(required=True)


class PartnerSchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)
    country_code = Text(required=True)


class EventSchema(Strict):
    id = fields.Integer(required=True)
    kind = Text(required=True, validate=validate.OneOf([k.value for k in EventKind]))
    title = Text(required=True)
    description = Text(multiline=True, required=True)
    state = Text(required=True, validate=validate.OneOf([s.value for s in EventState]))
    starts_at = UTCDateTime(required=True)
    ends_at = UTCDateTime(required=True)
    timezone = Text(required=True, metadata={"example": "Asia/Karachi"})
    capacity = fields.Integer(required=True)
    seats_left = fields.Integer(required=True)
    waitlist_length = fields.Integer(required=True)
    seat_limit_per_org = fields.Integer(required=True, allow_none=True)
    registration_opens_at = UTCDateTime(required=True, allow_none=True)
    registration_closes_at = UTCDateTime(required=True, allow_none=True)
    city = fields.Nested(
        CitySchema, required=True, allow_none=True, metadata={"description": "Meetups"}
    )
    venue = fields.Nested(VenueSchema, required=True, allow_none=True)
    partners = fields.List(
        fields.Nested(PartnerSchema),
        required=True,
        allow_none=True,
        metadata={"description": "Webinars: the overseas partner entities"},
    )
    url = Text(required=True, metadata={"description": "The event's web page"})
    ical_url = Text(required=True, allow_none=True)


EventPageSchema = page_of(EventSchema, "EventPage")


class EventQuery(PageArgs):
    kind = Text(validate=validate.OneOf([k.value for k in EventKind]))
    state = Text(validate=validate.OneOf([s.value for s in EventState]))
    city = Text(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Meetup city, by name or slug (e.g. Gilgit)"},
    )
    country = CountryCode(
        metadata={"description": "Webinars with a partner from this ISO country code"},
    )
    sector = Text(
        validate=validate.Length(min=1, max=60),
        metadata={"description": "Webinar sector, by slug or id"},
    )
    from_ = BoundedDate(data_key="from", metadata={"description": "Starting on or after (PKT)"})
    to = BoundedDate(metadata={"description": "Starting on or before (PKT)"})


class EventCreateSchema(Strict):
    kind = Text(required=True, validate=validate.OneOf([k.value for k in EventKind]))
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    description = Text(multiline=True, load_default="", validate=validate.Length(max=20_000))
    starts_at = UTCDateTime(required=True)
    duration_minutes = fields.Integer(
        required=True, validate=validate.Range(min=1, max=MAX_DURATION_MINUTES)
    )
    capacity = fields.Integer(required=True, validate=validate.Range(min=0, max=100_000))
    seat_limit_per_org = fields.Integer(
        load_default=None, allow_none=True, validate=validate.Range(min=1, max=100_000)
    )
    registration_opens_at = UTCDateTime(load_default=None, allow_none=True)
    registration_closes_at = UTCDateTime(load_default=None, allow_none=True)
    city = Text(
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "Meetups: a city name from the reference list, e.g. Gilgit"},
    )
    partner_ids = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Webinars: overseas entity ids"},
    )
    sector_ids = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=50),
        metadata={"description": "Webinars: sector ids"},
    )
    state = Text(
        load_default=EventState.PUBLISHED.value,
        validate=validate.OneOf([EventState.DRAFT.value, EventState.PUBLISHED.value]),
    )

    @validates_schema
    def _kind_fields(self, data: dict, **kwargs: Any) -> None:
        if data.get("kind") == EventKind.MEETUP:
            if not data.get("city"):
                raise ValidationError("A meetup needs a city.", "city")
            if data.get("partner_ids") or data.get("sector_ids"):
                raise ValidationError("Only webinars have partners and sectors.", "partner_ids")
        elif data.get("kind") == EventKind.WEBINAR and data.get("city"):
            raise ValidationError("Only meetups have a city.", "city")


class EventUpdateSchema(Strict):
    """At least one field: an empty change is refused (422 "nothing to change")."""

    class Meta(Strict.Meta):
        #: Documented as minProperties (engagement.api.spec).
        min_properties = 1

    @validates_schema
    def something_to_change(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Nothing to change: send at least one field.")

    title = Text(validate=validate.Length(min=1, max=200))
    description = Text(multiline=True, validate=validate.Length(max=20_000))
    starts_at = UTCDateTime()
    duration_minutes = fields.Integer(validate=validate.Range(min=1, max=MAX_DURATION_MINUTES))
    capacity = fields.Integer(
        validate=validate.Range(min=0, max=100_000),
        metadata={"description": "Raising it confirms people from the waitlist"},
    )
    seat_limit_per_org = fields.Integer(
        allow_none=True, validate=validate.Range(min=1, max=100_000)
    )
    registration_opens_at = UTCDateTime(allow_none=True)
    registration_closes_at = UTCDateTime(allow_none=True)
    partner_ids = fields.List(Id(), validate=validate.Length(max=50))
    state = Text(
        validate=validate.OneOf([EventState.PUBLISHED.value]),
        metadata={"description": "published: publish a draft"},
    )


class CancelSchema(Strict):
    reason = Text(multiline=True, required=True, validate=validate.Length(min=1, max=2000))


# --- Presenting ---------------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return external_url(path)


def _ical_url(event: Event) -> str | None:
    try:
        return external_url("events.event_calendar", event_id=event.id)
    except BuildError:
        return None


def present_events(items: Sequence[Event]) -> list[dict[str, Any]]:
    """Events as the API shows them; a constant number of queries for any number of events."""
    ids = [event.id for event in items]
    if not ids:
        return []
    counts = events.event_counts(ids)
    webinar_rows = {
        w.event_id: w
        for w in db.session.scalars(
            sa.select(Webinar)
            .where(Webinar.event_id.in_(ids))
            .options(selectinload(Webinar.partners))
        )
    }
    meetup_rows = {
        m.event_id: m
        for m in db.session.scalars(
            sa.select(Meetup)
            .where(Meetup.event_id.in_(ids))
            .options(joinedload(Meetup.city).joinedload(City.province), joinedload(Meetup.venue))
        ).unique()
    }
    out = []
    for event in items:
        taken, waiting = counts[event.id]["seats"], counts[event.id].get("waitlisted", 0)
        webinar, meetup = webinar_rows.get(event.id), meetup_rows.get(event.id)
        city = meetup.city if meetup else None
        venue = meetup.venue if meetup else None
        out.append(
            {
                "id": event.id,
                "kind": event.kind.value,
                "title": event.title,
                "description": event.description or "",
                "state": event.state.value,
                "starts_at": event.starts_at,
                "ends_at": event.ends_at,
                "timezone": event.timezone,
                "capacity": event.capacity,
                "seats_left": max(0, event.capacity - taken),
                "waitlist_length": waiting,
                "seat_limit_per_org": event.seat_limit_per_org,
                "registration_opens_at": event.registration_opens_at,
                "registration_closes_at": event.registration_closes_at,
                "city": (
                    {
                        "id": city.id,
                        "name": city.name,
                        "slug": city.slug,
                        "province": city.province.name,
                    }
                    if city
                    else None
                ),
                "venue": (
                    {"id": venue.id, "name": venue.name, "address": venue.address or ""}
                    if venue
                    else None
                ),
                "partners": (
                    [
                        {"id": p.id, "name": p.name, "country_code": p.country_code}
                        for p in webinar.partners
                    ]
                    if webinar
                    else (None if event.kind == EventKind.MEETUP else [])
                ),
                "url": _absolute(event.url),
                "ical_url": _ical_url(event),
            }
        )
    return out


def present_event(event: Event) -> dict[str, Any]:
    return present_events([event])[0]


# --- Looking things up by the names the API accepts ---------------------------------------------


def _local_midnight(day: Any) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))


def city_by_name(name: str) -> City:
    text = name.strip().lower()
    city = db.session.scalar(
        sa.select(City).where(sa.or_(sa.func.lower(City.name) == text, City.slug == text))
    )
    if city is None:
        detail = reference_data_problem(City, "cities")
        fail(
            422,
            detail or f"Unknown city {name!r}; use a name from the city list, e.g. Gilgit.",
            "city",
        )
    return city


def _by_ids(model: type, ids: Sequence[int], field: str) -> list[Any]:
    if not ids:
        return []
    found = {row.id: row for row in db.session.scalars(sa.select(model).where(model.id.in_(ids)))}
    missing = {
        f"{field}[{index}]": ["No such id."] for index, id_ in enumerate(ids) if id_ not in found
    }
    if missing:
        fail(422, "Some ids do not exist.", errors=missing)
    return [found[id_] for id_ in dict.fromkeys(ids)]


# --- Endpoints ----------------------------------------------------------------------------------


@blp.route("/events", methods=["GET"])
@login_required
@blp.arguments(EventQuery, location="query")
@blp.response(200, EventPageSchema)
@blp.errors(401, 422)
def list_events(args: dict):
    """Events, soonest first; drafts only for staff."""
    query = sa.select(Event).order_by(Event.starts_at, Event.id)
    if not current_user.is_staff:
        query = query.where(Event.state != EventState.DRAFT)
    if args.get("kind"):
        query = query.where(Event.kind == EventKind(args["kind"]))
    if args.get("state"):
        query = query.where(Event.state == EventState(args["state"]))
    if args.get("city"):
        text = args["city"].strip().lower()
        query = query.where(
            Event.id.in_(
                sa.select(Meetup.event_id)
                .join(City, City.id == Meetup.city_id)
                .where(sa.or_(sa.func.lower(City.name) == text, City.slug == text))
            )
        )
    if args.get("country"):
        query = query.where(
            Event.id.in_(
                sa.select(webinar_partner.c.webinar_id)
                .join(OverseasEntity, OverseasEntity.id == webinar_partner.c.overseas_entity_id)
                .where(OverseasEntity.country_code == args["country"].upper())
            )
        )
    if args.get("sector"):
        text = args["sector"].strip().lower()
        match = Sector.slug == text
        if text.isascii() and text.isdigit() and len(text) < 10:
            match = sa.or_(match, Sector.id == int(text))
        query = query.where(
            Event.id.in_(
                sa.select(webinar_sector.c.webinar_id)
                .join(Sector, Sector.id == webinar_sector.c.sector_id)
                .where(match)
            )
        )
    if args.get("from_"):
        query = query.where(Event.starts_at >= _local_midnight(args["from_"]))
    if args.get("to"):
        query = query.where(Event.starts_at < _local_midnight(args["to"]) + timedelta(days=1))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    return {**paginated(page), "items": present_events(page.items)}


@blp.route(f"/events/<{ID}:event_id>", methods=["GET"])
@login_required
@blp.response(200, EventSchema)
@blp.errors(401, 404)
def get_event(event_id: int):
    """One event (404 for a draft unless you are staff)."""
    return present_event(events.get_event_for(current_user, event_id))


@blp.route("/events", methods=["POST"])
@staff_required
@blp.arguments(EventCreateSchema)
@blp.response(201, EventSchema)
@blp.errors(401, 403, 422)
def create_event(data: dict):
    """Create a webinar (``partner_ids``) or a meetup (``city``); published unless state is draft."""
    publish = data["state"] == EventState.PUBLISHED
    common = {
        "title": data["title"],
        "starts_at": data["starts_at"],
        "duration_minutes": data["duration_minutes"],
        "capacity": data["capacity"],
        "description": data["description"],
        "seat_limit_per_org": data["seat_limit_per_org"],
        "registration_opens_at": data["registration_opens_at"],
        "registration_closes_at": data["registration_closes_at"],
    }
    try:
        if data["kind"] == EventKind.WEBINAR:
            webinar = webinars.create_webinar(
                **common,
                partners=_by_ids(OverseasEntity, data["partner_ids"], "partner_ids"),
                sectors=_by_ids(Sector, data["sector_ids"], "sector_ids"),
                publish=publish,
                created_by=current_user,
            )
            event = webinar.event
        else:
            event = _create_meetup(city_by_name(data["city"]), common, publish)
    except events.RegistrationError as error:
        registration_problem(error)
    return present_event(event)


def _create_meetup(city: City, values: dict[str, Any], publish: bool) -> Event:
    """A meetup in ``city`` outside the roadmap: an engine event plus its meetup row."""
    event = events.create_event(
        EventKind.MEETUP,
        timezone=current_app.config["TIMEZONE"],
        state=EventState.PUBLISHED if publish else EventState.DRAFT,
        created_by=current_user,
        **values,
    )
    db.session.add(
        Meetup(
            event=event,
            city_id=city.id,
            venue=meetups.choose_venue(city.id),
            agenda=meetups.DEFAULT_AGENDA.format(city=city.name),
        )
    )
    db.session.flush()
    return event


@blp.route(f"/events/<{ID}:event_id>", methods=["PATCH"])
@staff_required
@blp.arguments(EventUpdateSchema)
@blp.response(200, EventSchema)
@blp.errors(401, 403, 404, 409, 422)
def update_event(changes: dict, event_id: int):
    """Change an event; raising ``capacity`` confirms people from the waitlist."""
    event = events.get_event_for(current_user, event_id)
    publish = changes.pop("state", None) == EventState.PUBLISHED
    partner_ids = changes.pop("partner_ids", None)
    try:
        if partner_ids is not None:
            if event.kind != EventKind.WEBINAR:
                fail(422, "Only webinars have partners.", "partner_ids")
            webinar = webinars.get_webinar_for(current_user, event.id)
            partners = _by_ids(OverseasEntity, partner_ids, "partner_ids")
            webinars.update_webinar(webinar, current_user, partners=partners, **changes)
        elif changes:
            events.update_event(event, current_user, **changes)
        if publish:
            events.publish_event(event, current_user)
    except events.RegistrationError as error:
        registration_problem(error)
    db.session.refresh(event)
    return present_event(event)


@blp.route(f"/events/<{ID}:event_id>/cancel", methods=["POST"])
@staff_required
@blp.arguments(CancelSchema)
@blp.response(200, EventSchema)
@blp.errors(401, 403, 404, 409, 422)
def cancel_event(data: dict, event_id: int):
    """Cancel an event; everyone registered is emailed."""
    event = events.get_event_for(current_user, event_id)
    try:
        events.cancel_event(event, data["reason"], current_user)
    except events.RegistrationError as error:
        registration_problem(error)
    return present_event(event)
