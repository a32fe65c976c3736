"""The stakeholder directory and the reference data (provinces, districts, cities, sectors)."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

bp = Blueprint("directory", __name__, url_prefix="/directory")

from engagement.directory import routes  # noqa: E402,F401


@bp.record_once
def _contribute(state: BlueprintSetupState) -> None:
    """The directory's own part of an organisation's timeline: verifications."""
    from engagement.core.timeline import add_timeline_source
    from engagement.directory.services import country_name
    from engagement.directory.timeline import verifications

    add_timeline_source(state.app, "verifications", verifications)
    # ``{{ code|country }}``: people read country names; codes stay in URLs and the API.
    state.app.add_template_filter(lambda code: country_name(code) or code or "", "country")
