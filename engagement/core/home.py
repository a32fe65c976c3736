"""What the home page shows, assembled from what each feature offers.

The core knows no feature: a feature registers a *home provider* when its blueprint is registered
(``bp.record_once(lambda s: add_home_provider(s.app, "webinars", function))``). A provider returns
the template variables it fills (``{"webinars": [...]}``); the home template treats a missing one
as empty, so the page works with any set of features.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

HomeProvider = Callable[[], dict[str, Any]]

EXTENSION_KEY = "engagement.home_providers"


def add_home_provider(app: Flask, name: str, provider: HomeProvider) -> None:
    """Register ``provider`` under ``name`` (the same name again replaces it)."""
    app.extensions.setdefault(EXTENSION_KEY, {})[name] = provider


def home_context() -> dict[str, Any]:
    """The home template's variables from every registered provider."""
    context: dict[str, Any] = {}
    for provider in current_app.extensions.get(EXTENSION_KEY, {}).values():
        context.update(provider())
    return context
