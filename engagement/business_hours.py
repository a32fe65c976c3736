"""Business hours across countries: the one rule the webinar slot check and B2B meetings share.

A side (Pakistan, a partner) is a country code and an IANA zone. A time is inside its business
hours when it falls within 09:00-17:00 local on one of that country's working days that is not
one of its public holidays. Working days come from the ``holidays`` library's per-country
weekend (Saudi Arabia and Qatar rest on Friday-Saturday, Pakistan, the UAE and Germany on
Saturday-Sunday); countries it does not know fall back to Saturday-Sunday. Friday prayers
(Jumu'ah, about 12:30-14:30 local) are a warning, not a refusal, in Pakistan and in the
Muslim-majority countries listed below.

No database. Times in and out are aware datetimes. Sentences go through Flask-Babel's gettext,
so they are in the viewer's language on a page and in English outside an application context.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engagement.core.timefmt import TIME, format_date

BUSINESS_START, BUSINESS_END = time(9, 0), time(17, 0)
JUMUAH_START, JUMUAH_END = time(12, 30), time(14, 30)
FRIDAY = 4
DEFAULT_WEEKEND = frozenset({5, 6})
PAKISTAN = ("PK", "Asia/Karachi")

#: Countries with a Muslim majority where Friday prayers shape the working day (OIC members with
#: a Muslim majority, Pew Research Center, "The Future of the Global Muslim Population", 2011).
JUMUAH_COUNTRIES = frozenset(
    [
        "AE",
        "AF",
        "AL",
        "AZ",
        "BD",
        "BH",
        "BN",
        "DJ",
        "DZ",
        "EG",
        "GM",
        "GN",
        "ID",
        "IQ",
        "IR",
        "JO",
        "KM",
        "KW",
        "KG",
        "KZ",
        "LB",
        "LY",
        "MA",
        "ML",
        "MR",
        "MV",
        "MY",
        "NE",
        "OM",
        "PK",
        "PS",
        "QA",
        "SA",
        "SD",
        "SN",
        "SO",
        "SY",
        "TJ",
        "TM",
        "TN",
        "TR",
        "UZ",
        "YE",
    ]
)


@dataclass(frozen=True)
class Side:
    """One party to a meeting: a label for messages, its country and its zone."""

    label: str
    country: str
    zone: str


PAKISTAN_SIDE = Side(_l("Pakistan"), *PAKISTAN)


@functools.lru_cache(maxsize=256)
def _calendar(country: str, year: int, language: str | None = None) -> holidays.HolidayBase | None:
    try:
        return holidays.country_holidays(country.upper(), years=year, language=language)
    except NotImplementedError:
        return None


def _holiday_language(country: str) -> str | None:
    """The current language as a ``holidays`` language when that country's calendar has it
    (Pakistan's has Urdu as ``ur_PK``); None: the calendar's own default (English names)."""
    code = str(get_locale() or "en")
    if code == "en":
        return None
    calendar = _calendar(country, 2000)
    supported = getattr(calendar, "supported_languages", ()) if calendar is not None else ()
    return next((lang for lang in supported if lang.split("_")[0] == code), None)


def weekend(country: str) -> frozenset[int]:
    """The weekday numbers (Monday 0) that are not working days in ``country``."""
    calendar = _calendar(country, 2000)
    days = getattr(calendar, "weekend", None) if calendar is not None else None
    return frozenset(days) if days else DEFAULT_WEEKEND


def holiday_name(country: str, day: date) -> str | None:
    """The public holiday on ``day`` in ``country``, or None (named in the current language
    when the country's calendar speaks it)."""
    calendar = _calendar(country, day.year, _holiday_language(country))
    return calendar.get(day) if calendar is not None else None


def joined_labels(sides: Sequence[Side]) -> str:
    """The sides' labels as one phrase in the current language ("Pakistan and Acme")."""
    return format_list([str(side.label) for side in sides], locale=str(get_locale() or "en"))


def is_weekend(country: str, day: date) -> bool:
    return day.weekday() in weekend(country)


def business_window(day: date, zone: str) -> tuple[datetime, datetime]:
    """09:00-17:00 on ``day`` in ``zone`` (aware)."""
    tz = ZoneInfo(zone)
    return (
        datetime.combine(day, BUSINESS_START, tzinfo=tz),
        datetime.combine(day, BUSINESS_END, tzinfo=tz),
    )


def jumuah_overlap(side: Side, start: datetime, end: datetime) -> bool:
    """True when ``start``-``end`` overlaps Friday prayers for ``side``."""
    if side.country.upper() not in JUMUAH_COUNTRIES:
        return False
    local_start = start.astimezone(ZoneInfo(side.zone))
    if local_start.weekday() != FRIDAY:
        return False
    tz = ZoneInfo(side.zone)
    prayer_start = datetime.combine(local_start.date(), JUMUAH_START, tzinfo=tz)
    prayer_end = datetime.combine(local_start.date(), JUMUAH_END, tzinfo=tz)
    return start < prayer_end and end > prayer_start


@dataclass
class SideCheck:
    """What a slot means for one side: its local times, refusals and warnings."""

    side: Side
    local_start: datetime
    local_end: datetime
    #: Reasons the slot is outside this side's business hours (weekend, holiday, hours).
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_side(side: Side, start: datetime, end: datetime) -> SideCheck:
    """Is ``start``-``end`` inside ``side``'s business hours? Problems say why not."""
    tz = ZoneInfo(side.zone)
    local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    check = SideCheck(side, local_start, local_end)
    day = local_start.date()
    weekday, on_day = format_date(local_start, "EEEE"), format_date(local_start)
    if is_weekend(side.country, day):
        check.problems.append(
            _("%(day)s is a weekend day in %(side)s.", day=weekday, side=side.label)
        )
    if name := holiday_name(side.country, day):
        check.problems.append(
            _(
                "%(date)s is a public holiday in %(side)s: %(holiday)s.",
                date=on_day,
                side=side.label,
                holiday=name,
            )
        )
    opens, closes = business_window(day, side.zone)
    if local_start < opens or local_end > closes:
        check.problems.append(
            _(
                "%(start)s-%(end)s is outside business hours in %(side)s (09:00-17:00 %(zone)s).",
                start=format_date(local_start, TIME),
                end=format_date(local_end, TIME),
                side=side.label,
                zone=local_start.tzname(),
            )
        )
    if jumuah_overlap(side, start, end):
        check.warnings.append(
            _(
                "The slot overlaps Friday prayers (Jumu'ah, about 12:30-14:30) in %(side)s.",
                side=side.label,
            )
        )
    return check


def check_slot(start: datetime, end: datetime, sides: Sequence[Side]) -> list[SideCheck]:
    """``check_side`` for every side."""
    return [check_side(side, start, end) for side in sides]


def slot_problems(start: datetime, end: datetime, sides: Sequence[Side]) -> list[str]:
    """Every reason the slot is outside the business-hours overlap of ``sides`` (empty: fine)."""
    return [problem for check in check_slot(start, end, sides) for problem in check.problems]


def slot_warnings(start: datetime, end: datetime, sides: Sequence[Side]) -> list[str]:
    return [warning for check in check_slot(start, end, sides) for warning in check.warnings]


def overlap_on(day: date, a: Side, b: Side) -> tuple[datetime, datetime] | None:
    """The longest overlap of ``b``'s business hours on ``day`` (its local date) with ``a``'s on
    the same or a neighbouring date, as UTC, ignoring weekends and holidays; None if none."""
    b_open, b_close = business_window(day, b.zone)
    best: tuple[datetime, datetime] | None = None
    for shift in (-1, 0, 1):
        a_open, a_close = business_window(day + timedelta(days=shift), a.zone)
        start, end = max(a_open, b_open), min(a_close, b_close)
        if end > start and (best is None or end - start > best[1] - best[0]):
            best = (start, end)
    return best


@dataclass
class SlotOffer:
    """Candidate meeting slots and, when there are few or none, why."""

    slots: list[datetime]
    #: Daily overlap of business hours in minutes (0: none at all).
    overlap_minutes: int
    notes: list[str] = field(default_factory=list)


def meeting_slots(
    sides: Sequence[Side],
    after: datetime,
    *,
    days: int = 14,
    minutes: int = 30,
    limit: int = 40,
) -> SlotOffer:
    """Slots of ``minutes`` starting after ``after`` within ``days`` where every side is in
    business hours on a working day that is no holiday; notes say when the overlap is small."""
    step = timedelta(minutes=minutes)
    first = after.astimezone(ZoneInfo("UTC")).replace(second=0, microsecond=0)
    first += timedelta(minutes=(-first.minute) % minutes)
    slots: list[datetime] = []
    moment = first
    end = first + timedelta(days=days)
    while moment < end and len(slots) < limit:
        if not slot_problems(moment, moment + step, sides):
            slots.append(moment)
        moment += step
    overlap = _daily_overlap_minutes(sides, after)
    notes: list[str] = []
    labels = joined_labels(sides)
    if overlap == 0:
        notes.append(
            _(
                "Business hours in %(sides)s do not overlap on any day: "
                "agree a time outside office hours by message instead.",
                sides=labels,
            )
        )
    elif overlap < 120:
        notes.append(
            _(
                "Business hours in %(sides)s overlap only %(minutes)s minutes a day, "
                "so few slots are offered.",
                sides=labels,
                minutes=overlap,
            )
        )
    if not slots and overlap:
        notes.append(
            _(
                "No working day of %(sides)s in the next %(days)s days has a common slot.",
                sides=labels,
                days=days,
            )
        )
    return SlotOffer(slots, overlap, notes)


def _daily_overlap_minutes(sides: Sequence[Side], after: datetime) -> int:
    """Minutes a day during which every side is inside 09:00-17:00 (on a plain weekday)."""
    if not sides:
        return 0
    # Walk one ordinary day in 5-minute steps: cheap, and right across date lines.
    base = after.astimezone(ZoneInfo(sides[0].zone)).date()
    start = datetime.combine(base, time(0, 0), tzinfo=ZoneInfo(sides[0].zone)) - timedelta(hours=12)
    best = current = 0
    for index in range(0, 48 * 12):
        moment = start + timedelta(minutes=5 * index)
        inside = all(
            business_window(moment.astimezone(ZoneInfo(s.zone)).date(), s.zone)[0]
            <= moment
            < business_window(moment.astimezone(ZoneInfo(s.zone)).date(), s.zone)[1]
            for s in sides
        )
        current = current + 5 if inside else 0
        best = max(best, current)
    return best
