"""The planner's adapter: builds FORMAT.md instances from the database and stores plans.

The planner itself (``engagement.roadmap.planner``) is pure; everything that reads or writes
rows for the roadmap lives here. Functions flush and never commit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from engagement import clock
from engagement.auth.models import User
from engagement.directory.models import City
from engagement.events.models import EventState
from engagement.extensions import db
from engagement.roadmap.instance import InstanceError, parse_instance
from engagement.roadmap.models import (
    Closure,
    EntryState,
    RoadmapEntry,
    RoadmapPlan,
    RoadmapSettings,
    StaffTeam,
    TeamAbsence,
)
from engagement.roadmap.wording import sentence

#: Entries that take a place on the roadmap (and count toward every limit).
ACTIVE_STATES = (EntryState.DRAFT, EntryState.PUBLISHED)
#: How long the planner may search from a web request or job.
PLAN_TIME_LIMIT = 1.5


class RoadmapError(ValueError):
    """A roadmap action was refused; ``problems`` lists each reason (checker lines)."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


# --- Publishing (provided by the meetups feature) ------------------------------------------


@dataclass(frozen=True)
class Publisher:
    """How a draft becomes a real meetup. The meetups feature registers it (it depends on the
    roadmap, not the other way round): ``venue_for(city_id)`` → a venue or None,
    ``publish(entry, user)`` creates the meetup event for a draft entry."""

    venue_for: Callable[[int], Any]
    publish: Callable[[RoadmapEntry, User | None], Any]
    #: Ids of the cities with a venue that can host now (one query).
    cities_with_venue: Callable[[], set[int]]


_publisher: Publisher | None = None


def register_publisher(
    venue_for: Callable[[int], Any],
    publish: Callable[..., Any],
    cities_with_venue: Callable[[], set[int]],
) -> None:
    """Called once by ``engagement.meetups`` when it loads."""
    global _publisher
    _publisher = Publisher(venue_for, publish, cities_with_venue)


def publisher() -> Publisher:
    if _publisher is None:
        raise RoadmapError(_("Meetups are not available, so nothing can be published."))
    return _publisher


def cities_with_venue() -> set[int]:
    """Cities whose drafts can be published (an operating venue); all of them without meetups."""
    if _publisher is None:
        return set(db.session.scalars(sa.select(City.id)))
    return _publisher.cities_with_venue()


# --- Settings and horizon -------------------------------------------------------------------


def get_settings() -> RoadmapSettings:
    """The settings row, created with defaults on first use."""
    settings = db.session.get(RoadmapSettings, 1)
    if settings is None:
        settings = RoadmapSettings(id=1)
        db.session.add(settings)
        db.session.flush()
    return settings


def local_today() -> date:
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Karachi"))
    return clock.now().astimezone(zone).date()


def horizon(settings: RoadmapSettings | None = None) -> tuple[date, date]:
    """First and last day of the planning window: a fixed start, else from next Monday."""
    settings = settings or get_settings()
    start = settings.horizon_start
    if start is None:
        today = local_today()
        start = today + timedelta(days=7 - today.weekday())
    return start, start + timedelta(days=settings.horizon_weeks * 7 - 1)


# --- Building the instance ------------------------------------------------------------------


def _ranges(items: list[tuple[date, date, str]], start: date, end: date) -> list[dict[str, str]]:
    """Ranges that touch the window, clipped to it, in FORMAT.md form."""
    out = []
    for first, last, reason in sorted(items):
        first, last = max(first, start), min(last, end)
        if first <= last:
            out.append({"from": first.isoformat(), "to": last.isoformat(), "reason": reason})
    return out


