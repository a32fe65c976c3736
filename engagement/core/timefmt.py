"""Showing UTC times in the viewer's zone (Asia/Karachi by default)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, g, has_app_context, request
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
    # Flask-Login keeps the request's user in ``g._login_user`` once loaded; reading it there
    # skips the ``current_user`` proxy, which costs more than the rest of this function and
    # runs for every ``|datetime`` on a page (issue 13: per-row template work).
    user = g.get("_login_user") if has_app_context() else None
    if user is None:
        user = current_user
    zone = getattr(user, "timezone", None) if user else None
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
