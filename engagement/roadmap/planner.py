"""The roadmap planner: an instance in, a plan out (shared/roadmap/FORMAT.md). Pure: no Flask, no DB.

OR-Tools CP-SAT, in two models. The week model (one integer per city, team and ISO week) is a
relaxation of the real problem, small enough to solve to optimality: least total shortfall, then
highest score (one weighted objective), then spread with the counts fixed. Its optimum is the
reported ``bound``. The day model (one boolean per city, team and allowed day, every hard rule)
puts the chosen weeks' meetups on days; when that loses a meetup, the full day model searches
from the best plan and can prove optimality itself. A greedy plan is the hint and the fallback.
CP-SAT runs single-threaded with a fixed seed and limits in *deterministic* time, so the same
instance gives the same plan however fast or busy the machine.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from engagement.roadmap.instance import (
    Instance,
    Meetup,
    allowed_days,
    open_days,
    parse_instance,
)

PLAN_VERSION = 1


@dataclass
class Problem:
    """The instance with each city's and team's allowed days worked out once."""

    instance: Instance
    open_days: list[date]
    #: (city, team) -> allowed days, for each team serving the city.
    slots: dict[tuple[str, str], list[date]]
    week_of: dict[date, tuple[int, int]] = field(default_factory=dict)
    _city_slots: dict[str, list[tuple[date, str]]] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, instance: Instance) -> Problem:
        base = open_days(instance)
        slots = {}
        for city in instance.cities:
            for team in instance.teams_serving(city.id):
                slots[city.id, team.id] = allowed_days(instance, city.id, team.id, base=base)
        week_of = {day: day.isocalendar()[:2] for day in base}
        return cls(instance, base, slots, week_of)

    def city_slots(self, city_id: str) -> list[tuple[date, str]]:
        """Every (day, team) a meetup of the city could be held on, by day then team."""
        if city_id not in self._city_slots:
            self._city_slots[city_id] = sorted(
                (day, team.id)
                for team in self.instance.teams_serving(city_id)
                for day in self.slots[city_id, team.id]
            )
        return self._city_slots[city_id]


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
    """A schedule holding the instance's pinned meetups."""
    schedule = Schedule(problem)
    for pin in problem.instance.pinned:
        schedule.add(pin.city, pin.date, pin.team)
    return schedule


