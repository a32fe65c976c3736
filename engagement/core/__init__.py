"""Core: home page, error handling, transaction boundary, security headers, time display."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from engagement.core import routes  # noqa: E402,F401
