"""Routes of the events feature: registering, my registrations, tickets, calendars, staff tools."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import segno
import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import contains_eager, joinedload

from engagement import clock
from engagement.auth.access import login_required, public, staff_required
from engagement.auth.forms import EmptyForm
from engagement.auth.models import Organisation, Role, User
from engagement.core.context import external_url
from engagement.core.i18n import mail_language
from engagement.core.pagination import paginate_list
from engagement.core.validation import csv_cell
from engagement.events import bp
from engagement.events import services as svc
from engagement.events.extras import extras_for
from engagement.events.forms import (
    AttendeeFilterForm,
    CancelEventForm,
    CapacityForm,
    MessageForm,
    RegisterForm,
    SelfRegisterForm,
)
from engagement.events.models import (
    SEAT_STATES,
    Event,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from engagement.extensions import db

FIELD_RE = re.compile(r"attendees\[(\d+)\]\.(name|email)")


def registers_colleagues(user: User) -> bool:
    """Company representatives register colleagues; everyone else registers themselves."""
    return user.is_staff or (user.role == Role.COMPANY and user.organisation is not None)


# --- Registering --------------------------------------------------------------------------------


#: Attendee rows shown at most, however many seats an organisation has left.
MAX_ROWS = 10


def _register_page(event: Event, form, status: int = 200):
    used = _org_used(event)
    return (
        render_template(
            "events/register.html",
            event=event,
            form=form,
            colleagues=registers_colleagues(current_user),
            closed_reason=svc.registration_closed_reason(event),
            seats_left=svc.seats_left(event),
            waitlist=svc.waitlist_length(event),
            org_used=used,
            org_left=_org_left(event, used),
            already=_already_registered(event),
            location=svc.event_locations([event]).get(event.id),
            extras=[extra.template for extra in extras_for(event, current_user)],
        ),
        status,
    )


def _org_left(event: Event, used: int | None) -> int | None:
    """Seats the viewer's organisation may still register, or None when there is no limit."""
    if used is None or not event.seat_limit_per_org:
        return None
    return max(0, event.seat_limit_per_org - used)


def _already_registered(event: Event) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.email == current_user.email,
            Registration.state != RegistrationState.CANCELLED,
        )
    )


def _org_used(event: Event) -> int | None:
    organisation = current_user.organisation
    if organisation is None or not event.seat_limit_per_org:
        return None
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.organisation_id == organisation.id,
                Registration.state.in_(
                    (*SEAT_STATES, RegistrationState.WAITLISTED, RegistrationState.PENDING)
                ),
            )
        )
        or 0
    )


def _blank_rows(event: Event, form: RegisterForm) -> None:
    """As many rows as seats the organisation has left (at most MAX_ROWS; 3 without a limit),
    the first filled in with the signed-in user unless they are registered already."""
    left = _org_left(event, _org_used(event))
    rows = min(MAX_ROWS, left) if left is not None else 3
    while len(form.attendees.entries) < max(rows, 1):
        form.attendees.append_entry()
    if _already_registered(event) is None:
        first = form.attendees.entries[0].form
        first.name.data = current_user.name
        first.email.data = current_user.email


