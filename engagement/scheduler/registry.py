"""Where features declare their periodic jobs: ``@job("name", minutes=5)`` in ``<feature>/tasks.py``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    trigger: str  # "interval" or "cron"
    trigger_args: dict[str, Any] = field(default_factory=dict)


JOBS: dict[str, Job] = {}


def job(
    name: str, trigger: str = "interval", **trigger_args: Any
) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register ``func`` as the periodic job ``name`` (a stable id; APScheduler trigger args)."""

    def decorate(func: Callable[[], Any]) -> Callable[[], Any]:
        JOBS[name] = Job(name, func, trigger, trigger_args)
        return func

    return decorate
