"""Startup facilitation requests: submission, triage, referral and resolution."""

from flask import Blueprint

bp = Blueprint("facilitation", __name__, url_prefix="/facilitation")

from engagement.facilitation import routes  # noqa: E402,F401
