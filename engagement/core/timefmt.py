"""Showing UTC times in the viewer's zone (Asia/Karachi by default).

The viewer's zone is decided here and nowhere else: the profile's zone, else the zone the browser
reported once (``static/js/app.js`` stores it in the ``tz`` cookie), else ``TIMEZONE``. A browser
that reports plain UTC is almost always a machine with no zone set (a kiosk, a VM, a headless
browser), not a person in UTC, so that report is ignored; a person who wants UTC picks it in their
profile.

Dates and times are written by Babel in the page's language (Flask-Babel's locale, so
``force_locale`` in mail code applies too) from explicit CLDR patterns: ``EEE dd MMM yyyy, HH:mm``
is ``Mon 04 Jan 2027, 15:00`` in English and ``پیر 04 جنوری 2027, 15:00`` in Urdu (Western
digits, as CLDR has them for Urdu). The zone abbreviation (``PKT``) is Python's, as before.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from urllib.parse import unquote
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.dates import DateTimeFormat, DateTimePattern, parse_pattern
from flask import current_app, g, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

_ZONES: frozenset[str] | None = None

#: Zones a browser reports when its machine has no zone configured.
UNSET_BROWSER_ZONES = frozenset({"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Universal",
                                 "Etc/Zulu", "Zulu", "Etc/UCT", "UCT", "Etc/Greenwich"})  # fmt: skip


#: The app's shapes, as CLDR patterns (in English, what strftime wrote before Babel did).
DATETIME = "EEE dd MMM yyyy, HH:mm"  # Mon 04 Jan 2027, 15:00
DATE = "dd MMM yyyy"  # 04 Jan 2027
TIME = "HH:mm"  # 15:00
SHORT_DATETIME = "EEE dd MMM, HH:mm"  # Mon 04 Jan, 15:00


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


@functools.cache
def _locale(code: str) -> Locale:
    """One parsed Babel locale per language for the process (its data stays loaded)."""
    return Locale.parse(code)


@functools.cache
def _pattern(fmt: str) -> DateTimePattern:
    """``fmt`` parsed once. A strftime format (``%H:%M``) would come out as garbage, so it fails."""
    if "%" in fmt:
        raise ValueError(f"{fmt!r} is a strftime format; timefmt takes CLDR patterns (HH:mm)")
    return parse_pattern(fmt)


#: A field in a parsed pattern's format string: ``%(EEE)s``.
_FIELD = re.compile(r"%\((\w+)\)s")
#: Numeric fields, padded to the field's width as Babel pads them.
_NUMBERS: dict[str, Callable[[Any], int]] = {
    "d": lambda v: v.day,
    "y": lambda v: v.year,
    "H": lambda v: v.hour,
    "m": lambda v: v.minute,
    "s": lambda v: v.second,
}
#: Name fields: (Babel's locale data, context); the width by the field's length.
_NAMES = {"E": ("days", "format"), "M": ("months", "format"), "L": ("months", "stand-alone")}
_WIDTHS = {3: "abbreviated", 4: "wide"}


def _field(name: str, locale: Locale) -> Callable[[date], str]:
    """One CLDR field (``EEE``, ``dd``) of ``locale`` as a function of the value."""
    char, width = name[0], len(name)
    if char in _NAMES and width in _WIDTHS:
        data, context = _NAMES[char]
        names = dict(getattr(locale, data)[context][_WIDTHS[width]])
        if char == "E":
            return lambda v: names[v.weekday()]
        return lambda v: names[v.month]
    if char in _NUMBERS and not (char == "y" and width == 2):
        number = _NUMBERS[char]
        return lambda v: f"{number(v):0{width}d}"
    return lambda v: DateTimeFormat(v, locale)[name]  # any other field: Babel's own code


@functools.cache
def _formatter(code: str, fmt: str) -> Callable[[date], str]:
    """``fmt`` in language ``code`` as one function. Babel's ``format_datetime`` spends ~20 µs
    a call looking its locale data up again, and pages show a time on every row (issue 13), so
    the names are taken from Babel once here; tests/test_timefmt.py holds the output to Babel's."""
    pattern = _pattern(fmt)
    locale = _locale(code)
    fields = [
        (name, _field(name, locale)) for name in dict.fromkeys(_FIELD.findall(pattern.format))
    ]
    template = pattern.format
    return lambda value: template % {name: field(value) for name, field in fields}


def format_date(value: date | datetime | None, fmt: str = DATE) -> str:
    """A date, or a datetime as it stands (no zone change, no abbreviation), in the page's
    language: ``format_date(day, "EEE dd MMM yyyy")`` is ``Mon 04 Jan 2027``."""
    if value is None:
        return ""
    locale = get_locale()  # Flask-Babel's, per request; force_locale (mail) changes it
    return _formatter(locale.language if locale else "en", fmt)(value)


def format_datetime(value: datetime | None, zone: str | None = None, fmt: str = DATETIME) -> str:
    """Format as text with the zone abbreviation, e.g. ``Mon 04 Jan 2027, 15:00 PKT``."""
    local = localtime(value, zone)
    if local is None:
        return ""
    return f"{format_date(local, fmt)} {local.tzname()}"


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
        text += f" ({format_datetime(there, other, TIME if same_day else SHORT_DATETIME)})"
    return text
