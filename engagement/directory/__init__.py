"""The stakeholder directory and the reference data (provinces, districts, cities, sectors)."""

from flask import Blueprint

bp = Blueprint("directory", __name__, url_prefix="/directory")

from engagement.directory import routes  # noqa: E402,F401
