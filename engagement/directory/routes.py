"""Staff directory pages and own-profile editing."""

from engagement.directory import bp  # noqa: F401
