"""Routes of the partners feature: the public showcase, the partner's page, meetings, staff list
and funnel, partner invitations. Thin: every rule is in ``engagement.partners.services``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from engagement import business_hours, clock
from engagement.auth import sessions
from engagement.auth.access import public, roles_required, staff_required
from engagement.auth.forms import EmptyForm
from engagement.auth.models import Organisation, Role
from engagement.core.cache import anonymous_page
from engagement.core.pagination import paginate_list
from engagement.core.timefmt import format_datetime
from engagement.directory import services as directory
from engagement.directory.models import CERTIFICATIONS, EmployeeBand, OverseasEntity
from engagement.extensions import db
from engagement.partners import bp
from engagement.partners import services as svc
from engagement.partners.forms import (
    AcceptForm,
    AcceptPartnerInvitationForm,
    DeclineForm,
    InvitePartnerForm,
    MeetingRequestForm,
    OutcomeForm,
    PartnerProfileForm,
    ProposeSlotsForm,
)
from engagement.partners.models import MEETING_MINUTES, MeetingSide, MeetingState

MEETING_ROLES = (Role.PARTNER, Role.COMPANY)


def _apply(form: Any, error: svc.MeetingError) -> None:
    """Show a service error on its field (``slots[2]`` → the slots field), else as a flash."""
    name = (error.field or "").split("[")[0]
    name = {"organisation_id": "", "overseas_entity_id": ""}.get(name, name)
    target = getattr(form, name, None) if name else None
    messages = [m for texts in (error.errors or {}).values() for m in texts] or [str(error)]
    if target is None:
        for message in messages:
            flash(message, "error")
    else:
        target.errors = [*target.errors, *messages]


def _slot_label(moment, mine: str, theirs: str) -> str:
    return _(
        "%(mine)s (theirs: %(theirs)s)",
        mine=format_datetime(moment, mine),
        theirs=format_datetime(moment, theirs, "EEE HH:mm"),
    )


# --- Public showcase ------------------------------------------------------------------------


@bp.route("/companies/")
@public
@anonymous_page
def showcase():
    filters = svc.ShowcaseFilters.from_args(request.args)
    page = paginate_list(svc.search_showcase(filters))
    return render_template(
        "partners/showcase.html",
        page=page,
        items=list(page.items),
        filters=filters,
        sectors=directory.all_sectors(),
        cities=directory.all_cities(),
        provinces=directory.all_provinces(),
        bands=[band.value for band in EmployeeBand],
        certifications=CERTIFICATIONS,
        country_name=directory.country_name,
    )


@bp.route("/companies/<int:company_id>")
@public
@anonymous_page
def showcase_company(company_id: int):
    company = svc.get_showcase_company(company_id)
    can_request = (
        current_user.is_authenticated and svc.viewer_side(current_user) == MeetingSide.PARTNER
    )
    return render_template(
        "partners/showcase_company.html",
        company=company,
        can_request=can_request,
        country_name=directory.country_name,
    )


# --- The partner's own page -----------------------------------------------------------------


def _partner_page(form: PartnerProfileForm | None = None, status: int = 200):
    entity = current_user.overseas_entity
    if entity is None:
        abort(404)
    if form is None:
        form = PartnerProfileForm(formdata=None, description=entity.description)
        form.sectors.data = [s.id for s in entity.sectors]
    form.sectors.choices = [SelectChoice(s.id, s.name) for s in directory.all_sectors()]
    return render_template(
        "partners/partner_home.html",
        entity=entity,
        form=form,
        zone=svc.viewer_zone(current_user),
        webinars=svc.partner_webinars(entity.id),
        shared=svc.shared_companies(entity.id),
        country_name=directory.country_name,
    ), status


@bp.route("/partner/")
@roles_required(Role.PARTNER)
def partner_home():
    return _partner_page()


@bp.route("/partner/profile", methods=["POST"])
@roles_required(Role.PARTNER)
def partner_profile():
    form = PartnerProfileForm()
    if form.validate_on_submit():
        try:
            svc.update_partner_profile(
                current_user, form.sectors.data or [], form.description.data or ""
            )
        except svc.MeetingError as error:
            _apply(form, error)
        else:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("partners.partner_home"))
    return _partner_page(form, 422)


# --- Meetings -------------------------------------------------------------------------------


@bp.route("/meetings/")
@roles_required(*MEETING_ROLES)
def meetings():
    page = paginate_list(svc.visible_meetings(current_user))
    partners = (
        svc.reachable_partners(current_user.organisation.id)
        if current_user.role == Role.COMPANY and current_user.organisation
        else []
    )
    return render_template(
        "partners/meetings.html",
        page=page,
        items=list(page.items),
        partners=partners,
        side=svc.viewer_side(current_user),
        held=svc.held,
    )


def _counterpart() -> tuple[Organisation, OverseasEntity]:
    """The two sides of a new request from the query string (404 when not reachable)."""
    side = svc.viewer_side(current_user)
    if side == MeetingSide.PARTNER:
        organisation = db.session.get(Organisation, request.args.get("organisation", type=int) or 0)
        entity = current_user.overseas_entity
        if organisation is None or not svc.company_reachable_by_partner(entity.id, organisation.id):
            abort(404)
    elif side == MeetingSide.COMPANY:
        organisation = current_user.organisation
        entity = db.session.get(OverseasEntity, request.args.get("entity", type=int) or 0)
        if entity is None or not svc.partner_reachable_by_company(organisation.id, entity.id):
            abort(404)
    else:
        abort(404)
    return organisation, entity


def _slot_choices(form: Any, moments, mine: str, theirs: str, sides) -> None:
    """Offered slots as checkboxes; a slot over Friday prayers on either side says so."""
    choices = []
    for moment in moments:
        label = _slot_label(moment, mine, theirs)
        end = moment + timedelta(minutes=MEETING_MINUTES)
        if business_hours.slot_warnings(moment, end, sides):
            label += " · " + _("overlaps Friday prayers")
        choices.append(SelectChoice(moment.strftime("%Y-%m-%dT%H:%M:%SZ"), label))
    form.slots.choices = choices


@bp.route("/meetings/new", methods=["GET", "POST"])
@roles_required(*MEETING_ROLES)
def new_meeting():
    organisation, entity = _counterpart()
    side = svc.viewer_side(current_user)
    mine = svc.viewer_zone(current_user)
    theirs = entity.timezone if side == MeetingSide.COMPANY else svc.PAKISTAN_ZONE
    offer = svc.offered_slots(organisation, entity)
    form = MeetingRequestForm()
    sides = [svc.company_side(organisation), svc.partner_side(entity)]
    _slot_choices(form, offer.slots, mine, theirs, sides)
    event_id = request.args.get("event", type=int)
    status = 200
    if form.validate_on_submit():
        try:
            meeting = svc.request_meeting(
                current_user,
                message=form.message.data,
                slots=form.slots.data or [],
                organisation_id=organisation.id if side == MeetingSide.PARTNER else None,
                overseas_entity_id=entity.id if side == MeetingSide.COMPANY else None,
                event_id=event_id,
            )
        except svc.MeetingError as error:
            _apply(form, error)
        else:
            flash(_("Your meeting request is sent."), "success")
            return redirect(url_for("partners.meeting", request_id=meeting.id))
    if request.method == "POST":
        status = 422
    return render_template(
        "partners/new_meeting.html",
        form=form,
        organisation=organisation,
        entity=entity,
        offer=offer,
        side=side,
        mine=mine,
        theirs=theirs,
    ), status


def _meeting_page(meeting, status: int = 200, **forms: Any):
    side = svc.viewer_side(current_user, meeting)
    mine = svc.viewer_zone(current_user)
    other_zone = svc.side_zone(meeting, side.other) if side else meeting.overseas_entity.timezone
    answering = (
        side is not None
        and meeting.state == MeetingState.REQUESTED
        and side != meeting.requested_side
    )
    accept = forms.get("accept") or AcceptForm(formdata=None)
    accept.slot.choices = [
        SelectChoice(
            s.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"), _slot_label(s.starts_at, mine, other_zone)
        )
        for s in meeting.slots
    ]
    propose = forms.get("propose") or ProposeSlotsForm(formdata=None)
    if answering:
        offer = svc.offered_slots(meeting.organisation, meeting.overseas_entity)
        sides = [svc.company_side(meeting.organisation), svc.partner_side(meeting.overseas_entity)]
        _slot_choices(propose, offer.slots, mine, other_zone, sides)
    return render_template(
        "partners/meeting.html",
        meeting=meeting,
        side=side,
        mine=mine,
        other_zone=other_zone,
        answering=answering,
        slots=[svc.slot_view(s.starts_at, meeting, mine) for s in meeting.slots],
        accept_form=accept,
        decline_form=forms.get("decline") or DeclineForm(formdata=None),
        propose_form=propose,
        outcome_form=forms.get("outcome") or OutcomeForm(formdata=None),
        held=svc.held(meeting),
        empty_form=EmptyForm(),
        can_cancel=side is not None
        and meeting.state in (MeetingState.REQUESTED, MeetingState.ACCEPTED)
        and not svc.held(meeting),
    ), status


@bp.route("/meetings/<int:request_id>")
@roles_required(*MEETING_ROLES, Role.STAFF)
def meeting(request_id: int):
    return _meeting_page(svc.get_meeting_for(current_user, request_id))


def _answer(request_id: int, form_name: str, form, action) -> Any:
    meeting = svc.get_meeting_for(current_user, request_id)
    if form.validate_on_submit():
        try:
            message = action(meeting, form)
        except (svc.MeetingForbidden, svc.MeetingConflict) as error:
            flash(str(error), "error")
            return redirect(url_for("partners.meeting", request_id=meeting.id))
        except svc.MeetingError as error:
            _apply(form, error)
        else:
            flash(message, "success")
            return redirect(url_for("partners.meeting", request_id=meeting.id))
    return _meeting_page(meeting, 422, **{form_name: form})


@bp.route("/meetings/<int:request_id>/accept", methods=["POST"])
@roles_required(*MEETING_ROLES)
def accept_meeting(request_id: int):
    def act(meeting, form):
        svc.accept_meeting(current_user, meeting, form.slot.data, form.video_url.data)
        return _("The meeting is confirmed; both sides get a calendar entry.")

    form = AcceptForm()
    form.slot.choices = [SelectChoice(form.slot.data, form.slot.data)] if form.slot.data else []
    return _answer(request_id, "accept", form, act)


@bp.route("/meetings/<int:request_id>/decline", methods=["POST"])
@roles_required(*MEETING_ROLES)
def decline_meeting(request_id: int):
    def act(meeting, form):
        svc.decline_meeting(current_user, meeting, form.reason.data)
        return _("The request is declined.")

    return _answer(request_id, "decline", DeclineForm(), act)


@bp.route("/meetings/<int:request_id>/propose", methods=["POST"])
@roles_required(*MEETING_ROLES)
def propose_slots(request_id: int):
    def act(meeting, form):
        svc.propose_slots(current_user, meeting, form.slots.data or [], form.message.data or "")
        return _("Your slots are sent to the other side.")

    form = ProposeSlotsForm()
    return _answer(request_id, "propose", form, act)


@bp.route("/meetings/<int:request_id>/cancel", methods=["POST"])
@roles_required(*MEETING_ROLES)
def cancel_meeting(request_id: int):
    def act(meeting, form):
        svc.cancel_meeting(current_user, meeting)
        return _("The meeting is cancelled; the other side is told.")

    return _answer(request_id, "empty", EmptyForm(), act)


@bp.route("/meetings/<int:request_id>/outcome", methods=["POST"])
@roles_required(*MEETING_ROLES)
def meeting_outcome(request_id: int):
    def act(meeting, form):
        svc.record_outcome(current_user, meeting, form.outcome.data, form.value_usd.data)
        return _("The outcome is recorded. Thank you.")

    return _answer(request_id, "outcome", OutcomeForm(), act)


@bp.route("/meetings/<int:request_id>.ics")
@roles_required(*MEETING_ROLES, Role.STAFF)
def meeting_ics(request_id: int):
    meeting = svc.get_meeting_for(current_user, request_id)
    if meeting.slot_at is None:
        abort(404)
    side = svc.viewer_side(current_user, meeting)
    zone = svc.side_zone(meeting, side) if side else svc.PAKISTAN_ZONE
    return Response(
        svc.meeting_ics(meeting, zone),
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="{svc.ics_filename(meeting)}"'},
    )


# --- Staff ----------------------------------------------------------------------------------


@bp.route("/staff/meetings")
@staff_required
def staff_meetings():
    filters = svc.MeetingFilters.from_args(request.args)
    page = paginate_list(svc.staff_meetings(filters))
    from engagement.webinars.services import past_query, upcoming_query

    webinars = [w.event for w in db.session.scalars(past_query().limit(100))] + [
        w.event for w in db.session.scalars(upcoming_query().limit(100))
    ]
    return render_template(
        "partners/staff_meetings.html",
        page=page,
        items=list(page.items),
        filters=filters,
        by_webinar=svc.funnel_by("webinar", filters),
        by_country=svc.funnel_by("country", filters),
        total=svc.meeting_funnel(),
        webinars=sorted(webinars, key=lambda e: e.starts_at, reverse=True),
        sectors=directory.all_sectors(),
        states=list(MeetingState),
        held=svc.held,
    )


@bp.route("/staff/meetings.csv")
@staff_required
def staff_meetings_csv():
    filters = svc.MeetingFilters.from_args(request.args)
    stamp = clock.now().strftime("%Y%m%d")
    return Response(
        stream_with_context(svc.export_csv(filters)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="meetings-{stamp}.csv"'},
    )


@bp.route("/partners/entities/<int:entity_id>")
@staff_required
def entity_contacts(entity_id: int):
    entity = directory.get_overseas_entity_for(current_user, entity_id)
    return _contacts_page(entity, InvitePartnerForm())


def _contacts_page(entity: OverseasEntity, form: InvitePartnerForm, status: int = 200):
    users, invitations = svc.entity_contacts(entity)
    return render_template(
        "partners/entity_contacts.html",
        entity=entity,
        users=users,
        invitations=invitations,
        form=form,
    ), status


@bp.route("/partners/entities/<int:entity_id>/invite", methods=["POST"])
@staff_required
def invite_partner(entity_id: int):
    entity = directory.get_overseas_entity_for(current_user, entity_id)
    form = InvitePartnerForm()
    if form.validate_on_submit():
        try:
            svc.invite_partner(current_user, entity, form.email.data)
        except svc.MeetingError as error:
            _apply(form, error)
        else:
            flash(_("Invitation sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("partners.entity_contacts", entity_id=entity.id))
    return _contacts_page(entity, form, 422)


@bp.route("/partners/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    try:
        invitation = svc.invitation_for_token(token)
    except svc.MeetingError as error:
        flash(str(error), "error")
        return redirect(url_for("core.home"))
    form = AcceptPartnerInvitationForm()
    if form.validate_on_submit():
        try:
            user = svc.accept_partner_invitation(invitation, form.name.data, form.password.data)
        except svc.MeetingError as error:
            _apply(form, error)
        else:
            sessions.log_in(user)
            flash(_("Welcome to PSEB Engage, %(name)s.", name=user.name), "success")
            return redirect(url_for("partners.partner_home"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "partners/accept_invitation.html", invitation=invitation, form=form
    ), status


# --- Old B2B introduction URLs (the concept became meetings) --------------------------------


@bp.route("/webinars/introductions")
@roles_required(*MEETING_ROLES)
def old_my_introductions():
    return redirect(url_for("partners.meetings"), 301)


@bp.route("/webinars/staff/introductions")
@staff_required
def old_introductions_queue():
    return redirect(url_for("partners.staff_meetings"), 301)


@bp.route("/webinars/<int:event_id>/introductions/new")
@roles_required(*MEETING_ROLES)
def old_request_introduction(event_id: int):
    return redirect(url_for("partners.meetings"), 301)
