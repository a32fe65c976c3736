"""Home page and health check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, jsonify, render_template

from engagement.auth.access import public
from engagement.core import bp
from engagement.core.cache import anonymous_page
from engagement.core.nav import main_nav, nav_sections
from engagement.extensions import db


@bp.app_context_processor
def inject_nav() -> dict[str, object]:
    return {
        "main_nav": main_nav,
        "nav_sections": nav_sections,
        "has_endpoint": lambda name: name in current_app.view_functions,
    }


@bp.route("/")
@public
@anonymous_page
def home():
    from engagement.core.home import home_context

    return render_template("core/home.html", **home_context())


@bp.route("/healthz")
@public
def healthz():
    db.session.execute(sa.text("SELECT 1"))
    return jsonify(status="ok")
