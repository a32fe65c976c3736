"""Property tests: on random small instances every plan keeps every hard rule (by the independent
checker), its figures add up, and on tiny ones it matches an exhaustive search."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from engagement.roadmap.checker import check
from engagement.roadmap.instance import WEEKDAY_NAMES, InstanceError, parse_instance
from engagement.roadmap.planner import Problem, Schedule, greedy, score_of, shortfall_of
from engagement.roadmap.planner import plan as make_plan

FIRST = date(2027, 1, 4)
SETTINGS = settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _range(draw, start: date, end: date, reason: str) -> dict:
    first = start + timedelta(days=draw(st.integers(0, (end - start).days)))
    last = first + timedelta(days=draw(st.integers(0, 20)))
    return {"from": first.isoformat(), "to": last.isoformat(), "reason": reason}


@st.composite
def instances(draw, max_cities: int = 5, max_teams: int = 3, max_weeks: int = 6) -> dict:
    # Starts from January to late July 2027: Ramadan (Feb-Mar), Eids and Ashura all show up.
    start = FIRST + timedelta(days=draw(st.integers(0, 200)))
    end = start + timedelta(days=draw(st.integers(0, 7 * max_weeks - 1)))
    weekdays = draw(st.lists(st.sampled_from(WEEKDAY_NAMES), min_size=1, max_size=7, unique=True))
    cities = []
    for i in range(draw(st.integers(1, max_cities))):
        least = draw(st.integers(0, 2))
        city = {
            "id": f"c{i}",
            "name": f"City {i}",
            "priority": draw(st.integers(1, 9)),
            "min": least,
            "max": least + draw(st.integers(0, 2)),
        }
        if draw(st.booleans()):
            city["closed"] = [_range(draw, start, end, "closed")]
        cities.append(city)
    ids = [c["id"] for c in cities]
    teams = []
    for t in range(draw(st.integers(1, max_teams))):
        team = {
            "id": f"t{t}",
            "name": f"Team {t}",
            "cities": draw(st.lists(st.sampled_from(ids), unique=True, max_size=len(ids))),
            "max_per_week": draw(st.integers(0, 3)),
        }
        if draw(st.booleans()):
            team["away"] = [_range(draw, start, end, "leave")]
        teams.append(team)
    data = {
        "version": 1,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "weekdays": weekdays,
        "public_holidays": draw(st.sampled_from(["PK", None])),
        "ramadan": draw(st.sampled_from(["avoid", "allow"])),
        "closed": [_range(draw, start, end, "national event")] if draw(st.booleans()) else [],
        "max_per_week": draw(st.integers(1, 4)),
        "min_gap_days": draw(st.sampled_from([0, 1, 3, 7, 10, 14, 21])),
        "cities": cities,
        "teams": teams,
        "pinned": [],
    }
    # Pinned meetups come from a valid plan, so they keep the rules together.
    valid = greedy(parse_instance(data), naive=True)
    if valid:
        chosen = draw(st.lists(st.sampled_from(valid), unique=True, max_size=2))
        data["pinned"] = [m.as_dict() for m in sorted(chosen)]
    return data


def _figures_add_up(data: dict, result: dict) -> None:
    counts = Counter(m["city"] for m in result["meetups"])
    assert result["score"] == sum(c["priority"] * counts[c["id"]] for c in data["cities"])
    expected = {
        c["id"]: c["min"] - counts[c["id"]] for c in data["cities"] if counts[c["id"]] < c["min"]
    }
    assert {s["city"]: s["missing"] for s in result["shortfall"]} == expected
    assert all(s["reason"] for s in result["shortfall"])
    assert result["bound"] >= result["score"]
    if result["optimal"]:
        assert result["bound"] == result["score"]
    for pin in data["pinned"]:
        assert pin in result["meetups"]


@SETTINGS
@given(instances())
def test_every_plan_keeps_every_rule(data):
    result = make_plan(data, time_limit=0.2)
    assert check(data, result) == []
    _figures_add_up(data, result)
    # Never worse than the greedy start it was given.
    instance = parse_instance(data)
    start = greedy(instance)
    missing = sum(s["missing"] for s in result["shortfall"])
    assert (missing, -result["score"]) <= (
        shortfall_of(instance, start),
        -score_of(instance, start),
    )


@SETTINGS
@given(instances())
def test_greedy_plans_keep_every_rule_too(data):
    instance = parse_instance(data)
    for naive in (False, True):
        meetups = sorted(greedy(instance, naive=naive))
        counts = Counter(m.city for m in meetups)
        plan = {
            "version": 1,
            "meetups": [m.as_dict() for m in meetups],
            "shortfall": [
                {"city": c.id, "missing": c.min - counts[c.id], "reason": "greedy"}
                for c in instance.cities
                if counts[c.id] < c.min
            ],
            "score": score_of(instance, meetups),
        }
        assert check(data, plan) == []


def _exhaustive_best(data: dict) -> tuple[int, int]:
    """(least shortfall, then highest score) over every valid plan, by depth-first search."""
    instance = parse_instance(data)
    problem = Problem.build(instance)
    slots = sorted(
        (day, city.id, team.id)
        for city in instance.cities
        for team in instance.teams_serving(city.id)
        for day in problem.slots[city.id, team.id]
    )
    pinned = {(p.date, p.city, p.team) for p in instance.pinned}
    schedule = Schedule(problem)
    for day, city_id, team_id in sorted(pinned):
        schedule.add(city_id, day, team_id)
    best = (10**9, 0)

    def search(i: int) -> None:
        nonlocal best
        if i == len(slots):
            key = (shortfall_of(instance, schedule.meetups), -score_of(instance, schedule.meetups))
            best = min(best, key)
            return
        day, city_id, team_id = slots[i]
        if (day, city_id, team_id) not in pinned and schedule.fits(city_id, day, team_id):
            schedule.add(city_id, day, team_id)
            search(i + 1)
            removed = schedule.meetups.pop()
            schedule.team_days.discard((removed.team, removed.date))
            week = problem.week_of[removed.date]
            schedule.team_weeks[removed.team, week] -= 1
            schedule.weeks[week] -= 1
            schedule.city_days[removed.city].remove(removed.date)
        search(i + 1)

    search(0)
    return best[0], -best[1]


def _matches_exhaustive_search(data: dict, most: int) -> None:
    # Keep the search small enough to enumerate every valid plan.
    data = copy.deepcopy(data)
    for city in data["cities"]:
        city["max"] = min(city["max"], most)
        city["min"] = min(city["min"], city["max"])
    pinned = Counter(p["city"] for p in data["pinned"])
    if pinned and max(pinned.values()) > most:
        data["pinned"] = data["pinned"][:1]
    least, best_score = _exhaustive_best(data)
    note(json.dumps(data))
    result = make_plan(data, time_limit=0.3)
    assert check(data, result) == []
    missing = sum(s["missing"] for s in result["shortfall"])
    assert missing == least
    assert result["bound"] >= best_score
    assert result["score"] == best_score  # tiny: the solver always gets there
    assert result["optimal"]


@settings(SETTINGS, max_examples=50)
@given(instances(max_cities=3, max_teams=2, max_weeks=2))
def test_tiny_plans_match_exhaustive_search(data):
    _matches_exhaustive_search(data, most=1)


@settings(SETTINGS, max_examples=50)
@given(instances(max_cities=2, max_teams=2, max_weeks=1))
def test_tiny_plans_with_gaps_match_exhaustive_search(data):
    _matches_exhaustive_search(data, most=2)


@settings(SETTINGS, max_examples=30)
@given(instances(max_cities=1, max_teams=2, max_weeks=6))
def test_one_city_over_weeks_matches_exhaustive_search(data):
    # Gaps across weeks, where the week model's relaxation has to stay valid.
    _matches_exhaustive_search(data, most=3)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats() | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _paths(child, (*prefix, i))


SAMPLE = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "roadmap" / "sample-small.json").read_text()
)
SAMPLE_PATHS = [p for p in _paths(SAMPLE) if p]


@settings(SETTINGS, max_examples=300)
@given(st.sampled_from(SAMPLE_PATHS), JSON_VALUES)
def test_any_broken_field_gives_an_instance_error_never_a_crash(path, value):
    data = copy.deepcopy(SAMPLE)
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    try:
        parse_instance(data)
    except InstanceError as error:
        assert error.field  # names where it went wrong
