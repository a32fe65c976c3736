"""Routes of the events feature."""

from engagement.events import bp  # noqa: F401
