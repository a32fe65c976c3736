"""``flask roadmap plan|check`` (see shared/roadmap/FORMAT.md).

Exit codes: 0 done (a plan with shortfall is still a plan; ``check`` found nothing), 1 ``check``
found violations, 2 invalid input (unreadable file, bad JSON, invalid instance or plan) with one
line naming the bad field. Never a traceback for bad input.
"""

from __future__ import annotations

import json
from typing import Any

import click
from flask.cli import AppGroup

from engagement.roadmap.checker import PlanError, check
from engagement.roadmap.instance import InstanceError, parse_instance
from engagement.roadmap.planner import plan as make_plan

roadmap = AppGroup("roadmap", help="Plan and check the meetup roadmap.")

INVALID = 2
#: Keys of the plan that change from run to run; left out of files so plans compare byte for byte.
RUN_KEYS = ("solve_seconds",)


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(INVALID)


def _load_json(path: str, what: str) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        _fail(f"{what} {path}: no such file")
    except IsADirectoryError:
        _fail(f"{what} {path}: is a directory")
    except PermissionError:
        _fail(f"{what} {path}: permission denied")
    except UnicodeDecodeError:
        _fail(f"{what} {path}: not UTF-8 text")
    except json.JSONDecodeError as error:
        _fail(
            f"{what} {path}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        )
    except (ValueError, RecursionError) as error:  # a 5,000-digit number, very deep nesting
        _fail(f"{what} {path}: not valid JSON ({type(error).__name__}: {str(error)[:80]})")
    except OSError as error:
        _fail(f"{what} {path}: {error.strerror or error}")


def _load_instance(path: str):
    data = _load_json(path, "instance")
    try:
        return parse_instance(data)
    except InstanceError as error:
        _fail(f"invalid instance {path}: {error}")


def plan_json(plan: dict) -> str:
    """The plan as it is written to a file: FORMAT.md keys first, two-space indent, newline."""
    kept = {key: value for key, value in plan.items() if key not in RUN_KEYS}
    return json.dumps(kept, indent=2, ensure_ascii=False) + "\n"


@roadmap.command("plan")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.option("-o", "--output", metavar="PLAN.json", help="Write the plan here, not to stdout.")
@click.option(
    "--time-limit",
    type=click.FloatRange(min=0.05, max=600),
    default=1.5,
    show_default=True,
    help="Solver effort in seconds (deterministic time).",
)
def plan_command(instance_path: str, output: str | None, time_limit: float) -> None:
    """Plan the roadmap of INSTANCE.json."""
    instance = _load_instance(instance_path)
    result = make_plan(instance, time_limit=time_limit)
    text = plan_json(result)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        _fail(f"plan {output}: {error.strerror or error}")
    missing = sum(entry["missing"] for entry in result["shortfall"])
    click.echo(
        f"wrote {output}: {len(result['meetups'])} meetups, score {result['score']} "
        f"(bound {result['bound']}{', optimal' if result['optimal'] else ''}), "
        f"shortfall {missing}, {result['solve_seconds']} s"
    )


@roadmap.command("check")
@click.argument("instance_path", metavar="INSTANCE.json")
@click.argument("plan_path", metavar="PLAN.json")
def check_command(instance_path: str, plan_path: str) -> None:
    """Check PLAN.json against every rule of INSTANCE.json."""
    instance = _load_instance(instance_path)
    plan = _load_json(plan_path, "plan")
    try:
        problems = check(instance, plan)
    except PlanError as error:
        _fail(f"invalid plan {plan_path}: {error}")
    if not problems:
        click.echo("ok")
        return
    for problem in problems:
        click.echo(problem)
    raise SystemExit(1)
