"""The API's own pages: the OpenAPI description and the interactive docs; resource wiring."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, url_for
from flask.blueprints import BlueprintSetupState

from engagement.api import (
    bp,
    directory,
    events,
    facilitation,
    metrics,
    partners,
    registrations,
    roadmap,
    tokens,
)
from engagement.api.spec import init_api
from engagement.auth.access import public

#: Resource blueprints, in the order their tags appear in the docs.
RESOURCES = [
    tokens.blp,
    events.blp,
    registrations.blp,
    roadmap.blp,
    facilitation.blp,
    directory.blp,
    metrics.blp,
    partners.blp,
]


@bp.record_once
def _register_resources(state: BlueprintSetupState) -> None:
    init_api(state.app, RESOURCES)


@bp.route("/openapi.json")
@public
def openapi_json():
    """The OpenAPI 3 description, generated from the views and schemas."""
    return jsonify(current_app.extensions["engagement_api"].spec.to_dict())


@bp.route("/docs")
@public
def docs():
    """Swagger UI on the description, with its assets served from our static folder."""
    return render_template("api/docs.html", spec_url=url_for("api.openapi_json"))