@bp.route("/events/<int:event_id>/register", methods=["GET", "POST"])
@login_required
def register(event_id: int):
    """Register for an event: oneself, and colleagues for company representatives."""
    event = svc.get_event_for(current_user, event_id)
    colleagues = registers_colleagues(current_user)
    form = RegisterForm() if colleagues else SelfRegisterForm()
    if colleagues and request.method == "GET":
        _blank_rows(event, form)
    if request.method == "GET" or not form.validate_on_submit():
        return _register_page(event, form, 200 if request.method == "GET" else 422)
    if colleagues:
        if not form.check_rows():
            return _register_page(event, form, 422)
        rows = form.filled_rows()
        attendees = [svc.Attendee(name, email) for _row, name, email in rows]
    else:
        rows = [(0, current_user.name, current_user.email)]
        attendees = [svc.Attendee(current_user.name, current_user.email)]
    try:
        registrations = svc.register_attendees(event.id, attendees, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        if error.code == "duplicate" and _all_mine(event, [a.email for a in attendees]):
            # A double-submitted form: the first submission already registered everyone.
            flash(_("You are already registered; see your registrations below."), "info")
            return redirect(url_for("events.my_registrations"))
        if error.code == "unconfirmed":
            return _register_page(event, form, 403)  # the page says why, with a resend button
        _attach_error(form, error, rows)
        return _register_page(event, form, 409 if error.code != "invalid" else 422)
    for extra in extras_for(event, current_user):
        extra.on_registered(event, current_user, request.form)
    confirmed = sum(r.state == RegistrationState.CONFIRMED for r in registrations)
    asked = sum(r.state == RegistrationState.PENDING for r in registrations)
    waiting = len(registrations) - confirmed - asked
    parts = []
    if confirmed:
        parts.append(
            _(
                "%(n)s confirmed (a confirmation with a calendar file is on its way)",
                n=confirmed,
            )
        )
    if waiting:
        parts.append(_("%(n)s on the waitlist", n=waiting))
    if asked:
        parts.append(
            _(
                "%(n)s outside your organisation's email domain asked to confirm by the emailed "
                "link before a seat is held",
                n=asked,
            )
        )
    flash(
        _("Registered for %(title)s: %(parts)s.", title=event.title, parts=", ".join(parts)),
        "success",
    )
    return redirect(url_for("events.my_registrations"))


def _all_mine(event: Event, emails: list[str]) -> bool:
    emails = [e.strip().lower() for e in emails]
    found = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.email.in_(emails),
            Registration.user_id == current_user.id,
            Registration.state != RegistrationState.CANCELLED,
        )
    )
    return found == len(emails)


def _attach_error(form, error: svc.RegistrationError, rows: list[tuple[int, str, str]]) -> None:
    """Put each of the engine's problems on its input (every row's, all at once)."""
    unplaced = []
    for name, message in (error.problems or {None: error.message}).items():
        match = FIELD_RE.fullmatch(name or "")
        if match and isinstance(form, RegisterForm) and int(match.group(1)) < len(rows):
            row = rows[int(match.group(1))][0]
            field = getattr(form.attendees.entries[row].form, match.group(2))
            field.errors = [*field.errors, message]
        else:
            unplaced.append(message)
    for message in unplaced:
        flash(message, "error")


@bp.route("/events/places/<token>", methods=["GET", "POST"])
@public
def confirm_place(token: str):
    """A colleague registered by someone else confirms the place from the emailed link."""
    try:
        registration = svc.registration_for_place_token(token)
    except svc.RegistrationError as error:
        flash(error.message, "error")
        return redirect(url_for("core.home"))
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            registration = svc.confirm_place(token)
        except svc.RegistrationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(
                _("Your place is confirmed; the confirmation with a calendar file is on its way.")
                if registration.state == RegistrationState.CONFIRMED
                else _(
                    "The event is full: you are on the waitlist, and we email you when a seat "
                    "frees."
                ),
                "success",
            )
            return redirect(url_for("events.ticket", token=registration.ticket_token))
    return render_template(
        "events/confirm_place.html",
        registration=registration,
        event=registration.event,
        form=form,
    )


# --- My registrations ---------------------------------------------------------------------------


@bp.route("/my/registrations")
@login_required
def my_registrations():
    query = (
        sa.select(Registration)
        .join(Registration.event)
        .options(contains_eager(Registration.event))
        .where(svc.registration_visible_to(current_user), Event.state != EventState.DRAFT)
        .order_by((Event.ends_at < clock.now()).asc(), Event.starts_at, Event.id, Registration.id)
    )
    page = paginate_list(query)
    items = list(page.items)
    return render_template(
        "events/my_registrations.html",
        page=page,
        registrations=items,
        positions=svc.waitlist_positions(items),
        cancellable={r.id for r in items if svc.cancellable(r)},
        feed_url=external_url("events.my_calendar", token=current_user.calendar_token),
        now=clock.now(),
    )


@bp.route("/my/registrations/<int:registration_id>/cancel", methods=["POST"])
@login_required
def cancel_registration(registration_id: int):
    registration = svc.get_registration_for(current_user, registration_id)
    try:
        promoted = svc.cancel_registration(registration, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("events.my_registrations"))
    message = _(
        "Cancelled %(name)s's registration for %(title)s.",
        name=registration.name,
        title=registration.event.title,
    )
    if promoted:
        message += " " + _("The seat went to the next person on the waitlist.")
    flash(message, "success")
    target = request.form.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(url_for("events.my_registrations"))


