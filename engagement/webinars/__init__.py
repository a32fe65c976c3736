"""Webinars with overseas entities, built on the events engine."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("webinars", __name__, url_prefix="/webinars")

from engagement.webinars import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What webinars add to pages other features own: the home page."""
    from engagement.core.home import add_home_provider
    from engagement.webinars.services import upcoming_webinars

    add_home_provider(state.app, "webinars", lambda: {"webinars": upcoming_webinars(limit=4)})
