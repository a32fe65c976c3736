"""Accounts, organisations, roles and sign-in."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from engagement.auth import routes  # noqa: E402,F401
