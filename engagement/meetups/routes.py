"""Routes of the meetups feature."""

from engagement.meetups import bp  # noqa: F401
