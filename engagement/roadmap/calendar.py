"""Which days a meetup may be held, and why a day may not.

Public holidays come from the ``holidays`` library (Islamic ones are estimated there, and we say so),
Ramadan from ``hijridate`` (Umm al-Qura): 1 Ramadan to 1 Shawwal inclusive, the extra day covering
Pakistan's moon sighting, often one day later.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

import holidays
from hijridate import Gregorian, Hijri
from hijridate.ummalqura import GREGORIAN_RANGE

WEEKDAY_TITLES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: First and last Gregorian day hijridate converts.
HIJRI_GREGORIAN_RANGE = (date(*GREGORIAN_RANGE[0]), date(*GREGORIAN_RANGE[1]))


class Holiday(NamedTuple):
    """A public holiday: English and Urdu names, and whether its date is an estimate."""

    day: date
    name: str  # English, without the "(estimated)" label
    name_local: str  # the country's own language (Urdu for PK), as the library labels it
    estimated: bool


# --- public holidays --------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _country_holidays(country: str, year: int, language: str | None, show_estimated: bool):
    kwargs = {"years": year, "islamic_show_estimated": show_estimated}
    if language:
        kwargs["language"] = language
    try:
        return holidays.country_holidays(country, **kwargs)
    except NotImplementedError:  # a country without Islamic holidays takes no such argument
        kwargs.pop("islamic_show_estimated")
        return holidays.country_holidays(country, **kwargs)


@lru_cache(maxsize=64)
def _languages(country: str) -> tuple[str, ...]:
    return tuple(getattr(holidays.country_holidays(country, years=[]), "supported_languages", ()))


def _english(country: str) -> str | None:
    return "en_US" if "en_US" in _languages(country) else None


def _local(country: str) -> str | None:
    return next((lang for lang in _languages(country) if not lang.startswith("en")), None)


@lru_cache(maxsize=256)
def _holiday_days(country: str, year: int) -> frozenset[date]:
    return frozenset(_country_holidays(country, year, None, False))


def is_public_holiday(day: date, country: str | None = "PK") -> bool:
    """Whether ``day`` is a public holiday of the country (estimated Islamic dates included)."""
    return bool(country) and day in _holiday_days(country, day.year)


def holidays_cover(country: str, start: date, end: date) -> bool:
    """Whether the ``holidays`` library knows the country and has its calendar for the window."""
    if not isinstance(country, str) or not country.isalpha() or len(country) not in (2, 3):
        return False
    try:
        entity = holidays.country_holidays(country, years=[])
    except (NotImplementedError, KeyError, AttributeError):
        return False
    first = getattr(entity, "start_year", 1)
    last = getattr(entity, "end_year", 9999)
    return first <= start.year and end.year <= last


def public_holiday(day: date, country: str | None = "PK") -> Holiday | None:
    """The public holiday on ``day`` (several on one day are joined by "; "), or None."""
    if not is_public_holiday(day, country):
        return None
    plain = _country_holidays(country, day.year, _english(country), False)
    name = plain.get(day)
    if name is None:
        return None
    labelled = _country_holidays(country, day.year, _english(country), True).get(day)
    local_language = _local(country)
    local = (
        _country_holidays(country, day.year, local_language, True).get(day)
        if local_language
        else labelled
    )
    return Holiday(day, name, local or labelled, labelled != name)


def public_holidays(start: date, end: date, country: str | None = "PK") -> list[Holiday]:
    """Every public holiday from ``start`` to ``end`` inclusive, by date."""
    if not country:
        return []
    return [
        public_holiday(day, country)
        for year in range(start.year, end.year + 1)
        for day in sorted(_holiday_days(country, year))
        if start <= day <= end
    ]


def is_estimated(day: date, country: str | None = "PK") -> bool:
    """Whether the holiday on ``day`` is an estimated (Islamic calendar) date."""
    holiday = public_holiday(day, country)
    return bool(holiday and holiday.estimated)


# --- Ramadan -----------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _ramadan_of_hijri_year(hijri_year: int) -> tuple[date, date] | None:
    try:
        first = Hijri(hijri_year, 9, 1).to_gregorian()
        shawwal = Hijri(hijri_year, 10, 1).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return date(first.year, first.month, first.day), date(shawwal.year, shawwal.month, shawwal.day)


def ramadan_covers(start: date, end: date) -> bool:
    """Whether hijridate can place Ramadan for every day of the window."""
    lo, hi = HIJRI_GREGORIAN_RANGE
    return lo <= start and end <= hi


def ramadan_ranges(start: date, end: date) -> list[tuple[date, date]]:
    """The avoided Ramadan spans (1 Ramadan .. 1 Shawwal inclusive) overlapping the window."""
    lo, hi = HIJRI_GREGORIAN_RANGE
    first_year = Gregorian.fromdate(max(start, lo)).to_hijri().year
    last_year = Gregorian.fromdate(min(end, hi)).to_hijri().year
    spans = []
    for year in range(first_year, last_year + 1):
        span = _ramadan_of_hijri_year(year)
        if span and span[0] <= end and span[1] >= start:
            spans.append(span)
    return spans


@lru_cache(maxsize=256)
def _ramadan_in_year(year: int) -> tuple[tuple[date, date], ...]:
    lo, hi = HIJRI_GREGORIAN_RANGE
    first, last = max(date(year, 1, 1), lo), min(date(year, 12, 31), hi)
    return tuple(ramadan_ranges(first, last)) if first <= last else ()


def ramadan_span(day: date) -> tuple[date, date] | None:
    """The avoided Ramadan span (1 Ramadan .. 1 Shawwal) containing ``day``, or None."""
    for span in _ramadan_in_year(day.year):
        if span[0] <= day <= span[1]:
            return span
    return None


# --- allowed days -----------------------------------------------------------------------------


def week_label(day: date) -> str:
    """ISO week as ``2027-W19``."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
