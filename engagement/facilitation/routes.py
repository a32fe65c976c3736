"""Pages of the facilitation feature: startups' requests, the staff queue, channels, report."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from engagement.auth.access import admin_required, login_required, roles_required, staff_required
from engagement.auth.forms import EmptyForm
from engagement.auth.models import Role, User
from engagement.auth.services import email_confirmed
from engagement.core.pagination import paginate_list
from engagement.core.web import problem, wants_json
from engagement.directory import reference
from engagement.extensions import db
from engagement.facilitation import bp, report, services, uploads
from engagement.facilitation.forms import (
    SPHERE_HINTS,
    AssignForm,
    AttachmentForm,
    CapitalStepForm,
    ChannelForm,
    InfrastructureStepForm,
    MessageForm,
    OtherStepForm,
    ReferForm,
    ReferralOutcomeForm,
    SphereStepForm,
    SummaryStepForm,
)
from engagement.facilitation.models import (
    FacilitationRequest,
    FacilitationStaff,
    FundingChannel,
    Referral,
    RequestEvent,
    RequestState,
    ResolutionOutcome,
    Sphere,
)
from engagement.facilitation.services import FacilitationError, WorkflowError
from engagement.facilitation.workflow import Actor, moves_from

STEPS = ("sphere", "summary", "specifics", "files")
STEP_TITLES = {
    "sphere": _l("Sphere"),
    "summary": _l("Summary"),
    "specifics": _l("Specifics"),
    "files": _l("Files and submit"),
}


def _apply_error(form: Any, error: FacilitationError) -> None:
    """Show a service's error under the matching field (or as a form-level error)."""
    target = getattr(form, error.field or "", None)
    if target is not None and hasattr(target, "errors"):
        if isinstance(target.errors, tuple):
            target.errors = list(target.errors)
        target.errors.append(error.message)
    else:
        flash(error.message, "error")


#: Session key holding a form that failed on POST, until the page it belongs to shows it.
FORM_STASH = "facilitation_form"
#: Longer typed text does not fit the signed session cookie (4 KB) and is re-rendered instead.
STASH_MAX_CHARS = 1500


def _redirect_with_errors(fr: FacilitationRequest, name: str, form: Any, target: str):  # type: ignore[no-untyped-def]
    """Post/redirect/get after a form error: keep what was typed and the errors for the page
    the form lives on, so the address bar never shows the POST target and a reload re-posts
    nothing."""
    session[FORM_STASH] = {
        "request_id": fr.id,
        "form": name,
        "values": {n: f.data for n, f in form._fields.items() if n not in ("csrf_token", "file")},
        "errors": {n: [str(e) for e in f.errors] for n, f in form._fields.items() if f.errors},
    }
    return redirect(target, code=303)


def _restore_form(fr: FacilitationRequest, name: str, form: Any) -> Any:
    """Put a stashed form's values and errors back (once), if it belongs to this request."""
    stash = session.get(FORM_STASH)
    if not stash or stash.get("request_id") != fr.id or stash.get("form") != name:
        return form
    session.pop(FORM_STASH, None)
    for field_name, value in stash.get("values", {}).items():
        if field_name in form._fields:
            form[field_name].data = value
    for field_name, errors in stash.get("errors", {}).items():
        if field_name in form._fields:
            form[field_name].errors = list(errors)
    return form


def _workflow_refusal(error: WorkflowError, fr: FacilitationRequest | None = None):  # type: ignore[no-untyped-def]
    """A refused move: problem+json for JSON clients, else the page again with the message."""
    db.session.rollback()
    if wants_json():
        return problem(
            error.status, "Conflict" if error.status == 409 else "Not allowed", error.message
        )
    flash(error.message, "error")
    if fr is not None and services.can_view(current_user, fr):
        return _render_detail(fr, status=error.status)
    return render_template(
        "errors/error.html", status=error.status, title=_("Not possible"), detail=error.message
    ), error.status


# --- Startup: my requests and the step-by-step form -------------------------------------------


