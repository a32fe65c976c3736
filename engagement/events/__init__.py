"""The registration engine shared by webinars and meetups: events, seats, waitlists, check-in."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("events", __name__)

from engagement.events import desk, routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What the engine adds to pages other features own: organisations' timelines."""
    from engagement.core.timeline import add_timeline_source
    from engagement.events.timeline import registrations

    add_timeline_source(state.app, "event_registrations", registrations)
