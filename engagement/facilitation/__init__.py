"""Startup facilitation requests: submission, triage, referral and resolution."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("facilitation", __name__, url_prefix="/facilitation")

from engagement.facilitation import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What facilitation adds to pages other features own: organisations' timelines."""
    from engagement.core.timeline import add_timeline_source
    from engagement.facilitation.timeline import requests

    add_timeline_source(state.app, "facilitation_requests", requests)
