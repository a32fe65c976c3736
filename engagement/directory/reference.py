"""Reference lists (sectors, provinces, cities) cached per process, as read-only snapshots.

The filter bars and forms of the directory, the facilitation queue and the webinar forms show
the same few dozen rows on every request; reading them costs a round trip each. Here they are
read once per process and kept as frozen dataclasses with the attributes templates use
(``id``, ``name``, ``city.province.name``), never ORM objects, so no session owns them.

Invalidation: any ORM flush that adds, changes or deletes a ``Sector``, ``Province``, ``District``
or ``City`` (staff setting a city's meetup priority, ``flask seed reference``) clears the cache of
this process at once, and again after the commit; other worker processes pick the change up
within ``REFERENCE_CACHE_SECONDS`` (default 60; 0 turns the cache off). Bulk Core writes do not
pass through the ORM: call :func:`invalidate` after them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from engagement.directory.models import City, District, Province, Sector
from engagement.extensions import db

DEFAULT_SECONDS = 60.0
_MODELS = (Sector, Province, District, City)


@dataclass(frozen=True)
class SectorRef:
    id: int
    slug: str
    name: str


@dataclass(frozen=True)
class ProvinceRef:
    id: int
    name: str


@dataclass(frozen=True)
class CityRef:
    id: int
    slug: str
    name: str
    province_id: int
    province: ProvinceRef
    district_id: int | None
    pseb_focus: bool
    meetup_priority: int


_lock = threading.Lock()
#: (database URL, list name) -> (loaded at, monotonic; rows)
_cache: dict[tuple[str, str], tuple[float, tuple[Any, ...]]] = {}


def invalidate() -> None:
    """Forget every cached list of this process (the next request reads them again)."""
    with _lock:
        _cache.clear()


def _cached(name: str, load: Any) -> tuple[Any, ...]:
    seconds = float(current_app.config.get("REFERENCE_CACHE_SECONDS", DEFAULT_SECONDS))
    if seconds <= 0:
        return load()
    key = (str(db.engine.url), name)
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and now - hit[0] < seconds:
        return hit[1]
    rows = load()
    with _lock:
        _cache[key] = (now, rows)
    return rows


def _sectors() -> tuple[SectorRef, ...]:
    table = Sector.__table__
    rows = db.session.execute(
        sa.select(table.c.id, table.c.slug, table.c.name).order_by(table.c.id)
    )
    return tuple(SectorRef(*row) for row in rows)


def _provinces() -> tuple[ProvinceRef, ...]:
    table = Province.__table__
    rows = db.session.execute(sa.select(table.c.id, table.c.name).order_by(table.c.name))
    return tuple(ProvinceRef(*row) for row in rows)


def _cities() -> tuple[CityRef, ...]:
    provinces = {province.id: province for province in provinces_list()}
    city = City.__table__
    rows = db.session.execute(
        sa.select(
            city.c.id,
            city.c.slug,
            city.c.name,
            city.c.province_id,
            city.c.district_id,
            city.c.pseb_focus,
            city.c.meetup_priority,
        ).order_by(city.c.name)
    )
    return tuple(
        CityRef(
            id=row.id,
            slug=row.slug,
            name=row.name,
            province_id=row.province_id,
            province=provinces[row.province_id],
            district_id=row.district_id,
            pseb_focus=row.pseb_focus,
            meetup_priority=row.meetup_priority,
        )
        for row in rows
    )


def sectors_list() -> tuple[SectorRef, ...]:
    """Every sector, in display (id) order."""
    return _cached("sectors", _sectors)


def provinces_list() -> tuple[ProvinceRef, ...]:
    """Every province, by name."""
    return _cached("provinces", _provinces)


def cities_list() -> tuple[CityRef, ...]:
    """Every city, by name, with its province."""
    return _cached("cities", _cities)


# --- Invalidation on ORM writes -----------------------------------------------------------------


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, _MODELS) for obj in changed):
        session.info["reference_changed"] = True
        invalidate()


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # A request of another thread may have refilled the cache between the flush and the commit
    # with the rows as they were: clear it again once the change is visible.
    if session.info.pop("reference_changed", False):
        invalidate()
