"""What the home page shows: upcoming events from the features that have them."""

from __future__ import annotations

from typing import Any


def home_context() -> dict[str, Any]:
    """Upcoming webinars and meetups (each feature provides ``upcoming(limit)`` when built)."""
    context: dict[str, Any] = {"webinars": [], "meetups": []}
    try:
        from engagement.webinars.services import upcoming_webinars

        context["webinars"] = upcoming_webinars(limit=4)
    except ImportError:
        pass
    try:
        from engagement.meetups.services import upcoming_meetups

        context["meetups"] = upcoming_meetups(limit=4)
    except ImportError:
        pass
    return context
