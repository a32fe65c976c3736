"""The roadmap instance (shared/roadmap/FORMAT.md): parsed, validated and frozen.

``parse_instance`` is the one place that says whether an instance is valid; every error names the
field it is about (``cities[3].min: must be <= max``) so the CLI and the web import can show it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engagement.roadmap import calendar

FORMAT_VERSION = 1
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: A guard against absurd inputs (the planner builds one variable per city, team and day).
MAX_WINDOW_DAYS = 3 * 366
MAX_COUNT = 10_000
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class InstanceError(ValueError):
    """An invalid instance; ``field`` is the path of the bad field, e.g. ``cities[3].min``."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class DateRange:
    """Inclusive range of days, with why (``closed``, ``away``)."""

    start: date
    end: date
    reason: str = ""

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    def label(self) -> str:
        """``2027-01-04..2027-03-20 (winter road access)``."""
        span = (
            self.start.isoformat()
            if self.start == self.end
            else f"{self.start.isoformat()}..{self.end.isoformat()}"
        )
        return f"{span} ({self.reason})" if self.reason else span


@dataclass(frozen=True)
class City:
    id: str
    name: str
    priority: int
    min: int
    max: int
    closed: tuple[DateRange, ...] = ()


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    cities: tuple[str, ...]
    max_per_week: int
    away: tuple[DateRange, ...] = ()


@dataclass(frozen=True, order=True)
class Meetup:
    """One meetup of a plan (or a pinned one); orders by date then city like a plan's list."""

    date: date
    city: str
    team: str

    def as_dict(self) -> dict[str, str]:
        return {"city": self.city, "date": self.date.isoformat(), "team": self.team}


@dataclass(frozen=True)
class Instance:
    """A valid planning problem; build it with ``parse_instance``."""

    start: date
    end: date
    weekdays: frozenset[int]  # date.weekday() values, 0 = Monday
    public_holidays: str | None
    ramadan: str  # "avoid" or "allow"
    closed: tuple[DateRange, ...]
    max_per_week: int
    min_gap_days: int
    cities: tuple[City, ...]
    teams: tuple[Team, ...]
    pinned: tuple[Meetup, ...] = ()
    version: int = FORMAT_VERSION
    _city_index: dict[str, City] = field(init=False, repr=False, compare=False)
    _team_index: dict[str, Team] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_city_index", {city.id: city for city in self.cities})
        object.__setattr__(self, "_team_index", {team.id: team for team in self.teams})

    def city(self, city_id: str) -> City:
        return self._city_index[city_id]

    def team(self, team_id: str) -> Team:
        return self._team_index[team_id]

    def teams_serving(self, city_id: str) -> list[Team]:
        return [team for team in self.teams if city_id in team.cities]

    def to_dict(self) -> dict[str, Any]:
        """The instance as FORMAT.md JSON (``parse_instance(i.to_dict()) == i``)."""
        return {
            "version": self.version,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "weekdays": [WEEKDAY_NAMES[i] for i in sorted(self.weekdays)],
            "public_holidays": self.public_holidays,
            "ramadan": self.ramadan,
            "closed": [_range_dict(r) for r in self.closed],
            "max_per_week": self.max_per_week,
            "min_gap_days": self.min_gap_days,
            "cities": [
                {
                    "id": c.id,
                    "name": c.name,
                    "priority": c.priority,
                    "min": c.min,
                    "max": c.max,
                    "closed": [_range_dict(r) for r in c.closed],
                }
                for c in self.cities
            ],
            "teams": [
                {
                    "id": t.id,
                    "name": t.name,
                    "cities": list(t.cities),
                    "max_per_week": t.max_per_week,
                    "away": [_range_dict(r) for r in t.away],
                }
                for t in self.teams
            ],
            "pinned": [m.as_dict() for m in self.pinned],
        }


