"""Facilitation requests: startups ask, staff move them through the workflow (services decide)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from marshmallow import fields, validate

from engagement.api.errors import fail
from engagement.api.schemas import (
    ID,
    MAX_ID,
    BoundedDate,
    Id,
    PageArgs,
    Strict,
    Text,
    UTCDateTime,
    page_of,
    paginated,
)
from engagement.api.spec import api_blueprint
from engagement.auth.access import login_required, roles_required
from engagement.auth.models import Role
from engagement.directory.models import StartupStage
from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import (
    Currency,
    FacilitationRequest,
    RequestState,
    ResolutionOutcome,
    Sphere,
)

blp = api_blueprint(
    "facilitation",
    __name__,
    "Facilitation",
    "Startups' requests for help (marketing, office space, funding, policy, HR, business "
    "development) and their workflow.",
)

SPHERE_FIELDS = (
    "city_id",
    "sector_id",
    "stage",
    "amount_sought",
    "currency",
    "use_of_funds",
    "traction",
    "seats_needed",
    "needed_from",
)


def _values(enum_cls: Any) -> list[str]:
    return [member.value for member in enum_cls]


def facilitation_problem(error: Exception) -> None:
    """Map the workflow's refusals: 403 forbidden move, 409 illegal move, 422 bad input."""
    if isinstance(error, services.TransitionForbidden):
        fail(403, str(error))
    if isinstance(error, services.IllegalTransition):
        fail(409, str(error))
    fail(422, str(error), field=getattr(error, "field", None))


#: The largest whole amount the database column holds (NUMERIC(16, 2)).
MAX_AMOUNT = 99_999_999_999_999


class RequestFields(Strict):
    """The fields a request may carry; which ones a sphere needs is the service's rule."""

    city_id = Id(allow_none=True)
    sector_id = Id(allow_none=True)
    stage = Text(allow_none=True, validate=validate.OneOf(_values(StartupStage)))
    amount_sought = fields.Decimal(
        allow_none=True,
        places=2,
        allow_nan=False,
        validate=validate.Range(min=0, min_inclusive=False, max=MAX_AMOUNT),
        metadata={
            "description": "Capital: amount sought (more than 0, two decimal places)",
            "example": 250000,
            # As numbers: apispec would copy the Decimal bounds as strings.
            "minimum": 0,
            "exclusiveMinimum": True,
            "maximum": MAX_AMOUNT,
        },
    )
    currency = Text(allow_none=True, validate=validate.OneOf(_values(Currency)))
    use_of_funds = Text(multiline=True, allow_none=True, validate=validate.Length(max=2000))
    traction = Text(multiline=True, allow_none=True, validate=validate.Length(max=2000))
    seats_needed = fields.Integer(
        allow_none=True,
        validate=validate.Range(min=0, max=MAX_ID),
        metadata={"description": "Infrastructure: office seats"},
    )
    needed_from = BoundedDate(allow_none=True, metadata={"description": "Infrastructure"})


class RequestCreateSchema(RequestFields):
    sphere = Text(required=True, validate=validate.OneOf(_values(Sphere)))
    title = Text(required=True, validate=validate.Length(min=1, max=200))
    summary = Text(multiline=True, load_default="", validate=validate.Length(max=2000))
    details = Text(multiline=True, load_default="", validate=validate.Length(max=20_000))
    submit = fields.Boolean(
        load_default=True, metadata={"description": "false keeps it as a draft"}
    )


class OrganisationSchema(Strict):
    id = fields.Integer(required=True)
    name = Text(required=True)