# --- Tickets and check-in -------------------------------------------------------------------------


def _qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=6, border=2, dark="#0b3d2e")


@bp.route("/tickets/<token>")
@public
def ticket(token: str):
    """A registrant's ticket: its QR code opens the staff check-in page."""
    registration = svc.get_registration_by_ticket(token)
    event = registration.event
    check_in_url = external_url("events.check_in_ticket", token=token)
    holds = registration.state in (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)
    return render_template(
        "events/ticket.html",
        registration=registration,
        event=event,
        # Online events have no door to scan a code at: the join link is what matters there.
        qr=_qr_data_uri(check_in_url) if holds and not event.is_online else None,
        holds=holds,
        join_minutes=current_app.config["JOIN_URL_VISIBLE_MINUTES"],
        location=svc.event_locations([event]).get(event.id),
        position=svc.waitlist_position(registration),
        cancel_url=url_for("events.cancel_by_link", token=svc.cancel_token(registration))
        if svc.cancellable(registration)
        else None,
        check_in_url=check_in_url,
    )


@bp.route("/registrations/cancel/<token>", methods=["GET", "POST"])
@public
def cancel_by_link(token: str):
    """The signed cancel link of a registration's mails and ticket: no account needed."""
    registration = svc.registration_by_cancel_token(token)
    event = registration.event
    cancellable = svc.cancellable(registration)
    if request.method == "POST":
        if not SelfRegisterForm().validate_on_submit():
            abort(400)
        if not cancellable:
            abort(409)
        try:
            promoted = svc.cancel_registration(registration, None)
        except svc.RegistrationError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("events.cancel_by_link", token=token))
        message = _(
            "Cancelled %(name)s's registration for %(title)s.",
            name=registration.name,
            title=event.title,
        )
        if promoted:
            message += " " + _("The seat went to the next person on the waitlist.")
        flash(message, "success")
        return redirect(url_for("events.cancel_by_link", token=token))
    return render_template(
        "events/cancel.html", registration=registration, event=event, cancellable=cancellable
    )


@bp.route("/staff/check-in/<token>", methods=["GET", "POST"])
@staff_required
def check_in_ticket(token: str):
    """Where a ticket's QR code leads: staff confirm and mark the attendance."""
    registration = svc.get_registration_by_ticket(token)
    if request.method == "POST":
        if not SelfRegisterForm().validate_on_submit():
            abort(400)
        try:
            svc.check_in(registration, current_user)
            flash(_("%(name)s is checked in.", name=registration.name), "success")
        except svc.RegistrationError as error:
            db.session.rollback()
            flash(error.message, "error")
        return redirect(url_for("events.check_in_ticket", token=token))
    return render_template(
        "events/check_in.html",
        registration=registration,
        event=registration.event,
        closed_reason=svc.check_in_closed_reason(registration.event),
    )


