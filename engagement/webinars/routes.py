"""Routes of the webinars feature: public listings, detail, staff editing."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from engagement import clock
from engagement.auth.access import public, staff_required
from engagement.core.cache import anonymous_page
from engagement.core.pagination import paginate_list
from engagement.core.timefmt import format_date
from engagement.directory.models import OverseasEntity, Sector
from engagement.directory.services import country_name
from engagement.events import services as events
from engagement.events.markdown import render_markdown
from engagement.events.models import Registration
from engagement.events.services import event_counts
from engagement.extensions import db
from engagement.webinars import bp
from engagement.webinars import services as svc
from engagement.webinars.forms import (
    PKT,
    WebinarFilterForm,
    WebinarForm,
    as_pkt,
)
from engagement.webinars.models import Webinar

FORM_FIELD_NAMES = {
    "starts_at": "starts_at",
    "ends_at": "duration_minutes",
    "duration_minutes": "duration_minutes",
    "capacity": "capacity",
    "seat_limit_per_org": "seat_limit_per_org",
    "registration_opens_at": "registration_opens_at",
    "registration_closes_at": "registration_closes_at",
    "title": "title",
}


@bp.app_template_filter("markdown")
def markdown_filter(text: str | None):
    return render_markdown(text)


# --- Public pages ---------------------------------------------------------------------------------


def _filter_form() -> WebinarFilterForm:
    form = WebinarFilterForm(request.args)
    form.sector.choices = [SelectChoice("", _("All sectors"))] + [
        SelectChoice(str(s.id), s.name)
        for s in db.session.scalars(sa.select(Sector).order_by(Sector.id))
    ]
    countries = db.session.scalars(
        sa.select(OverseasEntity.country_code).distinct().order_by(OverseasEntity.country_code)
    ).all()
    # Codes stay in the URL (?country=DE); people read names, sorted by name.
    form.country.choices = [SelectChoice("", _("All countries"))] + [
        SelectChoice(code, name)
        for code, name in sorted(
            ((c, country_name(c) or c) for c in countries), key=lambda pair: pair[1]
        )
    ]
    today = clock.now().astimezone(PKT)
    months = []
    year, month = today.year, today.month
    for _step in range(12):
        label = format_date(date(year, month, 1), "MMMM yyyy")
        months.append(SelectChoice(f"{year:04d}-{month:02d}", label))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    form.month.choices = [SelectChoice("", _("Any month")), *months]
    form.validate()
    return form


@bp.route("/")
@public
@anonymous_page
def index():
    """Upcoming webinars, with sector, partner country and month filters."""
    form = _filter_form()
    sector = request.args.get("sector", "")
    query = svc.upcoming_query(
        sector_id=int(sector) if sector.isdigit() else None,
        country=request.args.get("country") or None,
        month=request.args.get("month") or None,
    )
    page = paginate_list(query)
    webinars = list(page.items)
    return render_template(
        "webinars/index.html",
        page=page,
        webinars=webinars,
        form=form,
        counts=event_counts([w.event_id for w in webinars]),
        filtered=any(request.args.get(k) for k in ("sector", "country", "month")),
    )


@bp.route("/past")
@public
@anonymous_page
def past():
    """Past webinars, with recordings when staff added them."""
    page = paginate_list(svc.past_query())
    return render_template("webinars/past.html", page=page, webinars=list(page.items))


@bp.route("/<int:event_id>")
@public
@anonymous_page
def detail(event_id: int):
    webinar = svc.get_webinar_for(current_user, event_id)
    event = webinar.event
    mine: list[Registration] = []
    if current_user.is_authenticated:
        mine = list(
            db.session.scalars(
                sa.select(Registration)
                .where(
                    Registration.event_id == event.id,
                    events.registration_visible_to(current_user),
                )
                .order_by(Registration.id)
            )
        )
    own = next((r for r in mine if r.email == getattr(current_user, "email", None)), None)
    show_join = any(svc.join_url_visible(webinar, r) for r in mine)
    is_staff = current_user.is_authenticated and current_user.is_staff
    return render_template(
        "webinars/detail.html",
        webinar=webinar,
        event=event,
        mine=mine,
        positions=events.waitlist_positions(mine),
        own=own,
        show_join=show_join,
        join_minutes=current_app.config["JOIN_URL_VISIBLE_MINUTES"],
        closed_reason=events.registration_closed_reason(event),
        seats_left=events.seats_left(event),
        waitlist=events.waitlist_length(event),
        counts=event_counts([event.id])[event.id] if is_staff else None,
        meet_partners=bool(mine) and bool(webinar.partners) and not is_staff,
        is_staff=is_staff,
        now=clock.now(),
    )


# --- Staff: create and edit -----------------------------------------------------------------------


def _choices(form: WebinarForm) -> None:
    form.partners.choices = [
        SelectChoice(
            p.id, f"{p.name} ({country_name(p.country_code) or p.country_code}, {p.timezone})"
        )
        for p in db.session.scalars(sa.select(OverseasEntity).order_by(OverseasEntity.name))
    ]
    form.sectors.choices = [
        SelectChoice(s.id, s.name)
        for s in db.session.scalars(sa.select(Sector).order_by(Sector.id))
    ]


def _chosen(model, ids: list[int] | None) -> list:
    if not ids:
        return []
    return list(db.session.scalars(sa.select(model).where(model.id.in_(ids)).order_by(model.id)))


def _advice(form: WebinarForm):
    if form.starts_at.data and form.duration_minutes.data and form.duration_minutes.data > 0:
        partners = _chosen(OverseasEntity, form.partners.data)
        return svc.schedule_advice(
            as_pkt(form.starts_at.data), int(form.duration_minutes.data), partners
        )
    return None


def _form_page(form: WebinarForm, webinar: Webinar | None, status: int = 200):
    return (
        render_template("webinars/form.html", form=form, webinar=webinar, advice=_advice(form)),
        status,
    )


def _values(form: WebinarForm) -> dict:
    return {
        "title": form.title.data,
        "description": form.description.data or "",
        "starts_at": as_pkt(form.starts_at.data),
        "duration_minutes": form.duration_minutes.data,
        "capacity": form.capacity.data,
        "seat_limit_per_org": form.seat_limit_per_org.data,
        "registration_opens_at": as_pkt(form.registration_opens_at.data),
        "registration_closes_at": as_pkt(form.registration_closes_at.data),
        "waitlist_enabled": bool(form.waitlist_enabled.data),
        "speakers": form.speakers.data or "",
        "platform": (form.platform.data or "").strip(),
        "join_url": (form.join_url.data or "").strip() or None,
        "recording_url": (form.recording_url.data or "").strip() or None,
    }


def _field_error(form: WebinarForm, error: events.RegistrationError) -> None:
    name = FORM_FIELD_NAMES.get(error.field or "")
    if name:
        field = getattr(form, name)
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def _warn(advice) -> None:
    if advice and advice.warnings:
        flash(_("Check the time slot: %(warnings)s", warnings=" ".join(advice.warnings)), "warning")


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create():
    form = WebinarForm()
    _choices(form)
    if request.method == "GET" or form.check.data or not form.validate_on_submit():
        status = 422 if request.method == "POST" and not form.check.data else 200
        if form.check.data:
            form.validate()
        return _form_page(form, None, status)
    values = _values(form)
    try:
        webinar = svc.create_webinar(
            **values,
            partners=_chosen(OverseasEntity, form.partners.data),
            sectors=_chosen(Sector, form.sectors.data),
            publish=bool(form.publish.data),
            record_past=bool(form.record_past.data),
            created_by=current_user,
        )
    except events.RegistrationError as error:
        db.session.rollback()
        _field_error(form, error)
        return _form_page(form, None, 422)
    if form.record_past.data:
        flash(_("Past webinar recorded for the archive (not open for registration)."), "success")
        return redirect(url_for("webinars.detail", event_id=webinar.event_id))
    _warn(_advice(form))
    flash(
        _("Webinar published.") if form.publish.data else _("Webinar saved as a draft."),
        "success",
    )
    return redirect(url_for("webinars.detail", event_id=webinar.event_id))


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(event_id: int):
    webinar = svc.get_webinar_for(current_user, event_id)
    event = webinar.event
    if request.method == "GET":
        form = WebinarForm(
            title=event.title,
            description=event.description,
            partners=[p.id for p in webinar.partners],
            sectors=[s.id for s in webinar.sectors],
            speakers=webinar.speakers,
            starts_at=event.starts_at.astimezone(PKT).replace(tzinfo=None),
            duration_minutes=event.duration_minutes,
            platform=webinar.platform,
            join_url=webinar.join_url,
            capacity=event.capacity,
            seat_limit_per_org=event.seat_limit_per_org,
            registration_opens_at=event.registration_opens_at.astimezone(PKT).replace(tzinfo=None)
            if event.registration_opens_at
            else None,
            registration_closes_at=event.registration_closes_at.astimezone(PKT).replace(tzinfo=None)
            if event.registration_closes_at
            else None,
            waitlist_enabled=event.waitlist_enabled,
            recording_url=event.recording_url,
        )
    else:
        form = WebinarForm()
    _choices(form)
    if request.method == "GET" or form.check.data or not form.validate_on_submit():
        status = 422 if request.method == "POST" and not form.check.data else 200
        if form.check.data:
            form.validate()
        return _form_page(form, webinar, status)
    try:
        svc.update_webinar(
            webinar,
            current_user,
            partners=_chosen(OverseasEntity, form.partners.data),
            sectors=_chosen(Sector, form.sectors.data),
            **_values(form),
        )
        if form.publish.data and event.state.value == "draft":
            events.publish_event(event, current_user)
    except events.RegistrationError as error:
        db.session.rollback()
        _field_error(form, error)
        return _form_page(form, svc.get_webinar_for(current_user, event_id), 422)
    _warn(_advice(form))
    flash(_("Webinar updated."), "success")
    return redirect(url_for("webinars.detail", event_id=event_id))
