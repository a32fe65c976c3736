"""Who am I, the public showcase of Pakistani IT companies, and B2B meeting requests.

The same services as the pages (engagement.partners.services); this module only maps their
refusals to statuses: 403 not your turn, 409 not in that state, 422 bad input naming the field.
"""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask_login import current_user
from marshmallow import fields, validate

from engagement.api.errors import fail
from engagement.api.schemas import (
    ID,
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
from engagement.auth.access import login_required, public, roles_required
from engagement.auth.models import Role
from engagement.directory.models import CERTIFICATIONS, EmployeeBand
from engagement.extensions import db
from engagement.partners import services
from engagement.partners.models import MeetingOutcome, MeetingRequest, MeetingSide, MeetingState

blp = api_blueprint(
    "partners",
    __name__,
    "Partners",
    "The signed-in account, the public showcase of verified Pakistani IT companies, and B2B "
    "meeting requests between companies and overseas partners.",
)


def meeting_problem(error: services.MeetingError) -> None:
    if isinstance(error, services.MeetingForbidden):
        fail(403, str(error))
    if isinstance(error, services.MeetingConflict):
        fail(409, str(error))
    fail(422, str(error), field=error.field, errors=error.errors)


# --- Me ------------------------------------------------------------------------------------


class NamedSchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class EntityRefSchema(NamedSchema):
    country_code = fields.String(required=True)


class MeSchema(Strict):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    timezone = fields.String(required=True)
    organisation = fields.Nested(NamedSchema, required=True, allow_none=True)
    overseas_entity = fields.Nested(EntityRefSchema, required=True, allow_none=True)


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeSchema)
@blp.errors(401)
def me():
    """The signed-in account: role, time zone, organisation or overseas entity."""
    organisation = current_user.organisation
    entity = current_user.overseas_entity
    return {
        "id": current_user.id,
        "email": current_user.email,
        "role": current_user.role.value,
        "timezone": services.viewer_zone(current_user),
        "organisation": {"id": organisation.id, "name": organisation.name}
        if organisation
        else None,
        "overseas_entity": {
            "id": entity.id,
            "name": entity.name,
            "country_code": entity.country_code,
        }
        if entity
        else None,
    }


# --- Showcase -------------------------------------------------------------------------------


class ShowcaseQuery(PageArgs):
    q = Text(validate=validate.Length(max=100))
    sector = fields.Integer(validate=validate.Range(min=0, max=999_999_999))
    service = Text(validate=validate.Length(max=100))
    city = fields.Integer(validate=validate.Range(min=0, max=999_999_999))
    province = fields.Integer(validate=validate.Range(min=0, max=999_999_999))
    market = CountryCode(metadata={"description": "An export market served (ISO 3166 code)"})
    team = Text(
        validate=validate.OneOf([band.value for band in EmployeeBand]),
        metadata={"enum": [band.value for band in EmployeeBand]},
    )
    certification = Text(
        validate=validate.OneOf(list(CERTIFICATIONS)), metadata={"enum": list(CERTIFICATIONS)}
    )


class ShowcaseCompanySchema(Strict):
    organisation_id = fields.Integer(
        required=True, allow_none=True, metadata={"description": "null: no account to meet yet"}
    )
    name = fields.String(required=True)
    city = fields.String(required=True, allow_none=True)
    sectors = fields.List(fields.String(), required=True)
    services = fields.List(fields.String(), required=True)
    registration_number = fields.String(required=True)
    export_markets = fields.List(fields.String(), required=True)
    certifications = fields.List(fields.String(), required=True)
    employee_band = fields.String(required=True, allow_none=True)
    founded_year = fields.Integer(required=True, allow_none=True)
    website = fields.String(required=True, allow_none=True)
    pitch = fields.String(required=True)


def _showcase(company: Any) -> dict[str, Any]:
    return {
        "organisation_id": company.organisation_id,
        "name": company.legal_name,
        "city": company.city.name if company.city else None,
        "sectors": [s.name for s in company.sectors],
        "services": company.service_list,
        "registration_number": company.registration_number,
        "export_markets": company.export_market_list,
        "certifications": company.certification_list,
        "employee_band": company.employee_band.value if company.employee_band else None,
        "founded_year": company.founded_year,
        "website": company.website,
        "pitch": company.pitch,
    }


@blp.route("/showcase/companies", methods=["GET"])
@public
@blp.arguments(ShowcaseQuery, location="query")
@blp.response(200, page_of(ShowcaseCompanySchema, "ShowcaseCompanyPage"))
@blp.errors(422)
@blp.doc(security=[])
def showcase_companies(args: dict):
    """Verified companies listed in the public showcase (no token needed; no contact details)."""
    filters = services.ShowcaseFilters.from_args(request.args)
    if filters.invalid:
        fail(
            422,
            "Some filters were not understood.",
            errors={name: ["Not a valid value."] for name in filters.invalid},
        )
    page = db.paginate(
        services.search_showcase(filters),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    return {**paginated(page), "items": [_showcase(c) for c in page.items]}


# --- Meeting requests -----------------------------------------------------------------------


class MeetingCreateSchema(Strict):
    organisation_id = Id(metadata={"description": "A partner asks this company"})
    overseas_entity_id = Id(metadata={"description": "A company asks this partner"})
    message = Text(required=True, validate=validate.Length(min=1, max=5000))
    slots = fields.List(
        Text(validate=validate.Length(max=40)),
        required=True,
        validate=validate.Length(max=20),
        metadata={"description": "2 to 5 slot starts, ISO 8601 with a zone; 30 minutes each"},
    )
    event_id = Id(allow_none=True)


class MeetingSchema(Strict):
    id = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in MeetingState]))
    requested_side = fields.String(
        required=True, validate=validate.OneOf([s.value for s in MeetingSide])
    )
    organisation = fields.Nested(NamedSchema, required=True)
    overseas_entity = fields.Nested(EntityRefSchema, required=True)
    event_id = fields.Integer(required=True, allow_none=True)
    message = fields.String(required=True)
    slots = fields.List(UTCDateTime(), required=True)
    slot = UTCDateTime(required=True, allow_none=True)
    video_url = fields.String(required=True, allow_none=True)
    decline_reason = fields.String(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True)
    value_usd = fields.Decimal(required=True, allow_none=True, as_string=True)
    created_at = UTCDateTime(required=True)