@bp.route("/staff/registrations/<int:registration_id>/attendance", methods=["POST"])
@staff_required
def mark_attendance(registration_id: int):
    registration = svc.get_registration_for(current_user, registration_id)
    action = request.form.get("action", "attended")
    try:
        if action == "no_show":
            svc.mark_no_show(registration, current_user)
        else:
            svc.check_in(registration, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(
            _(
                "%(name)s: %(state)s.",
                name=registration.name,
                state=registration.state.label.lower(),
            ),
            "success",
        )
    return redirect(
        url_for(
            "events.staff_event",
            event_id=registration.event_id,
            q=request.form.get("q") or None,
            state=request.form.get("state") or None,
        )
    )


# --- Calendars ------------------------------------------------------------------------------------


def _ics_response(data: bytes, filename: str, download: bool = True) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    if download:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/events/<int:event_id>/calendar.ics")
@public
def event_calendar(event_id: int):
    """ "Add to calendar": this event as an .ics file."""
    event = svc.get_event_for(current_user, event_id)
    return _ics_response(svc.event_ics(event), svc.ics_filename(event))


@bp.route("/calendar/<token>.ics")
@public
def my_calendar(token: str):
    """A user's private feed of everything they are registered for (the token is the secret)."""
    if len(token) > 64:
        abort(404)
    user = db.session.scalar(sa.select(User).where(User.calendar_token == token))
    if user is None or not user.active:
        abort(404)
    events = db.session.scalars(
        sa.select(Event)
        .where(
            Event.state != EventState.DRAFT,
            Event.id.in_(
                sa.select(Registration.event_id).where(
                    svc.registrations_of_person(user),
                    Registration.state.in_((*SEAT_STATES, RegistrationState.WAITLISTED)),
                )
            ),
        )
        .order_by(Event.starts_at)
    ).all()
    # A calendar app fetches this with no cookie: the words follow the owner's language.
    with force_locale(mail_language(user)):
        data = svc.calendar_ics(events, name=_("My PSEB Engage events"))
    response = _ics_response(data, "pseb-engage.ics", False)
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/calendar/events.ics")
@public
def public_calendar():
    """The public feed of published events (recent and upcoming)."""
    from datetime import timedelta

    events = db.session.scalars(
        sa.select(Event)
        .where(
            Event.state.in_(
                (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED, EventState.COMPLETED)
            ),
            Event.ends_at > clock.now() - timedelta(days=60),
        )
        .order_by(Event.starts_at)
        .limit(500)
    ).all()
    return _ics_response(
        svc.calendar_ics(events, name=_("PSEB Engage events")), "events.ics", False
    )


# --- Staff tools ----------------------------------------------------------------------------------


@bp.route("/staff/events")
@staff_required
def staff_index():
    kind = request.args.get("kind", "")
    state = request.args.get("state", "")
    query = sa.select(Event).order_by(Event.starts_at.desc(), Event.id.desc())
    if kind in {k.value for k in EventKind}:
        query = query.where(Event.kind == kind)
    if state in {s.value for s in EventState}:
        query = query.where(Event.state == state)
    page = paginate_list(query)
    events = list(page.items)
    return render_template(
        "events/staff_index.html",
        page=page,
        events=events,
        counts=svc.event_counts([e.id for e in events]),
        kind=kind,
        state=state,
        kinds=list(EventKind),
        states=list(EventState),
    )


def _attendee_query(event: Event, filters: AttendeeFilterForm) -> sa.Select:
    query = (
        sa.select(Registration)
        .outerjoin(Registration.organisation)
        .options(contains_eager(Registration.organisation), joinedload(Registration.user))
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    )
    if filters.state.data in {s.value for s in RegistrationState}:
        query = query.where(Registration.state == filters.state.data)
    needle = (filters.q.data or "").strip().lower()
    if needle:
        like = f"%{needle.replace('%', '').replace('_', '')}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.name).like(like),
                Registration.email.like(like),
                sa.func.lower(Organisation.name).like(like),
            )
        )
    return query


#: Session key of a staff-tool form refused on POST, shown again after the redirect.
KEPT_FORM_KEY = "staff_event_form"
STAFF_FORMS = {"capacity": CapacityForm, "cancel": CancelEventForm, "message": MessageForm}


def _keep_refused_form(event: Event, name: str, form) -> Response:
    """Post/redirect/get for a refused form: keep what was typed and the errors, redirect back."""
    session[KEPT_FORM_KEY] = {
        "event_id": event.id,
        "name": name,
        "data": {
            key: value for key, value in form.data.items() if key not in ("csrf_token", "submit")
        },
        "errors": {key: list(errors) for key, errors in form.errors.items()},
    }
    return redirect(url_for("events.staff_event", event_id=event.id, _anchor=f"{name}-form"))


def _staff_forms(event: Event) -> dict:
    """The staff tool forms, one of them refilled from a refused POST when there was one."""
    forms = {
        "capacity_form": CapacityForm(formdata=None, capacity=event.capacity),
        "cancel_form": CancelEventForm(formdata=None),
        "message_form": MessageForm(formdata=None),
    }
    kept = session.pop(KEPT_FORM_KEY, None)
    if kept and kept.get("event_id") == event.id and kept.get("name") in STAFF_FORMS:
        form = STAFF_FORMS[kept["name"]](formdata=None, data=kept.get("data") or {})
        for key, errors in (kept.get("errors") or {}).items():
            if key in form:
                form[key].errors = list(errors)
        forms[f"{kept['name']}_form"] = form
    return forms


