"""Industry meetups in cities across Pakistan, built on the events engine."""

from flask import Blueprint

bp = Blueprint("meetups", __name__, url_prefix="/meetups")

from engagement.meetups import routes  # noqa: E402,F401