@bp.route("/my")
@roles_required(Role.STARTUP)
def my_requests():
    filters = {"state": request.args.get("state", ""), "sort": "updated"}
    page = paginate_list(services.requests_for(current_user, filters))
    return render_template(
        "facilitation/my_requests.html", page=page, states=list(RequestState), filters=filters
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.STARTUP)
def new_request():
    form = SphereStepForm()
    if form.validate_on_submit():
        try:
            fr = services.create_request(current_user, form.sphere.data, form.title.data)
        except FacilitationError as error:
            _apply_error(form, error)
        except WorkflowError as error:
            return _workflow_refusal(error)
        else:
            flash(_("Draft saved. Continue with the summary."), "success")
            return redirect(url_for("facilitation.edit_draft", request_id=fr.id, step="summary"))
    return (
        render_template(
            "facilitation/wizard.html",
            form=form,
            step="sphere",
            fr=None,
            steps=STEPS,
            step_titles=STEP_TITLES,
            sphere_hints=SPHERE_HINTS,
        ),
        422 if request.method == "POST" else 200,
    )


def _city_choices(blank: str | None = None) -> list[SelectChoice]:
    cities = reference.cities_list()
    return [SelectChoice("", _("Choose…") if blank is None else blank)] + [
        SelectChoice(str(c.id), f"{c.name} ({c.province.name})") for c in cities
    ]


def _sector_choices() -> list[SelectChoice]:
    return [SelectChoice(str(s.id), s.name) for s in reference.sectors_list()]


def _step_form(fr: FacilitationRequest, step: str) -> Any:
    """The form of ``step``, filled from the draft on GET and from the post on POST."""
    data = None if request.method == "POST" else fr
    if step == "sphere":
        return SphereStepForm(obj=data)
    if step == "summary":
        return SummaryStepForm(obj=data)
    if step == "files":
        form = AttachmentForm()
        return _restore_form(fr, "attachment", form) if request.method == "GET" else form
    if fr.sphere == Sphere.CAPITAL_AVAILABILITY:
        form = CapitalStepForm(obj=data)
        if data is not None and fr.currency is None:
            form.currency.data = "PKR"
        form.sector_id.choices = [SelectChoice("", _("Choose…"))] + _sector_choices()
        return form
    form_class = InfrastructureStepForm if fr.sphere == Sphere.INFRASTRUCTURE else OtherStepForm
    form = form_class(obj=data)
    form.city_id.choices = _city_choices()
    return form


def _draft_values(form: Any) -> dict[str, Any]:
    skip = {"csrf_token", "file"}
    return {name: f.data for name, f in form._fields.items() if name not in skip}


@bp.route("/requests/<int:request_id>/draft/<step>", methods=["GET", "POST"])
@roles_required(Role.STARTUP)
def edit_draft(request_id: int, step: str):
    fr = services.get_request_for(current_user, request_id, for_update=request.method == "POST")
    if fr.state != RequestState.DRAFT:
        flash(_("This request was submitted; it can no longer be edited."), "info")
        return redirect(url_for("facilitation.detail", request_id=fr.id))
    if step not in STEPS:
        return redirect(url_for("facilitation.edit_draft", request_id=fr.id, step="sphere"))
    form = _step_form(fr, step)
    if step != "files" and form.validate_on_submit():
        try:
            services.update_draft(fr, current_user, **_draft_values(form))
        except FacilitationError as error:
            db.session.rollback()
            _apply_error(form, error)
        except WorkflowError as error:
            return _workflow_refusal(error, fr)
        else:
            following = STEPS[STEPS.index(step) + 1]
            flash(_("Draft saved."), "success")
            return redirect(url_for("facilitation.edit_draft", request_id=fr.id, step=following))
    return (
        render_template(
            "facilitation/wizard.html",
            form=form,
            step=step,
            fr=fr,
            steps=STEPS,
            step_titles=STEP_TITLES,
            sphere_hints=SPHERE_HINTS,
            missing=services.missing_for_submission(fr) if step == "files" else [],
            accept=uploads.ACCEPT_ATTRIBUTE,
        ),
        422 if request.method == "POST" else 200,
    )


# --- One request ------------------------------------------------------------------------------


