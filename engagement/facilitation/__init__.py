"""Startup facilitation requests: submission, triage, referral and resolution."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("facilitation", __name__, url_prefix="/facilitation")

from engagement.facilitation import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What facilitation adds to pages other features own: organisations' timelines."""
    from flask_babel import lazy_gettext as _l

    from engagement.auth.access import Advice, add_access_advice
    from engagement.auth.models import Role
    from engagement.core.timeline import add_timeline_source
    from engagement.facilitation.timeline import requests

    add_timeline_source(state.app, "facilitation_requests", requests)
    add_access_advice(
        state.app,
        bp.name,
        {
            Role.COMPANY: Advice(
                _l(
                    "Facilitation (office space, funding channels, policy and HR help) is PSEB's "
                    "programme for startups. As a company you can register for webinars and meetups, "
                    "and arrange B2B meetings with overseas partners. If you are also founding a "
                    "startup, create a separate startup account for it."
                ),
                (
                    (_l("Upcoming webinars"), "webinars.index"),
                    (_l("My meetings"), "partners.meetings"),
                ),
            ),
            Role.STAFF: Advice(
                _l("Startups submit requests themselves; staff work on them in the request queue."),
                ((_l("Request queue"), "facilitation.queue"),),
            ),
            Role.ADMIN: Advice(
                _l("Startups submit requests themselves; staff work on them in the request queue."),
                ((_l("Request queue"), "facilitation.queue"),),
            ),
        },
    )
