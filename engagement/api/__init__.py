"""JSON API v1 over the same services as the pages; its OpenAPI description comes from the code.

``bp`` serves the description and the docs page; registering it (engagement.blueprints) also
registers the resource blueprints and builds the spec (engagement.api.routes).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from engagement.api import routes  # noqa: E402,F401
