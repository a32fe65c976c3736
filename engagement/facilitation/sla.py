"""Working-day arithmetic for SLAs: weekends and Pakistani public holidays do not count.

Deadlines are counted in Pakistan's calendar (Asia/Karachi): a request submitted on a given day
is due by the end of the Nth working day after that day.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays

PK_ZONE = ZoneInfo("Asia/Karachi")


@functools.lru_cache(maxsize=32)
def _pk_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("PK", years=year)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a Pakistani public holiday."""
    return day.weekday() < 5 and day not in _pk_holidays(day.year)


def holiday_name(day: date) -> str | None:
    return _pk_holidays(day.year).get(day)


def add_working_days(start: datetime, days: int) -> datetime:
    """The end (midnight, as aware UTC) of the ``days``-th working day after ``start``'s day."""
    day = start.astimezone(PK_ZONE).date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=PK_ZONE)
    return end.astimezone(ZoneInfo("UTC"))


def working_days_between(start: datetime, end: datetime) -> int:
    """Whole working days after ``start``'s day up to and including ``end``'s day."""
    first = start.astimezone(PK_ZONE).date()
    last = end.astimezone(PK_ZONE).date()
    count = 0
    day = first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
