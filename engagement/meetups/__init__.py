"""Industry meetups in cities across Pakistan, built on the events engine."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("meetups", __name__, url_prefix="/meetups")

from engagement.meetups import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What meetups add to pages other features own: the home page."""
    from engagement.core.home import add_home_provider
    from engagement.meetups.services import upcoming_meetups

    add_home_provider(state.app, "meetups", lambda: {"meetups": upcoming_meetups(limit=4)})