@bp.route("/staff/events/<int:event_id>")
@staff_required
def staff_event(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    filters = AttendeeFilterForm(request.args)
    filters.validate()
    page = paginate_list(_attendee_query(event, filters))
    items = list(page.items)
    return render_template(
        "events/staff_event.html",
        event=event,
        page=page,
        registrations=items,
        positions=svc.waitlist_positions(items),
        filters=filters,
        counts=svc.event_counts([event.id])[event.id],
        check_in_closed=svc.check_in_closed_reason(event),
        now=clock.now(),
        **_staff_forms(event),
    )


@bp.route("/staff/events/<int:event_id>/attendees.csv")
@staff_required
def attendees_csv(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    filters = AttendeeFilterForm(request.args)
    filters.validate()
    zone = event.timezone or current_app.config["TIMEZONE"]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "name",
            "email",
            "organisation",
            "state",
            f"registered_at ({zone})",
            f"confirmed_at ({zone})",
            f"checked_in_at ({zone})",
            "registered_by",
        ]
    )
    for registration in db.session.scalars(_attendee_query(event, filters)):
        writer.writerow(
            [
                csv_cell(registration.name),
                csv_cell(registration.email),
                csv_cell(registration.organisation.name if registration.organisation else ""),
                registration.state.value,
                _csv_time(registration.created_at, zone),
                _csv_time(registration.confirmed_at, zone),
                _csv_time(registration.checked_in_at, zone),
                registration.user.email if registration.user else "",
            ]
        )
    response = Response(buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="attendees-event-{event.id}.csv"'
    )
    return response


def _csv_time(value: datetime | None, zone: str) -> str:
    """ISO 8601 in the event's zone, to the second, with its UTC offset (the header names the zone)."""
    if value is None:
        return ""
    return value.astimezone(ZoneInfo(zone)).replace(microsecond=0).isoformat()


@bp.route("/staff/events/<int:event_id>/capacity", methods=["POST"])
@staff_required
def change_capacity(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        return _keep_refused_form(event, "capacity", form)
    try:
        promoted = svc.set_capacity(event, form.capacity.data, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        form.capacity.errors = [error.message]
        return _keep_refused_form(event, "capacity", form)
    message = _("Capacity is now %(capacity)s.", capacity=event.capacity)
    if promoted:
        message += " " + _("%(n)s promoted from the waitlist.", n=len(promoted))
    flash(message, "success")
    return redirect(url_for("events.staff_event", event_id=event.id))


@bp.route("/staff/events/<int:event_id>/cancel", methods=["POST"])
@staff_required
def cancel_event(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    form = CancelEventForm()
    if not form.validate_on_submit():
        return _keep_refused_form(event, "cancel", form)
    try:
        sent = svc.cancel_event(event, form.reason.data, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        form.reason.errors = [error.message]
        return _keep_refused_form(event, "cancel", form)
    flash(
        _("The event is cancelled; %(sent)s registrants are being emailed.", sent=sent), "success"
    )
    return redirect(url_for("events.staff_event", event_id=event.id))


@bp.route("/staff/events/<int:event_id>/message", methods=["POST"])
@staff_required
def message_registrants(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    form = MessageForm()
    if not form.validate_on_submit():
        return _keep_refused_form(event, "message", form)
    sent = svc.message_confirmed(event, form.subject.data, form.body.data, current_user)
    flash(
        _("Message queued for %(sent)s attendees (confirmed or checked in).", sent=sent), "success"
    )
    return redirect(url_for("events.staff_event", event_id=event.id))


@bp.route("/staff/events/<int:event_id>/publish", methods=["POST"])
@staff_required
def publish_event(event_id: int):
    event = svc.get_event_for(current_user, event_id)
    if not SelfRegisterForm().validate_on_submit():
        abort(400)
    try:
        svc.publish_event(event, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Published: the event is now public and open for registration."), "success")
    return redirect(url_for("events.staff_event", event_id=event_id))
