"""Showing UTC times in the viewer's zone (Asia/Karachi by default).

The viewer's zone is decided here and nowhere else: the profile's zone, else the zone the browser
reported once (``static/js/app.js`` stores it in the ``tz`` cookie), else ``TIMEZONE``. A browser
that reports plain UTC is almost always a machine with no zone set (a kiosk, a VM, a headless
browser), not a person in UTC, so that report is ignored; a person who wants UTC picks it in their
profile.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import unquote
from zoneinfo import ZoneInfo, available_timezones

from flask import current_app, g, has_request_context, request
from flask_login import current_user

_ZONES: frozenset[str] | None = None

#: Zones a browser reports when its machine has no zone configured.
UNSET_BROWSER_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal",
                                 "Etc/Zulu", "Zulu", "Etc/UCT", "UCT", "Etc/Greenwich"})  # fmt: skip


def valid_timezone(name: str | None) -> bool:
    """True when ``name`` is an IANA time zone this machine knows."""
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return bool(name) and name in _ZONES


def browser_timezone() -> str | None:
    """The zone the browser reported in the ``tz`` cookie, if it is a real one."""
    if not has_request_context():
        return None
    raw = request.cookies.get("tz")
    if not raw or len(raw) > 100:
        return None
    # Older versions of app.js stored the zone URL-encoded (America%2FNew_York).
    zone = unquote(raw).strip()
    if not valid_timezone(zone) or zone in UNSET_BROWSER_ZONES:
        return None
    return zone


def profile_timezone() -> str | None:
    """The signed-in user's chosen zone, if any."""
    if not has_request_context():
        return None
    # Flask-Login keeps the request's user in ``g._login_user`` once loaded; reading it there
    # skips the ``current_user`` proxy, which costs more than the rest of this function and
    # runs for every ``|datetime`` on a page (issue 13: per-row template work).
    user = g.get("_login_user")
    if user is None:
        user = current_user
    zone = getattr(user, "timezone", None) if user else None
    return zone if valid_timezone(zone) else None


def viewer_timezone_source() -> str:
    """Where the viewer's zone comes from: ``profile``, ``browser`` or ``default``."""
    if profile_timezone():
        return "profile"
    if browser_timezone():
        return "browser"
    return "default"


def viewer_timezone() -> str:
    """The viewer's zone: profile setting, then the browser's (cookie ``tz``), then the default."""
    return profile_timezone() or browser_timezone() or current_app.config["TIMEZONE"]


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


def format_datetime_both(value: datetime | None, other: str | None = None) -> str:
    """The viewer's time, then ``other`` (default Pakistan time) beside it when the two differ:
    ``Mon 04 Jan 2027, 11:00 CET (15:00 PKT)``."""
    if value is None:
        return ""
    mine = viewer_timezone()
    other = other or current_app.config["TIMEZONE"]
    text = format_datetime(value, mine)
    there = localtime(value, other)
    here = localtime(value, mine)
    if there is not None and here is not None and there.utcoffset() != here.utcoffset():
        same_day = there.date() == here.date()
        text += f" ({there.strftime('%H:%M' if same_day else '%a %d %b, %H:%M')} {there.tzname()})"
    return text