def _shift_year(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def closure_ranges(closure: Closure, start: date, end: date) -> list[tuple[date, date, str]]:
    """The closure's days that matter for the window (seasonal ones repeat every year)."""
    if not closure.every_year:
        return [(closure.starts_on, closure.ends_on, closure.reason)]
    out = []
    for year in range(start.year - 1, end.year + 1):
        offset = year - closure.starts_on.year
        out.append(
            (
                _shift_year(closure.starts_on, offset),
                _shift_year(closure.ends_on, offset),
                closure.reason,
            )
        )
    return out


def active_entries(start: date | None = None, end: date | None = None) -> list[RoadmapEntry]:
    """Draft and published entries (in the window when given), with city, team and event."""
    query = (
        sa.select(RoadmapEntry)
        .where(RoadmapEntry.state.in_(ACTIVE_STATES))
        .options(
            selectinload(RoadmapEntry.city).selectinload(City.district),
            selectinload(RoadmapEntry.team),
            selectinload(RoadmapEntry.event),
        )
        .order_by(RoadmapEntry.day, RoadmapEntry.id)
    )
    if start is not None:
        query = query.where(RoadmapEntry.day >= start)
    if end is not None:
        query = query.where(RoadmapEntry.day <= end)
    return list(db.session.scalars(query))


def is_fixed(entry: RoadmapEntry) -> bool:
    """Published meetups and staff-pinned drafts stay where they are when re-planning."""
    return entry.state == EntryState.PUBLISHED or entry.pinned


def build_instance(
    *,
    start: date | None = None,
    end: date | None = None,
    pinned: list[RoadmapEntry] | None = None,
    extra_min: dict[str, int] | None = None,
) -> dict[str, Any]:
    """The FORMAT.md instance for the window from the database.

    ``pinned`` defaults to the fixed entries in the window (published and staff-pinned);
    ``extra_min`` raises a city's ``min`` (a replacement for a cancelled meetup).
    """
    settings = get_settings()
    if start is None or end is None:
        start, end = horizon(settings)
    if pinned is None:
        pinned = [e for e in active_entries(start, end) if is_fixed(e)]
    extra_min = extra_min or {}

    city_closures: dict[int, list[tuple[date, date, str]]] = defaultdict(list)
    country_closures: list[tuple[date, date, str]] = []
    for closure in db.session.scalars(sa.select(Closure)):
        ranges = closure_ranges(closure, start, end)
        if closure.city_id is None:
            country_closures.extend(ranges)
        else:
            city_closures[closure.city_id].extend(ranges)

    cities = []
    for city in db.session.scalars(sa.select(City).order_by(City.slug)):
        least = min(settings.max_per_city, max(settings.min_per_city, extra_min.get(city.slug, 0)))
        item: dict[str, Any] = {
            "id": city.slug,
            "name": city.name,
            "priority": city.meetup_priority,
            "min": least,
            "max": settings.max_per_city,
        }
        closed = _ranges(city_closures.get(city.id, []), start, end)
        if closed:
            item["closed"] = closed
        cities.append(item)

    teams = []
    for team in db.session.scalars(
        sa.select(StaffTeam)
        .options(selectinload(StaffTeam.cities), selectinload(StaffTeam.absences))
        .order_by(StaffTeam.slug)
    ):
        item = {
            "id": team.slug,
            "name": team.name,
            "cities": sorted(c.slug for c in team.cities),
            "max_per_week": team.max_per_week,
        }
        away = _ranges([(a.starts_on, a.ends_on, a.reason) for a in team.absences], start, end)
        if away:
            item["away"] = away
        teams.append(item)

    return {
        "version": 1,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "weekdays": settings.weekday_list,
        "public_holidays": settings.public_holidays or None,
        "ramadan": "avoid" if settings.ramadan_avoid else "allow",
        "closed": _ranges(country_closures, start, end),
        "max_per_week": settings.max_per_week,
        "min_gap_days": settings.min_gap_days,
        "cities": cities,
        "teams": teams,
        "pinned": sorted(
            (e.as_meetup() for e in pinned if start <= e.day <= end),
            key=lambda m: (m["date"], m["city"]),
        ),
    }


def validate_instance(instance: dict[str, Any]) -> None:
    """Raise RoadmapError naming the field when the planner would refuse the instance."""

    try:
        parse_instance(instance)
    except InstanceError as error:
        raise RoadmapError(
            _("The roadmap cannot be planned as the data stands: %(error)s", error=error),
            [str(error)],
        ) from error


def plan_dict(instance: dict[str, Any], meetups: list[dict[str, str]]) -> dict[str, Any]:
    """A FORMAT.md plan for ``meetups`` (score and shortfall computed from the instance)."""
    priority = {c["id"]: c["priority"] for c in instance["cities"]}
    counts: dict[str, int] = defaultdict(int)
    for meetup in meetups:
        counts[meetup["city"]] += 1
    shortfall = [
        {"city": c["id"], "missing": c["min"] - counts[c["id"]], "reason": "set by hand"}
        for c in instance["cities"]
        if counts[c["id"]] < c["min"]
    ]
    return {
        "version": 1,
        "meetups": sorted(meetups, key=lambda m: (m["date"], m["city"], m["team"])),
        "shortfall": shortfall,
        "score": sum(priority.get(m["city"], 0) for m in meetups),
    }


def check_plan(instance: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    """Every hard rule ``plan`` breaks, one human line each (the planner's checker)."""
    from engagement.roadmap.checker import check

    return list(check(instance, plan))


# --- Planning -------------------------------------------------------------------------------


@dataclass
class PlanOutcome:
    """What a planning run did: the stored plan and what changed on the roadmap."""

    plan: RoadmapPlan
    added: list[tuple[str, date, str]] = field(default_factory=list)
    dropped: list[tuple[str, date, str]] = field(default_factory=list)
    replacements: list[tuple[RoadmapEntry, RoadmapEntry | None]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.dropped or self.replacements)


def pending_cancellations(start: date) -> list[RoadmapEntry]:
    """Published entries whose event was cancelled (marked now), and earlier cancelled ones
    still waiting for a replacement: the planner proposes another date for their city."""
    for entry in db.session.scalars(
        sa.select(RoadmapEntry)
        .where(RoadmapEntry.state == EntryState.PUBLISHED)
        .options(selectinload(RoadmapEntry.event))
    ):
        if entry.event is not None and entry.event.state == EventState.CANCELLED:
            entry.state = EntryState.CANCELLED
    db.session.flush()
    replaced = sa.select(RoadmapEntry.replaces_id).where(
        RoadmapEntry.replaces_id.is_not(None), RoadmapEntry.state == EntryState.PUBLISHED
    )
    return list(
        db.session.scalars(
            sa.select(RoadmapEntry)
            .where(
                RoadmapEntry.state == EntryState.CANCELLED,
                RoadmapEntry.day >= start - timedelta(days=90),
                RoadmapEntry.id.not_in(replaced),
            )
            .options(selectinload(RoadmapEntry.city))
            .order_by(RoadmapEntry.day)
        )
    )


def _plan_instance() -> tuple[dict[str, Any], list[RoadmapEntry]]:
    """The instance to re-plan now (fixed entries pinned, cancelled cities need one more), and
    the cancelled entries waiting for a replacement."""
    start, end = horizon()
    cancelled = pending_cancellations(start)
    fixed = [e for e in active_entries(start, end) if is_fixed(e)]
    fixed_count: dict[str, int] = defaultdict(int)
    for entry in fixed:
        fixed_count[entry.city.slug] += 1
    extra_min = {e.city.slug: fixed_count[e.city.slug] + 1 for e in cancelled}
    instance = build_instance(start=start, end=end, pinned=fixed, extra_min=extra_min)
    validate_instance(instance)
    return instance, cancelled


def _plan_row(
    instance: dict[str, Any], result: dict[str, Any], user: User | None, source: str
) -> RoadmapPlan:
    plan = RoadmapPlan(
        created_by_id=user.id if user else None,
        source=source,
        horizon_start=date.fromisoformat(instance["start"]),
        horizon_end=date.fromisoformat(instance["end"]),
        score=int(result.get("score", 0)),
        bound=result.get("bound"),
        optimal=bool(result.get("optimal", False)),
        status=str(result.get("status", ""))[:40],
        shortfall=list(result.get("shortfall", [])),
        instance=instance,
    )
    db.session.add(plan)
    return plan


def run_planner(user: User | None, source: str = "board") -> PlanOutcome:
    """Re-plan the window around published and pinned entries; store drafts for the rest."""
    from engagement.roadmap.planner import plan as make_plan

    instance, cancelled = _plan_instance()
    result = make_plan(instance, time_limit=PLAN_TIME_LIMIT)
    return store_plan(instance, result, user, source, cancelled=cancelled)


# --- Re-planning from the board: propose, compare, keep ---------------------------------------


def propose_plan(user: User | None) -> RoadmapPlan:
    """Run the planner and keep its result as a proposal: the roadmap does not change until
    staff keep it (:func:`keep_proposal`) after seeing the difference (:func:`plan_difference`)."""
    from engagement.roadmap.planner import plan as make_plan

    instance, _cancelled = _plan_instance()
    result = make_plan(instance, time_limit=PLAN_TIME_LIMIT)
    plan = _plan_row(instance, result, user, "board")
    plan.proposed_meetups = list(result.get("meetups", []))
    db.session.flush()
    return plan


def get_proposal(plan_id: int) -> RoadmapPlan:
    """A proposal not kept yet; RoadmapError otherwise."""
    plan = db.session.get(RoadmapPlan, plan_id)
    if plan is None or plan.proposed_meetups is None:
        raise RoadmapError(_("That proposal was already kept or no longer exists; re-plan again."))
    return plan


@dataclass
class CityDifference:
    """What a proposal changes for one city: drafts moved, added and removed."""

    city: str
    moved: list[tuple[tuple[date, str], tuple[date, str]]] = field(default_factory=list)
    added: list[tuple[date, str]] = field(default_factory=list)
    removed: list[tuple[date, str]] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class PlanDifference:
    cities: list[CityDifference]
    unchanged: int
    #: The roadmap's fixed meetups changed since the proposal (it can no longer be kept).
    stale: bool

    @property
    def moved(self) -> int:
        return sum(len(c.moved) for c in self.cities)

    @property
    def added(self) -> int:
        return sum(len(c.added) for c in self.cities)

    @property
    def removed(self) -> int:
        return sum(len(c.removed) for c in self.cities)


def _fixed_keys(instance: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {(m["city"], m["date"], m["team"]) for m in instance.get("pinned", [])}


def plan_difference(plan: RoadmapPlan) -> PlanDifference:
    """The proposal against the drafts on the roadmap now, per city. A city's draft that is
    replaced by another day of the same city counts as moved (paired in date order)."""
    start, end = plan.horizon_start, plan.horizon_end
    entries = active_entries(start, end)
    fixed = {(e.city.slug, e.day.isoformat(), e.team.slug) for e in entries if is_fixed(e)}
    stale = fixed != _fixed_keys(plan.instance) or (start, end) != horizon()
    current: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for entry in entries:
        if not is_fixed(entry):
            current[entry.city.slug].append((entry.day, entry.team.name))
    team_names = {t["id"]: t.get("name", t["id"]) for t in plan.instance.get("teams", [])}
    proposed: dict[str, list[tuple[date, str]]] = defaultdict(list)
    for meetup in plan.proposed_meetups or []:
        key = (meetup["city"], meetup["date"], meetup["team"])
        if key in fixed:
            continue
        proposed[meetup["city"]].append(
            (date.fromisoformat(meetup["date"]), team_names.get(meetup["team"], meetup["team"]))
        )
    names = {c["id"]: c.get("name", c["id"]) for c in plan.instance.get("cities", [])}
    cities = []
    unchanged = 0
    for slug in sorted(set(current) | set(proposed), key=lambda s: names.get(s, s)):
        old, new = sorted(current.get(slug, [])), sorted(proposed.get(slug, []))
        same = set(old) & set(new)
        gone = [item for item in old if item not in same]
        came = [item for item in new if item not in same]
        diff = CityDifference(city=names.get(slug, slug), unchanged=len(same))
        diff.moved = list(zip(gone, came, strict=False))
        diff.removed = gone[len(came) :]
        diff.added = came[len(gone) :]
        unchanged += len(same)
        if diff.moved or diff.added or diff.removed:
            cities.append(diff)
    return PlanDifference(cities=cities, unchanged=unchanged, stale=stale)


def keep_proposal(plan: RoadmapPlan, user: User | None) -> PlanOutcome:
    """Apply a proposal to the roadmap, unless its fixed meetups changed since it was made."""
    if plan_difference(plan).stale:
        raise RoadmapError(
            _(
                "The roadmap changed since this proposal was made (a meetup was pinned, moved or "
                "published, or the window moved); re-plan again to see the difference."
            )
        )
    cancelled = pending_cancellations(plan.horizon_start)
    result = {"meetups": list(plan.proposed_meetups or [])}
    return store_plan(plan.instance, result, user, plan.source, cancelled=cancelled, plan=plan)


def store_plan(
    instance: dict[str, Any],
    result: dict[str, Any],
    user: User | None,
    source: str,
    *,
    cancelled: list[RoadmapEntry] | None = None,
    plan: RoadmapPlan | None = None,
) -> PlanOutcome:
    """Replace the unpinned drafts with the plan's meetups; fixed entries stay as they are.

    ``plan`` is a proposal being kept; without it a new plan row is stored."""
    if plan is None:
        plan = _plan_row(instance, result, user, source)
    plan.proposed_meetups = None

    cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
    teams = {t.slug: t for t in db.session.scalars(sa.select(StaffTeam))}
    entries = active_entries()
    fixed = {(e.city.slug, e.day, e.team.slug) for e in entries if is_fixed(e)}
    old_drafts = [e for e in entries if not is_fixed(e)]
    old_keys = {(e.city.slug, e.day, e.team.slug) for e in old_drafts}
    for entry in old_drafts:
        db.session.delete(entry)
    db.session.flush()

    outcome = PlanOutcome(plan=plan)
    new_keys = set()
    created: list[RoadmapEntry] = []
    for meetup in result.get("meetups", []):
        key = (meetup["city"], date.fromisoformat(meetup["date"]), meetup["team"])
        if key in fixed:
            continue
        new_keys.add(key)
        entry = RoadmapEntry(
            city=cities[key[0]], day=key[1], team=teams[key[2]], plan=plan, state=EntryState.DRAFT
        )
        db.session.add(entry)
        created.append(entry)
    db.session.flush()

    def named(key: tuple[str, date, str]) -> tuple[str, date, str]:
        return (cities[key[0]].name, key[1], teams[key[2]].name)

    outcome.added = sorted((named(k) for k in new_keys - old_keys), key=lambda k: (k[1], k[0]))
    outcome.dropped = sorted((named(k) for k in old_keys - new_keys), key=lambda k: (k[1], k[0]))
    for gone in cancelled or []:
        candidates = [e for e in created if e.city_id == gone.city_id and e.replaces_id is None]
        later = [e for e in candidates if e.day >= gone.day]
        replacement = (later or candidates or [None])[0]
        if replacement is not None:
            replacement.replaces_id = gone.id
        outcome.replacements.append((gone, replacement))
    db.session.flush()
    return outcome


# --- Board actions --------------------------------------------------------------------------


def get_entry(entry_id: int) -> RoadmapEntry:
    """An entry by id (staff only reach here); RoadmapError when it does not exist."""
    entry = db.session.get(RoadmapEntry, entry_id)
    if entry is None:
        raise RoadmapError(_("That roadmap entry no longer exists; the roadmap was re-planned."))
    return entry


def set_pinned(entry: RoadmapEntry, pinned: bool) -> None:
    if entry.state != EntryState.DRAFT:
        raise RoadmapError(
            _("Only drafts can be pinned or unpinned; published meetups stay fixed.")
        )
    entry.pinned = pinned
    db.session.flush()


def remove_entry(entry: RoadmapEntry) -> None:
    if entry.state != EntryState.DRAFT:
        raise RoadmapError(
            _("A published meetup cannot be removed from the roadmap; cancel its event instead.")
        )
    entry.state = EntryState.REMOVED
    entry.pinned = False
    db.session.flush()


def _current_violations(instance: dict[str, Any], meetups: list[dict[str, str]]) -> list[str]:
    """Checker lines without the plan index (which shifts when a meetup moves)."""
    lines = check_plan(instance, plan_dict(instance, meetups))
    return [re.sub(r"^meetups\[\d+\] ", "", line) for line in lines]


def move_entry(entry: RoadmapEntry, new_day: date, new_team: StaffTeam) -> None:
    """Move a draft to another day or team if no hard rule breaks; it is pinned there.

    The checker runs on the whole roadmap with the move applied; rules the move would break
    (that were not already broken) are raised as RoadmapError.problems.
    """
    if entry.state != EntryState.DRAFT:
        raise RoadmapError(
            _(
                "A published meetup cannot be moved here; cancel it and re-plan, "
                "or change the event."
            )
        )
    start, end = horizon()
    entries = [e for e in active_entries(start, end) if e.id != entry.id]
    fixed = [e for e in entries if is_fixed(e)]
    instance = build_instance(start=start, end=end, pinned=fixed)
    validate_instance(instance)
    others = [e.as_meetup() for e in entries]
    before = set(_current_violations(instance, [*others, entry.as_meetup()]))
    moved = {"city": entry.city.slug, "date": new_day.isoformat(), "team": new_team.slug}
    after = _current_violations(instance, [*others, moved])
    broken = [line for line in after if line not in before]
    if not (start <= new_day <= end) and not broken:
        broken = [f"({entry.city.slug} {new_day.isoformat()} {new_team.slug}): outside the window"]
    if broken:
        parsed = parse_instance(instance)
        raise RoadmapError(
            _("The move was refused: it breaks a planning rule."),
            [sentence(parsed, line) for line in broken],
        )
    entry.day = new_day
    entry.team = new_team
    entry.pinned = True
    db.session.flush()


def import_plan(data: Any, user: User | None) -> PlanOutcome:
    """Store a plan JSON (FORMAT.md) after the checker accepts it for the current instance."""
    if not isinstance(data, dict) or not isinstance(data.get("meetups"), list):
        raise RoadmapError(_("The file is not a roadmap plan: it needs a list of meetups."))
    instance = build_instance()
    validate_instance(instance)
    meetups = []
    for i, item in enumerate(data["meetups"]):
        if not isinstance(item, dict) or not all(
            isinstance(item.get(k), str) for k in ("city", "date", "team")
        ):
            raise RoadmapError(_("meetups[%(index)s]: needs city, date and team as text.", index=i))
        try:
            date.fromisoformat(item["date"])
        except ValueError:
            raise RoadmapError(
                _(
                    "meetups[%(index)s]: %(date)s is not a date (write it as YYYY-MM-DD).",
                    index=i,
                    date=item["date"],
                )
            ) from None
        meetups.append({"city": item["city"], "date": item["date"], "team": item["team"]})
    plan = plan_dict(instance, meetups)
    try:
        problems = check_plan(instance, plan)
    except (KeyError, TypeError, ValueError) as error:
        raise RoadmapError(_("The plan could not be read: %(error)s", error=error)) from error
    if problems:
        # The checker's lines are terse English for files; staff read them as sentences.
        parsed = parse_instance(instance)
        raise RoadmapError(
            _("The imported plan breaks planning rules; nothing was changed."),
            [sentence(parsed, line) for line in problems],
        )
    plan["bound"] = None
    plan["status"] = "imported"
    return store_plan(instance, plan, user, "import")


def current_plan_export() -> dict[str, Any]:
    """The roadmap as it stands (drafts and published in the window) as a FORMAT.md plan."""
    start, end = horizon()
    instance = build_instance(start=start, end=end)
    return plan_dict(instance, [e.as_meetup() for e in active_entries(start, end)])


def latest_plan() -> RoadmapPlan | None:
    """The plan the roadmap follows (proposals not kept yet are left out)."""
    return db.session.scalar(
        sa.select(RoadmapPlan)
        .where(RoadmapPlan.proposed_meetups.is_(None))
        .order_by(RoadmapPlan.id.desc())
        .limit(1)
    )


def team_absences_between(team: StaffTeam, start: date, end: date) -> list[TeamAbsence]:
    return [a for a in team.absences if a.ends_on >= start and a.starts_on <= end]


# --- Publishing -----------------------------------------------------------------------------


def publish_entries(
    entries: list[RoadmapEntry], user: User | None, *, skip_without_venue: bool = False
) -> tuple[list[RoadmapEntry], list[RoadmapEntry]]:
    """Publish drafts as meetup events (venue capacity, registration window); notify teams.

    Returns (published, skipped). A draft in a city without an operating venue refuses the
    whole batch, or is skipped when ``skip_without_venue`` ("publish all").
    """
    meetups = publisher()
    drafts = [e for e in entries if e.state == EntryState.DRAFT]
    if not drafts:
        raise RoadmapError(_("Select at least one draft meetup to publish."))
    today = local_today()
    past = [e for e in drafts if e.day <= today]
    if past:
        raise RoadmapError(
            _(
                "Some drafts are not in the future and cannot be published: %(drafts)s",
                drafts=", ".join(f"{e.city.name} {e.day.isoformat()}" for e in past),
            )
        )
    venues = {e.city_id: meetups.venue_for(e.city_id) for e in drafts}
    skipped = [e for e in drafts if venues[e.city_id] is None]
    if skipped and not skip_without_venue:
        missing = sorted({e.city.name for e in skipped})
        raise RoadmapError(
            _(
                "Nothing was published: add an operating venue first in %(cities)s.",
                cities=", ".join(missing),
            )
        )
    ready = [e for e in drafts if venues[e.city_id] is not None]
    if not ready:
        raise RoadmapError(
            _("Nothing was published: none of these cities has an operating venue yet.")
        )
    for entry in ready:
        meetups.publish(entry, user)
    return ready, skipped


def event_start(day: date) -> datetime:
    """When a meetup on ``day`` starts (settings' local start time), in UTC."""
    settings = get_settings()
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Karachi"))
    return datetime.combine(day, settings.start_time, tzinfo=zone).astimezone(ZoneInfo("UTC"))
