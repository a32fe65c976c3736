"""Routes of the api feature."""

from engagement.api import bp  # noqa: F401
