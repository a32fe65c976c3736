"""Check a plan against every hard rule of FORMAT.md, independently of how the plan was made.

This re-implements the rules from their wording (it shares only the calendar facts, public
holidays and Ramadan dates, with the planner); tests run it on every plan the planner makes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from engagement.roadmap import calendar
from engagement.roadmap.instance import Instance, InstanceError, parse_instance

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PlanError(InstanceError):
    """A plan that is not even shaped like FORMAT.md says (field path like ``meetups[2].date``)."""


def _parse_meetups(plan: Any) -> list[tuple[str, date, str]]:
    if not isinstance(plan, dict):
        raise PlanError("", "the plan must be a JSON object")
    meetups = plan.get("meetups")
    if not isinstance(meetups, list):
        raise PlanError("meetups", "required, a list")
    parsed = []
    for i, item in enumerate(meetups):
        path = f"meetups[{i}]"
        if not isinstance(item, dict):
            raise PlanError(path, "must be an object")
        for key in ("city", "date", "team"):
            if not isinstance(item.get(key), str):
                raise PlanError(f"{path}.{key}", "required, a string")
        try:
            day = date.fromisoformat(item["date"])
        except ValueError:
            raise PlanError(f"{path}.date", "must be an ISO date (YYYY-MM-DD)") from None
        parsed.append((item["city"], day, item["team"]))
    return parsed


def check(instance: dict | Instance, plan: dict) -> list[str]:
    """Every rule the plan breaks, one human line each; an empty list means the plan holds.

    Raises ``InstanceError`` for an invalid instance and ``PlanError`` for a malformed plan.
    """
    if not isinstance(instance, Instance):
        instance = parse_instance(instance)
    meetups = _parse_meetups(plan)
    cities = {c.id: c for c in instance.cities}
    teams = {t.id: t for t in instance.teams}
    problems: list[str] = []

    if plan.get("version") != 1:
        problems.append("version: must be 1")

    team_days: dict[tuple[str, date], list[int]] = defaultdict(list)
    team_weeks: Counter = Counter()
    weeks: Counter = Counter()
    city_days: dict[str, list[date]] = defaultdict(list)
    for i, (city_id, day, team_id) in enumerate(meetups):
        label = f"meetups[{i}] ({city_id} {day} {team_id})"
        city, team = cities.get(city_id), teams.get(team_id)
        if city is None:
            problems.append(f"{label}: unknown city {city_id!r}")
        if team is None:
            problems.append(f"{label}: unknown team {team_id!r}")
        # Rule 1: the day itself.
        if not instance.start <= day <= instance.end:
            problems.append(f"{label}: outside the window {instance.start}..{instance.end}")
        if day.weekday() not in instance.weekdays:
            problems.append(f"{label}: {DAY_NAMES[day.weekday()]} is not a meetup weekday")
        holiday = calendar.public_holiday(day, instance.public_holidays)
        if holiday is not None:
            problems.append(f"{label}: public holiday ({holiday.name})")
        if instance.ramadan == "avoid":
            for first, last in calendar.ramadan_ranges(day, day):
                if first <= day <= last:
                    problems.append(f"{label}: in Ramadan ({first}..{last})")
        for r in instance.closed:
            if r.start <= day <= r.end:
                problems.append(f"{label}: closed nationwide {r.label()}")
        if city is not None:
            for r in city.closed:
                if r.start <= day <= r.end:
                    problems.append(f"{label}: {city.name} closed {r.label()}")
        if team is not None:
            for r in team.away:
                if r.start <= day <= r.end:
                    problems.append(f"{label}: {team.name} away {r.label()}")
        # Rule 2: the team serves the city (counting per day and week below).
        if city is not None and team is not None and city_id not in team.cities:
            problems.append(f"{label}: {team.name} does not serve {city.name}")
        iso = day.isocalendar()
        team_days[team_id, day].append(i)
        team_weeks[team_id, iso[0], iso[1]] += 1
        weeks[iso[0], iso[1]] += 1
        city_days[city_id].append(day)

    for (team_id, day), indexes in sorted(team_days.items()):
        if len(indexes) > 1:
            problems.append(
                f"team {team_id} runs {len(indexes)} meetups on {day} (at most 1 a day)"
            )
    for (team_id, year, week), count in sorted(team_weeks.items()):
        team = teams.get(team_id)
        if team is not None and count > team.max_per_week:
            problems.append(
                f"team {team_id} runs {count} meetups in week {year}-W{week:02d} "
                f"(its max_per_week is {team.max_per_week})"
            )
    # Rule 3.
    for (year, week), count in sorted(weeks.items()):
        if count > instance.max_per_week:
            problems.append(
                f"{count} meetups in week {year}-W{week:02d} (max_per_week is {instance.max_per_week})"
            )
    # Rule 4.
    for city_id, days in sorted(city_days.items()):
        days = sorted(days)
        for earlier, later in zip(days, days[1:], strict=False):
            if earlier < later and (later - earlier).days < instance.min_gap_days:
                problems.append(
                    f"{city_id}: meetups on {earlier} and {later} are {(later - earlier).days} days "
                    f"apart (min_gap_days is {instance.min_gap_days})"
                )
        city = cities.get(city_id)
        if city is not None and len(days) > city.max:
            problems.append(f"{city_id}: {len(days)} meetups, more than its max {city.max}")
    # Rule 5.
    planned = Counter(meetups)
    for i, pin in enumerate(instance.pinned):
        key = (pin.city, pin.date, pin.team)
        if planned[key] > 0:
            planned[key] -= 1
        else:
            problems.append(f"pinned[{i}] ({pin.city} {pin.date} {pin.team}) is missing")

    # The plan's own figures: order, score, shortfall.
    if meetups != sorted(meetups, key=lambda m: (m[1], m[0])):
        problems.append("meetups: not sorted by date then city")
    counts = Counter(city_id for city_id, _, _ in meetups)
    score = sum(c.priority * counts[c.id] for c in instance.cities)
    if plan.get("score") != score:
        problems.append(f"score: {plan.get('score')!r} but the meetups give {score}")
    problems.extend(_check_shortfall(instance, plan.get("shortfall"), counts))
    return problems


def _check_shortfall(instance: Instance, shortfall: Any, counts: Counter) -> list[str]:
    expected = {c.id: c.min - counts[c.id] for c in instance.cities if counts[c.id] < c.min}
    if not isinstance(shortfall, list):
        return ["shortfall: required, a list"]
    problems = []
    listed: set[str] = set()
    for i, entry in enumerate(shortfall):
        if not isinstance(entry, dict):
            problems.append(f"shortfall[{i}]: must be an object")
            continue
        city_id = entry.get("city")
        if city_id in listed:
            problems.append(f"shortfall[{i}]: {city_id} listed twice")
        listed.add(city_id)
        if city_id not in expected:
            problems.append(f"shortfall[{i}]: {city_id!r} is not short of its min")
        elif entry.get("missing") != expected[city_id]:
            problems.append(
                f"shortfall[{i}]: {city_id} misses {expected[city_id]}, not {entry.get('missing')!r}"
            )
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            problems.append(f"shortfall[{i}]: a reason is required")
    for city_id in expected:
        if city_id not in listed:
            problems.append(f"shortfall: {city_id} misses {expected[city_id]} but is not listed")
    return problems
