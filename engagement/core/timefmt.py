"""Showing UTC times in the viewer's zone (Asia/Karachi by default)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, request
from flask_login import current_user

_ZONES: frozenset[str] | None = None


def valid_timezone(name: str | None) -> bool:
    """True when ``name`` is an IANA time zone this machine knows."""
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return bool(name) and name in _ZONES


def viewer_timezone() -> str:
    """The viewer's zone: profile setting, then the browser's (cookie ``tz``), then the default."""
    zone = getattr(current_user, "timezone", None) if current_user else None
    if not valid_timezone(zone):
        zone = request.cookies.get("tz") if request else None
    if not valid_timezone(zone):
        zone = current_app.config["TIMEZONE"]
    return zone


def localtime(value: datetime | None, zone: str | None = None) -> datetime | None:
    """Convert an aware datetime to ``zone`` (default: the viewer's)."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(zone or viewer_timezone()))


def format_datetime(
    value: datetime | None, zone: str | None = None, fmt: str = "%a %d %b %Y, %H:%M"
) -> str:
    """Format as text with the zone abbreviation, e.g. ``Mon 04 Jan 2027, 15:00 PKT``."""
    local = localtime(value, zone)
    if local is None:
        return ""
    return f"{local.strftime(fmt)} {local.tzname()}"
