"""Industry meetups in cities across Pakistan, built on the events engine."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("meetups", __name__, url_prefix="/meetups")

from engagement.meetups import routes  # noqa: E402,F401

# Publishing a roadmap draft creates a meetup: the roadmap calls back into this feature, so its
# imports run one way (meetups -> roadmap).
from engagement.meetups.services import (  # noqa: E402
    choose_venue,
    cities_with_usable_venue,
    create_meetup_for_entry,
)
from engagement.roadmap.adapter import register_publisher  # noqa: E402

register_publisher(choose_venue, create_meetup_for_entry, cities_with_usable_venue)


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What meetups add to pages other features own: the home page."""
    from engagement.core.home import add_home_provider
    from engagement.meetups.services import upcoming_meetups

    add_home_provider(state.app, "meetups", lambda: {"meetups": upcoming_meetups(limit=4)})
