"""The planner's and checker's findings as sentences for staff.

The checker (``checker.check``) and the planner's shortfall reasons are terse lines meant for files
and the command line (``(muzaffarabad 2026-12-25 north): public holiday (...)``, ``min_gap_days
21``). The board shows them through :func:`sentence` and :func:`plain_reason`, which name the
day, the holiday, the team and its limit in words, in the viewer's language (gettext; English
outside a request). Lines this module does not recognise are shown as they are, so a new checker
rule is never hidden.
"""

from __future__ import annotations

import re
from datetime import date

from babel.lists import format_list
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from engagement.core.timefmt import format_date
from engagement.roadmap import calendar
from engagement.roadmap.instance import Instance

_DAY = r"\d{4}-\d{2}-\d{2}"
_MEETUP = re.compile(rf"^\((?P<city>\S+) (?P<day>{_DAY}) (?P<team>\S+)\): (?P<rest>.*)$")
_SPAN = re.compile(rf"(?P<first>{_DAY})(?:\.\.(?P<last>{_DAY}))?(?: \((?P<reason>[^)]*)\))?")


def _locale() -> str:
    return str(get_locale() or "en")


def long_day(day: date) -> str:
    """``Friday 25 December 2026`` (Babel's day and month names in the viewer's language)."""
    return format_date(day, "EEEE d MMMM y")


def short_day(day: date) -> str:
    """``25 Dec 2026``."""
    return format_date(day, "d MMM y")


def _and(words: list[str]) -> str:
    return format_list(words, locale=_locale())


def span_words(text: str) -> str:
    """``2027-01-04..2027-03-20 (winter road access)`` → ``from 4 Jan 2027 to 20 Mar 2027
    (winter road access)``; a single day → ``4 Jan 2027``."""

    def replace(match: re.Match[str]) -> str:
        first = date.fromisoformat(match["first"])
        words = (
            _(
                "from %(first)s to %(last)s",
                first=short_day(first),
                last=short_day(date.fromisoformat(match["last"])),
            )
            if match["last"]
            else short_day(first)
        )
        return f"{words} ({match['reason']})" if match["reason"] else words

    return _SPAN.sub(replace, text)


def _team_name(instance: Instance, team_id: str) -> str:
    try:
        return instance.team(team_id).name
    except KeyError:
        return team_id


def _team(instance: Instance, team_id: str) -> str:
    """``the North team`` in English (Urdu needs no article)."""
    name = _team_name(instance, team_id)
    return name if name.lower().startswith("the ") else _("the %(team)s", team=name)


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


def _weekday_name(english: str) -> str:
    """The checker's English weekday (``Friday``) in the viewer's language."""
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    index = days.index(english.lower())
    return format_date(date(2024, 1, 1 + index), "EEEE")  # 2024-01-01: Monday


