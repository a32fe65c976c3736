"""The six-month meetup roadmap: a pure planner (``planner``), its checker, and the staff board."""

from flask import Blueprint

bp = Blueprint("roadmap", __name__, url_prefix="/roadmap")

from engagement.roadmap import routes  # noqa: E402,F401
