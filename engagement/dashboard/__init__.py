"""The staff impact dashboard: programme-level figures against the same period a year earlier.

It reads the other features' tables (directory, events, webinars, meetups, roadmap, facilitation)
with aggregate SQL; no other feature imports it.
"""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from engagement.dashboard import routes  # noqa: E402,F401
