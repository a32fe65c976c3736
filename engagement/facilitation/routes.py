"""Routes of the facilitation feature."""

from engagement.facilitation import bp  # noqa: F401
