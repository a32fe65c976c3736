"""Meetup pages: upcoming list, detail with registration, city history, staff report, feedback,
and the staff pages for venues."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from engagement.auth import services as accounts
from engagement.auth.access import login_required, public, staff_required
from engagement.auth.models import Role
from engagement.auth.throttle import client_address
from engagement.core.cache import anonymous_page
from engagement.core.web import render_error
from engagement.directory.models import City
from engagement.events.models import Registration
from engagement.extensions import db
from engagement.meetups import bp, services
from engagement.meetups.forms import (
    AgendaForm,
    FeedbackForm,
    RegisterForm,
    ReportForm,
    VenueForm,
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
    return _detail(meetup, _register_form())


@bp.route("/<int:event_id>/register", methods=["POST"])
@public
def register(event_id: int):
    from engagement.events.services import Attendee, RegistrationError, register_attendees

    meetup = services.get_meetup_for(_viewer(), event_id)
    form = _register_form()
    if not form.validate_on_submit():
        return _detail(meetup, form, 422)
    user = _viewer()
    if user is None:
        try:
            accounts.check_rate(
                "meetup-registration-ip",
                client_address(),
                "ANONYMOUS_REGISTRATION_RATE_LIMIT",
                "Too many registrations from your network.",
            )
        except accounts.TooManyAttempts as error:
            body, status = render_error(429, str(error))
            return body, status, {"Retry-After": str(error.retry_after)}
    attendees = [Attendee(form.name.data, form.email.data)]
    colleagues = parse_colleagues(form.colleagues.data or "")
    if colleagues and not (user and user.role in (Role.COMPANY, Role.STAFF, Role.ADMIN)):
        form.colleagues.errors.append(
            "Only company representatives can register colleagues; ask each person to register."
        )
        return _detail(meetup, form, 422)
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
        meetup = services.get_meetup_for(user, event_id)
        return _detail(meetup, form, 403 if error.code == "unconfirmed" else 422)
    confirmed = sum(1 for r in registrations if r.state.value == "confirmed")
    waiting = len(registrations) - confirmed
    parts = []
    if confirmed:
        parts.append(f"{confirmed} confirmed")
    if waiting:
        parts.append(f"{waiting} on the waitlist")
    flash(
        "Registered: " + " and ".join(parts) + ". A confirmation email is on its way.",
        "success",
    )
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
        flash("Agenda saved.", "success")
        return redirect(url_for("meetups.detail", event_id=event_id))
    return render_template(
        "meetups/form.html",
        form=form,
        title=f"Agenda: {meetup.event.title}",
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
            flash("Report saved; it shows on the city's page.", "success")
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
            flash("Feedback for this registration was already given. Thank you!", "error")
            status = 422
        else:
            flash("Thank you for your feedback!", "success")
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


# --- Venues (staff) -----------------------------------------------------------------------------


@bp.route("/venues")
@staff_required
def venues():
    query = (
        sa.select(Venue)
        .join(Venue.city)
        .options(selectinload(Venue.city).selectinload(City.province))
        .order_by(City.name, Venue.name)
    )
    city_slug = request.args.get("city", "")
    if city_slug:
        query = query.where(City.slug == city_slug)
    page = db.paginate(query, per_page=50, error_out=False)
    cities = db.session.scalars(sa.select(City).order_by(City.name)).all()
    return render_template("meetups/venues.html", page=page, cities=cities, city_slug=city_slug)


@bp.route("/venues/new", methods=["GET", "POST"])
@bp.route("/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@staff_required
def venue_form(venue_id: int | None = None):
    venue = db.session.get(Venue, venue_id) if venue_id else None
    if venue_id and venue is None:
        abort(404)
    form = VenueForm(
        obj=venue,
        data={"stp_status": venue.stp_status.value if venue and venue.stp_status else ""}
        if venue
        else {"capacity": 80, "active": True},
    )
    form.city_id.choices = [
        (c.id, c.name) for c in db.session.scalars(sa.select(City).order_by(City.name))
    ]
    if request.method == "GET" and venue is None and request.args.get("city", "").isdigit():
        form.city_id.data = int(request.args["city"])
    if form.validate_on_submit():
        try:
            saved = services.save_venue(
                venue,
                city_id=form.city_id.data,
                name=form.name.data,
                kind=form.kind.data,
                stp_status=form.stp_status.data,
                capacity=form.capacity.data,
                address=form.address.data,
                facilities=form.facilities.data,
                active=form.active.data,
            )
        except services.MeetupError as error:
            getattr(form, error.field or "name").errors.append(error.message)
        else:
            flash(f"Saved venue {saved.name}.", "success")
            return redirect(url_for("meetups.venues"))
    status = 422 if any(f.errors for f in form) else 200
    return render_template(
        "meetups/form.html",
        form=form,
        title=f"Edit {venue.name}" if venue else "New venue",
        back=url_for("meetups.venues"),
    ), status