class RequestSchema(Strict):
    id = fields.Integer(required=True)
    sphere = Text(required=True, validate=validate.OneOf(_values(Sphere)))
    state = Text(required=True, validate=validate.OneOf(_values(RequestState)))
    title = Text(required=True)
    summary = Text(multiline=True, required=True)
    details = Text(multiline=True, required=True)
    organisation = fields.Nested(OrganisationSchema, required=True)
    city_id = fields.Integer(required=True, allow_none=True)
    sector_id = fields.Integer(required=True, allow_none=True)
    stage = Text(required=True, allow_none=True)
    amount_sought = fields.Decimal(
        required=True,
        allow_none=True,
        as_string=True,
        metadata={"type": "string", "format": "decimal", "example": "250000.00"},
    )
    currency = Text(required=True, allow_none=True)
    use_of_funds = Text(multiline=True, required=True)
    traction = Text(multiline=True, required=True)
    seats_needed = fields.Integer(required=True, allow_none=True)
    needed_from = fields.Date(required=True, allow_none=True)
    assignee_id = fields.Integer(required=True, allow_none=True)
    submitted_at = UTCDateTime(required=True, allow_none=True)
    first_response_due_at = UTCDateTime(required=True, allow_none=True)
    closed_at = UTCDateTime(required=True, allow_none=True)
    outcome = Text(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


RequestPageSchema = page_of(RequestSchema, "FacilitationRequestPage")


class RequestQuery(PageArgs):
    sphere = Text(validate=validate.OneOf(_values(Sphere)))
    state = Text(validate=validate.OneOf([*_values(RequestState), "open"]))
    city_id = Id()
    province_id = Id()
    assignee_id = Text(
        validate=validate.Regexp(r"^(none|me|[1-9][0-9]{0,8})$"),
        metadata={"description": "A staff user id, me or none (staff)"},
    )
    age_days = fields.Integer(validate=validate.Range(min=1, max=3650))
    overdue = fields.Boolean()
    q = Text(validate=validate.Length(max=100), metadata={"description": "In the title"})
    sort = Text(validate=validate.OneOf(list(services.SORTS)))


class TransitionSchema(Strict):
    to = Text(required=True, validate=validate.OneOf(_values(RequestState)))
    comment = Text(
        multiline=True, load_default=None, allow_none=True, validate=validate.Length(max=5000)
    )
    outcome = Text(allow_none=True, validate=validate.OneOf(_values(ResolutionOutcome)))
    outcome_note = Text(multiline=True, allow_none=True, validate=validate.Length(max=2000))
    reason = Text(
        multiline=True,
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Declining"},
    )
    channel_id = Id(allow_none=True, metadata={"description": "Referring: a funding channel"})
    other_name = Text(
        allow_none=True,
        validate=validate.Length(max=200),
        metadata={"description": "Referring to a channel not in the registry: its name"},
    )
    note = Text(allow_none=True, validate=validate.Length(max=2000))
    comment_to = Text(
        allow_none=True,
        validate=validate.OneOf(services.COMMENT_AUDIENCES),
        metadata={
            "description": "Staff: who reads the comment (internal, the default, or startup)"
        },
    )


def present(request: FacilitationRequest) -> dict[str, Any]:
    return {
        "id": request.id,
        "sphere": request.sphere.value,
        "state": request.state.value,
        "title": request.title,
        "summary": request.summary or "",
        "details": request.details or "",
        "organisation": {"id": request.organisation.id, "name": request.organisation.name},
        "city_id": request.city_id,
        "sector_id": request.sector_id,
        "stage": request.stage.value if request.stage else None,
        "amount_sought": request.amount_sought,
        "currency": request.currency.value if request.currency else None,
        "use_of_funds": request.use_of_funds or "",
        "traction": request.traction or "",
        "seats_needed": request.seats_needed,
        "needed_from": request.needed_from,
        "assignee_id": request.assignee_id,
        "submitted_at": request.submitted_at,
        "first_response_due_at": request.first_response_due_at,
        "closed_at": request.closed_at,
        "outcome": request.outcome.value if request.outcome else None,
        "created_at": request.created_at,
        "updated_at": request.updated_at,
    }


WORKFLOW_ERRORS = (services.FacilitationError, services.WorkflowError)


@blp.route("/facilitation-requests", methods=["POST"])
@roles_required(Role.STARTUP)
@blp.arguments(RequestCreateSchema)
@blp.response(201, RequestSchema)
@blp.errors(401, 403, 422)
def create_request(data: dict):
    """A startup asks for help: submitted, or a draft when ``submit`` is false."""
    sphere_fields = {name: data[name] for name in SPHERE_FIELDS if name in data}
    try:
        request = services.create_request(
            current_user,
            data["sphere"],
            data["title"],
            data["summary"],
            details=data["details"],
            submit=data["submit"],
            **sphere_fields,
        )
    except WORKFLOW_ERRORS as error:
        facilitation_problem(error)
    return present(request)


@blp.route("/facilitation-requests", methods=["GET"])
@login_required
@blp.arguments(RequestQuery, location="query")
@blp.response(200, RequestPageSchema)
@blp.errors(401, 422)
def list_requests(args: dict):
    """Your organisation's requests; staff: all submitted ones, with the queue's filters."""
    filters = {key: value for key, value in args.items() if key not in ("page", "per_page")}
    if "overdue" in filters:
        filters["overdue"] = bool(filters["overdue"])
    page = db.paginate(
        services.requests_for(current_user, filters),
        page=args["page"],
        per_page=args["per_page"],
        error_out=False,
    )
    return {**paginated(page), "items": [present(request) for request in page.items]}


@blp.route(f"/facilitation-requests/<{ID}:request_id>", methods=["GET"])
@login_required
@blp.response(200, RequestSchema)
@blp.errors(401, 404)
def get_request(request_id: int):
    """One request you may see (others' are 404)."""
    return present(services.get_request_for(current_user, request_id))


@blp.route(f"/facilitation-requests/<{ID}:request_id>/transitions", methods=["POST"])
@login_required
@blp.arguments(TransitionSchema)
@blp.response(200, RequestSchema)
@blp.errors(401, 403, 404, 409, 422)
def transition(data: dict, request_id: int):
    """Move a request: 409 when the move does not exist from its state, 403 when not yours."""
    request = services.get_request_for(current_user, request_id)
    to_state = data.pop("to")
    comment = data.pop("comment")
    extra = {key: value for key, value in data.items() if value is not None}
    if extra.get("other_name") and "channel_id" not in extra:
        extra["channel_id"] = services.OTHER_CHANNEL
    try:
        services.transition(request, to_state, current_user, comment, **extra)
    except WORKFLOW_ERRORS as error:
        facilitation_problem(error)
    return present(request)
