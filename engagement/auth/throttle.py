"""Rate limits that hold across every worker: sign-in (per client address and per account),
sign-up, password checks, resends and anonymous registrations, all counted here.

Counts live in the database by default (an atomic upsert, so two gunicorn workers share them), or
in the ``limits`` storage Flask-Limiter uses (Redis, Memcached) when ``RATELIMIT_STORAGE_URI`` names one. Windows
are fixed: ``"10 per minute"`` allows ten hits per clock minute. A refused hit says how many
seconds to wait, which the caller sends as ``Retry-After``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app, request
from limits import parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from engagement import clock
from engagement.auth.models import RateCounter
from engagement.core.web import keep_changes_on_error
from engagement.extensions import db


@dataclass(frozen=True)
class Refused:
    """A hit over the limit; ``retry_after`` is whole seconds until the window ends."""

    retry_after: int


def client_address() -> str:
    """The caller's address (the real client's when ``PROXY_FIX`` trusts a proxy in front)."""
    return request.remote_addr or "unknown"


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def _uses_database() -> bool:
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://")
    return uri.startswith("memory://")


def _storage() -> Storage:
    """The ``limits`` storage named by ``RATELIMIT_STORAGE_URI`` (Redis, Memcached), one per app."""
    storages = current_app.extensions.setdefault("engagement_throttle_storage", {})
    uri = str(current_app.config["RATELIMIT_STORAGE_URI"])
    if uri not in storages:
        storages[uri] = storage_from_string(
            uri, **current_app.config.get("RATELIMIT_STORAGE_OPTIONS", {})
        )
    return storages[uri]


def hit(name: str, who: str, limit: str) -> Refused | None:
    """Count one attempt of ``name`` by ``who`` against ``limit`` ("5 per 10 minutes").

    Returns :class:`Refused` when this attempt is over the limit (it is still counted)."""
    if not _enabled():
        return None
    item = parse(limit)
    if not _uses_database():
        strategy = FixedWindowRateLimiter(_storage())
        if strategy.hit(item, name, who):
            return None
        reset_at = strategy.get_window_stats(item, name, who).reset_time
        return Refused(max(1, math.ceil(reset_at - time.time())))
    hits, ends = _database_hit(name, who, item.get_expiry())
    if hits <= item.amount:
        return None
    return Refused(max(1, math.ceil((ends - clock.now()).total_seconds())))


def over(name: str, who: str, limit: str) -> Refused | None:
    """Whether ``who`` is already over ``limit`` for ``name``, without counting an attempt."""
    if not _enabled():
        return None
    item = parse(limit)
    if not _uses_database():
        strategy = FixedWindowRateLimiter(_storage())
        if strategy.test(item, name, who):
            return None
        reset_at = strategy.get_window_stats(item, name, who).reset_time
        return Refused(max(1, math.ceil(reset_at - time.time())))
    key, ends = _window(name, who, item.get_expiry())
    hits = db.session.scalar(sa.select(RateCounter.hits).where(RateCounter.key == key)) or 0
    if hits < item.amount:
        return None
    return Refused(max(1, math.ceil((ends - clock.now()).total_seconds())))


def _window(name: str, who: str, seconds: int) -> tuple[str, datetime]:
    now = clock.now().timestamp()
    start = int(now // seconds * seconds)
    ends = datetime.fromtimestamp(start + seconds, UTC)
    return f"{name}:{who[:200]}:{start}", ends


def _database_hit(name: str, who: str, seconds: int) -> tuple[int, datetime]:
    """Increment the window's row atomically (INSERT … ON CONFLICT DO UPDATE … RETURNING)."""
    key, ends = _window(name, who, seconds)
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(RateCounter).values(key=key, hits=1, expires_at=ends)
    statement = statement.on_conflict_do_update(
        index_elements=[RateCounter.key], set_={"hits": RateCounter.hits + 1}
    ).returning(RateCounter.hits)
    hits = db.session.execute(statement).scalar_one()
    # A refused or failed attempt answers 4xx, and the request would roll the count back.
    keep_changes_on_error()
    return hits, ends


def prune(now: datetime | None = None) -> int:
    """Delete counters whose window is over."""
    result = db.session.execute(
        sa.delete(RateCounter).where(RateCounter.expires_at <= (now or clock.now()))
    )
    return result.rowcount or 0
