"""Facilitation rules: creating, moving, assigning, discussing and referring requests.

Pages and the JSON API call these functions; they flush and never commit (the request or job
commits once). Access: objects with ids are loaded through ``get_request_for`` and friends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from engagement import clock
from engagement.auth.models import Membership, Role, User
from engagement.auth.services import (
    EmailNotConfirmed,
    OpenWork,
    record_account_event,
    register_open_work,
    require_confirmed_email,
)
from engagement.core.converters import MAX_ID
from engagement.core.i18n import mail_language
from engagement.directory.models import City, Sector, Startup, StartupStage
from engagement.extensions import db
from engagement.facilitation import sla, uploads
from engagement.facilitation.models import (
    CLOSED_STATES,
    ChannelKind,
    Currency,
    EventKind,
    FacilitationRequest,
    FacilitationStaff,
    FundingChannel,
    FundingChannelStage,
    Referral,
    ReferralOutcome,
    RequestEvent,
    RequestMessage,
    RequestState,
    ResolutionOutcome,
    Sphere,
    SphereHandler,
)
from engagement.facilitation.policy import (  # noqa: F401 (re-exported: callers use services.X)
    FacilitationError,
    IllegalTransition,
    TransitionForbidden,
    WorkflowError,
    actor_of,
    can_view,
)
from engagement.facilitation.workflow import Actor, Move, Needs, find_move, find_moves
from engagement.notifications.services import queue_mail


def get_request_for(
    user: User, request_id: int, *, for_update: bool = False
) -> FacilitationRequest:
    """The request if ``user`` may see it, else 404 (the same for missing and forbidden)."""
    query = sa.select(FacilitationRequest).where(FacilitationRequest.id == request_id)
    if for_update:
        query = query.with_for_update()
    request = db.session.scalar(query)
    if request is None or not can_view(user, request):
        abort(404)
    return request


def _startup_org_id(user: User) -> int:
    membership = user.membership
    if user.role != Role.STARTUP or membership is None:
        raise TransitionForbidden(_("Only a startup can make facilitation requests."))
    return membership.organisation_id


AGE_CHOICES = (3, 7, 14, 30)
SORTS = {
    # "First response due": requests still waiting for PSEB's first response come first, by due
    # time (so the overdue ones lead), then those already answered. Answered requests have the
    # earliest due times, so sorting by due time alone put the overdue request last.
    "due": (
        FacilitationRequest.first_response_at.is_not(None).asc(),
        FacilitationRequest.first_response_due_at.asc(),
        FacilitationRequest.id.asc(),
    ),
    "oldest": (FacilitationRequest.submitted_at.asc(), FacilitationRequest.id.asc()),
    "newest": (FacilitationRequest.submitted_at.desc(), FacilitationRequest.id.desc()),
    "updated": (FacilitationRequest.updated_at.desc(), FacilitationRequest.id.desc()),
}


def requests_for(user: User, filters: dict[str, Any] | None = None) -> sa.Select:
    """Requests ``user`` may see, filtered and sorted; eager-loads what lists show.

    Filters: ``sphere``, ``state``, ``city_id``, ``province_id``, ``assignee_id`` (an id,
    ``"none"`` or ``"me"``), ``age_days`` (submitted at least that many days ago), ``overdue``,
    ``q`` (title), ``sort`` (due, oldest, newest, updated). Unknown values are ignored.
    """
    filters = filters or {}
    query = sa.select(FacilitationRequest).options(
        joinedload(FacilitationRequest.organisation),
        joinedload(FacilitationRequest.assignee),
        joinedload(FacilitationRequest.city),
    )
    if user.is_staff:
        query = query.where(FacilitationRequest.submitted_at.is_not(None))
    elif user.membership is not None:
        query = query.where(FacilitationRequest.organisation_id == user.membership.organisation_id)
    else:
        return query.where(sa.false())

    if (sphere := _enum_or_none(Sphere, filters.get("sphere"))) is not None:
        query = query.where(FacilitationRequest.sphere == sphere)
    if (state := _enum_or_none(RequestState, filters.get("state"))) is not None:
        query = query.where(FacilitationRequest.state == state)
    elif filters.get("state") == "open":
        query = query.where(FacilitationRequest.state.not_in(CLOSED_STATES))
    if (city_id := _int_or_none(filters.get("city_id"))) is not None:
        query = query.where(FacilitationRequest.city_id == city_id)
    if (province_id := _int_or_none(filters.get("province_id"))) is not None:
        query = query.where(
            FacilitationRequest.city_id.in_(
                sa.select(City.id).where(City.province_id == province_id)
            )
        )
    assignee = filters.get("assignee_id")
    if assignee == "none":
        query = query.where(FacilitationRequest.assignee_id.is_(None))
    elif assignee == "me":
        query = query.where(FacilitationRequest.assignee_id == user.id)
    elif (assignee_id := _int_or_none(assignee)) is not None:
        query = query.where(FacilitationRequest.assignee_id == assignee_id)
    if (age := _int_or_none(filters.get("age_days"))) is not None and age > 0:
        age = min(age, 36_500)  # a century: older than anything, without overflowing dates
        query = query.where(FacilitationRequest.submitted_at <= clock.now() - timedelta(days=age))
    if filters.get("overdue") in (True, "1", "true", "on"):
        query = query.where(
            FacilitationRequest.first_response_at.is_(None),
            FacilitationRequest.first_response_due_at < clock.now(),
            FacilitationRequest.state.not_in(CLOSED_STATES),
        )
    if q := (filters.get("q") or "").strip():
        query = query.where(FacilitationRequest.title.ilike(f"%{q[:100]}%"))
    order = SORTS.get(filters.get("sort") or "")
    if order is None:
        order = (
            (FacilitationRequest.updated_at.desc(), FacilitationRequest.id.desc())
            if not user.is_staff
            else SORTS["due"]
        )
    return query.order_by(*order)


def _enum_or_none(enum_cls: Any, value: Any) -> Any:
    try:
        return enum_cls(value) if value not in (None, "") else None
    except ValueError:
        return None


def _int_or_none(value: Any) -> int | None:
    """A whole number a 32-bit column can hold, else None (so a huge id is unknown, not a 500)."""
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is None or abs(number) <= MAX_ID else None


# --- Creating and editing ---------------------------------------------------------------------

#: Fields a request may carry, by sphere (``city_id`` is common to all).
CAPITAL_FIELDS = ("stage", "amount_sought", "currency", "use_of_funds", "traction", "sector_id")
INFRASTRUCTURE_FIELDS = ("seats_needed", "needed_from")
COMMON_FIELDS = ("title", "summary", "details", "city_id")


def create_request(
    startup_user: User,
    sphere: Sphere | str,
    title: str,
    summary: str = "",
    details: str = "",
    submit: bool = False,
    **sphere_fields: Any,
) -> FacilitationRequest:
    """Create a draft (and submit it when ``submit``); raises FacilitationError for bad input."""
    organisation_id = _startup_org_id(startup_user)
    sphere_value = _enum_or_none(Sphere, sphere)
    if sphere_value is None:
        raise FacilitationError(_("Choose the sphere you need help in."), "sphere")
    startup = db.session.scalar(
        sa.select(Startup)
        .where(Startup.organisation_id == organisation_id)
        .options(selectinload(Startup.sectors))
    )
    request = FacilitationRequest(
        organisation_id=organisation_id,
        created_by_id=startup_user.id,
        sphere=sphere_value,
        state=RequestState.DRAFT,
        title="",
        city_id=startup.city_id if startup else None,
        sector_id=startup.sectors[0].id if startup and startup.sectors else None,
    )
    _apply_fields(
        request, {"title": title, "summary": summary, "details": details, **sphere_fields}
    )
    db.session.add(request)
    db.session.flush()
    if submit:
        transition(request, RequestState.SUBMITTED, startup_user)
    return request


def update_draft(request: FacilitationRequest, user: User, **fields: Any) -> FacilitationRequest:
    """Change a draft's fields (any subset); only the owning startup, only while a draft."""
    if actor_of(user, request) != Actor.OWNER:
        raise TransitionForbidden(_("Only the startup that owns this request can edit it."))
    if request.state != RequestState.DRAFT:
        raise IllegalTransition(
            _("This request was already submitted and can no longer be edited.")
        )
    if "sphere" in fields:
        sphere = _enum_or_none(Sphere, fields.pop("sphere"))
        if sphere is None:
            raise FacilitationError(_("Choose the sphere you need help in."), "sphere")
        request.sphere = sphere
    _apply_fields(request, fields)
    db.session.flush()
    return request


