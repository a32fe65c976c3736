"""Routes of the roadmap feature."""

from engagement.roadmap import bp  # noqa: F401
