"""The one clock of the application: aware UTC datetimes that tests can freeze."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """Return the current time as an aware UTC datetime (or the frozen time in tests)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC)


def freeze(moment: datetime | None) -> None:
    """Freeze the clock at ``moment`` (aware); ``None`` lets it run again."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _frozen = moment.astimezone(UTC) if moment is not None else None


@contextlib.contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    """Context manager form of :func:`freeze`."""
    previous = _frozen
    freeze(moment)
    try:
        yield
    finally:
        freeze(previous)