def discard_draft(request: FacilitationRequest, user: User) -> str:
    """Delete a never-submitted draft with its files (they go when the request commits).

    Only the owning startup; a submitted request is withdrawn instead. Returns the title.
    """
    if actor_of(user, request) != Actor.OWNER:
        raise TransitionForbidden(_("Only the startup that owns this draft can discard it."))
    if request.state != RequestState.DRAFT or request.submitted_at is not None:
        raise IllegalTransition(
            _(
                "This request %(condition)s; only a draft can be discarded.",
                condition=request.state.condition,
            )
        )
    title = request.title
    uploads.delete_attachments(request)
    for model in (RequestMessage, RequestEvent):
        db.session.execute(sa.delete(model).where(model.request_id == request.id))
    db.session.delete(request)
    db.session.flush()
    return title


def _text(value: Any, field_name: str, limit: int) -> str:
    text = ("" if value is None else str(value)).strip()
    if len(text) > limit:
        raise FacilitationError(_("Use at most %(limit)s characters.", limit=limit), field_name)
    return text


def _apply_fields(request: FacilitationRequest, fields: dict[str, Any]) -> None:
    """Validate and set fields; raises FacilitationError naming the first bad field."""
    allowed = set(COMMON_FIELDS) | set(CAPITAL_FIELDS) | set(INFRASTRUCTURE_FIELDS)
    unknown = set(fields) - allowed
    if unknown:
        name = sorted(unknown)[0]
        raise FacilitationError(f"Unknown field {name!r}.", name)
    for name, value in fields.items():
        if name == "title":
            title = _text(value, "title", 200)
            if not title:
                raise FacilitationError(_("Give your request a short title."), "title")
            request.title = title
        elif name in ("summary", "use_of_funds", "traction"):
            setattr(request, name, _text(value, name, 2000))
        elif name == "details":
            request.details = _text(value, name, 20000)
        elif name == "city_id":
            city_id = _int_or_none(value)
            if value not in (None, "") and (
                city_id is None or db.session.get(City, city_id) is None
            ):
                raise FacilitationError(_("Choose a city from the list."), "city_id")
            request.city_id = city_id
        elif name == "sector_id":
            sector_id = _int_or_none(value)
            if value not in (None, "") and (
                sector_id is None or db.session.get(Sector, sector_id) is None
            ):
                raise FacilitationError(_("Choose a sector from the list."), "sector_id")
            request.sector_id = sector_id
        elif name == "stage":
            stage = _enum_or_none(StartupStage, value)
            if value not in (None, "") and stage is None:
                raise FacilitationError(_("Choose a stage from the list."), "stage")
            request.stage = stage
        elif name == "currency":
            currency = _enum_or_none(Currency, value)
            if value not in (None, "") and currency is None:
                raise FacilitationError(_("The currency must be PKR or USD."), "currency")
            request.currency = currency
        elif name == "amount_sought":
            request.amount_sought = _amount(value, "amount_sought")
        elif name == "seats_needed":
            seats = _int_or_none(value)
            if value not in (None, "") and (seats is None or not 1 <= seats <= 10000):
                raise FacilitationError(
                    _("Enter a number of seats from 1 to 10,000."), "seats_needed"
                )
            request.seats_needed = seats
        elif name == "needed_from":
            needed_from = _date(value, "needed_from")
            if needed_from is not None and needed_from < today_in_pakistan():
                raise FacilitationError(NEEDED_FROM_PAST, "needed_from")
            request.needed_from = needed_from


