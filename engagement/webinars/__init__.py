"""Webinars with overseas entities, built on the events engine."""

from flask import Blueprint

bp = Blueprint("webinars", __name__, url_prefix="/webinars")

from engagement.webinars import routes  # noqa: E402,F401
