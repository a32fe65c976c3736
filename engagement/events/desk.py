"""The check-in desk at the door: search or scan a ticket, check in, undo, live counts.

Works without JavaScript (search and check-in buttons are plain forms, each POST redirects back
to the desk with the result kept in the session); ``static/js/desk.js`` adds the camera scanner
(``BarcodeDetector`` or the bundled jsQR) and answers in place through the same POST, asking for
JSON.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import abort, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload

from engagement.auth.access import staff_required
from engagement.auth.models import Organisation
from engagement.core.timefmt import TIME, format_datetime
from engagement.core.web import wants_json
from engagement.events import bp
from engagement.events import services as svc
from engagement.events.forms import SelfRegisterForm
from engagement.events.models import Event, Registration, RegistrationState
from engagement.extensions import db

#: The ticket token inside a scanned QR code (its URL ends in /staff/check-in/<token>).
TOKEN_RE = re.compile(r"(?:/staff/check-in/)?([A-Za-z0-9_-]{16,64})/?$")
MAX_MATCHES = 20
RESULT_KEY = "desk_result"


def _desk_url(event: Event, q: str | None = None) -> str:
    return url_for("events.desk", event_id=event.id, q=q or None)


def _search(event: Event, q: str) -> list[Registration]:
    """Registrations at this event matching a name, email, organisation or ticket code."""
    needle = q.strip().lower()
    if not needle:
        return []
    like = f"%{needle.replace('%', '').replace('_', '')}%"
    query = (
        sa.select(Registration)
        .outerjoin(Registration.organisation)
        .options(joinedload(Registration.organisation))
        .where(
            Registration.event_id == event.id,
            Registration.state.in_(
                (RegistrationState.CONFIRMED, RegistrationState.ATTENDED, RegistrationState.NO_SHOW)
            ),
            sa.or_(
                sa.func.lower(Registration.name).like(like),
                Registration.email.like(like),
                sa.func.lower(Organisation.name).like(like),
                Registration.ticket_token == q.strip(),
            ),
        )
        .order_by(Registration.name, Registration.id)
        .limit(MAX_MATCHES)
    )
    return list(db.session.scalars(query))


def _find(event: Event, registration_id: str, code: str) -> Registration | str:
    """The registration the desk asked for, or a sentence saying why there is none."""
    if registration_id:
        if not registration_id.isdigit():
            abort(400)
        registration = db.session.scalar(
            sa.select(Registration).where(
                Registration.id == int(registration_id), Registration.event_id == event.id
            )
        )
        if registration is None:
            abort(404)
        return registration
    match = TOKEN_RE.search(code.strip())
    if not match:
        return _("This is not a PSEB Engage ticket code.")
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.ticket_token == match.group(1))
    )
    if registration is None:
        return _("No ticket matches this code.")
    if registration.event_id != event.id:
        return _("This ticket is for another event: %(title)s.", title=registration.event.title)
    return registration


def _result(ok: bool, message: str, registration: Registration | None = None) -> dict:
    organisation = registration.organisation if registration is not None else None
    return {
        "ok": ok,
        "message": message,
        "name": registration.name if registration is not None else "",
        "organisation": organisation.name if organisation is not None else "",
        "registration_id": registration.id if registration is not None else None,
    }


def _answer(event: Event, result: dict, q: str):
    """JSON for the scanner script, else the result kept for the redirect back to the desk."""
    if result["ok"] and result.get("undo") is None:
        session[f"desk_last:{event.id}"] = result["registration_id"]
    if wants_json():
        return jsonify({**result, "counts": svc.door_counts(event)})
    session[RESULT_KEY] = {**result, "event_id": event.id}
    return redirect(_desk_url(event, q))


@bp.route("/staff/events/<int:event_id>/desk")
@staff_required
def desk(event_id: int):
    """The check-in desk: search box, camera scanner, result, undo and live counts."""
    event = svc.get_event_for(current_user, event_id)
    q = (request.args.get("q") or "").strip()[:200]
    result = session.pop(RESULT_KEY, None)
    if result is not None and result.get("event_id") != event.id:
        result = None
    last_id = session.get(f"desk_last:{event.id}")
    last = db.session.get(Registration, last_id) if last_id else None
    if last is not None and (last.event_id != event.id or last.state != RegistrationState.ATTENDED):
        last = None
    page = render_template(
        "events/desk.html",
        event=event,
        q=q,
        matches=_search(event, q),
        result=result,
        last=last,
        counts=svc.door_counts(event),
        closed_reason=svc.check_in_closed_reason(event),
    )
    # The one page that may use the camera (the ticket scanner); every other page denies it.
    return page, {"Permissions-Policy": "camera=(self), microphone=(), geolocation=()"}


@bp.route("/staff/events/<int:event_id>/desk/check-in", methods=["POST"])
@staff_required
def desk_check_in(event_id: int):
    """Check in one registrant, by the button next to their name or by a scanned ticket code."""
    event = svc.get_event_for(current_user, event_id)
    if not SelfRegisterForm().validate_on_submit():
        abort(400)
    q = (request.form.get("q") or "").strip()[:200]
    found = _find(event, request.form.get("registration_id", ""), request.form.get("code", ""))
    if isinstance(found, str):
        return _answer(event, _result(False, found), q)
    if found.state == RegistrationState.ATTENDED:
        when = format_datetime(found.checked_in_at, event.timezone, TIME)
        return _answer(
            event,
            {
                **_result(False, _("Already checked in at %(time)s.", time=when), found),
                "undo": False,
            },
            q,
        )
    try:
        svc.check_in(found, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        found = db.session.get(Registration, found.id)
        return _answer(event, {**_result(False, error.message, found), "undo": False}, q)
    return _answer(event, _result(True, _("Checked in."), found), q)


@bp.route("/staff/events/<int:event_id>/desk/undo", methods=["POST"])
@staff_required
def desk_undo(event_id: int):
    """Take back the last check-in made at this desk."""
    event = svc.get_event_for(current_user, event_id)
    if not SelfRegisterForm().validate_on_submit():
        abort(400)
    q = (request.form.get("q") or "").strip()[:200]
    if not (request.form.get("registration_id") or "").isdigit():
        abort(400)
    found = _find(event, request.form["registration_id"], "")
    assert isinstance(found, Registration)
    try:
        svc.undo_check_in(found, current_user)
    except svc.RegistrationError as error:
        db.session.rollback()
        return _answer(event, {**_result(False, error.message), "undo": True}, q)
    session.pop(f"desk_last:{event.id}", None)
    return _answer(event, {**_result(True, _("Check-in undone."), found), "undo": True}, q)


@bp.route("/staff/events/<int:event_id>/desk/counts.json")
@staff_required
def desk_counts(event_id: int):
    """Live counts for the desk (polled by desk.js)."""
    event = svc.get_event_for(current_user, event_id)
    return jsonify(svc.door_counts(event))