def _meetup_sentence(instance: Instance, city_id: str, day: date, team_id: str, rest: str) -> str:
    when = long_day(day)
    match = re.fullmatch(r"unknown (city|team) (['\"])(.*)\2", rest)
    if match:
        if match[1] == "city":
            return _(
                "“%(city)s” (on %(day)s) is not a city on the roadmap; use a city id from the "
                "exported instance.",
                city=match[3],
                day=when,
            )
        return _(
            "“%(team)s” (on %(day)s) is not a roadmap team; use a team id from the exported "
            "instance.",
            team=match[3],
            day=when,
        )
    if rest.startswith("outside the window"):
        return _(
            "%(day)s is outside the planning window (%(start)s to %(end)s).",
            day=when,
            start=short_day(instance.start),
            end=short_day(instance.end),
        )
    match = re.fullmatch(r"(\w+) is not a meetup weekday", rest)
    if match:
        return _(
            "%(day)s is a %(weekday)s, and meetups are not held on %(weekday)ss (see Settings).",
            day=when,
            weekday=_weekday_name(match[1]),
        )
    if rest.startswith("public holiday"):
        holiday = calendar.public_holiday(day, instance.public_holidays)
        if holiday:
            # The calendar's local name is Urdu for Pakistan: Urdu pages use it.
            urdu = _locale() == "ur" and holiday.name_local
            names = holiday.name_local if urdu else holiday.name
        else:
            names = rest.removeprefix("public holiday (")[:-1]
        if holiday and holiday.estimated:
            return _(
                "%(day)s is %(holiday)s, a public holiday (the date is an estimate).",
                day=when,
                holiday=_and(names.split("; ")),
            )
        return _(
            "%(day)s is %(holiday)s, a public holiday.", day=when, holiday=_and(names.split("; "))
        )
    match = re.fullmatch(rf"in Ramadan \(({_DAY})\.\.({_DAY})\)", rest)
    if match:
        first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
        return _(
            "%(day)s falls in Ramadan (%(first)s to %(last)s), when no meetups are held.",
            day=when,
            first=short_day(first),
            last=short_day(last),
        )
    if rest.startswith("closed nationwide "):
        return _(
            "Meetups are paused nationwide %(when)s.",
            when=span_words(rest.removeprefix("closed nationwide ")),
        )
    city = _city(instance, city_id)
    if rest.startswith(f"{city} closed "):
        return _(
            "%(city)s is closed %(when)s.",
            city=city,
            when=span_words(rest.removeprefix(f"{city} closed ")),
        )
    team, team_name = _team(instance, team_id), _team_name(instance, team_id)
    if rest.startswith(f"{team_name} away "):
        return _capital(
            _(
                "%(team)s is away %(when)s.",
                team=team,
                when=span_words(rest.removeprefix(f"{team_name} away ")),
            )
        )
    if rest == f"{team_name} does not serve {city}":
        return _capital(_("%(team)s does not serve %(city)s.", team=team, city=city))
    return _(
        "%(city)s on %(day)s with %(team)s: %(problem)s.",
        city=city,
        day=when,
        team=team,
        problem=span_words(rest),
    )


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
    match = re.fullmatch(rf"pinned\[\d+\] \((\S+) ({_DAY}) (\S+)\) is missing", line)
    if match:
        return _(
            "%(city)s on %(day)s with %(team)s is pinned or published, and the plan leaves it "
            "out; a plan must keep it.",
            city=_city(instance, match[1]),
            day=long_day(date.fromisoformat(match[2])),
            team=_team(instance, match[3]),
        )
    match = re.fullmatch(rf"team (\S+) runs (\d+) meetups on ({_DAY}) \(at most 1 a day\)", line)
    if match:
        day = date.fromisoformat(match[3])
        return _capital(
            _(
                "%(team)s already has a meetup on %(day)s; a team runs at most one a day.",
                team=_team(instance, match[1]),
                day=long_day(day),
            )
        )
    match = re.fullmatch(
        r"team (\S+) runs (\d+) meetups in week (\d{4}-W\d\d) \(its max_per_week is (\d+)\)", line
    )
    if match:
        monday = _week_monday(match[3])
        already = int(match[2]) - 1
        return _capital(
            ngettext(
                "%(team)s already has %(num)d meetup in the week of Monday %(monday)s "
                "(its limit is %(limit)s a week).",
                "%(team)s already has %(num)d meetups in the week of Monday %(monday)s "
                "(its limit is %(limit)s a week).",
                already,
                team=_team(instance, match[1]),
                monday=short_day(monday),
                limit=match[4],
            )
        )
    match = re.fullmatch(r"(\d+) meetups in week (\d{4}-W\d\d) \(max_per_week is (\d+)\)", line)
    if match:
        monday = _week_monday(match[2])
        already = int(match[1]) - 1
        return ngettext(
            "There is already %(num)d meetup across Pakistan in the week of Monday %(monday)s "
            "(the limit is %(limit)s a week).",
            "There are already %(num)d meetups across Pakistan in the week of Monday %(monday)s "
            "(the limit is %(limit)s a week).",
            already,
            monday=short_day(monday),
            limit=match[3],
        )
    match = re.fullmatch(
        rf"(\S+): meetups on ({_DAY}) and ({_DAY}) are (\d+) days apart \(min_gap_days is (\d+)\)",
        line,
    )
    if match:
        first, second = date.fromisoformat(match[2]), date.fromisoformat(match[3])
        return _(
            "%(city)s's meetups on %(first)s and %(second)s would be %(apart)s days apart; "
            "they must be at least %(gap)s days apart.",
            city=_city(instance, match[1]),
            first=short_day(first),
            second=short_day(second),
            apart=match[4],
            gap=match[5],
        )
    match = re.fullmatch(r"(\S+): (\d+) meetups, more than its max (\d+)", line)
    if match:
        return _(
            "%(city)s would have %(count)s meetups, more than its maximum of %(max)s.",
            city=_city(instance, match[1]),
            count=match[2],
            max=match[3],
        )
    return line


#: The planner's shortfall phrases (``planner.explain_shortfall``) that can follow its
#: "closed <ranges> and " prefix.
_CORES = (
    "its teams are away",
    "no allowed day in the window for its teams",
    "min_gap_days",
    "max_per_week 0",
    "every remaining allowed day",
)
_PREFIXED = re.compile(rf"^closed (?P<spans>.*?) and (?P<rest>(?:{'|'.join(_CORES)}).*)$")
_WHO = {
    "higher-priority cities": lambda: _("higher-priority cities"),
    "cities of the same or higher priority": lambda: _("cities of the same or higher priority"),
    "other cities (giving it one would leave more shortfall elsewhere)": lambda: _(
        "other cities (giving it one would leave more shortfall elsewhere)"
    ),
}


