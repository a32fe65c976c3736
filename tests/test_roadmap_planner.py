"""The pure roadmap planner, its calendar, validation and checker (no app, no database)."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from engagement.roadmap import calendar
from engagement.roadmap.checker import PlanError, check
from engagement.roadmap.instance import InstanceError, blocked_reason, parse_instance
from engagement.roadmap.planner import greedy, plan, score_of

SAMPLES = sorted(
    (Path(__file__).resolve().parent.parent / "data" / "roadmap").glob("sample-*.json")
)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def instance(**overrides) -> dict:
    """One city, one team, two weeks of March 2027 after Ramadan, no closures."""
    data = {
        "version": 1,
        "start": "2027-03-15",
        "end": "2027-03-28",
        "weekdays": ["mon", "tue", "wed", "thu", "sat"],
        "public_holidays": "PK",
        "ramadan": "avoid",
        "closed": [],
        "max_per_week": 3,
        "min_gap_days": 1,
        "cities": [{"id": "gilgit", "name": "Gilgit", "priority": 5, "min": 1, "max": 1}],
        "teams": [{"id": "north", "name": "North team", "cities": ["gilgit"], "max_per_week": 3}],
        "pinned": [],
    }
    data.update(overrides)
    return data


def days_of(result: dict, city: str | None = None) -> list[str]:
    return [m["date"] for m in result["meetups"] if city is None or m["city"] == city]


def solved(data: dict, **kwargs) -> dict:
    """Plan and assert the independent checker finds nothing wrong."""
    result = plan(data, time_limit=kwargs.pop("time_limit", 0.5), **kwargs)
    assert check(data, result) == []
    return result


# --- calendar ----------------------------------------------------------------------------------


def test_ramadan_2027_by_umm_al_qura_includes_1_shawwal():
    assert calendar.ramadan_ranges(date(2027, 1, 1), date(2027, 12, 31)) == [
        (date(2027, 2, 8), date(2027, 3, 9))
    ]
    assert calendar.ramadan_span(date(2027, 3, 9)) == (date(2027, 2, 8), date(2027, 3, 9))
    assert calendar.ramadan_span(date(2027, 2, 7)) is None
    assert calendar.ramadan_span(date(2027, 3, 10)) is None


def test_pakistan_holidays_have_english_and_urdu_names_and_say_estimated():
    pakistan_day = calendar.public_holiday(date(2027, 3, 23))
    assert pakistan_day.name == "Pakistan Day"
    assert pakistan_day.name_local == "یوم پاکستان"
    assert not pakistan_day.estimated
    eid = calendar.public_holiday(date(2027, 3, 10))
    assert eid.name == "Eid al-Fitr" and eid.estimated
    assert calendar.is_estimated(date(2027, 5, 17))  # Eid al-Adha
    assert not calendar.is_estimated(date(2027, 3, 23))
    assert calendar.public_holiday(date(2027, 3, 24)) is None
    assert calendar.public_holiday(date(2027, 3, 23), None) is None
    days = [h.day for h in calendar.public_holidays(date(2027, 1, 1), date(2027, 6, 30))]
    assert date(2027, 2, 5) in days and date(2027, 5, 28) in days


def test_blocked_reason_says_why():
    data = parse_instance(
        instance(
            start="2027-01-04",
            end="2027-06-30",
            closed=[{"from": "2027-04-20", "to": "2027-04-21", "reason": "national event"}],
            cities=[
                {
                    "id": "gilgit",
                    "name": "Gilgit",
                    "priority": 5,
                    "min": 1,
                    "max": 2,
                    "closed": [{"from": "2027-01-04", "to": "2027-03-20", "reason": "winter"}],
                }
            ],
            teams=[
                {
                    "id": "north",
                    "name": "North team",
                    "cities": ["gilgit"],
                    "max_per_week": 1,
                    "away": [{"from": "2027-04-01", "to": "2027-04-07", "reason": "trade fair"}],
                }
            ],
        )
    )
    reason = blocked_reason
    assert reason(data, date(2027, 3, 23)) == "a public holiday (Pakistan Day)"
    assert "estimated" in reason(data, date(2027, 3, 10))
    assert reason(data, date(2027, 2, 10)).startswith("in Ramadan (2027-02-08..2027-03-09")
    assert reason(data, date(2027, 3, 26)) == "a Friday, not a meetup weekday"
    assert (
        reason(data, date(2027, 4, 20))
        == "closed nationwide 2027-04-20..2027-04-21 (national event)"
    )
    assert reason(data, date(2027, 1, 5), city="gilgit").startswith("closed for Gilgit")
    assert reason(data, date(2027, 1, 5)) is None
    assert "North team is away" in reason(data, date(2027, 4, 5), team="north")
    assert reason(data, date(2027, 7, 1)).startswith("after the window")
    assert reason(data, date(2027, 4, 12), city="gilgit", team="north") is None


# --- each hard rule, kept by the planner -------------------------------------------------------


def test_no_meetup_on_a_public_holiday():
    # Only 2027-03-23 (Pakistan Day) is a Tuesday in the window: the city cannot be served.
    result = solved(instance(weekdays=["tue"], start="2027-03-22", end="2027-03-28"))
    assert result["meetups"] == []
    assert result["shortfall"] == [
        {"city": "gilgit", "missing": 1, "reason": result["shortfall"][0]["reason"]}
    ]
    assert "no allowed day" in result["shortfall"][0]["reason"]


def test_no_meetup_in_ramadan_unless_allowed():
    window = {"start": "2027-02-08", "end": "2027-03-09"}
    assert solved(instance(**window))["meetups"] == []
    allowed = solved(instance(ramadan="allow", **window))
    assert len(allowed["meetups"]) == 1


def test_closed_ranges_and_team_away_are_kept():
    result = solved(
        instance(
            closed=[{"from": "2027-03-15", "to": "2027-03-17", "reason": "national event"}],
            cities=[
                {
                    "id": "gilgit",
                    "name": "Gilgit",
                    "priority": 5,
                    "min": 1,
                    "max": 9,
                    "closed": [{"from": "2027-03-18", "to": "2027-03-20", "reason": "snow"}],
                }
            ],
            teams=[
                {
                    "id": "north",
                    "name": "North team",
                    "cities": ["gilgit"],
                    "max_per_week": 5,
                    "away": [{"from": "2027-03-22", "to": "2027-03-23", "reason": "leave"}],
                }
            ],
        )
    )
    # Left: Wed 24, Thu 25, Sat 27 (Mon 22 and Tue 23 away, 23 is Pakistan Day anyway).
    assert days_of(result) == ["2027-03-24", "2027-03-25", "2027-03-27"]


def test_team_serves_the_city_one_meetup_a_day_and_its_weekly_cap():
    cities = [{"id": f"c{i}", "name": f"C{i}", "priority": 1, "min": 0, "max": 1} for i in range(4)]
    teams = [
        {"id": "a", "name": "A", "cities": ["c0", "c1", "c2"], "max_per_week": 2},
        {"id": "b", "name": "B", "cities": [], "max_per_week": 5},
    ]
    result = solved(
        instance(start="2027-03-15", end="2027-03-21", weekdays=["mon"], cities=cities, teams=teams)
    )
    # One Monday, team A runs one meetup a day; c3 has no team.
    assert len(result["meetups"]) == 1 and result["meetups"][0]["team"] == "a"
    wide = solved(instance(start="2027-03-15", end="2027-03-21", cities=cities, teams=teams))
    assert len(wide["meetups"]) == 2  # team A's weekly cap
    assert "c3" not in {m["city"] for m in wide["meetups"]}
    assert {s["city"]: s["reason"] for s in wide["shortfall"]} == {}


def test_country_weekly_cap():
    cities = [{"id": f"c{i}", "name": f"C{i}", "priority": 1, "min": 0, "max": 1} for i in range(5)]
    teams = [
        {"id": f"t{i}", "name": f"T{i}", "cities": [f"c{i}"], "max_per_week": 5} for i in range(5)
    ]
    result = solved(
        instance(start="2027-03-15", end="2027-03-21", max_per_week=2, cities=cities, teams=teams)
    )
    assert len(result["meetups"]) == 2


def test_min_gap_and_max_per_city():
    data = instance(
        start="2027-04-05",
        end="2027-06-30",
        min_gap_days=28,
        cities=[{"id": "gilgit", "name": "Gilgit", "priority": 5, "min": 1, "max": 3}],
    )
    result = solved(data)
    dates = [date.fromisoformat(d) for d in days_of(result)]
    assert len(dates) == 3
    assert all((b - a).days >= 28 for a, b in zip(dates, dates[1:], strict=False))
    data["cities"][0]["max"] = 2
    assert len(solved(data)["meetups"]) == 2


def test_pinned_meetups_are_kept_and_count_toward_limits():
    data = instance(
        start="2027-04-05",
        end="2027-06-30",
        min_gap_days=28,
        cities=[{"id": "gilgit", "name": "Gilgit", "priority": 5, "min": 1, "max": 2}],
        pinned=[{"city": "gilgit", "date": "2027-05-12", "team": "north"}],
    )
    result = solved(data)
    assert {"city": "gilgit", "date": "2027-05-12", "team": "north"} in result["meetups"]
    assert len(result["meetups"]) == 2
    other = [date.fromisoformat(d) for d in days_of(result) if d != "2027-05-12"][0]
    assert abs((other - date(2027, 5, 12)).days) >= 28


def test_spread_over_the_window():
    data = instance(
        start="2027-04-05",
        end="2027-09-26",
        min_gap_days=7,
        cities=[{"id": "gilgit", "name": "Gilgit", "priority": 5, "min": 0, "max": 3}],
    )
    dates = [date.fromisoformat(d) for d in days_of(solved(data))]
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False)]
    assert min(gaps) >= 40  # not bunched although 7 days apart would be allowed


def test_least_shortfall_beats_score():
    # One slot: a priority-9 city already at its min vs a priority-1 city that needs one.
    cities = [
        {"id": "big", "name": "Big", "priority": 9, "min": 0, "max": 1},
        {"id": "small", "name": "Small", "priority": 1, "min": 1, "max": 1},
    ]
    teams = [{"id": "t", "name": "T", "cities": ["big", "small"], "max_per_week": 1}]
    result = solved(instance(start="2027-03-15", end="2027-03-21", cities=cities, teams=teams))
    assert [m["city"] for m in result["meetups"]] == ["small"]
    assert result["shortfall"] == [] and result["score"] == 1 and result["optimal"]


# --- samples, determinism, bound ---------------------------------------------------------------


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_plan_and_check_ok(path):
    data = load(path)
    result = plan(data)
    assert check(data, result) == []
    assert list(result)[:4] == ["version", "meetups", "shortfall", "score"]
    assert result["score"] >= 0.99 * result["bound"]
    parsed = parse_instance(data)
    assert result["score"] >= score_of(parsed, greedy(parsed, naive=True))
    keys = [(m["date"], m["city"]) for m in result["meetups"]]
    assert keys == sorted(keys)
    for pin in data["pinned"]:
        assert pin in result["meetups"]


def test_same_instance_same_plan():
    data = load(SAMPLES[0])
    first, second = plan(data), plan(copy.deepcopy(data))
    first.pop("solve_seconds"), second.pop("solve_seconds")
    assert json.dumps(first) == json.dumps(second)


def test_shortfall_reasons_are_concrete():
    data = load(next(p for p in SAMPLES if "small" in p.stem))
    data["cities"].append({"id": "mithi", "name": "Mithi", "priority": 3, "min": 1, "max": 1})
    data["cities"].append(
        {
            "id": "skardu",
            "name": "Skardu",
            "priority": 3,
            "min": 2,
            "max": 2,
            "closed": [{"from": "2027-01-04", "to": "2027-06-05", "reason": "winter road access"}],
        }
    )
    data["teams"][0]["cities"].append("skardu")
    result = solved(data)
    reasons = {s["city"]: s for s in result["shortfall"]}
    assert reasons["mithi"]["reason"] == "no team serves this city"
    assert reasons["skardu"]["missing"] == 1
    assert reasons["skardu"]["reason"].startswith(
        "closed 2027-01-04..2027-06-05 (winter road access) and min_gap_days 28 allows only 1 meetup"
    )


def test_competition_reason_names_the_limits():
    cities = [
        {"id": "big", "name": "Big", "priority": 9, "min": 1, "max": 1},
        {"id": "small", "name": "Small", "priority": 1, "min": 1, "max": 1},
    ]
    teams = [{"id": "t", "name": "T", "cities": ["big", "small"], "max_per_week": 1}]
    result = solved(instance(start="2027-03-15", end="2027-03-21", cities=cities, teams=teams))
    assert result["meetups"][0]["city"] == "big"
    reason = result["shortfall"][0]["reason"]
    assert reason.startswith("every remaining allowed day is taken by higher-priority cities")
    assert "T is fully booked in 1 week" in reason


# --- invalid instances name the field ----------------------------------------------------------


def _with(path: str, value):
    """A copy of the country sample with one field set (``cities.3.min``; value ``...`` drops it)."""
    data = load(next(p for p in SAMPLES if "country" in p.stem))
    *parents, last = path.split(".")
    target = data
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    key = int(last) if last.isdigit() else last
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


BAD = [
    (_with("version", 2), "version"),
    (_with("start", "2027-13-01"), "start"),
    (_with("start", "04/01/2027"), "start"),
    (_with("end", "2026-12-31"), "end"),
    (_with("end", ...), "end"),
    (_with("weekdays", ["mon", "fri", "funday"]), "weekdays[2]"),
    (_with("weekdays", []), "weekdays"),
    (_with("public_holidays", "XX"), "public_holidays"),
    (_with("ramadan", "skip"), "ramadan"),
    (_with("closed", [{"from": "2027-02-16", "to": "2027-02-14"}]), "closed[0].to"),
    (_with("max_per_week", "3"), "max_per_week"),
    (_with("max_per_week", True), "max_per_week"),
    (_with("min_gap_days", -1), "min_gap_days"),
    (_with("cities.3.min", 5), "cities[3].min"),
    (_with("cities.2.priority", 0), "cities[2].priority"),
    (_with("cities.2.priority", 1.5), "cities[2].priority"),
    (_with("cities.4.id", "islamabad"), "cities[4].id"),
    (_with("cities.1.name", ...), "cities[1].name"),
    (_with("cities.1", "rawalpindi"), "cities[1]"),
    (_with("cities.0.closed", [{"from": "2027-01-01"}]), "cities[0].closed[0].to"),
    (_with("teams.1.id", "team-1"), "teams[1].id"),
    (_with("teams.0.cities", ["bannu", "atlantis"]), "teams[0].cities[1]"),
    (_with("teams.0.max_per_week", -2), "teams[0].max_per_week"),
    (_with("teams.0.away", [{"from": "x", "to": "2027-01-01"}]), "teams[0].away[0].from"),
    (
        _with("pinned", [{"city": "atlantis", "date": "2027-02-03", "team": "team-1"}]),
        "pinned[0].city",
    ),
    (
        _with("pinned", [{"city": "bannu", "date": "2027-02-03", "team": "team-9"}]),
        "pinned[0].team",
    ),
    (
        _with("pinned", [{"city": "bannu", "date": "2027-02-30", "team": "team-1"}]),
        "pinned[0].date",
    ),
    ([], ""),
    ({"version": 1}, "start"),
]


@pytest.mark.parametrize(("data", "field"), BAD, ids=[field or "root" for _, field in BAD])
def test_invalid_instance_names_the_field(data, field):
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: " if field else "")


def test_min_above_max_message():
    with pytest.raises(InstanceError, match=r"^cities\[3\]\.min: must be <= max$"):
        parse_instance(_with("cities.3.min", 5))


PINNED_BREAKING = [
    (
        {"city": "bannu", "date": "2027-03-23", "team": "team-1"},
        "is a public holiday (Pakistan Day)",
    ),
    ({"city": "bannu", "date": "2027-02-10", "team": "team-1"}, "is in Ramadan"),
    ({"city": "bannu", "date": "2027-03-26", "team": "team-1"}, "is a Friday"),
    ({"city": "bannu", "date": "2027-07-05", "team": "team-1"}, "after the window"),
    ({"city": "bannu", "date": "2027-03-29", "team": "team-1"}, "Team 1 is away"),
    ({"city": "gilgit", "date": "2027-01-11", "team": "team-1"}, "does not serve Gilgit"),
]


@pytest.mark.parametrize(("pin", "message"), PINNED_BREAKING, ids=[m for _, m in PINNED_BREAKING])
def test_pinned_meetup_breaking_a_rule_is_invalid(pin, message):
    data = _with("pinned", [pin])
    with pytest.raises(InstanceError) as raised:
        parse_instance(data)
    assert raised.value.field == "pinned[0]"
    assert message in str(raised.value)


def test_pinned_meetups_breaking_rules_together():
    two = [
        {"city": "bannu", "date": "2027-02-01", "team": "team-1"},
        {"city": "bannu", "date": "2027-02-03", "team": "team-1"},
    ]
    with pytest.raises(InstanceError, match=r"^pinned\[1\]: Team 1 would run 2 meetups in week"):
        parse_instance(_with("pinned", two))
    gap = [
        {"city": "bannu", "date": "2027-01-04", "team": "team-1"},
        {"city": "bannu", "date": "2027-01-19", "team": "team-1"},
    ]
    with pytest.raises(
        InstanceError, match=r"^pinned\[1\]: 2027-01-19 is 15 days from pinned\[0\]"
    ):
        parse_instance(_with("pinned", gap))


def test_pinned_holiday_message_is_exact():
    with pytest.raises(InstanceError) as raised:
        parse_instance(_with("pinned", [{"city": "bannu", "date": "2027-03-23", "team": "team-1"}]))
    assert str(raised.value) == "pinned[0]: 2027-03-23 is a public holiday (Pakistan Day)"


def test_instance_round_trips():
    data = load(SAMPLES[0])
    parsed = parse_instance(data)
    assert parse_instance(parsed.to_dict()) == parsed


# --- the checker finds each broken rule --------------------------------------------------------


def _country_plan():
    data = load(next(p for p in SAMPLES if "country" in p.stem))
    return data, plan(data, time_limit=0.5)


def test_checker_finds_every_kind_of_violation():
    data, good = _country_plan()
    assert check(data, good) == []
    bad = copy.deepcopy(good)
    meetups = bad["meetups"]
    first = meetups[0]
    meetups.append({"city": first["city"], "date": "2027-03-23", "team": first["team"]})
    meetups.append({"city": "gilgit", "date": "2027-03-24", "team": "team-1"})
    meetups.append({"city": "atlantis", "date": "2027-03-25", "team": "team-3"})
    meetups.append(dict(first))
    week_later = (date.fromisoformat(first["date"]) + timedelta(days=7)).isoformat()
    meetups.append({"city": first["city"], "date": week_later, "team": first["team"]})
    bad["score"] += 1
    bad["shortfall"].append({"city": "lahore", "missing": 1, "reason": ""})
    bad["meetups"] = [
        m for m in meetups if m != {"city": "bannu", "date": "2027-02-03", "team": "team-1"}
    ]
    problems = "\n".join(check(data, bad))
    for expected in [
        "public holiday (Pakistan Day)",
        "Team 1 does not serve Gilgit",
        "unknown city 'atlantis'",
        "runs 2 meetups on",
        "min_gap_days is 35",
        "pinned[0] (bannu 2027-02-03 team-1) is missing",
        "not sorted by date then city",
        "score:",
        "'lahore' is not short of its min",
        "a reason is required",
    ]:
        assert expected in problems


def test_checker_weekly_caps_and_max():
    data = instance(
        start="2027-04-05",
        end="2027-04-11",
        max_per_week=1,
        cities=[{"id": "gilgit", "name": "Gilgit", "priority": 5, "min": 0, "max": 1}],
    )
    data["teams"][0]["max_per_week"] = 1
    two = {
        "version": 1,
        "meetups": [
            {"city": "gilgit", "date": "2027-04-05", "team": "north"},
            {"city": "gilgit", "date": "2027-04-06", "team": "north"},
        ],
        "shortfall": [],
        "score": 10,
    }
    problems = "\n".join(check(data, two))
    assert "team north runs 2 meetups in week 2027-W14 (its max_per_week is 1)" in problems
    assert "2 meetups in week 2027-W14 (max_per_week is 1)" in problems
    assert "gilgit: 2 meetups, more than its max 1" in problems
    assert "meetups on 2027-04-05 and 2027-04-06 are 1 days apart" not in problems  # gap 1 holds


def test_checker_shortfall_must_be_listed_with_the_right_number():
    data = instance()
    empty = {"version": 1, "meetups": [], "shortfall": [], "score": 0}
    assert check(data, empty) == ["shortfall: gilgit misses 1 but is not listed"]
    wrong = dict(empty, shortfall=[{"city": "gilgit", "missing": 2, "reason": "x"}])
    assert check(data, wrong) == ["shortfall[0]: gilgit misses 1, not 2"]


def test_checker_rejects_a_malformed_plan():
    with pytest.raises(PlanError) as raised:
        check(instance(), {"meetups": [{"city": "gilgit", "date": "soon", "team": "north"}]})
    assert raised.value.field == "meetups[0].date"
    with pytest.raises(PlanError):
        check(instance(), [])


def test_wall_limit_is_a_hard_stop_that_still_gives_a_valid_plan():
    data = load(next(p for p in SAMPLES if "country" in p.stem))
    result = plan(data, time_limit=5, wall_limit=0.05)
    assert check(data, result) == []
    assert result["score"] <= result["bound"]


def test_shortfall_reason_when_closed_all_window_or_teams_away():
    closed = solved(
        instance(
            cities=[
                {
                    "id": "gilgit",
                    "name": "Gilgit",
                    "priority": 5,
                    "min": 1,
                    "max": 1,
                    "closed": [{"from": "2027-03-01", "to": "2027-03-31", "reason": "snow"}],
                }
            ]
        )
    )
    assert closed["shortfall"][0]["reason"] == (
        "closed 2027-03-01..2027-03-31 (snow), leaving no allowed day"
    )
    away = solved(
        instance(
            teams=[
                {
                    "id": "north",
                    "name": "North team",
                    "cities": ["gilgit"],
                    "max_per_week": 3,
                    "away": [{"from": "2027-03-14", "to": "2027-03-29", "reason": "fair"}],
                }
            ]
        )
    )
    assert away["shortfall"][0]["reason"] == (
        "its teams are away on every remaining allowed day "
        "(North team away 2027-03-14..2027-03-29 (fair))"
    )