NEEDED_FROM_PAST = _l(
    "The date you need the space from cannot be in the past: choose today or later."
)


def today_in_pakistan() -> date:
    """Today's date in Pakistan, where "needed from" dates are meant."""
    return clock.now().astimezone(sla.PK_ZONE).date()


def _amount(value: Any, field_name: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise FacilitationError(
            _("Enter the amount as a number, e.g. 250000."), field_name
        ) from None
    if not amount.is_finite() or amount <= 0 or amount >= Decimal("1e14"):
        raise FacilitationError(_("Enter an amount greater than zero."), field_name)
    return amount.quantize(Decimal("0.01"))


def _date(value: Any, field_name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise FacilitationError(_("Enter a date as YYYY-MM-DD."), field_name) from None


def missing_for_submission(request: FacilitationRequest) -> list[tuple[str, str]]:
    """(field, message) for everything a request still needs before it can be submitted."""
    missing = []
    if not request.title:
        missing.append(("title", _("Give your request a short title.")))
    if not request.summary:
        missing.append(("summary", _("Summarise what you need.")))
    if request.sphere == Sphere.CAPITAL_AVAILABILITY:
        if request.stage is None:
            missing.append(("stage", _("Choose your stage.")))
        if request.amount_sought is None:
            missing.append(("amount_sought", _("Enter the amount you are seeking.")))
        if request.currency is None:
            missing.append(("currency", _("Choose PKR or USD.")))
        if not request.use_of_funds:
            missing.append(("use_of_funds", _("Say how you will use the funds.")))
    elif request.sphere == Sphere.INFRASTRUCTURE:
        if request.city_id is None:
            missing.append(("city_id", _("Choose the city where you need space.")))
        if request.seats_needed is None:
            missing.append(("seats_needed", _("Enter the number of seats you need.")))
        if request.needed_from is None:
            missing.append(("needed_from", _("Enter the date you need the space from.")))
        elif request.needed_from < today_in_pakistan():
            # A draft saved weeks ago can fall into the past before it is submitted.
            missing.append(("needed_from", NEEDED_FROM_PAST))
    return missing


# --- The one place where state changes ---------------------------------------------------------


def transition(
    request: FacilitationRequest,
    to_state: RequestState | str,
    by_user: User,
    comment: str | None = None,
    **extra: Any,
) -> FacilitationRequest:
    """Move ``request`` to ``to_state`` as ``by_user``, by the table in workflow.py.

    ``extra``: ``outcome`` and ``outcome_note`` (resolve), ``reason`` (decline), ``channel_id``
    (refer: also records a referral), ``comment_to`` (``internal``, the default, or ``startup``:
    who reads a staff comment; the question of "needs information" always goes to the startup). Raises IllegalTransition (409), TransitionForbidden (403)
    or FacilitationError (422, missing input). Writes an audit row and queues notifications.
    """
    target = _enum_or_none(RequestState, to_state)
    if target is None:
        raise IllegalTransition(f"{to_state!r} is not a request state.")
    if request.id is not None:
        # Lock the row (PostgreSQL) and read the current state: two staff cannot both move it.
        db.session.flush()
        db.session.refresh(request, with_for_update=True)
    source = request.state
    candidates = find_moves(source, target)
    if not candidates:
        raise IllegalTransition(
            _(
                "This request %(condition)s, so it cannot be moved to “%(state)s”.",
                condition=source.condition,
                state=target.label,
            )
        )
    actor = actor_of(by_user, request)
    move = find_move(source, target, actor) if actor is not None else None
    if move is None:
        move = candidates[0]
        if move.actor == Actor.OWNER:
            message = _(
                "Only the startup that made it can %(action)s this request.",
                action=move.label.lower(),
            )
        else:
            message = _("Only PSEB staff can %(action)s this request.", action=move.label.lower())
        raise TransitionForbidden(message)
    comment = (comment or "").strip() or None
    if comment and len(comment) > 5000:
        raise FacilitationError(_("Use at most %(limit)s characters.", limit=5000), "comment")
    _check_needs(request, move, comment, extra)
    audience = _comment_audience(move, extra.get("comment_to"))

    now = clock.now()
    if target == RequestState.SUBMITTED:
        try:
            require_confirmed_email(by_user, "submit a request (your draft is kept)")
        except EmailNotConfirmed as error:
            raise TransitionForbidden(str(error)) from error
        missing = missing_for_submission(request)
        if missing:
            raise FacilitationError(missing[0][1], missing[0][0])
        request.submitted_at = now
        request.first_response_due_at = sla.add_working_days(
            now, int(current_app.config["SLA_FIRST_RESPONSE_DAYS"])
        )
    if actor == Actor.STAFF:
        _record_first_response(request, now)
    if target == RequestState.NEEDS_INFORMATION:
        request.needs_information_at = now
    if target == RequestState.RESOLVED:
        request.outcome = ResolutionOutcome(extra["outcome"])
        request.outcome_note = _text(extra.get("outcome_note"), "outcome_note", 2000)
    if target == RequestState.DECLINED:
        request.decline_reason = _text(extra.get("reason"), "reason", 2000)
    request.closed_at = now if target in CLOSED_STATES else None
    request.state = target
    request.updated_at = now
    event = RequestEvent(
        request=request,
        actor_id=by_user.id,
        kind=EventKind.STATE,
        from_state=source,
        to_state=target,
        # An internal note stays out of the audit row the startup reads (it goes to the thread).
        comment=_event_comment(target, comment if audience != "internal" else None, extra),
        created_at=now,
    )
    db.session.add(event)
    if comment and actor == Actor.STAFF:
        # The question of "needs information" and any staff comment live in the conversation,
        # where the startup is told to answer (or, for an internal note, where staff read it).
        db.session.add(
            RequestMessage(
                request=request,
                author_id=by_user.id,
                body=comment,
                internal=audience == "internal",
                created_at=now,
            )
        )
    if target == RequestState.REFERRED:
        _add_referral(
            request,
            extra["channel_id"],
            by_user,
            extra.get("note") or "",
            now,
            other_name=extra.get("other_name"),
        )
    db.session.flush()
    _notify_state_change(request, event, by_user)
    return request


def _check_needs(
    request: FacilitationRequest, move: Move, comment: str | None, extra: dict[str, Any]
) -> None:
    if Needs.COMMENT in move.needs and not comment:
        message = (
            _("Write your answer to PSEB's question.")
            if move.actor == Actor.OWNER
            else _("Write what you need to know from the startup.")
        )
        raise FacilitationError(message, "comment")
    if Needs.DECLINE_REASON in move.needs and not (extra.get("reason") or "").strip():
        raise FacilitationError(_("Give the reason for declining."), "reason")
    if (
        Needs.OUTCOME in move.needs
        and _enum_or_none(ResolutionOutcome, extra.get("outcome")) is None
    ):
        raise FacilitationError(_("Choose the outcome of the request."), "outcome")
    if Needs.CHANNEL in move.needs and extra.get("channel_id") in (None, ""):
        raise FacilitationError(CHOOSE_CHANNEL, "channel_id")


#: Who reads a staff member's comment on a move: the startup, or staff only (the default).
COMMENT_AUDIENCES = ("internal", "startup")


def _comment_audience(move: Move, chosen: Any) -> str:
    """Where a move's comment goes: the startup's own words and PSEB's question are public."""
    if move.actor == Actor.OWNER or Needs.COMMENT in move.needs:
        return "startup"
    if chosen in (None, ""):
        return "internal"
    if chosen not in COMMENT_AUDIENCES:
        raise FacilitationError(
            _("Choose whether the comment is a message to the startup or an internal note."),
            "comment_to",
        )
    return str(chosen)


def _event_comment(target: RequestState, comment: str | None, extra: dict[str, Any]) -> str | None:
    parts = [comment] if comment else []
    if target == RequestState.DECLINED:
        parts.append(f"Reason: {extra['reason'].strip()}")
    if target == RequestState.RESOLVED:
        outcome = ResolutionOutcome(extra["outcome"])
        note = (extra.get("outcome_note") or "").strip()
        parts.append(f"Outcome: {outcome.english_label}" + (f" ({note})" if note else ""))
    return "\n".join(parts) or None


def _record_first_response(request: FacilitationRequest, now: Any) -> None:
    if request.first_response_at is None and request.submitted_at is not None:
        request.first_response_at = now


# --- Assignment -------------------------------------------------------------------------------


def staff_users() -> list[User]:
    """Active staff and admins, by name (assignable people)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role.in_([Role.STAFF, Role.ADMIN]), User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def supervisors() -> list[User]:
    """Who receives SLA escalations: admins and staff flagged as facilitation supervisors."""
    flagged = sa.select(FacilitationStaff.user_id).where(FacilitationStaff.supervisor.is_(True))
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.active.is_(True),
                sa.or_(
                    User.role == Role.ADMIN,
                    sa.and_(User.role == Role.STAFF, User.id.in_(flagged)),
                ),
            )
            .order_by(User.id)
        )
    )


def sphere_handlers() -> dict[Sphere, list[User]]:
    """Every sphere with the active staff who handle it (empty: nobody named)."""
    handlers: dict[Sphere, list[User]] = {sphere: [] for sphere in Sphere}
    rows = db.session.execute(
        sa.select(SphereHandler.sphere, User)
        .join(User, User.id == SphereHandler.user_id)
        .where(User.active.is_(True), User.role.in_([Role.STAFF, Role.ADMIN]))
        .order_by(User.name, User.id)
    ).all()
    for sphere, user in rows:
        handlers[sphere].append(user)
    return handlers


def set_sphere_handlers(sphere: Any, user_ids: list[Any]) -> list[User]:
    """Name the staff who handle ``sphere`` (replacing the previous list; empty = all staff)."""
    value = _enum_or_none(Sphere, sphere)
    if value is None:
        raise FacilitationError(_("Choose a sphere from the list."), "sphere")
    wanted = {i for i in (_int_or_none(x) for x in user_ids) if i is not None}
    if len(wanted) != len([x for x in user_ids if x not in (None, "")]):
        raise FacilitationError(_("Choose staff members from the list."), "user_ids")
    staff = {u.id: u for u in staff_users()}
    if not wanted <= set(staff):
        raise FacilitationError(_("Choose staff members from the list."), "user_ids")
    db.session.execute(sa.delete(SphereHandler).where(SphereHandler.sphere == value))
    for user_id in sorted(wanted):
        db.session.add(SphereHandler(sphere=value, user_id=user_id))
    db.session.flush()
    return [staff[i] for i in sorted(wanted)]


def new_request_recipients(request: FacilitationRequest) -> list[User]:
    """Who hears of a new submission: the sphere's handlers, else all active staff."""
    return sphere_handlers()[request.sphere] or staff_users()


def _staff_row(user: User) -> FacilitationStaff:
    row = db.session.get(FacilitationStaff, user.id)
    if row is None:
        row = FacilitationStaff(user_id=user.id)
        db.session.add(row)
    return row


def set_supervisor(user: User, supervisor: bool, by_user: User | None = None) -> None:
    """Flag a staff member as a supervisor (receives escalations nobody else is named for)."""
    if not user.is_staff:
        raise FacilitationError(_("Only staff can be supervisors."), "user_id")
    row = _staff_row(user)
    if row.supervisor != supervisor:
        record_account_event(
            by_user,
            user,
            "supervisor_changed",
            "Made a facilitation supervisor." if supervisor else "No longer a supervisor.",
        )
    row.supervisor = supervisor
    db.session.flush()


def set_reports_to(user: User, supervisor_id: Any, by_user: User | None = None) -> User | None:
    """Name the supervisor ``user`` reports to (None clears it); their escalations go there."""
    if not user.is_staff:
        raise FacilitationError(_("Only staff have a supervisor."), "user_id")
    supervisor = None
    if supervisor_id not in (None, "", "none"):
        supervisor = db.session.get(User, _int_or_none(supervisor_id) or 0)
        if supervisor is None or not supervisor.is_staff or not supervisor.active:
            raise FacilitationError(_("Choose an active staff member as supervisor."), "reports_to")
        if supervisor.id == user.id:
            raise FacilitationError(_("Nobody can be their own supervisor."), "reports_to")
    row = _staff_row(user)
    new_id = supervisor.id if supervisor else None
    if row.reports_to_id != new_id:
        record_account_event(
            by_user,
            user,
            "supervisor_changed",
            f"Reports to {supervisor.name}." if supervisor else "Reports to nobody in particular.",
        )
    row.reports_to_id = new_id
    db.session.flush()
    return supervisor


def escalation_recipients(request: FacilitationRequest) -> list[User]:
    """Who hears of an overdue first response: the assignee and the supervisor they report to;
    without a named (active) supervisor, the flagged supervisors and the admins."""
    recipients: dict[int, User] = {}
    assignee = request.assignee
    named = None
    if assignee is not None and assignee.active:
        recipients[assignee.id] = assignee
        row = db.session.get(FacilitationStaff, assignee.id)
        if row is not None and row.reports_to is not None and row.reports_to.active:
            named = row.reports_to
    for user in [named] if named else supervisors():
        recipients[user.id] = user
    return list(recipients.values())


def _open_requests_assigned_to(user: User) -> list[FacilitationRequest]:
    return list(
        db.session.scalars(
            sa.select(FacilitationRequest)
            .where(
                FacilitationRequest.assignee_id == user.id,
                FacilitationRequest.submitted_at.is_not(None),
                FacilitationRequest.state.not_in(CLOSED_STATES),
            )
            .order_by(FacilitationRequest.id)
        )
    )


def reassign_open_requests(from_user: User, to_user: User | None, by_user: User) -> int:
    """Give every open request of ``from_user`` to ``to_user`` (or nobody); each is audited."""
    requests = _open_requests_assigned_to(from_user)
    for request in requests:
        assign(request, to_user.id if to_user else None, by_user)
    return len(requests)


def _open_request_items(user: User) -> list[tuple[str, str]]:
    return [
        (f"#{r.id} {r.title}", url_for("facilitation.detail", request_id=r.id))
        for r in _open_requests_assigned_to(user)
    ]


# Deactivating a staff member warns about (and hands over) their open requests.
register_open_work(
    OpenWork("open facilitation requests", _open_request_items, reassign_open_requests)
)


def _assignable(assignee_id: Any) -> User | None:
    if assignee_id in (None, "", "none"):
        return None
    user = db.session.get(User, _int_or_none(assignee_id) or 0)
    if user is None or not user.is_staff or not user.active:
        raise FacilitationError(_("Choose a staff member from the list."), "assignee_id")
    return user


def assign(request: FacilitationRequest, assignee_id: Any, by_user: User) -> FacilitationRequest:
    """Give the request to a staff member (or nobody); audited and the assignee is emailed."""
    if actor_of(by_user, request) != Actor.STAFF:
        raise TransitionForbidden(_("Only PSEB staff can assign requests."))
    if request.submitted_at is None:
        raise IllegalTransition(_("A draft cannot be assigned."))
    assignee = _assignable(assignee_id)
    if request.assignee_id == (assignee.id if assignee else None):
        return request
    request.assignee_id = assignee.id if assignee else None
    request.updated_at = clock.now()
    db.session.add(
        RequestEvent(
            request=request,
            actor_id=by_user.id,
            kind=EventKind.ASSIGNMENT,
            from_state=request.state,
            to_state=request.state,
            comment=f"Assigned to {assignee.name}" if assignee else "Unassigned",
            created_at=clock.now(),
        )
    )
    db.session.flush()
    if assignee is not None and assignee.id != by_user.id:
        with force_locale(mail_language(assignee)):
            queue_mail(
                assignee.email,
                _(
                    "[Request #%(id)s] assigned to you: %(title)s",
                    id=request.id,
                    title=request.title,
                ),
                "facilitation_assigned",
                request=request,
                assignee=assignee,
                by_user=by_user,
                link=request_link(request),
            )
    return request


def bulk_assign(request_ids: list[Any], assignee_id: Any, by_user: User) -> int:
    """Assign several requests at once; returns how many changed. Unknown ids are skipped."""
    if not by_user.is_staff:
        raise TransitionForbidden(_("Only PSEB staff can assign requests."))
    _assignable(assignee_id)  # validate once, even when the list is empty
    ids = sorted({i for i in (_int_or_none(x) for x in request_ids) if i is not None})
    if not ids:
        raise FacilitationError(_("Select at least one request."), "request_ids")
    requests = db.session.scalars(
        sa.select(FacilitationRequest)
        .where(FacilitationRequest.id.in_(ids), FacilitationRequest.submitted_at.is_not(None))
        .order_by(FacilitationRequest.id)
        .with_for_update()
    ).all()
    changed = 0
    for request in requests:
        before = request.assignee_id
        assign(request, assignee_id, by_user)
        changed += request.assignee_id != before
    return changed


# --- Conversation -----------------------------------------------------------------------------


def add_message(
    request: FacilitationRequest, user: User, body: str, internal: bool = False
) -> RequestMessage:
    """Post to the thread. A startup's reply to a question moves the request back to review."""
    actor = actor_of(user, request)
    if actor is None:
        raise TransitionForbidden(_("You cannot write on this request."))
    if internal and actor != Actor.STAFF:
        raise TransitionForbidden(_("Only PSEB staff can write internal notes."))
    body = (body or "").strip()
    if not body:
        raise FacilitationError(_("Write a message first."), "body")
    if len(body) > 5000:
        raise FacilitationError(_("Use at most %(limit)s characters.", limit=5000), "body")
    if request.state == RequestState.DRAFT:
        raise IllegalTransition(_("Submit the request before writing to PSEB."))
    if request.is_closed and not internal:
        raise IllegalTransition(_("This request is closed; no more messages can be sent."))
    now = clock.now()
    message = RequestMessage(
        request=request, author_id=user.id, body=body, internal=internal, created_at=now
    )
    db.session.add(message)
    request.updated_at = now
    if actor == Actor.STAFF and not internal:
        _record_first_response(request, now)
    db.session.flush()
    if actor == Actor.OWNER and request.state == RequestState.NEEDS_INFORMATION:
        # The answer itself is the message; the audit row notes the move.
        transition(request, RequestState.IN_REVIEW, user, comment=body)
    else:
        _notify_message(request, message, user)
    return message


def visible_messages(request: FacilitationRequest, user: User) -> list[RequestMessage]:
    """The thread as ``user`` may see it: staff see internal notes, the startup never does."""
    query = (
        sa.select(RequestMessage)
        .where(RequestMessage.request_id == request.id)
        .options(joinedload(RequestMessage.author))
        .order_by(RequestMessage.id)
    )
    if actor_of(user, request) != Actor.STAFF:
        query = query.where(RequestMessage.internal.is_(False))
    return list(db.session.scalars(query))


# --- Funding channels and referrals -----------------------------------------------------------

#: Rough conversion used only to compare ticket sizes across currencies when ranking.
PKR_PER_USD = Decimal("280")


@dataclass
class Suggestion:
    channel: FundingChannel
    score: int
    reasons: list[str] = field(default_factory=list)


def _in_currency(amount: Decimal, source: Currency, target: Currency) -> Decimal:
    if source == target:
        return amount
    return amount * PKR_PER_USD if source == Currency.USD else amount / PKR_PER_USD


def suggested_channels(request: FacilitationRequest, limit: int = 5) -> list[Suggestion]:
    """Active channels ranked by fit with a capital request: stage, sector, then amount."""
    if request.sphere != Sphere.CAPITAL_AVAILABILITY:
        return []
    channels = db.session.scalars(
        sa.select(FundingChannel)
        .where(FundingChannel.active.is_(True))
        .options(selectinload(FundingChannel.sectors), selectinload(FundingChannel.stage_rows))
        .order_by(FundingChannel.name)
    ).all()
    suggestions = []
    for channel in channels:
        score, reasons = 0, []
        if request.stage is not None and request.stage in channel.stages:
            score += 3
            reasons.append(_("invests at %(stage)s", stage=request.stage.label))
        if request.sector_id is not None and any(
            s.id == request.sector_id for s in channel.sectors
        ):
            score += 2
            reasons.append(
                _("focuses on %(sector)s", sector=request.sector.name)
                if request.sector
                else _("focuses on the sector")
            )
        elif not channel.sectors:
            score += 1
            reasons.append(_("sector-agnostic"))
        if request.amount_sought is not None and request.currency and channel.currency:
            amount = _in_currency(request.amount_sought, request.currency, channel.currency)
            low = channel.ticket_min or Decimal(0)
            high = channel.ticket_max
            if amount >= low and (high is None or amount <= high):
                score += 3
                reasons.append(
                    _(
                        "ticket size fits %(currency)s %(amount)s",
                        currency=request.currency.value,
                        amount=f"{request.amount_sought:,.0f}",
                    )
                )
        if score > 0:
            suggestions.append(Suggestion(channel, score, reasons))
    suggestions.sort(key=lambda s: (-s.score, s.channel.name))
    return suggestions[:limit]


CHOOSE_CHANNEL = _l(
    "Choose the funding channel you refer the startup to, or “Other” with its name."
)
#: The value of the channel choice that names a channel not (yet) in the registry.
OTHER_CHANNEL = "other"


def _referral_channel(channel_id: Any, other_name: Any) -> FundingChannel:
    """The channel a referral names: one from the registry, or an "other" one by its name.

    An "other" name matching a registered channel (any case) is that channel; a new name is
    added to the registry as kind "other", so every referral counts against a channel.
    """
    if channel_id == OTHER_CHANNEL:
        name = _text(other_name, "other_name", 200)
        if not name:
            raise FacilitationError(_("Enter the name of the other funding channel."), "other_name")
        channel = db.session.scalar(
            sa.select(FundingChannel).where(sa.func.lower(FundingChannel.name) == name.lower())
        )
        if channel is None:
            channel = FundingChannel(name=name, kind=ChannelKind.OTHER)
            db.session.add(channel)
            db.session.flush()
        return channel
    channel = db.session.get(FundingChannel, _int_or_none(channel_id) or 0)
    if channel is None:
        raise FacilitationError(CHOOSE_CHANNEL, "channel_id")
    return channel


def _add_referral(
    request: FacilitationRequest,
    channel_id: Any,
    by_user: User,
    note: str,
    now: Any,
    *,
    other_name: Any = None,
) -> Referral:
    channel = _referral_channel(channel_id, other_name)
    exists = db.session.scalar(
        sa.select(Referral.id).where(
            Referral.request_id == request.id, Referral.channel_id == channel.id
        )
    )
    if exists:
        raise FacilitationError(
            _("This request was already referred to %(channel)s.", channel=channel.name),
            "channel_id",
        )
    referral = Referral(
        request=request,
        channel=channel,
        referred_by_id=by_user.id,
        referred_at=now,
        note=_text(note, "note", 2000),
    )
    db.session.add(referral)
    db.session.add(
        RequestEvent(
            request=request,
            actor_id=by_user.id,
            kind=EventKind.REFERRAL,
            from_state=request.state,
            to_state=request.state,
            comment=f"Referred to {channel.name}" + (f": {referral.note}" if referral.note else ""),
            created_at=now,
        )
    )
    return referral


def refer(
    request: FacilitationRequest,
    channel_id: Any,
    by_user: User,
    note: str = "",
    other_name: str = "",
) -> FacilitationRequest:
    """Record a referral to a channel (or "other" with a name); an in-review request moves to
    ``referred``. The one way to refer: every referral names its channel."""
    if actor_of(by_user, request) != Actor.STAFF:
        raise TransitionForbidden(_("Only PSEB staff can refer requests."))
    if request.state in (RequestState.IN_REVIEW,):
        # The referral's own audit row names the channel.
        return transition(
            request,
            RequestState.REFERRED,
            by_user,
            channel_id=channel_id,
            note=note,
            other_name=other_name,
        )
    if request.state != RequestState.REFERRED:
        raise IllegalTransition(
            _(
                "This request %(condition)s, so it cannot be referred; start its review first.",
                condition=request.state.condition,
            )
        )
    if channel_id in (None, ""):
        raise FacilitationError(CHOOSE_CHANNEL, "channel_id")
    _add_referral(request, channel_id, by_user, note, clock.now(), other_name=other_name)
    request.updated_at = clock.now()
    db.session.flush()
    return request


def get_referral_for(user: User, referral_id: int) -> Referral:
    referral = db.session.get(Referral, referral_id)
    if referral is None or not can_view(user, referral.request):
        abort(404)
    return referral


def update_referral(referral: Referral, outcome: Any, note: str, by_user: User) -> Referral:
    if actor_of(by_user, referral.request) != Actor.STAFF:
        raise TransitionForbidden(_("Only PSEB staff can update referrals."))
    value = _enum_or_none(ReferralOutcome, outcome)
    if value is None:
        raise FacilitationError(_("Choose the referral's outcome."), "outcome")
    if value != referral.outcome:
        referral.outcome = value
        referral.outcome_at = clock.now()
    referral.note = _text(note, "note", 2000)
    db.session.flush()
    return referral


def save_channel(channel: FundingChannel | None, **fields: Any) -> FundingChannel:
    """Create or update a funding channel from validated values."""
    name = _text(fields.get("name"), "name", 200)
    if not name:
        raise FacilitationError(_("Enter the channel's name."), "name")
    duplicate = db.session.scalar(
        sa.select(FundingChannel.id).where(sa.func.lower(FundingChannel.name) == name.lower())
    )
    if duplicate and (channel is None or duplicate != channel.id):
        raise FacilitationError(_("A funding channel with this name already exists."), "name")
    kind = _enum_or_none(ChannelKind, fields.get("kind"))
    if kind is None:
        raise FacilitationError(_("Choose the kind of channel."), "kind")
    ticket_min = _amount(fields.get("ticket_min"), "ticket_min")
    ticket_max = _amount(fields.get("ticket_max"), "ticket_max")
    if ticket_min is not None and ticket_max is not None and ticket_min > ticket_max:
        raise FacilitationError(_("The smallest ticket is larger than the largest."), "ticket_max")
    currency = _enum_or_none(Currency, fields.get("currency"))
    if (ticket_min is not None or ticket_max is not None) and currency is None:
        raise FacilitationError(_("Choose the currency of the ticket sizes."), "currency")
    stages = []
    for value in fields.get("stages") or []:
        stage = _enum_or_none(StartupStage, value)
        if stage is None:
            raise FacilitationError(_("Choose stages from the list."), "stages")
        stages.append(stage)
    sector_ids = [_int_or_none(v) for v in fields.get("sector_ids") or []]
    sectors = (
        list(db.session.scalars(sa.select(Sector).where(Sector.id.in_(sector_ids))))
        if sector_ids
        else []
    )
    if len(sectors) != len(set(sector_ids)):
        raise FacilitationError(_("Choose sectors from the list."), "sector_ids")
    if channel is None:
        channel = FundingChannel(name=name, kind=kind)
        db.session.add(channel)
    channel.name = name
    channel.kind = kind
    channel.ticket_min, channel.ticket_max, channel.currency = ticket_min, ticket_max, currency
    channel.contact_name = _text(fields.get("contact_name"), "contact_name", 120)
    channel.contact_email = _text(fields.get("contact_email"), "contact_email", 254).lower()
    channel.website = _text(fields.get("website"), "website", 300)
    channel.notes = _text(fields.get("notes"), "notes", 5000)
    channel.active = bool(fields.get("active", True))
    channel.sectors = sectors
    wanted = set(stages)
    channel.stage_rows = [r for r in channel.stage_rows if r.stage in wanted] + [
        FundingChannelStage(stage=s)
        for s in sorted(
            wanted - {r.stage for r in channel.stage_rows}, key=list(StartupStage).index
        )
    ]
    db.session.flush()
    return channel


# --- Notifications ----------------------------------------------------------------------------


def absolute_url(endpoint: str, **values: Any) -> str:
    """Absolute link built from BASE_URL, so jobs outside a request can make links too."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def request_link(request: FacilitationRequest) -> str:
    return absolute_url("facilitation.detail", request_id=request.id)


def startup_recipients(request: FacilitationRequest) -> list[User]:
    """Active members of the startup that made the request."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == request.organisation_id, User.active.is_(True))
            .order_by(User.id)
        )
    )


