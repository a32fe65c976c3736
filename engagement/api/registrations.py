"""Registrations: register people for an event, list yours, cancel (which promotes the waitlist)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_login import current_user
from marshmallow import fields, validate

from engagement.api.events import registration_problem
from engagement.api.schemas import (
    ID,
    EmailText,
    Id,
    PageArgs,
    Strict,
    Text,
    UTCDateTime,
    page_of,
    paginated,
)
from engagement.api.spec import api_blueprint
from engagement.auth.access import login_required
from engagement.events import services as events
from engagement.events.models import Registration, RegistrationState
from engagement.extensions import db

blp = api_blueprint(
    "registrations",
    __name__,
    "Registrations",
    "Seats and waitlist places; the registration engine decides who is confirmed.",
)


class AttendeeSchema(Strict):
    name = Text(required=True, validate=validate.Length(min=1, max=120))
    email = EmailText(required=True)


class RegisterSchema(Strict):
    attendees = fields.List(
        fields.Nested(AttendeeSchema),
        required=True,
        validate=validate.Length(min=1, max=events.MAX_ATTENDEES_PER_REQUEST),
    )


class RegistrationSchema(Strict):
    id = fields.Integer(required=True)
    event_id = fields.Integer(required=True)
    name = Text(required=True)
    email = Text(required=True)
    status = Text(required=True, validate=validate.OneOf([s.value for s in RegistrationState]))
    waitlist_position = fields.Integer(
        required=True, allow_none=True, metadata={"description": "1 = next in line"}
    )
    created_at = UTCDateTime(required=True)


class RegistrationsSchema(Strict):
    registrations = fields.List(fields.Nested(RegistrationSchema), required=True)


RegistrationPageSchema = page_of(RegistrationSchema, "RegistrationPage")


class RegistrationQuery(PageArgs):
    event_id = Id(
        metadata={"description": "Only this event's (staff: everyone's registrations for it)"},
    )
    status = Text(validate=validate.OneOf([s.value for s in RegistrationState]))


def present_registrations(registrations: Sequence[Registration]) -> list[dict[str, Any]]:
    positions = events.waitlist_positions(registrations)
    return [
        {
            "id": r.id,
            "event_id": r.event_id,
            "name": r.name,
            "email": r.email,
            "status": r.state.value,
            "waitlist_position": positions.get(r.id),
            "created_at": r.created_at,
        }
        for r in registrations
    ]


@blp.route(f"/events/<{ID}:event_id>/registrations", methods=["POST"])
@login_required
@blp.arguments(RegisterSchema)
@blp.response(201, RegistrationsSchema)
@blp.errors(401, 403, 404, 409, 422)
def register(data: dict, event_id: int):
    """Register people: confirmed while seats are left, then waitlisted (409 when closed)."""
    event = events.get_event_for(current_user, event_id)
    attendees = [events.Attendee(name=a["name"], email=a["email"]) for a in data["attendees"]]
    try:
        registrations = events.register_attendees(event.id, attendees, current_user)
    except events.RegistrationError as error:
        registration_problem(error)
    return {"registrations": present_registrations(registrations)}


@blp.route("/registrations", methods=["GET"])
@login_required
@blp.arguments(RegistrationQuery, location="query")
@blp.response(200, RegistrationPageSchema)
@blp.errors(401, 422)
def list_registrations(args: dict):
    """Your registrations (and your organisation's); staff with ``event_id``: all of that event."""
    query = sa.select(Registration).order_by(Registration.id)
    event_id = args.get("event_id")
    if not (current_user.is_staff and event_id):
        query = query.where(events.registration_visible_to(current_user))
    if event_id:
        query = query.where(Registration.event_id == event_id)
    if args.get("status"):
        query = query.where(Registration.state == RegistrationState(args["status"]))
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    return {**paginated(page), "items": present_registrations(page.items)}


@blp.route(f"/registrations/<{ID}:registration_id>", methods=["GET"])
@login_required
@blp.response(200, RegistrationSchema)
@blp.errors(401, 404)
def get_registration(registration_id: int):
    """One registration you may see."""
    return present_registrations([events.get_registration_for(current_user, registration_id)])[0]


@blp.route(f"/registrations/<{ID}:registration_id>", methods=["DELETE"])
@login_required
@blp.response(204)
@blp.errors(401, 404, 409)
def cancel_registration(registration_id: int):
    """Cancel a registration; the freed seat goes to the first waitlisted person."""
    registration = events.get_registration_for(current_user, registration_id)
    try:
        events.cancel_registration(registration, current_user)
    except events.RegistrationError as error:
        registration_problem(error)
    return ""