def _best_slot(schedule: Schedule, city_id: str, *, spread: bool) -> tuple[date, str] | None:
    """The (day, team) to add for the city: the earliest, or with ``spread`` the best spread."""
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

    The default first lifts every city to its ``min``, then adds meetups up to each ``max``,
    both round-robin by priority, each meetup far from the city's others in a quiet week. ``naive=True`` is the benchmark's
    baseline: round-robin by priority from the start, earliest free day first.
    """
    problem = problem or Problem.build(instance)
    schedule = _pinned_schedule(problem)
    by_priority = sorted(instance.cities, key=lambda c: (-c.priority, c.id))
    rounds = [] if naive else [lambda c: schedule.count(c.id) < c.min]
    rounds.append(lambda c: schedule.count(c.id) < c.max)
    for wanted in rounds:
        order = [c for c in by_priority if problem.city_slots(c.id)]
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


#: CP-SAT work per stage, as shares of ``time_limit`` (each stage stops early once optimal).
WEEK_SHARE = 0.7  # least shortfall then highest score, by week: this gives the bound
WEEK_SPREAD_SHARE = 0.1
#: The full day model is searched only up to this many (city, team, day) slots; larger ones
#: spend their time better in the week model.
POLISH_MAX_SLOTS = 8000
DAY_SHARE = 0.1  # the weeks' meetups on days; the rest searches the full day model if needed
SEED = 20270104

Week = tuple[int, int]


class _Solver:
    """What both CP-SAT models share: one model, single-threaded deterministic solves."""

    def __init__(self):
        from ortools.sat.python import cp_model

        self.cp = cp_model
        self.model = cp_model.CpModel()
        self.spent = 0.0
        #: ``time.perf_counter()`` value to stop at, if any (at the cost of determinism).
        self.deadline: float | None = None

    def solve(self, budget: float):
        solver = self.cp.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = SEED
        params.linearization_level = 2
        params.max_deterministic_time = max(budget, 0.02)
        if self.deadline is not None:
            params.max_time_in_seconds = max(self.deadline - time.perf_counter(), 0.01)
        status = solver.solve(self.model)
        self.spent += solver.deterministic_time
        return solver, status in (self.cp.OPTIMAL, self.cp.FEASIBLE), status == self.cp.OPTIMAL

    def linear_sum(self, terms):
        return self.cp.LinearExpr.sum(terms) if terms else 0


class WeekModel(_Solver):
    """Which weeks each city gets a meetup in, by which team: a relaxation of the day-level
    problem (every valid plan is a solution), small enough to solve to optimality, so its score
    is a true upper bound. Rules 2-4 hold per week; the gap holds between weeks too close for
    any pair of allowed days. Solved in three stages: shortfall, score, spread."""

    def __init__(self, problem: Problem):
        super().__init__()
        self.problem = problem
        instance = problem.instance
        model = self.model
        gap = max(instance.min_gap_days, 1)
        self.days: dict[tuple[str, str, Week], list[date]] = defaultdict(list)
        for (city_id, team_id), days in problem.slots.items():
            for day in days:
                self.days[city_id, team_id, problem.week_of[day]].append(day)
        self.u = {}
        by_team_week: dict[tuple[str, Week], list] = defaultdict(list)
        by_week: dict[Week, list] = defaultdict(list)
        city_week: dict[str, dict[Week, list]] = defaultdict(lambda: defaultdict(list))
        city_week_days: dict[str, dict[Week, set[date]]] = defaultdict(lambda: defaultdict(set))
        team_week_days: dict[tuple[str, Week], set[date]] = defaultdict(set)
        for (city_id, team_id, week), days in sorted(self.days.items()):
            city, team = instance.city(city_id), instance.team(team_id)
            most = min(len(_most_spaced(days, gap)), team.max_per_week, city.max)
            if most == 0:
                continue
            var = model.new_int_var(0, most, f"u[{city_id},{team_id},{week}]")
            self.u[city_id, team_id, week] = var
            by_team_week[team_id, week].append(var)
            by_week[week].append(var)
            city_week[city_id][week].append(var)
            city_week_days[city_id][week].update(days)
            team_week_days[team_id, week].update(days)
        for (team_id, week), group in by_team_week.items():
            cap = min(instance.team(team_id).max_per_week, len(team_week_days[team_id, week]))
            model.add(self.linear_sum(group) <= cap)
        for group in by_week.values():
            model.add(self.linear_sum(group) <= instance.max_per_week)
        weeks_apart = gap // 7  # any two days less than this many weeks apart are too close
        self.count = {}
        index = {week: i for i, week in enumerate(_all_weeks(problem))}
        for city in instance.cities:
            weeks = city_week[city.id]
            ordered = sorted(weeks)
            self.count[city.id] = self.linear_sum([v for w in ordered for v in weeks[w]])
            if ordered:
                model.add(self.count[city.id] <= city.max)
            first = {w: min(d) for w, d in city_week_days[city.id].items()}
            last = {w: max(d) for w, d in city_week_days[city.id].items()}
            positions = [index[w] for w in ordered]
            window_end = 0
            last_window_end = -1
            for i, week in enumerate(ordered):
                group = weeks[week]
                spaced = len(_most_spaced(sorted(city_week_days[city.id][week]), gap))
                if len(group) > 1 or spaced < 1:
                    model.add(self.linear_sum(group) <= spaced)
                # Weeks within ``weeks_apart``: at most one meetup among them (a window inside
                # the previous one adds nothing).
                window_end = max(window_end, i)
                while (
                    window_end + 1 < len(ordered)
                    and positions[window_end + 1] - positions[i] < weeks_apart
                ):
                    window_end += 1
                if window_end > i and window_end > last_window_end:
                    window = [v for w in ordered[i : window_end + 1] for v in weeks[w]]
                    model.add(self.linear_sum(window) <= 1)
                last_window_end = max(last_window_end, window_end)
                # A later week no day of which is far enough from any day of this one.
                for later in ordered[max(window_end, i) + 1 :]:
                    if (last[later] - first[week]).days >= gap:
                        break
                    model.add(self.linear_sum(group + weeks[later]) <= 1)
        pinned: dict[tuple[str, str, Week], int] = defaultdict(int)
        for pin in instance.pinned:
            pinned[pin.city, pin.team, problem.week_of[pin.date]] += 1
        for key, count in pinned.items():
            model.add(self.u[key] >= count)
        self.short = {}
        for city in instance.cities:
            if city.min > 0:
                short = model.new_int_var(0, city.min, f"short[{city.id}]")
                model.add(short >= city.min - self.count[city.id])
                self.short[city.id] = short
        self.total_short = self.linear_sum(list(self.short.values()))
        self.score = self.linear_sum(
            [c.priority * self.count[c.id] for c in instance.cities if c.id in city_week]
        )

    def hint(self, counts: dict[tuple[str, str, Week], int]) -> None:
        self.model.clear_hints()
        for key, var in self.u.items():
            self.model.add_hint(var, counts.get(key, 0))
        per_city: dict[str, int] = defaultdict(int)
        for (city_id, _, _), n in counts.items():
            per_city[city_id] += n
        for city_id, short in self.short.items():
            need = self.problem.instance.city(city_id).min
            self.model.add_hint(short, max(0, need - per_city[city_id]))

    def values(self, solver) -> dict[tuple[str, str, Week], int]:
        return {key: value for key, var in self.u.items() if (value := solver.value(var))}

    def run(self, start: list[Meetup], time_limit: float):
        """Solve the stages from the valid plan ``start``; return the week counts, the least
        shortfall (and whether proved), the score bound and whether the score is proved."""
        instance = self.problem.instance
        best = _week_counts(self.problem, start)
        least = shortfall_of(instance, start)
        most = sum(c.priority * c.max for c in instance.cities)
        # Least shortfall first, then highest score: one weight makes any shortfall cost more
        # than the whole score (a single solve, and the greedy start is a valid hint for it).
        weight = most + 1
        self.hint(best)
        self.model.maximize(self.score - weight * self.total_short)
        solver, found, proved = self.solve(time_limit * WEEK_SHARE)
        bound = most
        if found:
            best = self.values(solver)
            least = sum(
                max(0, c.min - sum(n for (city_id, _, _), n in best.items() if city_id == c.id))
                for c in instance.cities
            )
            bound = min(most, math.floor(solver.best_objective_bound + 1e-6) + weight * least)
        least_proved = least == 0 or proved
        score = sum(instance.city(c).priority * n for (c, _, _), n in best.items())
        bound = max(bound, score)
        self.model.add(self.total_short <= least)

        # Spread: the same shortfall, score and meetups per city; weeks near each city's ideal
        # dates (its open span cut in equal parts, one meetup in the middle of each).
        per_city: dict[str, int] = defaultdict(int)
        for (city_id, _, _), n in best.items():
            per_city[city_id] += n
        terms = []
        for city in instance.cities:
            self.model.add(self.count[city.id] == per_city[city.id])
            keys = [k for k in self.u if k[0] == city.id]
            if per_city[city.id] == 0 or not keys:
                continue
            days = [d for k in keys for d in self.days[k]]
            first, span = min(days), (max(days) - min(days)).days + 1
            n = per_city[city.id]
            centres = [span * (2 * i + 1) / (2 * n) for i in range(n)]
            for key in keys:
                middle = sum((d - first).days for d in self.days[key]) / len(self.days[key])
                cost = int(min(abs(middle - c) for c in centres))
                if cost:
                    terms.append(cost * self.u[key])
        if terms:
            self.hint(best)
            self.model.clear_objective()
            self.model.minimize(self.linear_sum(terms))
            spread, found, _ = self.solve(time_limit * WEEK_SPREAD_SHARE)
            if found:
                best = self.values(spread)
        return best, least, least_proved, bound, proved


class DayModel(_Solver):
    """Meetups on days: one boolean per (city, team, allowed day) holding every hard rule.
    With ``weeks`` (from ``WeekModel``) only those (city, team, week) are open, each for at
    most the given count, which makes it small."""

    def __init__(self, problem: Problem, weeks: dict[tuple[str, str, Week], int] | None = None):
        super().__init__()
        self.problem = problem
        instance = problem.instance
        model = self.model
        self.x: dict[tuple[str, str, date], Any] = {}
        by_team_day: dict[tuple[str, date], list] = defaultdict(list)
        by_team_week: dict[tuple[str, Week], list] = defaultdict(list)
        by_week: dict[Week, list] = defaultdict(list)
        by_key: dict[tuple[str, str, Week], list] = defaultdict(list)
        self.by_city: dict[str, list] = {}
        gap = max(instance.min_gap_days, 1)
        for city in instance.cities:
            by_day: dict[date, list] = defaultdict(list)
            for team in instance.teams_serving(city.id):
                for day in problem.slots[city.id, team.id]:
                    week = problem.week_of[day]
                    if weeks is not None and not weeks.get((city.id, team.id, week)):
                        continue
                    var = model.new_bool_var(f"x[{city.id},{team.id},{day}]")
                    self.x[city.id, team.id, day] = var
                    by_day[day].append(var)
                    by_team_day[team.id, day].append(var)
                    by_team_week[team.id, week].append(var)
                    by_week[week].append(var)
                    by_key[city.id, team.id, week].append(var)
            city_vars = [v for day in sorted(by_day) for v in by_day[day]]
            self.by_city[city.id] = city_vars
            if len(city_vars) > city.max:
                model.add(self.linear_sum(city_vars) <= city.max)
            self._add_gap(sorted(by_day), by_day, gap)
        for group in by_team_day.values():
            if len(group) > 1:
                model.add_at_most_one(group)
        for (team_id, _), group in by_team_week.items():
            if len(group) > instance.team(team_id).max_per_week:
                model.add(self.linear_sum(group) <= instance.team(team_id).max_per_week)
        for group in by_week.values():
            if len(group) > instance.max_per_week:
                model.add(self.linear_sum(group) <= instance.max_per_week)
        if weeks is not None:
            for key, group in by_key.items():
                if len(group) > weeks[key]:
                    model.add(self.linear_sum(group) <= weeks[key])
        for pin in instance.pinned:
            model.add(self.x[pin.city, pin.team, pin.date] == 1)
        self.count = {c.id: self.linear_sum(self.by_city[c.id]) for c in instance.cities}
        self.short = {}
        for city in instance.cities:
            if city.min > 0:
                short = model.new_int_var(0, city.min, f"short[{city.id}]")
                model.add(short >= city.min - self.count[city.id])
                self.short[city.id] = short
        self.total_short = self.linear_sum(list(self.short.values()))
        self.score = self.linear_sum([c.priority * self.count[c.id] for c in instance.cities])

    def _add_gap(self, days: list[date], by_day: dict[date, list], gap: int) -> None:
        """At most one meetup of the city in any ``gap`` consecutive days (one clique per
        window; a window inside the previous one adds nothing and is skipped)."""
        last_end = -1
        end = 0
        for i, day in enumerate(days):
            end = max(end, i)
            while end + 1 < len(days) and (days[end + 1] - day).days < gap:
                end += 1
            if end > last_end and (end > i or len(by_day[day]) > 1):
                self.model.add_at_most_one([v for d in days[i : end + 1] for v in by_day[d]])
            last_end = max(last_end, end)

    def hint(self, meetups: list[Meetup]) -> None:
        chosen = {(m.city, m.team, m.date) for m in meetups}
        self.model.clear_hints()
        for key, var in self.x.items():
            self.model.add_hint(var, key in chosen)
        counts: dict[str, int] = defaultdict(int)
        for m in meetups:
            counts[m.city] += 1
        for city_id, short in self.short.items():
            need = self.problem.instance.city(city_id).min
            self.model.add_hint(short, max(0, need - counts[city_id]))

    def meetups(self, solver) -> list[Meetup]:
        return [
            Meetup(day, city_id, team_id)
            for (city_id, team_id, day), var in self.x.items()
            if solver.boolean_value(var)
        ]

    def best(self, start: list[Meetup] | None, budget: float) -> tuple[list[Meetup] | None, int]:
        """The plan of least shortfall (no more than ``start``'s), then highest score, and a
        bound on the score at that shortfall (equal to its score when proved optimal)."""
        instance = self.problem.instance
        most = sum(c.priority * c.max for c in instance.cities)
        if start is not None:
            self.hint(start)
            self.model.add(self.total_short <= shortfall_of(instance, start))
        self.model.maximize(self.score - (most + 1) * self.total_short)
        solver, found, _ = self.solve(budget)
        if not found:
            return None, most
        meetups = self.meetups(solver)
        bound = math.floor(solver.best_objective_bound + 1e-6) + (most + 1) * shortfall_of(
            instance, meetups
        )
        return meetups, min(bound, most)


def _all_weeks(problem: Problem) -> list[Week]:
    weeks = []
    day = problem.instance.start
    while day <= problem.instance.end:
        week = day.isocalendar()[:2]
        if not weeks or weeks[-1] != week:
            weeks.append(week)
        day += timedelta(days=1)
    return weeks


def _week_counts(problem: Problem, meetups: list[Meetup]) -> dict[tuple[str, str, Week], int]:
    counts: dict[tuple[str, str, Week], int] = defaultdict(int)
    for m in meetups:
        counts[m.city, m.team, problem.week_of[m.date]] += 1
    return dict(counts)


def _better(a: list[Meetup], b: list[Meetup], instance: Instance) -> bool:
    """Whether plan ``a`` beats ``b``: less shortfall, then a higher score."""
    return (shortfall_of(instance, a), -score_of(instance, a)) < (
        shortfall_of(instance, b),
        -score_of(instance, b),
    )


def _fill(problem: Problem, meetups: list[Meetup]) -> list[Meetup]:
    """Add whatever still fits, cities short of their min first, then by priority."""
    schedule = Schedule(problem)
    for m in meetups:
        schedule.add(m.city, m.date, m.team)
    cities = sorted(problem.instance.cities, key=lambda c: (-c.priority, c.id))
    for wanted in (lambda c: schedule.count(c.id) < c.min, lambda c: True):
        for city in cities:
            while wanted(city):
                slot = _best_slot(schedule, city.id, spread=True)
                if slot is None:
                    break
                schedule.add(city.id, slot[0], slot[1])
    return schedule.meetups


def solve(
    problem: Problem, time_limit: float, deadline: float | None = None
) -> tuple[list[Meetup], int, bool, str]:
    """The best plan CP-SAT finds within ``time_limit``: meetups, score bound, optimal?, status."""
    instance = problem.instance
    start = greedy(instance, problem=problem)
    naive = greedy(instance, problem=problem, naive=True)
    if _better(naive, start, instance):
        start = naive
    week = WeekModel(problem)
    week.deadline = deadline
    weeks, least, least_proved, bound, _ = week.run(start, time_limit)
    days = DayModel(problem, weeks)
    days.deadline = deadline
    realised, _ = days.best(None, time_limit * DAY_SHARE)
    best = start
    if realised is not None:
        realised = _fill(problem, realised)
        if not _better(best, realised, instance):
            best = realised
    spent = week.spent + days.spent
    score = score_of(instance, best)
    reached = shortfall_of(instance, best) == least and score == bound
    slots = sum(len(days) for days in problem.slots.values())
    if not reached and time_limit - spent > 0.05 and slots <= POLISH_MAX_SLOTS:
        # The week model's bound is not met: search the full day model from the best plan.
        full = DayModel(problem)
        full.deadline = deadline
        polished, day_bound = full.best(best, time_limit - spent)
        if polished is not None:
            if _better(polished, best, instance):
                best = polished
            score = score_of(instance, best)
            if shortfall_of(instance, best) == shortfall_of(instance, polished):
                bound = min(bound, day_bound)
            if score == day_bound:  # proved at the day level
                least, least_proved = shortfall_of(instance, best), True
        reached = shortfall_of(instance, best) == least and score >= bound
    optimal = least_proved and reached
    return best, max(bound, score), optimal, "OPTIMAL" if optimal else "FEASIBLE"


def plan(
    instance: dict | Instance, *, time_limit: float = 1.5, wall_limit: float | None = None
) -> dict[str, Any]:
    """Plan the roadmap: the FORMAT.md plan dict plus ``bound`` (an upper bound on the score at
    the least shortfall), ``optimal``, ``status`` and ``solve_seconds``.

    ``time_limit`` is solver effort in seconds of CP-SAT deterministic time (about wall seconds
    on an idle laptop core), so everything but ``solve_seconds`` is the same on every run of the
    same instance, however busy the machine. ``wall_limit`` adds a hard stop in real seconds for
    callers that must answer in time; a run it cuts short may differ from run to run.
    """
    started = time.perf_counter()
    if not isinstance(instance, Instance):
        instance = parse_instance(instance)
    problem = Problem.build(instance)
    if any(problem.slots.values()):
        deadline = started + wall_limit if wall_limit is not None else None
        meetups, bound, optimal, status = solve(problem, time_limit, deadline)
    else:
        meetups = list(instance.pinned)
        bound, optimal, status = score_of(instance, meetups), True, "OPTIMAL"
    return build_plan(
        problem,
        meetups,
        bound=bound,
        optimal=optimal,
        status=status,
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
    open_for_city = allowed_days(instance, city_id, base=problem.open_days)
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