def _render_detail(fr: FacilitationRequest, status: int = 200, **overrides: Any):  # type: ignore[no-untyped-def]
    actor = services.actor_of(current_user, fr)
    events = db.session.scalars(
        sa.select(RequestEvent)
        .where(RequestEvent.request_id == fr.id)
        .options(joinedload(RequestEvent.actor))
        .order_by(RequestEvent.id)
    ).all()
    referrals = db.session.scalars(
        sa.select(Referral)
        .where(Referral.request_id == fr.id)
        .options(joinedload(Referral.channel), joinedload(Referral.referred_by))
        .order_by(Referral.id)
    ).all()
    context: dict[str, Any] = {
        "fr": fr,
        "actor": actor,
        "is_staff": actor == Actor.STAFF,
        "events": events,
        "messages": services.visible_messages(fr, current_user),
        "attachments": fr.attachments,
        "referrals": referrals,
        # Referring has its own form (it names the channel), so it is not among the buttons.
        "moves": [
            m
            for m in moves_from(fr.state, actor)
            if m.target not in (RequestState.SUBMITTED, RequestState.REFERRED)
        ]
        if actor
        else [],
        "message_form": _restore_form(fr, "message", MessageForm(formdata=None)),
        "attachment_form": _restore_form(fr, "attachment", AttachmentForm(formdata=None)),
        "accept": uploads.ACCEPT_ATTRIBUTE,
        "outcomes": list(ResolutionOutcome),
        "move_error": None,
        "move_values": {},
    }
    if actor == Actor.STAFF:
        assign_form = AssignForm(formdata=None, data={"assignee_id": str(fr.assignee_id or "")})
        assign_form.assignee_id.choices = [SelectChoice("", _("Nobody"))] + [
            SelectChoice(str(u.id), u.name) for u in services.staff_users()
        ]
        context.update(
            assign_form=assign_form,
            refer_form=_refer_form(fr),
            suggestions=services.suggested_channels(fr),
            referral_form=ReferralOutcomeForm(formdata=None),
            can_refer=fr.state in (RequestState.IN_REVIEW, RequestState.REFERRED),
        )
    context.update(overrides)
    return render_template("facilitation/detail.html", **context), status


def _refer_form(fr: FacilitationRequest, formdata: Any = None) -> ReferForm:
    """The one referral form: a registered channel, or "Other" with the channel's name."""
    form = ReferForm(formdata=formdata)
    channels = db.session.scalars(
        sa.select(FundingChannel)
        .where(FundingChannel.active.is_(True))
        .order_by(FundingChannel.name)
    ).all()
    form.channel_id.choices = (
        [SelectChoice("", _("Choose…"))]
        + [SelectChoice(str(c.id), c.name) for c in channels]
        + [SelectChoice(services.OTHER_CHANNEL, _("Other (not in the list): name it below"))]
    )
    return form


@bp.route("/requests/<int:request_id>")
@login_required
def detail(request_id: int):
    fr = services.get_request_for(current_user, request_id)
    if fr.state == RequestState.DRAFT:
        return redirect(url_for("facilitation.edit_draft", request_id=fr.id, step="files"))
    return _render_detail(fr)