def _range_dict(r: DateRange) -> dict[str, str]:
    return {"from": r.start.isoformat(), "to": r.end.isoformat(), "reason": r.reason}


# --- parsing helpers: each takes the field path it reports errors under ---------------------


def _require(data: dict, key: str, path: str) -> Any:
    if key not in data:
        raise InstanceError(_join(path, key), "required")
    return data[key]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise InstanceError(path, "must be an object")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise InstanceError(path, "must be a list")
    return value


def _int(value: Any, path: str, *, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InstanceError(path, "must be an integer")
    if value < minimum:
        raise InstanceError(path, f"must be >= {minimum}")
    if value > maximum:
        raise InstanceError(path, f"must be <= {maximum}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InstanceError(path, "must be a non-empty string")
    return value


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InstanceError(path, "must be an ISO date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InstanceError(path, f"{value!r} is not a valid date") from None


def _ranges(data: dict, key: str, path: str) -> tuple[DateRange, ...]:
    path = _join(path, key)
    value = data.get(key)
    if value is None:
        return ()
    ranges = []
    for i, item in enumerate(_list(value, path)):
        item_path = f"{path}[{i}]"
        item = _object(item, item_path)
        start = _date(_require(item, "from", item_path), f"{item_path}.from")
        end = _date(_require(item, "to", item_path), f"{item_path}.to")
        if end < start:
            raise InstanceError(f"{item_path}.to", "must be on or after from")
        reason = item.get("reason", "")
        if not isinstance(reason, str):
            raise InstanceError(f"{item_path}.reason", "must be a string")
        ranges.append(DateRange(start, end, reason.strip()))
    return tuple(ranges)


def _id(value: Any, path: str) -> str:
    value = _text(value, path)
    if value != value.strip():
        raise InstanceError(path, "must not start or end with spaces")
    return value


def parse_instance(data: Any) -> Instance:
    """Validate an instance dict (FORMAT.md) and return it frozen; raise ``InstanceError``."""
    data = _object(data, "")
    version = _require(data, "version", "")
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise InstanceError("version", f"must be {FORMAT_VERSION}")
    start = _date(_require(data, "start", ""), "start")
    end = _date(_require(data, "end", ""), "end")
    if end < start:
        raise InstanceError("end", "must be on or after start")
    if (end - start).days >= MAX_WINDOW_DAYS:
        raise InstanceError("end", f"the window may span at most {MAX_WINDOW_DAYS} days")

    weekdays: set[int] = set()
    names = _list(_require(data, "weekdays", ""), "weekdays")
    if not names:
        raise InstanceError("weekdays", "must name at least one day")
    for i, name in enumerate(names):
        if name not in WEEKDAY_NAMES:
            raise InstanceError(f"weekdays[{i}]", f"must be one of {', '.join(WEEKDAY_NAMES)}")
        if WEEKDAY_NAMES.index(name) in weekdays:
            raise InstanceError(f"weekdays[{i}]", f"duplicate {name!r}")
        weekdays.add(WEEKDAY_NAMES.index(name))

    country = _require(data, "public_holidays", "")
    if country is not None and not calendar.holidays_cover(country, start, end):
        raise InstanceError(
            "public_holidays",
            "must be a country code the holidays library knows for the window's years, or null",
        )
    ramadan = _require(data, "ramadan", "")
    if ramadan not in ("avoid", "allow"):
        raise InstanceError("ramadan", 'must be "avoid" or "allow"')
    if ramadan == "avoid" and not calendar.ramadan_covers(start, end):
        lo, hi = calendar.HIJRI_GREGORIAN_RANGE
        raise InstanceError("start", f"the Umm al-Qura calendar for Ramadan covers only {lo}..{hi}")

    closed = _ranges(data, "closed", "")
    max_per_week = _int(_require(data, "max_per_week", ""), "max_per_week")
    min_gap_days = _int(_require(data, "min_gap_days", ""), "min_gap_days", maximum=MAX_WINDOW_DAYS)

    cities: list[City] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(_list(_require(data, "cities", ""), "cities")):
        path = f"cities[{i}]"
        item = _object(item, path)
        city_id = _id(_require(item, "id", path), f"{path}.id")
        if city_id in seen:
            raise InstanceError(
                f"{path}.id", f"duplicate id {city_id!r} (also cities[{seen[city_id]}])"
            )
        seen[city_id] = i
        name = _text(_require(item, "name", path), f"{path}.name")
        priority = _int(_require(item, "priority", path), f"{path}.priority", minimum=1)
        least = _int(_require(item, "min", path), f"{path}.min")
        most = _int(_require(item, "max", path), f"{path}.max")
        if least > most:
            raise InstanceError(f"{path}.min", "must be <= max")
        cities.append(City(city_id, name, priority, least, most, _ranges(item, "closed", path)))

    teams: list[Team] = []
    seen_teams: dict[str, int] = {}
    for i, item in enumerate(_list(_require(data, "teams", ""), "teams")):
        path = f"teams[{i}]"
        item = _object(item, path)
        team_id = _id(_require(item, "id", path), f"{path}.id")
        if team_id in seen_teams:
            raise InstanceError(
                f"{path}.id", f"duplicate id {team_id!r} (also teams[{seen_teams[team_id]}])"
            )
        seen_teams[team_id] = i
        name = _text(_require(item, "name", path), f"{path}.name")
        served: list[str] = []
        for j, city_id in enumerate(_list(_require(item, "cities", path), f"{path}.cities")):
            if not isinstance(city_id, str) or city_id not in seen:
                raise InstanceError(f"{path}.cities[{j}]", f"unknown city {city_id!r}")
            if city_id in served:
                raise InstanceError(f"{path}.cities[{j}]", f"duplicate city {city_id!r}")
            served.append(city_id)
        team_max = _int(_require(item, "max_per_week", path), f"{path}.max_per_week")
        teams.append(Team(team_id, name, tuple(served), team_max, _ranges(item, "away", path)))

    pinned: list[Meetup] = []
    pinned_value = data.get("pinned")
    for i, item in enumerate(_list(pinned_value, "pinned") if pinned_value is not None else []):
        path = f"pinned[{i}]"
        item = _object(item, path)
        city_id = _require(item, "city", path)
        if not isinstance(city_id, str) or city_id not in seen:
            raise InstanceError(f"{path}.city", f"unknown city {city_id!r}")
        day = _date(_require(item, "date", path), f"{path}.date")
        team_id = _require(item, "team", path)
        if not isinstance(team_id, str) or team_id not in seen_teams:
            raise InstanceError(f"{path}.team", f"unknown team {team_id!r}")
        pinned.append(Meetup(day, city_id, team_id))

    instance = Instance(
        start=start,
        end=end,
        weekdays=frozenset(weekdays),
        public_holidays=country,
        ramadan=ramadan,
        closed=closed,
        max_per_week=max_per_week,
        min_gap_days=min_gap_days,
        cities=tuple(cities),
        teams=tuple(teams),
        pinned=tuple(pinned),
    )
    _check_pinned(instance)
    return instance


def _check_pinned(instance: Instance) -> None:
    """Pinned meetups must keep every hard rule on their own (FORMAT.md: else exit 2)."""
    by_team_day: dict[tuple[str, date], int] = {}
    team_week: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    week: dict[tuple[int, int], int] = defaultdict(int)
    by_city: dict[str, list[tuple[date, int]]] = defaultdict(list)
    for i, meetup in enumerate(instance.pinned):
        path = f"pinned[{i}]"
        city, team = instance.city(meetup.city), instance.team(meetup.team)
        if city.id not in team.cities:
            raise InstanceError(path, f"{team.name} does not serve {city.name}")
        reason = blocked_reason(instance, meetup.date, city=city.id, team=team.id)
        if reason:
            raise InstanceError(path, f"{meetup.date} is {reason}")
        if (team.id, meetup.date) in by_team_day:
            other = by_team_day[team.id, meetup.date]
            raise InstanceError(path, f"{team.name} already runs pinned[{other}] on {meetup.date}")
        by_team_day[team.id, meetup.date] = i
        iso_week = meetup.date.isocalendar()[:2]
        team_week[team.id, iso_week] += 1
        if team_week[team.id, iso_week] > team.max_per_week:
            raise InstanceError(
                path,
                f"{team.name} would run {team_week[team.id, iso_week]} meetups in week "
                f"{calendar.week_label(meetup.date)} (its max_per_week is {team.max_per_week})",
            )
        week[iso_week] += 1
        if week[iso_week] > instance.max_per_week:
            raise InstanceError(
                path,
                f"{week[iso_week]} meetups in week {calendar.week_label(meetup.date)} "
                f"(max_per_week is {instance.max_per_week})",
            )
        for other_day, j in by_city[city.id]:
            if abs((meetup.date - other_day).days) < instance.min_gap_days:
                raise InstanceError(
                    path,
                    f"{meetup.date} is {abs((meetup.date - other_day).days)} days from pinned[{j}] "
                    f"({other_day}) in {city.name}; min_gap_days is {instance.min_gap_days}",
                )
        by_city[city.id].append((meetup.date, i))
        if len(by_city[city.id]) > city.max:
            raise InstanceError(
                path,
                f"{city.name} would have {len(by_city[city.id])} pinned meetups (max {city.max})",
            )


# --- Which days an instance allows (the calendar's rules applied to an instance) -----------


def blocked_reason(
    instance: Instance, day: date, city: str | None = None, team: str | None = None
) -> str | None:
    """Why no meetup may be held on ``day`` (for the city and team if given), or None if it may.

    The reason reads after "<day> is ...": ``a public holiday (Pakistan Day)``.
    """
    if day < instance.start:
        return f"before the window (it starts {instance.start})"
    if day > instance.end:
        return f"after the window (it ends {instance.end})"
    if day.weekday() not in instance.weekdays:
        return f"a {calendar.WEEKDAY_TITLES[day.weekday()]}, not a meetup weekday"
    holiday = calendar.public_holiday(day, instance.public_holidays)
    if holiday is not None:
        return f"a public holiday ({holiday.name}{', estimated date' if holiday.estimated else ''})"
    if instance.ramadan == "avoid":
        span = calendar.ramadan_span(day)
        if span:
            return f"in Ramadan ({span[0]}..{span[1]}, 1 Ramadan to 1 Shawwal)"
    for closed in instance.closed:
        if day in closed:
            return f"closed nationwide {closed.label()}"
    if city is not None:
        c = instance.city(city)
        for closed in c.closed:
            if day in closed:
                return f"closed for {c.name} {closed.label()}"
    if team is not None:
        t = instance.team(team)
        for away in t.away:
            if day in away:
                return f"a day {t.name} is away {away.label()}"
    return None


def open_days(instance: Instance) -> list[date]:
    """Days in the window open for the whole country (weekday, no holiday, Ramadan, closure)."""
    days = []
    day = instance.start
    while day <= instance.end:
        if blocked_reason(instance, day) is None:
            days.append(day)
        day += timedelta(days=1)
    return days


def allowed_days(
    instance: Instance, city: str | None = None, team: str | None = None, *, base=None
) -> list[date]:
    """Days a meetup may be held (for the city and/or team); ``base`` reuses ``open_days``."""
    days = open_days(instance) if base is None else base
    ranges = []
    if city is not None:
        ranges.extend(instance.city(city).closed)
    if team is not None:
        ranges.extend(instance.team(team).away)
    if not ranges:
        return list(days)
    return [d for d in days if not any(d in r for r in ranges)]