def _detail(text: str) -> str:
    """One detail after "is taken by ...:" in words."""
    if match := re.fullmatch(
        r"the limit of (\d+) meetups a week is reached in (\d+) weeks? it could use", text
    ):
        return ngettext(
            "the limit of %(limit)s meetups a week is reached in %(num)d week it could use",
            "the limit of %(limit)s meetups a week is reached in %(num)d weeks it could use",
            int(match[2]),
            limit=match[1],
        )
    if match := re.fullmatch(r"(.+) is fully booked in (\d+) weeks?", text):
        return ngettext(
            "%(team)s is fully booked in %(num)d week",
            "%(team)s is fully booked in %(num)d weeks",
            int(match[2]),
            team=match[1],
        )
    if match := re.fullmatch(r"its team is busy elsewhere on (\d+) days?", text):
        return ngettext(
            "its team is busy elsewhere on %(num)d day",
            "its team is busy elsewhere on %(num)d days",
            int(match[1]),
        )
    if match := re.fullmatch(
        r"the other days are within min_gap_days (\d+) of its meetup on (.+)", text
    ):
        days = ", ".join(short_day(date.fromisoformat(d)) for d in match[2].split(", "))
        return _(
            "the other days are within the minimum gap of %(gap)s days between a city's "
            "meetups of its meetup on %(days)s",
            gap=match[1],
            days=days,
        )
    return _english_reason(text)


def _core(text: str) -> str | None:
    """A shortfall phrase (without the closures prefix) in words, or None when unknown."""
    if text == "no team serves this city":
        return _("no team serves this city")
    if match := re.fullmatch(r"closed (.+), leaving no allowed day", text):
        return _("closed %(closures)s, leaving no allowed day", closures=span_words(match[1]))
    if text == "no allowed day in the window (weekdays, public holidays, Ramadan and closures)":
        return _("no allowed day in the window (weekdays, public holidays, Ramadan and closures)")
    if match := re.fullmatch(r"its teams are away on every remaining allowed day \((.+)\)", text):
        return _(
            "its teams are away on every remaining allowed day (%(away)s)",
            away=span_words(match[1]),
        )
    if text == "no allowed day in the window for its teams":
        return _("no allowed day in the window for its teams")
    if match := re.fullmatch(
        rf"min_gap_days (\d+) allows only (\d+) meetups? in the open window ({_DAY}\.\.{_DAY})",
        text,
    ):
        return ngettext(
            "the minimum gap of %(gap)s days between a city's meetups allows only %(num)d "
            "meetup in the open window %(window)s",
            "the minimum gap of %(gap)s days between a city's meetups allows only %(num)d "
            "meetups in the open window %(window)s",
            int(match[2]),
            gap=match[1],
            window=span_words(match[3]),
        )
    if text == "max_per_week 0 leaves no room":
        return _("a weekly limit of 0 leaves no room")
    if match := re.fullmatch(
        rf"every remaining allowed day(?: \(({_DAY}\.\.{_DAY})\))? is taken by "
        rf"({'|'.join(re.escape(w) for w in _WHO)})(?:: (.*))?",
        text,
    ):
        who = _WHO[match[2]]()
        if match[1]:
            taken = _(
                "every remaining allowed day (%(window)s) is taken by %(who)s",
                window=span_words(match[1]),
                who=who,
            )
        else:
            taken = _("every remaining allowed day is taken by %(who)s", who=who)
        if match[3]:
            details = "; ".join(_detail(d) for d in match[3].split("; "))
            return _("%(reason)s: %(details)s", reason=taken, details=details)
        return taken
    return None


def _english_reason(reason: str) -> str:
    """A reason this module does not know: its parameter names and ranges in (English) words."""
    text = re.sub(
        r"min_gap_days (\d+)", r"the minimum gap of \1 days between a city's meetups", reason
    )
    text = re.sub(r"max_per_week (\d+)", r"a weekly limit of \1", text)
    return span_words(text)


def plain_reason(reason: str) -> str:
    """A planner shortfall reason with its parameter names and date ranges in words, in the
    viewer's language (a reason of an unknown shape keeps the planner's English)."""
    text = _core(reason)
    if text is None and (match := _PREFIXED.match(reason)):
        rest = _core(match["rest"])
        if rest is not None:
            text = _(
                "closed %(closures)s and %(reason)s",
                closures=span_words(match["spans"]),
                reason=rest,
            )
    if text is None:
        text = _english_reason(reason)
    # Translators: the full stop that ends a shortfall reason ("۔" in Urdu).
    return _capital(text) + ("" if text.endswith((".", "۔")) else _("."))