@bp.route("/requests/<int:request_id>/submit", methods=["POST"])
@roles_required(Role.STARTUP)
def submit(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    try:
        services.transition(fr, RequestState.SUBMITTED, current_user)
    except FacilitationError as error:
        db.session.rollback()
        flash(error.message, "error")
        step = "summary" if error.field in ("title", "summary") else "specifics"
        return redirect(url_for("facilitation.edit_draft", request_id=request_id, step=step))
    except WorkflowError as error:
        if not email_confirmed(current_user):
            # The draft stays; its last step shows why and offers a new confirmation link.
            db.session.rollback()
            return redirect(url_for("facilitation.edit_draft", request_id=request_id, step="files"))
        return _workflow_refusal(error, fr)
    flash(
        _("Your request was submitted. PSEB will respond within the service time shown."),
        "success",
    )
    return redirect(url_for("facilitation.detail", request_id=fr.id))


@bp.route("/requests/<int:request_id>/discard", methods=["GET", "POST"])
@roles_required(Role.STARTUP)
def discard(request_id: int):
    """Ask, then delete a never-submitted draft and its files."""
    fr = services.get_request_for(current_user, request_id, for_update=request.method == "POST")
    if fr.state != RequestState.DRAFT:
        flash(_("This request was submitted; withdraw it instead of discarding it."), "info")
        return redirect(url_for("facilitation.detail", request_id=fr.id))
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            flash(_("The form expired; please try again."), "error")
            return redirect(url_for("facilitation.discard", request_id=fr.id))
        try:
            title = services.discard_draft(fr, current_user)
        except WorkflowError as error:
            return _workflow_refusal(error, fr)
        flash(_("The draft “%(title)s” and its files were deleted.", title=title), "success")
        return redirect(url_for("facilitation.my_requests"))
    return render_template("facilitation/discard.html", fr=fr, form=form, files=len(fr.attachments))


@bp.route("/requests/<int:request_id>/transition", methods=["POST"])
@login_required
def move(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    target = request.form.get("to", "")
    try:
        services.transition(
            fr,
            target,
            current_user,
            comment=request.form.get("comment"),
            reason=request.form.get("reason", ""),
            outcome=request.form.get("outcome", ""),
            outcome_note=request.form.get("outcome_note", ""),
            comment_to=request.form.get("comment_to", ""),
        )
    except FacilitationError as error:
        db.session.rollback()
        if wants_json():
            return problem(422, "Invalid input", error.message, {error.field or "": error.message})
        fr = services.get_request_for(current_user, request_id)
        if target == RequestState.REFERRED.value:
            flash(error.message, "error")  # referring has its own form, not a move button
        return _render_detail(
            fr,
            status=422,
            move_error={"to": target, "field": error.field, "message": error.message},
            move_values=request.form,
        )
    except WorkflowError as error:
        return _workflow_refusal(error, fr)
    if wants_json():
        return {"id": fr.id, "state": fr.state.value}
    flash(str(fr.state.now_sentence), "success")
    return redirect(url_for("facilitation.detail", request_id=fr.id))


@bp.route("/requests/<int:request_id>/messages", methods=["POST"])
@login_required
def post_message(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    form = MessageForm()
    internal = bool(form.internal.data) and current_user.is_staff
    thread = url_for("facilitation.detail", request_id=fr.id) + "#thread"
    if form.validate_on_submit():
        try:
            services.add_message(fr, current_user, form.body.data, internal=internal)
        except FacilitationError as error:
            db.session.rollback()
            _apply_error(form, error)
        except WorkflowError as error:
            return _workflow_refusal(error, fr)
        else:
            flash(_("Internal note saved.") if internal else _("Message sent."), "success")
            return redirect(thread)
    elif wants_json():
        return problem(422, "Invalid input", "The message is not valid.", form.errors)
    flash(_("Your message was not sent: %(errors)s", errors=" ".join(_first_errors(form))), "error")
    if len(form.body.data or "") > STASH_MAX_CHARS:
        # Too long for the session cookie: show it here rather than lose what was typed.
        return _render_detail(fr, status=422, message_form=form)
    return _redirect_with_errors(fr, "message", form, thread)


def _first_errors(form: Any) -> list[str]:
    return [str(errors[0]) for name, errors in form.errors.items() if name != "csrf_token"] or [
        _("the form expired; please try again.")
    ]


@bp.route("/requests/<int:request_id>/attachments", methods=["POST"])
@login_required
def upload(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    form = AttachmentForm()
    upload_file = request.files.get("file")
    try:
        if not form.validate_on_submit():
            raise FacilitationError(_("The form expired; please try again."), "file")
        if upload_file is None or not upload_file.filename:
            raise FacilitationError(_("Choose a file to upload."), "file")
        attachment = uploads.store_attachment(
            fr, current_user, upload_file.filename, upload_file.stream
        )
    except FacilitationError as error:
        db.session.rollback()
        fr = services.get_request_for(current_user, request_id)
        form.file.errors = [error.message]
        if wants_json():
            return problem(422, "Invalid input", error.message, {"file": error.message})
        back = (
            url_for("facilitation.edit_draft", request_id=fr.id, step="files")
            if fr.state == RequestState.DRAFT
            else url_for("facilitation.detail", request_id=fr.id) + "#files"
        )
        return _redirect_with_errors(fr, "attachment", form, back)
    except WorkflowError as error:
        return _workflow_refusal(error, fr)
    flash(_("%(name)s was attached.", name=attachment.original_name), "success")
    if fr.state == RequestState.DRAFT:
        return redirect(url_for("facilitation.edit_draft", request_id=fr.id, step="files"))
    return redirect(url_for("facilitation.detail", request_id=fr.id) + "#files")


@bp.route("/attachments/<int:attachment_id>")
@login_required
def download(attachment_id: int):
    attachment = uploads.get_attachment_for(current_user, attachment_id)
    response: Response = send_file(
        uploads.attachment_path(attachment),
        mimetype=attachment.content_type,
        as_attachment=True,
        download_name=attachment.original_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/requests/<int:request_id>/assign", methods=["POST"])
@staff_required
def assign(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    try:
        services.assign(fr, request.form.get("assignee_id"), current_user)
    except FacilitationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _render_detail(services.get_request_for(current_user, request_id), status=422)
    except WorkflowError as error:
        return _workflow_refusal(error, fr)
    flash(
        _("Assigned to %(name)s.", name=fr.assignee.name)
        if fr.assignee
        else _("The request is unassigned."),
        "success",
    )
    return redirect(url_for("facilitation.detail", request_id=fr.id))


@bp.route("/requests/<int:request_id>/referrals", methods=["POST"])
@staff_required
def refer(request_id: int):
    fr = services.get_request_for(current_user, request_id, for_update=True)
    try:
        services.refer(
            fr,
            request.form.get("channel_id"),
            current_user,
            request.form.get("note", ""),
            other_name=request.form.get("other_name", ""),
        )
    except FacilitationError as error:
        db.session.rollback()
        fr = services.get_request_for(current_user, request_id)
        refer_form = _refer_form(fr, formdata=request.form)
        _apply_error(refer_form, error)
        return _render_detail(fr, status=422, refer_form=refer_form)
    except WorkflowError as error:
        return _workflow_refusal(error, fr)
    flash(_("Referral recorded."), "success")
    return redirect(url_for("facilitation.detail", request_id=fr.id) + "#referrals")


@bp.route("/referrals/<int:referral_id>", methods=["POST"])
@staff_required
def update_referral(referral_id: int):
    referral = services.get_referral_for(current_user, referral_id)
    try:
        services.update_referral(
            referral, request.form.get("outcome"), request.form.get("note", ""), current_user
        )
    except FacilitationError as error:
        db.session.rollback()
        flash(error.message, "error")
        fr = services.get_request_for(current_user, referral.request_id)
        return _render_detail(fr, status=422)
    except WorkflowError as error:
        return _workflow_refusal(error, referral.request)
    flash(_("Referral updated."), "success")
    return redirect(url_for("facilitation.detail", request_id=referral.request_id) + "#referrals")


# --- Staff queue ------------------------------------------------------------------------------

QUEUE_FILTERS = (
    "sphere",
    "state",
    "city_id",
    "province_id",
    "assignee_id",
    "age_days",
    "overdue",
    "q",
    "sort",
)


@bp.route("/queue")
@staff_required
def queue():
    filters = {key: request.args.get(key, "") for key in QUEUE_FILTERS}
    if not filters["state"]:
        filters["state"] = "open"
    page = paginate_list(services.requests_for(current_user, filters))
    return render_template(
        "facilitation/queue.html",
        page=page,
        filters=filters,
        spheres=list(Sphere),
        states=list(RequestState)[1:],
        cities=reference.cities_list(),
        provinces=reference.provinces_list(),
        staff=services.staff_users(),
        ages=services.AGE_CHOICES,
        sorts=[
            ("due", _("First response due")),
            ("oldest", _("Oldest first")),
            ("newest", _("Newest first")),
            ("updated", _("Recently updated")),
        ],
    )


@bp.route("/queue/assign", methods=["POST"])
@staff_required
def bulk_assign():
    back = request.form.get("back") or url_for("facilitation.queue")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("facilitation.queue")
    try:
        changed = services.bulk_assign(
            request.form.getlist("request_ids"), request.form.get("assignee_id"), current_user
        )
    except FacilitationError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(back)
    except WorkflowError as error:
        return _workflow_refusal(error)
    flash(ngettext("%(num)d request assigned.", "%(num)d requests assigned.", changed), "success")
    return redirect(back)


# --- Funding channels -------------------------------------------------------------------------


@bp.route("/channels")
@staff_required
def channels():
    page = paginate_list(
        sa.select(FundingChannel)
        .options(selectinload(FundingChannel.sectors), selectinload(FundingChannel.stage_rows))
        .order_by(FundingChannel.active.desc(), FundingChannel.name)
    )
    return render_template("facilitation/channels.html", page=page)


def _channel_form(channel: FundingChannel | None) -> ChannelForm:
    data = None
    if request.method == "GET" and channel is not None:
        data = {
            "kind": channel.kind.value,
            "currency": channel.currency.value if channel.currency else "",
            "stages": [s.value for s in channel.stages],
            "sector_ids": [str(s.id) for s in channel.sectors],
        }
    form = ChannelForm(obj=channel if request.method == "GET" else None, data=data)
    form.sector_ids.choices = _sector_choices()
    return form


def _save_channel(channel: FundingChannel | None):  # type: ignore[no-untyped-def]
    form = _channel_form(channel)
    if form.validate_on_submit():
        values = {name: f.data for name, f in form._fields.items() if name != "csrf_token"}
        try:
            saved = services.save_channel(channel, **values)
        except FacilitationError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            flash(_("%(name)s saved.", name=saved.name), "success")
            return redirect(url_for("facilitation.channels"))
    return (
        render_template("facilitation/channel_form.html", form=form, channel=channel),
        422 if request.method == "POST" else 200,
    )


@bp.route("/channels/new", methods=["GET", "POST"])
@staff_required
def channel_new():
    return _save_channel(None)


@bp.route("/channels/<int:channel_id>", methods=["GET", "POST"])
@staff_required
def channel_edit(channel_id: int):
    channel = db.get_or_404(FundingChannel, channel_id)
    return _save_channel(channel)


# --- Team and report --------------------------------------------------------------------------


@bp.route("/team", methods=["GET", "POST"])
@admin_required
def team():
    if request.method == "POST":
        user = db.get_or_404(User, request.form.get("user_id", type=int) or 0)
        try:
            if "reports_to" in request.form:
                services.set_reports_to(user, request.form.get("reports_to"), current_user)
            else:
                services.set_supervisor(user, request.form.get("supervisor") == "1", current_user)
        except FacilitationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("%(name)s updated.", name=user.name), "success")
        return redirect(url_for("facilitation.team"))
    rows = db.session.scalars(sa.select(FacilitationStaff)).all()
    flagged = {row.user_id for row in rows if row.supervisor}
    reports_to = {row.user_id: row.reports_to_id for row in rows if row.reports_to_id}
    return render_template(
        "facilitation/team.html",
        staff=services.staff_users(),
        flagged=flagged,
        reports_to=reports_to,
    )


@bp.route("/spheres", methods=["GET", "POST"])
@staff_required
def spheres():
    """Who handles each sphere: new requests are announced to them (else to all staff)."""
    if request.method == "POST":
        try:
            named = services.set_sphere_handlers(
                request.form.get("sphere"), request.form.getlist("user_ids")
            )
        except FacilitationError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            sphere = Sphere(request.form["sphere"])
            flash(
                _(
                    "New %(sphere)s requests now go to %(people)s.",
                    sphere=sphere.label,
                    people=", ".join(u.name for u in named),
                )
                if named
                else _("New %(sphere)s requests now go to all staff.", sphere=sphere.label),
                "success",
            )
        return redirect(url_for("facilitation.spheres"))
    return render_template(
        "facilitation/spheres.html",
        handlers=services.sphere_handlers(),
        staff=services.staff_users(),
    )


@bp.route("/report")
@staff_required
def report_page():
    return render_template("facilitation/report.html", data=report.build_report())


@bp.route("/report.csv")
@staff_required
def report_csv():
    return Response(
        report.report_csv(report.build_report()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="facilitation-report.csv"'},
    )