def _staff_recipients(request: FacilitationRequest) -> list[User]:
    if request.assignee is not None and request.assignee.active:
        return [request.assignee]
    return supervisors()


def _notify_state_change(request: FacilitationRequest, event: RequestEvent, by_user: User) -> None:
    recipients = [u for u in startup_recipients(request) if u.id != by_user.id]
    if by_user.role == Role.STARTUP:
        recipients += [u for u in _staff_recipients(request) if u.id != by_user.id]
    elif request.assignee is not None and request.assignee.id != by_user.id:
        recipients.append(request.assignee)  # a colleague moved the assignee's request
    if request.state == RequestState.SUBMITTED:
        # A new request: the staff who handle its sphere (a setting per sphere), else all staff.
        recipients = [u for u in new_request_recipients(request) if u.id != by_user.id]
    seen: set[int] = set()
    for user in recipients:
        if user.id in seen:
            continue
        seen.add(user.id)
        with force_locale(mail_language(user)):
            queue_mail(
                user.email,
                _(
                    "[Request #%(id)s] %(state)s: %(title)s",
                    id=request.id,
                    state=event.to_state.label,
                    title=request.title,
                ),
                "facilitation_state",
                request=request,
                event=event,
                recipient=user,
                by_user=by_user,
                link=request_link(request),
            )


def _notify_message(request: FacilitationRequest, message: RequestMessage, author: User) -> None:
    if message.internal:
        recipients = (
            [request.assignee]
            if request.assignee is not None and request.assignee.id != author.id
            else []
        )
    elif author.is_staff:
        recipients = startup_recipients(request)
    else:
        recipients = [u for u in _staff_recipients(request) if u.id != author.id]
        recipients += [u for u in startup_recipients(request) if u.id != author.id]
    for user in recipients:
        with force_locale(mail_language(user)):
            subject = (
                _("[Request #%(id)s] Internal note: %(title)s", id=request.id, title=request.title)
                if message.internal
                else _(
                    "[Request #%(id)s] New message: %(title)s", id=request.id, title=request.title
                )
            )
            queue_mail(
                user.email,
                subject,
                "facilitation_message",
                request=request,
                message=message,
                recipient=user,
                author=author,
                link=request_link(request),
            )
