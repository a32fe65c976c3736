"""What the staff roadmap board shows: a month-by-month timeline by province and city,
coverage of focus and high-poverty cities, the latest plan's shortfall and bound, holidays."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from engagement.directory.models import City
from engagement.extensions import db
from engagement.roadmap import adapter
from engagement.roadmap.models import EntryState, RoadmapEntry, RoadmapPlan
from engagement.roadmap.wording import plain_reason

#: District poverty rate (percent) from which a city counts as underdeveloped on the board.
HIGH_POVERTY = Decimal(40)


def is_focus(city: City) -> bool:
    """PSEB focus area, or a district poverty rate of HIGH_POVERTY % or more."""
    rate = city.district.poverty_rate if city.district else None
    return city.pseb_focus or (rate is not None and rate >= HIGH_POVERTY)


def worded_shortfall(plan: RoadmapPlan | None, names: dict[str, str]) -> list[tuple[str, int, str]]:
    """The plan's shortfall as (city name, meetups missing, reason in words), in the current
    language (the board and the weekly mail show it alike)."""
    return [
        (names.get(item["city"], item["city"]), item["missing"], plain_reason(item["reason"]))
        for item in (plan.shortfall if plan else [])
    ]


def months_between(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


@dataclass
class CityRow:
    city: City
    cells: list[list[RoadmapEntry]]
    focus: bool
    drafts: int = 0
    published: int = 0
    shortfall: dict[str, Any] | None = None
    #: Whether the city has a venue that can host now (else its drafts cannot be published).
    venue_ready: bool = True

    @property
    def total(self) -> int:
        return self.drafts + self.published


@dataclass
class ProvinceGroup:
    name: str
    rows: list[CityRow] = field(default_factory=list)


@dataclass
class Board:
    start: date
    end: date
    months: list[date]
    groups: list[ProvinceGroup]
    plan: RoadmapPlan | None
    focus_rows: list[CityRow]
    holidays: list[Any]
    ramadan: list[tuple[date, date]]
    drafts: int
    published: int
    cancelled: list[RoadmapEntry]
    removed: list[RoadmapEntry]
    plan_is_stale: bool
    city_names: dict[str, str] = field(default_factory=dict)
    #: (city name, meetups missing, reason in words) of the latest plan.
    shortfall: list[tuple[str, int, str]] = field(default_factory=list)
    #: Cities with drafts but no venue that can host: publishing skips or refuses them.
    without_venue: list[CityRow] = field(default_factory=list)

    @property
    def focus_covered(self) -> int:
        return sum(1 for row in self.focus_rows if row.total > 0)


def build_board() -> Board:
    """Everything the board template shows, in a fixed number of queries."""
    from engagement.roadmap import calendar

    settings = adapter.get_settings()
    start, end = adapter.horizon(settings)
    months = months_between(start, end)
    month_index = {(m.year, m.month): i for i, m in enumerate(months)}
    plan = adapter.latest_plan()
    shortfall = {item["city"]: item for item in (plan.shortfall if plan else [])}

    by_city: dict[int, list[RoadmapEntry]] = defaultdict(list)
    entries = adapter.active_entries(start, end)
    for entry in entries:
        by_city[entry.city_id].append(entry)

    cities = db.session.scalars(
        sa.select(City).options(selectinload(City.district)).order_by(City.name)
    ).all()
    with_venue = adapter.cities_with_venue()
    groups: dict[str, ProvinceGroup] = {}
    focus_rows = []
    for city in cities:
        cells: list[list[RoadmapEntry]] = [[] for _ in months]
        row = CityRow(city=city, cells=cells, focus=is_focus(city))
        for entry in by_city.get(city.id, []):
            cells[month_index[entry.day.year, entry.day.month]].append(entry)
            if entry.state == EntryState.PUBLISHED:
                row.published += 1
            else:
                row.drafts += 1
        row.shortfall = shortfall.get(city.slug)
        row.venue_ready = city.id in with_venue
        groups.setdefault(city.province.name, ProvinceGroup(city.province.name)).rows.append(row)
        if row.focus:
            focus_rows.append(row)

    others = db.session.scalars(
        sa.select(RoadmapEntry)
        .where(
            RoadmapEntry.state.in_((EntryState.CANCELLED, EntryState.REMOVED)),
            RoadmapEntry.day >= start,
        )
        .options(selectinload(RoadmapEntry.city), selectinload(RoadmapEntry.team))
        .order_by(RoadmapEntry.day)
    ).all()
    country = settings.public_holidays or None
    names = {c.slug: c.name for c in cities}
    return Board(
        start=start,
        end=end,
        months=months,
        groups=[groups[name] for name in sorted(groups)],
        plan=plan,
        focus_rows=sorted(focus_rows, key=lambda r: (-r.city.meetup_priority, r.city.name)),
        holidays=calendar.public_holidays(start, end, country) if country else [],
        ramadan=calendar.ramadan_ranges(start, end) if settings.ramadan_avoid else [],
        drafts=sum(1 for e in entries if e.state == EntryState.DRAFT),
        published=sum(1 for e in entries if e.state == EntryState.PUBLISHED),
        cancelled=[e for e in others if e.state == EntryState.CANCELLED],
        removed=[e for e in others if e.state == EntryState.REMOVED],
        plan_is_stale=plan is not None and (plan.horizon_start, plan.horizon_end) != (start, end),
        city_names={c.slug: c.name for c in cities},
        shortfall=worded_shortfall(plan, names),
        without_venue=[
            row
            for group in groups.values()
            for row in group.rows
            if row.drafts and not row.venue_ready
        ],
    )
