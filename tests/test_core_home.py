"""The home page is assembled from what each feature offers; the core imports no feature."""

from __future__ import annotations

import ast
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import engagement
from engagement.core.home import add_home_provider
from engagement.events import services as events
from engagement.events.models import EventKind, EventState
from engagement.extensions import db

FEATURES = {"auth", "directory", "events", "webinars", "meetups", "roadmap", "facilitation", "api"}


def test_core_imports_no_feature():
    core = Path(engagement.__file__).parent / "core"
    for path in core.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "engagement" and len(parts) > 1:
                    assert parts[1] not in FEATURES - {"auth"}, f"{path.name} imports {name}"


def test_features_register_home_providers(app):
    assert set(app.extensions["engagement.home_providers"]) >= {"webinars", "meetups"}


def test_home_shows_what_the_providers_offer(app, client):
    with app.app_context(), app.test_request_context():
        events.create_event(
            EventKind.WEBINAR,
            "Selling software to Germany",
            datetime.now(UTC) + timedelta(days=3),
            duration_minutes=60,
            capacity=10,
            state=EventState.PUBLISHED,
        )
        db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Selling software to Germany" in page
    assert "The meetup roadmap will be published here." in page


def test_a_new_provider_is_one_function(app, client):
    card = SimpleNamespace(
        title="Karachi partner day", url="/x", starts_at=datetime(2027, 1, 5, 5, tzinfo=UTC)
    )
    add_home_provider(app, "test_extra", lambda: {"meetups": [card]})
    try:
        page = client.get("/").get_data(as_text=True)
        assert '<a href="/x">Karachi partner day</a>' in page
    finally:
        del app.extensions["engagement.home_providers"]["test_extra"]
