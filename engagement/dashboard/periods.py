"""Reporting periods: month, quarter, Pakistan's fiscal year (July-June) or any dates.

A period is a range of Pakistani calendar days; its boundaries are Asia/Karachi midnights,
converted to UTC for comparing with stored times. The comparison period is the same days a
year earlier. Labels are in the viewer's language (Flask-Babel; English outside a request), with
Babel's month names.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from engagement.core.timefmt import format_date

PK_ZONE = ZoneInfo("Asia/Karachi")


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FISCAL_YEAR = "fiscal_year"
    CUSTOM = "custom"

    @property
    def label(self) -> str:
        return KIND_LABELS[self.value]  # type: ignore[return-value]


KIND_LABELS = {
    "month": _l("Month"),
    "quarter": _l("Quarter"),
    "fiscal_year": _l("Fiscal year (July-June)"),
    "custom": _l("From/to dates"),
}


def _day(day: date, pattern: str) -> str:
    """``day`` in a Babel pattern (``LLLL y``: "October 2026") in the current language."""
    return format_date(day, pattern)


def pk_midnight_utc(day: date) -> datetime:
    """The start of ``day`` in Pakistan, as aware UTC."""
    return datetime.combine(day, time(0), tzinfo=PK_ZONE).astimezone(UTC)


def fiscal_year_label(day: date) -> str:
    """``FY 2020-21`` for any day from July 2020 to June 2021."""
    first = day.year if day.month >= 7 else day.year - 1
    last = f"{(first + 1) % 100:02d}"
    return _("FY %(first)s-%(last)s", first=first, last=last)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Pakistani days ``first`` to ``last`` (both included)."""

    kind: PeriodKind
    first: date
    last: date

    @property
    def start_utc(self) -> datetime:
        return pk_midnight_utc(self.first)

    @property
    def end_utc(self) -> datetime:
        """Exclusive: the midnight after ``last``."""
        return pk_midnight_utc(self.last + timedelta(days=1))

    def year_earlier(self) -> Period:
        last = self.last
        if self.kind != PeriodKind.CUSTOM:
            last = _month_end(_year_earlier(self.last.replace(day=1)))
        else:
            last = _year_earlier(last)
        return Period(self.kind, _year_earlier(self.first), last)

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return _day(self.first, "LLLL y")
        if self.kind == PeriodKind.QUARTER:
            return _(
                "%(first)s-%(last)s (%(fiscal_year)s)",
                first=_day(self.first, "LLLL"),
                last=_day(self.last, "LLLL y"),
                fiscal_year=fiscal_year_label(self.first),
            )
        if self.kind == PeriodKind.FISCAL_YEAR:
            return _(
                "%(fiscal_year)s (%(first)s-%(last)s)",
                fiscal_year=fiscal_year_label(self.first),
                first=_day(self.first, "LLLL y"),
                last=_day(self.last, "LLLL y"),
            )
        return _(
            "%(first)s to %(last)s",
            first=_day(self.first, "dd MMMM y"),
            last=_day(self.last, "dd MMMM y"),
        )

    def as_of(self, today: date) -> date:
        """The last day counted so far: ``last``, or today while the period is still running."""
        return min(self.last, today)


def month_of(day: date) -> Period:
    first = day.replace(day=1)
    return Period(PeriodKind.MONTH, first, _month_end(first))


def quarter_of(day: date) -> Period:
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return Period(PeriodKind.QUARTER, first, _month_end(first.replace(month=first.month + 2)))


def fiscal_year_of(day: date) -> Period:
    """Pakistan's government fiscal year: 1 July to 30 June."""
    start_year = day.year if day.month >= 7 else day.year - 1
    return Period(PeriodKind.FISCAL_YEAR, date(start_year, 7, 1), date(start_year + 1, 6, 30))


def custom(first: date, last: date) -> Period:
    if last < first:
        raise ValueError("to is before from")
    return Period(PeriodKind.CUSTOM, first, last)


def period_of(kind: PeriodKind, day: date) -> Period:
    """The month, quarter or fiscal year containing ``day``."""
    return {
        PeriodKind.MONTH: month_of,
        PeriodKind.QUARTER: quarter_of,
        PeriodKind.FISCAL_YEAR: fiscal_year_of,
    }[kind](day)


def day_label(day: date) -> str:
    """``31 October 2020``, as the briefing writes it."""
    return _day(day, "d MMMM y")


def year_earlier(day: date) -> date:
    return _year_earlier(day)


def today_pk(now: datetime) -> date:
    return now.astimezone(PK_ZONE).date()


def growth_pct(value: float | int | None, previous: float | int | None) -> float | None:
    """(now - before) / before * 100 to one decimal; None when before is 0 or unknown."""
    if value is None or previous is None or previous == 0:
        return None
    return round((float(value) - float(previous)) / float(previous) * 100, 1)


class PeriodError(ValueError):
    """A bad period choice; ``field`` names the query argument."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _parse_day(args: Any, name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PeriodError(name, _("Not a date (YYYY-MM-DD).")) from None


def parse_period(args: Any, today: date) -> Period:
    """The period chosen by query arguments ``period`` (month, quarter, fiscal_year, custom),
    ``on`` (a day in it; default today) or ``from`` and ``to``; raises PeriodError."""
    first, last = _parse_day(args, "from"), _parse_day(args, "to")
    raw_kind = (args.get("period") or "").strip()
    if not raw_kind:
        raw_kind = "custom" if first or last else PeriodKind.QUARTER.value
    try:
        kind = PeriodKind(raw_kind)
    except ValueError:
        raise PeriodError("period", _("Choose month, quarter, fiscal_year or custom.")) from None
    if kind == PeriodKind.CUSTOM:
        if first is None:
            raise PeriodError("from", _("Give the first day."))
        if last is None:
            raise PeriodError("to", _("Give the last day."))
        if last < first:
            raise PeriodError("to", _("Must not be before from."))
        return custom(first, last)
    return period_of(kind, _parse_day(args, "on") or today)


def period_args(period: Period) -> dict[str, str]:
    """Query arguments that choose ``period`` again (for links and downloads)."""
    if period.kind == PeriodKind.CUSTOM:
        return {"period": "custom", "from": period.first.isoformat(), "to": period.last.isoformat()}
    return {"period": period.kind.value, "on": period.first.isoformat()}
