"""Industry meetups in cities across Pakistan, built on the events engine."""

from flask import Blueprint

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
