"""The registration engine shared by webinars and meetups: events, seats, waitlists, check-in."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from engagement.events import desk, routes  # noqa: E402,F401