def present(meeting: MeetingRequest) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "state": meeting.state.value,
        "requested_side": meeting.requested_side.value,
        "organisation": {"id": meeting.organisation.id, "name": meeting.organisation.name},
        "overseas_entity": {
            "id": meeting.overseas_entity.id,
            "name": meeting.overseas_entity.name,
            "country_code": meeting.overseas_entity.country_code,
        },
        "event_id": meeting.event_id,
        "message": meeting.message,
        "slots": [s.starts_at for s in meeting.slots],
        "slot": meeting.slot_at,
        "video_url": meeting.video_url,
        "decline_reason": meeting.decline_reason,
        "outcome": meeting.outcome.value if meeting.outcome else None,
        "value_usd": meeting.value_usd,
        "created_at": meeting.created_at,
    }


MEETING_ROLES = (Role.PARTNER, Role.COMPANY)


@blp.route("/meeting-requests", methods=["POST"])
@roles_required(*MEETING_ROLES)
@blp.arguments(MeetingCreateSchema)
@blp.response(201, MeetingSchema)
@blp.errors(401, 403, 422)
def create_meeting_request(data: dict):
    """A partner asks a company (``organisation_id``) or a company a partner
    (``overseas_entity_id``) for a 30-minute meeting in one of 2-5 proposed slots."""
    try:
        meeting = services.request_meeting(current_user, **data)
    except services.MeetingError as error:
        meeting_problem(error)
    return present(meeting)


@blp.route("/meeting-requests", methods=["GET"])
@roles_required(*MEETING_ROLES, Role.STAFF)
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(MeetingSchema, "MeetingPage"))
@blp.errors(401, 403)
def list_meeting_requests(args: dict):
    """Your side's meeting requests, newest first (staff: all)."""
    page = db.paginate(
        services.visible_meetings(current_user),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    return {**paginated(page), "items": [present(m) for m in page.items]}


@blp.route(f"/meeting-requests/<{ID}:request_id>", methods=["GET"])
@roles_required(*MEETING_ROLES, Role.STAFF)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404)
def get_meeting_request(request_id: int):
    """One meeting request (404 for another side's)."""
    return present(services.get_meeting_for(current_user, request_id))


class AcceptSchema(Strict):
    slot = Text(required=True, validate=validate.Length(max=40))
    video_url = Text(allow_none=True, validate=validate.Length(max=500))


class DeclineSchema(Strict):
    reason = Text(required=True, validate=validate.Length(max=2000))


class OutcomeSchema(Strict):
    outcome = Text(required=True, validate=validate.OneOf([o.value for o in MeetingOutcome]))
    value_usd = fields.Decimal(
        allow_none=True,
        metadata={"description": "Contract value in US$, 0 to 999,999,999,999 (contracts only)"},
    )


def _act(request_id: int, action) -> dict[str, Any]:
    meeting = services.get_meeting_for(current_user, request_id)
    try:
        action(meeting)
    except services.MeetingError as error:
        meeting_problem(error)
    return present(meeting)


@blp.route(f"/meeting-requests/<{ID}:request_id>/accept", methods=["POST"])
@roles_required(*MEETING_ROLES)
@blp.arguments(AcceptSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 409, 422)
def accept_meeting_request(data: dict, request_id: int):
    """The other side accepts one of the proposed slots."""
    return _act(
        request_id,
        lambda m: services.accept_meeting(current_user, m, data["slot"], data.get("video_url")),
    )


@blp.route(f"/meeting-requests/<{ID}:request_id>/decline", methods=["POST"])
@roles_required(*MEETING_ROLES)
@blp.arguments(DeclineSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 409, 422)
def decline_meeting_request(data: dict, request_id: int):
    """The other side declines, with a reason."""
    return _act(request_id, lambda m: services.decline_meeting(current_user, m, data["reason"]))


@blp.route(f"/meeting-requests/<{ID}:request_id>/outcome", methods=["POST"])
@roles_required(*MEETING_ROLES)
@blp.arguments(OutcomeSchema)
@blp.response(200, MeetingSchema)
@blp.errors(401, 403, 404, 409, 422)
def meeting_request_outcome(data: dict, request_id: int):
    """After the meeting, either side records its outcome."""
    return _act(
        request_id,
        lambda m: services.record_outcome(current_user, m, data["outcome"], data.get("value_usd")),
    )


@blp.route(f"/meeting-requests/<{ID}:request_id>/ics", methods=["GET"])
@roles_required(*MEETING_ROLES, Role.STAFF)
@blp.response(200, {"type": "string"}, content_type="text/calendar")
@blp.errors(401, 403, 404, 409)
def meeting_request_ics(request_id: int):
    """The accepted meeting as iCalendar, in the caller's side's zone."""
    meeting = services.get_meeting_for(current_user, request_id)
    side = services.viewer_side(current_user, meeting)
    zone = services.side_zone(meeting, side) if side else services.PAKISTAN_ZONE
    try:
        data = services.meeting_ics(meeting, zone)
    except services.MeetingError as error:
        meeting_problem(error)
    return Response(data, mimetype="text/calendar")
