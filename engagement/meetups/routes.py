"""Meetup pages: upcoming list, detail with registration, city history, staff report, feedback,
and the staff pages for venues."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from engagement.auth import services as accounts
from engagement.auth.access import login_required, public, staff_required
from engagement.auth.models import Role
from engagement.auth.throttle import client_address
from engagement.core.cache import anonymous_page
from engagement.core.forms import restore_form, stash_form
from engagement.core.web import render_error
from engagement.events.models import Registration
from engagement.extensions import db
from engagement.meetups import bp, services
from engagement.meetups.forms import (
    AgendaForm,
    FeedbackForm,
    RegisterForm,
    ReportForm,
    parse_colleagues,
)
from engagement.meetups.models import Venue


def _viewer():  # type: ignore[no-untyped-def]
    return current_user if current_user.is_authenticated else None


@bp.route("/")
@public
@anonymous_page
def index():
    return render_template("meetups/index.html", meetups=services.upcoming_meetup_rows())


def _register_form() -> RegisterForm:
    if request.method == "POST":
        return RegisterForm()
    user = _viewer()
    return RegisterForm(
        formdata=None, data={"name": user.name, "email": user.email} if user else {}
    )


def _stash_key(event_id: int) -> str:
    return f"meetup-register-{event_id}"


def _back_to_form(event_id: int, form: RegisterForm):  # type: ignore[no-untyped-def]
    """Post/redirect/get: the meetup page shows the form again with what was typed and why."""
    stash_form(_stash_key(event_id), form)
    return redirect(url_for("meetups.detail", event_id=event_id, _anchor="register-heading"), 303)


def _detail(meetup, register_form: RegisterForm, status: int = 200):  # type: ignore[no-untyped-def]
    from engagement.events import services as engine

    event = meetup.event
    user = _viewer()
    mine = []
    if user is not None:
        mine = list(
            db.session.scalars(
                sa.select(Registration)
                .where(
                    Registration.event_id == event.id,
                    engine.registrations_of_person(user),
                )
                .order_by(Registration.id)
            )
        )
    return render_template(
        "meetups/detail.html",
        meetup=meetup,
        event=event,
        form=register_form,
        closed_reason=engine.registration_closed_reason(event),
        seats_left=engine.seats_left(event),
        waitlist=engine.waitlist_length(event),
        mine=mine,
        positions=engine.waitlist_positions(mine),
        over=services.is_over(meetup),
        can_feedback=bool(
            user
            and (own := services.own_registration(user, meetup)) is not None
            and not services.feedback_given(own)
        ),
        attendance=services.attendance(meetup) if user and user.is_staff else None,
        is_company=bool(user and user.role == Role.COMPANY),
    ), status


@bp.route("/<int:event_id>")
@public
@anonymous_page
def detail(event_id: int):
    meetup = services.get_meetup_for(_viewer(), event_id)
    form = _register_form()
    restore_form(_stash_key(event_id), form)
    return _detail(meetup, form)


@bp.route("/<int:event_id>/register", methods=["POST"])
@public
def register(event_id: int):
    from engagement.events.services import Attendee, RegistrationError, register_attendees

    services.get_meetup_for(_viewer(), event_id)  # 404 for a meetup the viewer cannot see
    form = _register_form()
    if not form.validate_on_submit():
        return _back_to_form(event_id, form)
    user = _viewer()
    if user is None:
        try:
            accounts.check_rate(
                "meetup-registration-ip",
                client_address(),
                "ANONYMOUS_REGISTRATION_RATE_LIMIT",
                _("Too many registrations from your network."),
            )
        except accounts.TooManyAttempts as error:
            body, status = render_error(429, str(error))
            return body, status, {"Retry-After": str(error.retry_after)}
    attendees = [Attendee(form.name.data, form.email.data)]
    colleagues = parse_colleagues(form.colleagues.data or "")
    if colleagues and not (user and user.role in (Role.COMPANY, Role.STAFF, Role.ADMIN)):
        form.colleagues.errors.append(
            _("Only company representatives can register colleagues; ask each person to register.")
        )
        return _back_to_form(event_id, form)
    attendees += [Attendee(name, email) for name, email in colleagues]
    try:
        registrations = register_attendees(event_id, attendees, user)
    except RegistrationError as error:
        db.session.rollback()
        field = error.field or ""
        if field.startswith("attendees[0].email"):
            form.email.errors.append(error.message)
        elif field.startswith("attendees[0].name"):
            form.name.errors.append(error.message)
        elif field.startswith("attendees["):
            form.colleagues.errors.append(error.message)
        elif error.code != "unconfirmed":  # the page itself says that, with a resend button
            flash(error.message, "error")
        if error.code == "unconfirmed":  # the page says so, with a resend button
            meetup = services.get_meetup_for(user, event_id)
            return _detail(meetup, form, 403)
        return _back_to_form(event_id, form)
    confirmed = sum(1 for r in registrations if r.state.value == "confirmed")
    waiting = len(registrations) - confirmed
    if confirmed and waiting:
        message = _(
            "Registered: %(confirmed)s confirmed and %(waiting)s on the waitlist. "
            "A confirmation email is on its way.",
            confirmed=confirmed,
            waiting=waiting,
        )
    elif confirmed:
        message = _(
            "Registered: %(confirmed)s confirmed. A confirmation email is on its way.",
            confirmed=confirmed,
        )
    else:
        message = _(
            "Registered: %(waiting)s on the waitlist. A confirmation email is on its way.",
            waiting=waiting,
        )
    flash(message, "success")
    return redirect(url_for("meetups.detail", event_id=event_id))


@bp.route("/<int:event_id>/calendar.ics")
@public
def ics(event_id: int):
    from engagement.events.services import event_ics, ics_filename

    meetup = services.get_meetup_for(_viewer(), event_id)
    return Response(
        event_ics(meetup.event),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{ics_filename(meetup.event)}"'},
    )


@bp.route("/<int:event_id>/agenda", methods=["GET", "POST"])
@staff_required
def agenda(event_id: int):
    meetup = services.get_meetup_for(current_user, event_id)
    form = AgendaForm(obj=meetup)
    if form.validate_on_submit():
        services.update_agenda(meetup, form.agenda.data or "")
        flash(_("Agenda saved."), "success")
        return redirect(url_for("meetups.detail", event_id=event_id))
    return render_template(
        "meetups/form.html",
        form=form,
        title=_("Agenda: %(title)s", title=meetup.event.title),
        back=url_for("meetups.detail", event_id=event_id),
    ), (422 if form.errors else 200)


@bp.route("/<int:event_id>/report", methods=["GET", "POST"])
@staff_required
def report(event_id: int):
    meetup = services.get_meetup_for(current_user, event_id)
    form = ReportForm(obj=meetup.report)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_report(
                meetup,
                current_user,
                notes=form.notes.data or "",
                outcomes=form.outcomes.data or "",
                follow_ups=form.follow_ups.data or "",
            )
        except services.MeetupError as error:
            flash(error.message, "error")
            status = 422
        else:
            flash(_("Report saved; it shows on the city's page."), "success")
            return redirect(url_for("meetups.detail", event_id=event_id))
    elif form.errors:
        status = 422
    return render_template(
        "meetups/report.html",
        form=form,
        meetup=meetup,
        attendance=services.attendance(meetup),
        over=services.is_over(meetup),
    ), status


def _feedback(meetup, registration):  # type: ignore[no-untyped-def]
    """The survey page and its submission, for one registration (or None: not registered)."""
    form = FeedbackForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.submit_feedback(
                meetup,
                registration,
                rating=int(form.rating.data),
                useful=form.useful.data or "",
                comments=form.comments.data or "",
            )
        except services.MeetupError as error:
            db.session.rollback()
            if error.field:
                getattr(form, error.field).errors.append(error.message)
            else:
                flash(error.message, "error")
            status = 422
        except IntegrityError:
            db.session.rollback()
            flash(_("Feedback for this registration was already given. Thank you!"), "error")
            status = 422
        else:
            flash(_("Thank you for your feedback!"), "success")
            return redirect(url_for("meetups.detail", event_id=meetup.event_id))
    elif form.errors:
        status = 422
    meetup = services.get_meetup_for(None, meetup.event_id)
    allowed = (
        services.is_over(meetup)
        and registration is not None
        and registration.state in services.FEEDBACK_STATES
        and not services.feedback_given(registration)
    )
    return render_template(
        "meetups/feedback.html",
        form=form,
        meetup=meetup,
        allowed=allowed,
        registration=registration,
    ), status


@bp.route("/<int:event_id>/feedback", methods=["GET", "POST"])
@login_required
def feedback(event_id: int):
    meetup = services.get_meetup_for(current_user, event_id)
    return _feedback(meetup, services.own_registration(current_user, meetup))


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public
def feedback_by_ticket(token: str):
    from engagement.events.services import get_registration_by_ticket

    registration = get_registration_by_ticket(token)
    meetup = services.get_meetup_for(None, registration.event_id)
    return _feedback(meetup, registration)


@bp.route("/cities/<slug>")
@public
@anonymous_page
def city(slug: str):
    city = services.get_city(slug)
    upcoming, history = services.city_meetups(city)
    venues = db.session.scalars(
        sa.select(Venue).where(Venue.city_id == city.id).order_by(Venue.name)
    ).all()
    return render_template(
        "meetups/city.html", city=city, upcoming=upcoming, history=history, venues=venues
    )


# --- Venues (staff): the pages are the roadmap's Venues tab, /roadmap/venues ------------------


@bp.route("/venues")
@bp.route("/venues/new", endpoint="venue_new_moved")
@bp.route("/venues/<int:venue_id>/edit", endpoint="venue_edit_moved")
@staff_required
def venues_moved(venue_id: int | None = None):
    """The old addresses of the venue pages: a permanent redirect to the roadmap's Venues tab."""
    if request.endpoint == "meetups.venue_new_moved":
        target = url_for("roadmap.venue_form", **request.args)
    elif venue_id is not None:
        target = url_for("roadmap.venue_form", venue_id=venue_id)
    else:
        target = url_for("roadmap.venues", **request.args)
    return redirect(target, 301)
