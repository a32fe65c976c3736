"""The planner's and checker's findings as sentences for staff.

The checker (``checker.check``) and the planner's shortfall reasons are terse lines meant for files
and the command line (``(muzaffarabad 2026-12-25 north): public holiday (...)``, ``min_gap_days
21``). The board shows them through :func:`sentence` and :func:`plain_reason`, which name the
day, the holiday, the team and its limit in words. Lines this module does not recognise are shown
as they are, so a new checker rule is never hidden.
"""

from __future__ import annotations

import re
from datetime import date

from engagement.roadmap import calendar
from engagement.roadmap.instance import Instance

_DAY = r"\d{4}-\d{2}-\d{2}"
_MEETUP = re.compile(rf"^\((?P<city>\S+) (?P<day>{_DAY}) (?P<team>\S+)\): (?P<rest>.*)$")
_SPAN = re.compile(rf"(?P<first>{_DAY})(?:\.\.(?P<last>{_DAY}))?(?: \((?P<reason>[^)]*)\))?")


def long_day(day: date) -> str:
    """``Friday 25 December 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_day(day: date) -> str:
    """``25 Dec 2026``."""
    return f"{day.day} {day:%b %Y}"


def span_words(text: str) -> str:
    """``2027-01-04..2027-03-20 (winter road access)`` → ``from 4 Jan 2027 to 20 Mar 2027
    (winter road access)``; a single day → ``4 Jan 2027``."""

    def replace(match: re.Match[str]) -> str:
        first = date.fromisoformat(match["first"])
        words = (
            f"from {short_day(first)} to {short_day(date.fromisoformat(match['last']))}"
            if match["last"]
            else short_day(first)
        )
        return f"{words} ({match['reason']})" if match["reason"] else words

    return _SPAN.sub(replace, text)


def _team(instance: Instance, team_id: str) -> str:
    try:
        name = instance.team(team_id).name
    except KeyError:
        name = team_id
    return name if name.lower().startswith("the ") else f"the {name}"


def _city(instance: Instance, city_id: str) -> str:
    try:
        return instance.city(city_id).name
    except KeyError:
        return city_id


def _week_monday(label: str) -> date:
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _meetup_sentence(instance: Instance, city_id: str, day: date, team_id: str, rest: str) -> str:
    when = long_day(day)
    if rest.startswith("outside the window"):
        return (
            f"{when} is outside the planning window "
            f"({short_day(instance.start)} to {short_day(instance.end)})."
        )
    match = re.fullmatch(r"(\w+) is not a meetup weekday", rest)
    if match:
        return f"{when} is a {match[1]}, and meetups are not held on {match[1]}s (see Settings)."
    if rest.startswith("public holiday"):
        holiday = calendar.public_holiday(day, instance.public_holidays)
        names = holiday.name if holiday else rest.removeprefix("public holiday (")[:-1]
        estimated = " (the date is an estimate)" if holiday and holiday.estimated else ""
        return f"{when} is {' and '.join(names.split('; '))}, a public holiday{estimated}."
    match = re.fullmatch(rf"in Ramadan \(({_DAY})\.\.({_DAY})\)", rest)
    if match:
        first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        return (
            f"{when} falls in Ramadan ({short_day(first)} to {short_day(last)}), "
            "when no meetups are held."
        )
    if rest.startswith("closed nationwide "):
        return (
            f"Meetups are paused nationwide {span_words(rest.removeprefix('closed nationwide '))}."
        )
    city = _city(instance, city_id)
    if rest.startswith(f"{city} closed "):
        return f"{city} is closed {span_words(rest.removeprefix(f'{city} closed '))}."
    team = _team(instance, team_id)
    try:
        team_name = instance.team(team_id).name
    except KeyError:
        team_name = team_id
    if rest.startswith(f"{team_name} away "):
        return f"{_capital(team)} is away {span_words(rest.removeprefix(f'{team_name} away '))}."
    if rest == f"{team_name} does not serve {city}":
        return f"{_capital(team)} does not serve {city}."
    return f"{city} on {when} with {team}: {span_words(rest)}."


def sentence(instance: Instance, line: str) -> str:
    """One checker line as a sentence (``meetups[3]`` prefixes may be stripped or not)."""
    line = re.sub(r"^meetups\[\d+\] ", "", line)
    match = _MEETUP.match(line)
    if match:
        return _meetup_sentence(
            instance,
            match["city"],
            date.fromisoformat(match["day"]),
            match["team"],
            match["rest"],
        )
    match = re.fullmatch(rf"team (\S+) runs (\d+) meetups on ({_DAY}) \(at most 1 a day\)", line)
    if match:
        day = date.fromisoformat(match[3])
        return (
            f"{_capital(_team(instance, match[1]))} already has a meetup on {long_day(day)}; "
            "a team runs at most one a day."
        )
    match = re.fullmatch(
        r"team (\S+) runs (\d+) meetups in week (\d{4}-W\d\d) \(its max_per_week is (\d+)\)", line
    )
    if match:
        monday = _week_monday(match[3])
        already = int(match[2]) - 1
        return (
            f"{_capital(_team(instance, match[1]))} already has {already} "
            f"meetup{'s' if already != 1 else ''} in the week of Monday {short_day(monday)} "
            f"(its limit is {match[4]} a week)."
        )
    match = re.fullmatch(r"(\d+) meetups in week (\d{4}-W\d\d) \(max_per_week is (\d+)\)", line)
    if match:
        monday = _week_monday(match[2])
        already = int(match[1]) - 1
        return (
            f"There {'are' if already != 1 else 'is'} already {already} "
            f"meetup{'s' if already != 1 else ''} across Pakistan in the week of Monday "
            f"{short_day(monday)} (the limit is {match[3]} a week)."
        )
    match = re.fullmatch(
        rf"(\S+): meetups on ({_DAY}) and ({_DAY}) are (\d+) days apart \(min_gap_days is (\d+)\)",
        line,
    )
    if match:
        first, second = date.fromisoformat(match[2]), date.fromisoformat(match[3])
        return (
            f"{_city(instance, match[1])}'s meetups on {short_day(first)} and "
            f"{short_day(second)} would be {match[4]} days apart; they must be at least "
            f"{match[5]} days apart."
        )
    match = re.fullmatch(r"(\S+): (\d+) meetups, more than its max (\d+)", line)
    if match:
        return (
            f"{_city(instance, match[1])} would have {match[2]} meetups, more than its "
            f"maximum of {match[3]}."
        )
    return line


def plain_reason(reason: str) -> str:
    """A planner shortfall reason with its parameter names and date ranges in words."""
    text = re.sub(
        r"min_gap_days (\d+)", r"the minimum gap of \1 days between a city's meetups", reason
    )
    text = re.sub(r"max_per_week (\d+)", r"a weekly limit of \1", text)
    text = span_words(text)
    return _capital(text) + ("" if text.endswith(".") else ".")
