"""The roadmap planner: an instance in, a plan out (shared/roadmap/FORMAT.md). Pure: no Flask, no DB.

OR-Tools CP-SAT holds the hard rules as constraints and solves the soft goals lexicographically, in
three stages on one model: least total shortfall, then highest score, then spread. A greedy plan
seeds every stage as a hint and is the fallback. CP-SAT runs single-threaded with a fixed seed and
a limit in *deterministic* time, so the same instance gives the same plan on any machine.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engagement.roadmap import calendar
from engagement.roadmap.instance import Instance, Meetup, parse_instance

PLAN_VERSION = 1


@dataclass
class Problem:
    """The instance with each city's and team's allowed days worked out once."""

    instance: Instance
    open_days: list[date]
    #: (city, team) -> allowed days, for each team serving the city.
    slots: dict[tuple[str, str], list[date]]
    week_of: dict[date, tuple[int, int]] = field(default_factory=dict)

    @classmethod
    def build(cls, instance: Instance) -> Problem:
        base = calendar.open_days(instance)
        slots = {}
        for city in instance.cities:
            for team in instance.teams_serving(city.id):
                slots[city.id, team.id] = calendar.allowed_days(
                    instance, city.id, team.id, base=base
                )
        week_of = {day: day.isocalendar()[:2] for day in base}
        return cls(instance, base, slots, week_of)

    def city_slots(self, city_id: str) -> list[tuple[date, str]]:
        """Every (day, team) a meetup of the city could be held on, by day then team."""
        return sorted(
            (day, team.id)
            for team in self.instance.teams_serving(city_id)
            for day in self.slots[city_id, team.id]
        )


class Schedule:
    """A set of meetups being built, answering "may this meetup be added?" quickly."""

    def __init__(self, problem: Problem):
        self.problem = problem
        self.instance = problem.instance
        self.meetups: list[Meetup] = []
        self.team_days: set[tuple[str, date]] = set()
        self.team_weeks: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
        self.weeks: dict[tuple[int, int], int] = defaultdict(int)
        self.city_days: dict[str, list[date]] = defaultdict(list)

    def fits(self, city_id: str, day: date, team_id: str) -> bool:
        """Whether adding the meetup keeps rules 2-4 (the day is already allowed for both)."""
        instance = self.instance
        week = self.problem.week_of[day]
        if (team_id, day) in self.team_days:
            return False
        if self.team_weeks[team_id, week] >= instance.team(team_id).max_per_week:
            return False
        if self.weeks[week] >= instance.max_per_week:
            return False
        days = self.city_days[city_id]
        if len(days) >= instance.city(city_id).max:
            return False
        gap = max(instance.min_gap_days, 1)
        return all(abs((day - other).days) >= gap for other in days)

    def add(self, city_id: str, day: date, team_id: str) -> None:
        week = self.problem.week_of[day]
        self.meetups.append(Meetup(day, city_id, team_id))
        self.team_days.add((team_id, day))
        self.team_weeks[team_id, week] += 1
        self.weeks[week] += 1
        self.city_days[city_id].append(day)

    def count(self, city_id: str) -> int:
        return len(self.city_days[city_id])


def _pinned_schedule(problem: Problem) -> Schedule:
    schedule = Schedule(problem)
    for pin in problem.instance.pinned:
        schedule.add(pin.city, pin.date, pin.team)
    return schedule


def _best_slot(schedule: Schedule, city_id: str, *, spread: bool) -> tuple[date, str] | None:
    candidates = [
        (day, team)
        for day, team in schedule.problem.city_slots(city_id)
        if schedule.fits(city_id, day, team)
    ]
    if not candidates:
        return None
    if not spread:
        return candidates[0]
    instance = schedule.instance
    own = schedule.city_days[city_id]
    span = (instance.end - instance.start).days + 1

    def badness(slot: tuple[date, str]) -> tuple:
        day, team = slot
        # Far from the city's own meetups, in a quiet week, then early.
        distance = min((abs((day - d).days) for d in own), default=span)
        return (-distance, schedule.weeks[schedule.problem.week_of[day]], day, team)

    return min(candidates, key=badness)


def greedy(
    instance: Instance, *, problem: Problem | None = None, naive: bool = False
) -> list[Meetup]:
    """A quick plan keeping every hard rule (pinned ones included).

    The default first lifts every city to its ``min`` (scarcest cities first), then adds meetups
    round-robin by priority up to each ``max``, spreading them. ``naive=True`` is the benchmark's
    baseline: round-robin by priority from the start, earliest free day first.
    """
    problem = problem or Problem.build(instance)
    schedule = _pinned_schedule(problem)
    by_priority = sorted(instance.cities, key=lambda c: (-c.priority, c.id))
    rounds = [] if naive else [lambda c: schedule.count(c.id) < c.min]
    rounds.append(lambda c: schedule.count(c.id) < c.max)
    for wanted in rounds:
        order = by_priority
        if not naive:
            scarcity = {c.id: len(problem.city_slots(c.id)) for c in instance.cities}
            order = sorted(by_priority, key=lambda c: (scarcity[c.id] == 0, -c.priority))
        progress = True
        while progress:
            progress = False
            for city in order:
                if not wanted(city):
                    continue
                slot = _best_slot(schedule, city.id, spread=not naive)
                if slot is not None:
                    schedule.add(city.id, slot[0], slot[1])
                    progress = True
    return schedule.meetups


def score_of(instance: Instance, meetups: list[Meetup]) -> int:
    priority = {c.id: c.priority for c in instance.cities}
    return sum(priority[m.city] for m in meetups)


def shortfall_of(instance: Instance, meetups: list[Meetup]) -> int:
    counts: dict[str, int] = defaultdict(int)
    for m in meetups:
        counts[m.city] += 1
    return sum(max(0, c.min - counts[c.id]) for c in instance.cities)


def plan(instance: dict | Instance, *, time_limit: float = 1.5) -> dict[str, Any]:
    """Plan the roadmap: the FORMAT.md plan dict plus ``bound``, ``optimal``, ``status`` and
    ``solve_seconds`` (all but the last are the same on every run of the same instance)."""
    started = time.perf_counter()
    if not isinstance(instance, Instance):
        instance = parse_instance(instance)
    problem = Problem.build(instance)
    meetups = greedy(instance, problem=problem)
    bound = sum(c.priority * c.max for c in instance.cities)
    return build_plan(
        problem,
        meetups,
        bound=bound,
        optimal=score_of(instance, meetups) == bound,
        status="GREEDY",
        seconds=time.perf_counter() - started,
    )


def build_plan(
    problem: Problem,
    meetups: list[Meetup],
    *,
    bound: int,
    optimal: bool,
    status: str,
    seconds: float,
) -> dict[str, Any]:
    """The plan dict for a set of meetups, with shortfall reasons."""
    instance = problem.instance
    meetups = sorted(meetups)
    counts: dict[str, int] = defaultdict(int)
    for m in meetups:
        counts[m.city] += 1
    shortfall = [
        {
            "city": city.id,
            "missing": city.min - counts[city.id],
            "reason": explain_shortfall(problem, meetups, city.id),
        }
        for city in instance.cities
        if counts[city.id] < city.min
    ]
    return {
        "version": PLAN_VERSION,
        "meetups": [m.as_dict() for m in meetups],
        "shortfall": shortfall,
        "score": score_of(instance, meetups),
        "bound": bound,
        "optimal": optimal,
        "status": status,
        "solve_seconds": round(seconds, 3),
    }


# --- why a city falls short ---------------------------------------------------------------


def _most_spaced(days: list[date], gap: int) -> list[date]:
    """The most days pairwise ``gap`` apart (earliest-first greedy is optimal on a line)."""
    chosen: list[date] = []
    for day in sorted(set(days)):
        if not chosen or (day - chosen[-1]).days >= max(gap, 1):
            chosen.append(day)
    return chosen


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def explain_shortfall(problem: Problem, meetups: list[Meetup], city_id: str) -> str:
    """Why the plan gives the city fewer meetups than its ``min``, in words staff can act on."""
    instance = problem.instance
    city = instance.city(city_id)
    teams = instance.teams_serving(city_id)
    if not teams:
        return "no team serves this city"
    closures = [r for r in city.closed if r.start <= instance.end and r.end >= instance.start]
    prefix = f"closed {', '.join(r.label() for r in closures)} and " if closures else ""
    open_for_city = calendar.allowed_days(instance, city_id, base=problem.open_days)
    if not open_for_city:
        if closures:
            return f"closed {', '.join(r.label() for r in closures)}, leaving no allowed day"
        return "no allowed day in the window (weekdays, public holidays, Ramadan and closures)"
    slots = problem.city_slots(city_id)
    if not slots:
        aways = "; ".join(f"{t.name} away {', '.join(r.label() for r in t.away)}" for t in teams)
        if all(t.away for t in teams):
            return f"{prefix}its teams are away on every remaining allowed day ({aways})"
        return f"{prefix}no allowed day in the window for its teams"
    first, last = slots[0][0], slots[-1][0]
    possible = len(_most_spaced([day for day, _ in slots], instance.min_gap_days))
    if possible < city.min:
        return (
            f"{prefix}min_gap_days {instance.min_gap_days} allows only "
            f"{_plural(possible, 'meetup')} in the open window {first}..{last}"
        )
    if all(t.max_per_week == 0 for t in teams) or instance.max_per_week == 0:
        return f"{prefix}max_per_week 0 leaves no room"

    schedule = Schedule(problem)
    for m in meetups:
        schedule.add(m.city, m.date, m.team)
    full_weeks: set[tuple[int, int]] = set()
    team_full: dict[str, set[tuple[int, int]]] = defaultdict(set)
    busy_days = 0
    too_close = 0
    holders: set[str] = set()
    by_week: dict[tuple[int, int], list[Meetup]] = defaultdict(list)
    for m in meetups:
        by_week[problem.week_of[m.date]].append(m)
    gap = max(instance.min_gap_days, 1)
    for day, team_id in slots:
        week = problem.week_of[day]
        if any(abs((day - other).days) < gap for other in schedule.city_days[city_id]):
            too_close += 1
        elif schedule.weeks[week] >= instance.max_per_week:
            full_weeks.add(week)
            holders.update(m.city for m in by_week[week])
        elif schedule.team_weeks[team_id, week] >= instance.team(team_id).max_per_week:
            team_full[team_id].add(week)
            holders.update(m.city for m in by_week[week] if m.team == team_id)
        elif (team_id, day) in schedule.team_days:
            busy_days += 1
            holders.update(m.city for m in by_week[week] if m.team == team_id and m.date == day)
    holders.discard(city_id)
    priorities = [instance.city(h).priority for h in holders]
    if priorities and min(priorities) > city.priority:
        who = "higher-priority cities"
    elif priorities and min(priorities) >= city.priority:
        who = "cities of the same or higher priority"
    else:
        who = "other cities (giving it one would leave more shortfall elsewhere)"
    details = []
    if full_weeks:
        details.append(
            f"the limit of {instance.max_per_week} meetups a week is reached in "
            f"{_plural(len(full_weeks), 'week')} it could use"
        )
    for team_id, weeks in sorted(team_full.items()):
        details.append(
            f"{instance.team(team_id).name} is fully booked in {_plural(len(weeks), 'week')}"
        )
    if busy_days:
        details.append(f"its team is busy elsewhere on {_plural(busy_days, 'day')}")
    if too_close and schedule.city_days[city_id]:
        own = ", ".join(d.isoformat() for d in sorted(schedule.city_days[city_id]))
        details.append(f"the other days are within min_gap_days {gap} of its meetup on {own}")
    window = f" ({first}..{last})" if closures else ""
    return f"{prefix}every remaining allowed day{window} is taken by {who}" + (
        f": {'; '.join(details)}" if details else ""
    )
