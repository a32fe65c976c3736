"""Account housekeeping jobs."""

from __future__ import annotations

from engagement.auth import throttle
from engagement.scheduler.registry import job


@job("auth_prune_rate_counters", minutes=60)
def prune_rate_counters() -> int:
    """Delete rate-limit counters whose window has ended."""
    return throttle.prune()
