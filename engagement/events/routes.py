"""Routes of the events feature: registrations, tickets, calendars and staff tools."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from engagement.auth.access import public
from engagement.events import bp
from engagement.events import services as svc


@bp.route("/tickets/<token>")
@public
def ticket(token: str):
    """A confirmed registrant's ticket (the QR code staff scan at check-in)."""
    registration = svc.get_registration_by_ticket(token)
    return render_template(
        "events/ticket.html", registration=registration, event=registration.event, user=current_user
    )
