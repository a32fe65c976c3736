"""Overseas partners: partner accounts, the public showcase of Pakistani IT companies, and B2B
meetings across time zones. Depends on webinars, events, directory, auth and notifications;
nothing in those knows about it."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("partners", __name__)

from engagement.partners import routes  # noqa: E402,F401
from engagement.partners.services import register_share_profile_extra  # noqa: E402

register_share_profile_extra()


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """What partners add to pages other features own: organisations' timelines."""
    from engagement.core.timeline import add_timeline_source
    from engagement.partners.timeline import meetings

    add_timeline_source(state.app, "b2b_meetings", meetings)
