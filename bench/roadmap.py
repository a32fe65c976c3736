"""Benchmark of the roadmap planner: ``python bench/roadmap.py [--time-limit S] [--only NAME]``.

Plans the sample instances (data/roadmap/, ../shared/roadmap/) and seeded random ones up to 130
cities, 8 teams and 26 weeks, checks every plan, and prints per instance the solve time, score,
shortfall, the solver's bound and gap, and a naive baseline (round-robin by priority, earliest
free day) run in the same process. Target: every sample within 2 s at >= 99 % of the bound.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, bench/ comes first on sys.path, where other benchmarks' modules (bench/http.py)
# would shadow the standard library: look in the project root instead.
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from engagement.roadmap.checker import check  # noqa: E402
from engagement.roadmap.instance import parse_instance  # noqa: E402
from engagement.roadmap.planner import greedy, plan, score_of, shortfall_of  # noqa: E402

SAMPLE_DIRS = [ROOT / "data" / "roadmap", ROOT.parent / "shared" / "roadmap"]
#: name: (cities, teams, weeks, seed)
GENERATED = {
    "gen-20x2": (20, 2, 26, 1),
    "gen-40x3": (40, 3, 26, 2),
    "gen-60x4": (60, 4, 26, 3),
    "gen-90x6": (90, 6, 26, 4),
    "gen-130x8": (130, 8, 26, 5),
    "gen-130x8b": (130, 8, 26, 6),
}
NORTH_CLOSURE_SHARE = 0.15


def generate(cities: int, teams: int, weeks: int, seed: int) -> dict:
    """A random but realistic instance: skewed priorities, winter closures, team leave, caps
    that bind, and two pinned meetups taken from a valid plan."""
    rng = random.Random(seed)
    start = date(2027, 1, 4)
    end = start + timedelta(days=7 * weeks - 1)
    city_list = []
    for i in range(cities):
        least = rng.choice([0, 1, 1, 1, 2])
        city = {
            "id": f"city-{i:03d}",
            "name": f"City {i}",
            "priority": rng.choice([1, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10]),
            "min": least,
            "max": least + rng.choice([0, 1, 1, 2]),
        }
        if rng.random() < NORTH_CLOSURE_SHARE:
            city["closed"] = [
                {
                    "from": start.isoformat(),
                    "to": (start + timedelta(days=rng.randint(40, 90))).isoformat(),
                    "reason": "winter road access",
                }
            ]
        city_list.append(city)
    team_list = []
    for t in range(teams):
        away_start = start + timedelta(days=rng.randint(0, 7 * weeks - 8))
        team_list.append(
            {
                "id": f"team-{t + 1}",
                "name": f"Team {t + 1}",
                "cities": [],
                "max_per_week": rng.choice([1, 2, 2, 3]),
                "away": [
                    {
                        "from": away_start.isoformat(),
                        "to": (away_start + timedelta(days=6)).isoformat(),
                        "reason": "leave",
                    }
                ],
            }
        )
    for city in city_list:
        for team in rng.sample(team_list, k=min(len(team_list), rng.choice([1, 1, 2]))):
            team["cities"].append(city["id"])
    team_capacity = sum(team["max_per_week"] for team in team_list)
    instance = {
        "version": 1,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "weekdays": ["mon", "tue", "wed", "thu", "sat"],
        "public_holidays": "PK",
        "ramadan": "avoid",
        "closed": [],
        "max_per_week": max(2, team_capacity * 3 // 4),
        "min_gap_days": rng.choice([28, 35]),
        "cities": city_list,
        "teams": team_list,
        "pinned": [],
    }
    valid = greedy(parse_instance(instance))
    instance["pinned"] = [m.as_dict() for m in rng.sample(valid, k=min(2, len(valid)))]
    return instance


def instances() -> list[tuple[str, dict, bool]]:
    """(name, instance, is_sample) for every sample file and every generated instance."""
    found: list[tuple[str, dict, bool]] = []
    seen: set[str] = set()
    for folder in SAMPLE_DIRS:
        for path in sorted(folder.glob("sample-*.json")):
            text = path.read_text(encoding="utf-8")
            if text in seen:
                continue
            seen.add(text)
            found.append((path.stem, json.loads(text), True))
    for name, shape in GENERATED.items():
        found.append((name, generate(*shape), False))
    return found


def run(time_limit: float, only: str | None = None) -> bool:
    header = (
        f"{'instance':<16}{'cities':>7}{'teams':>6}{'weeks':>6}{'time s':>8}{'cpu s':>7}{'score':>7}"
        f"{'short':>6}{'bound':>7}{'gap %':>7}{'opt':>5}{'naive':>7}{'n.short':>8}{'ratio':>7}"
        "  check"
    )
    print(header)
    print("-" * len(header))
    all_good = True
    for name, data, is_sample in instances():
        if only and only not in name:
            continue
        instance = parse_instance(data)
        weeks = ((instance.end - instance.start).days + 7) // 7
        started, cpu_started = time.perf_counter(), time.process_time()
        result = plan(instance, time_limit=time_limit)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        naive = greedy(instance, naive=True)
        naive_score = score_of(instance, naive)
        problems = check(instance, result)
        short = sum(entry["missing"] for entry in result["shortfall"])
        gap = 100 * (result["bound"] - result["score"]) / result["bound"] if result["bound"] else 0
        ratio = result["score"] / naive_score if naive_score else float("inf")
        print(
            f"{name:<16}{len(instance.cities):>7}{len(instance.teams):>6}{weeks:>6}"
            f"{seconds:>8.2f}{cpu:>7.2f}{result['score']:>7}{short:>6}{result['bound']:>7}{gap:>7.2f}"
            f"{'yes' if result['optimal'] else 'no':>5}{naive_score:>7}"
            f"{shortfall_of(instance, naive):>8}{ratio:>7.2f}  {'ok' if not problems else problems[0]}"
        )
        if problems or (is_sample and (seconds > 2 or gap > 1)):
            all_good = False
    return all_good


def machine() -> str:
    """Cores, CPU model and load, so figures can be compared."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{os.cpu_count()} cores, {model}, load average {load:.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=1.5)
    parser.add_argument("--only", help="run only instances whose name contains this")
    args = parser.parse_args()
    # One-off costs are not planning time: the OR-Tools import and the holidays library's
    # first load of a country (its translations).
    import ortools.sat.python.cp_model  # noqa: F401

    from engagement.roadmap import calendar

    calendar.public_holidays(date(2027, 1, 1), date(2027, 12, 31), "PK")

    print(f"machine: {machine()}; time limit {args.time_limit} (CP-SAT deterministic s)\n")
    good = run(args.time_limit, args.only)
    print("\nall samples within 2 s at >= 99 % of the bound" if good else "\nTARGET MISSED")
    print(f"machine after the run: {machine()}")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
