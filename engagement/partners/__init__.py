"""Overseas partners: partner accounts, the public showcase of Pakistani IT companies, and B2B
meetings across time zones. Depends on webinars, events, directory, auth and notifications;
nothing in those knows about it."""

from flask import Blueprint

bp = Blueprint("partners", __name__)

from engagement.partners import routes  # noqa: E402,F401
from engagement.partners.services import register_share_profile_extra  # noqa: E402

register_share_profile_extra()
