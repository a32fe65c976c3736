"""``flask scheduler run|list|run-job NAME``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from engagement.scheduler.registry import JOBS
from engagement.scheduler.runner import load_tasks, run_forever, run_job

scheduler = AppGroup("scheduler", help="The background job process.")


@scheduler.command("run")
def run_command() -> None:
    """Run the scheduler (one process; a second one waits for the lease)."""
    run_forever(current_app._get_current_object())  # type: ignore[attr-defined]


@scheduler.command("list")
def list_command() -> None:
    """List the registered jobs and their triggers."""
    load_tasks()
    for name, job in sorted(JOBS.items()):
        click.echo(f"{name:32} {job.trigger} {job.trigger_args}")


@scheduler.command("run-job")
@click.argument("name")
def run_job_command(name: str) -> None:
    """Run one job now, once."""
    load_tasks()
    if name not in JOBS:
        raise click.BadParameter(f"no job named {name!r}; see `flask scheduler list`")
    click.echo(f"{name}: {run_job(JOBS[name])}")
