"""PSEB Engage: the application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; ``config`` overrides everything else (tests use it)."""
    config = dict(config or {})
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get(
        "ENGAGEMENT_INSTANCE_PATH", str(ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from engagement.config import load_config

    load_config(app, config)
    register_converters(app)
    register_json_provider(app)
    if int(app.config["PROXY_FIX"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    from engagement.core import web

    web.init_app(app)
    from engagement.core import assets

    assets.init_app(app)
    register_commands(app)
    return app


def register_converters(app: Flask) -> None:
    from engagement.core.converters import register_converters

    register_converters(app.url_map)


def register_json_provider(app: Flask) -> None:
    from engagement.core.jsonbody import ClientJSONProvider

    app.json = ClientJSONProvider(app)


def configure_logging(app: Flask) -> None:
    from engagement.core.logging import configure

    configure(app)


def register_extensions(app: Flask) -> None:
    from engagement.extensions import cache, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    from engagement.core import i18n

    i18n.init_app(app)
    # Import every feature's models so metadata is complete for migrations and create_all.
    from sqlalchemy.orm import configure_mappers

    from engagement import models  # noqa: F401

    # Build every mapper now, so relationships defined by backref (Event.webinar) exist as class
    # attributes before the first query names them.
    configure_mappers()


def register_blueprints(app: Flask) -> None:
    from engagement.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from engagement.commands import register

    register(app)
