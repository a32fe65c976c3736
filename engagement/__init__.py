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
    if int(app.config["PROXY_FIX"]):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    configure_logging(app)
    register_extensions(app)
    register_blueprints(app)
    from engagement.core import web

    web.init_app(app)
    register_commands(app)
    return app


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
    # Import every feature's models so metadata is complete for migrations and create_all.
    from engagement import models  # noqa: F401


def register_blueprints(app: Flask) -> None:
    from engagement.blueprints import BLUEPRINTS

    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from engagement.commands import register

    register(app)
