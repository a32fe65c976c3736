"""Routes of the webinars feature."""

from engagement.webinars import bp  # noqa: F401
