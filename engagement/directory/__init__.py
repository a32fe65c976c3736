"""The stakeholder directory and the reference data (provinces, districts, cities, sectors)."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("directory", __name__, url_prefix="/directory")

from engagement.directory import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """The directory's own part of an organisation's timeline: verifications."""
    from engagement.auth.access import Advice, add_access_advice
    from engagement.auth.models import Role
    from engagement.core.timeline import add_timeline_source
    from engagement.directory.services import country_name
    from engagement.directory.timeline import verifications

    add_timeline_source(state.app, "verifications", verifications)
    own_profile = Advice(
        "The directory lists are PSEB staff's working tool. You can keep your own "
        "organisation's profile up to date.",
        (("My profile", "directory.my_profile"),),
    )
    add_access_advice(state.app, bp.name, {Role.COMPANY: own_profile, Role.STARTUP: own_profile})
    # ``{{ code|country }}``: people read country names; codes stay in URLs and the API.
    state.app.add_template_filter(lambda code: country_name(code) or code or "", "country")
