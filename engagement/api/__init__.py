"""JSON API v1 over the same services as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from engagement.api import routes  # noqa: E402,F401
