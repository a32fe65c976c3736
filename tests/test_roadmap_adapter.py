"""The adapter builds valid FORMAT.md instances from the database; helpers shared by the
roadmap and meetup tests build a small world (teams, venues, closures, a fixed horizon)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from engagement.auth.models import User
from engagement.directory.models import City
from engagement.extensions import db
from engagement.meetups.models import StpStatus, Venue, VenueKind
from engagement.roadmap import adapter
from engagement.roadmap.instance import parse_instance
from engagement.roadmap.models import (
    Closure,
    EntryState,
    RoadmapEntry,
    StaffTeam,
    TeamAbsence,
)

#: A Monday after the northern winter; the world's horizon is fixed to start here.
START = date(2027, 4, 5)
#: "Now" in these tests: before the horizon, so drafts can be published.
NOW = datetime(2027, 3, 20, 8, 0, tzinfo=UTC)


def build_world(app, member_ids: tuple[int, ...] = (), weeks: int = 8) -> None:
    """Settings with a fixed horizon, two teams, venues, a winter closure and away dates."""
    with app.app_context():
        settings = adapter.get_settings()
        settings.horizon_start = START
        settings.horizon_weeks = weeks
        settings.max_per_week = 3
        settings.min_gap_days = 21
        settings.weekdays = "mon,tue,wed,thu,sat"
        cities = {c.slug: c for c in db.session.scalars(sa.select(City))}
        members = list(db.session.scalars(sa.select(User).where(User.id.in_(member_ids))))
        db.session.add(
            StaffTeam(
                slug="north",
                name="North team",
                max_per_week=2,
                home_city=cities["islamabad"],
                members=members,
                cities=[cities[s] for s in ("gilgit", "islamabad", "bannu", "mingora")],
            )
        )
        punjab = StaffTeam(
            slug="punjab",
            name="Punjab team",
            max_per_week=1,
            cities=[cities["lahore"], cities["sargodha"]],
        )
        punjab.absences.append(
            TeamAbsence(starts_on=date(2027, 4, 12), ends_on=date(2027, 4, 18), reason="leave")
        )
        db.session.add(punjab)
        venues = [
            ("gilgit", "Gilgit STP", VenueKind.STP, StpStatus.OPERATING, 60),
            ("bannu", "Bannu STP", VenueKind.STP, StpStatus.BEING_SET_UP, 70),
            ("islamabad", "Islamabad STP", VenueKind.STP, StpStatus.OPERATING, 200),
            ("lahore", "Arfa STP", VenueKind.STP, StpStatus.OPERATING, 250),
            ("sargodha", "University Hall", VenueKind.UNIVERSITY, None, 150),
            ("mingora", "Swat Hotel", VenueKind.HOTEL, None, 90),
        ]
        for slug, name, kind, status, capacity in venues:
            db.session.add(
                Venue(city=cities[slug], name=name, kind=kind, stp_status=status, capacity=capacity)
            )
        db.session.add(
            Closure(
                city=cities["gilgit"],
                starts_on=date(2026, 12, 1),
                ends_on=date(2027, 4, 15),
                reason="winter road access",
                every_year=True,
            )
        )
        db.session.add(
            Closure(starts_on=date(2027, 4, 20), ends_on=date(2027, 4, 21), reason="national event")
        )
        db.session.commit()


def add_entry(app, city: str, day: date, team: str, **values) -> int:
    with app.app_context():
        entry = RoadmapEntry(
            city=db.session.scalar(sa.select(City).where(City.slug == city)),
            day=day,
            team=db.session.scalar(sa.select(StaffTeam).where(StaffTeam.slug == team)),
            **values,
        )
        db.session.add(entry)
        db.session.commit()
        return entry.id


# --- tests ------------------------------------------------------------------------------------


def test_instance_from_database_is_valid_and_complete(app, frozen_clock):
    frozen_clock(NOW)
    build_world(app)
    with app.app_context():
        instance = adapter.build_instance()
        parsed = parse_instance(instance)
        assert parsed.start == START
        assert instance["end"] == "2027-05-30"
        assert instance["weekdays"] == ["mon", "tue", "wed", "thu", "sat"]
        assert instance["public_holidays"] == "PK" and instance["ramadan"] == "avoid"
        assert instance["closed"] == [
            {"from": "2027-04-20", "to": "2027-04-21", "reason": "national event"}
        ]
        gilgit = next(c for c in instance["cities"] if c["id"] == "gilgit")
        # The seasonal closure of 2026-27 is clipped to the window.
        assert gilgit["closed"] == [
            {"from": "2027-04-05", "to": "2027-04-15", "reason": "winter road access"}
        ]
        assert gilgit["priority"] == db.session.scalar(
            sa.select(City.meetup_priority).where(City.slug == "gilgit")
        )
        assert len(instance["cities"]) == db.session.scalar(sa.select(sa.func.count(City.id)))
        teams = {t["id"]: t for t in instance["teams"]}
        assert teams["north"]["cities"] == ["bannu", "gilgit", "islamabad", "mingora"]
        assert teams["punjab"]["away"] == [
            {"from": "2027-04-12", "to": "2027-04-18", "reason": "leave"}
        ]
        assert instance["pinned"] == []


def test_pinned_drafts_and_published_entries_are_pinned(app, frozen_clock):
    frozen_clock(NOW)
    build_world(app)
    add_entry(app, "gilgit", date(2027, 4, 28), "north", pinned=True)
    add_entry(app, "lahore", date(2027, 4, 29), "punjab")  # a plain draft: not pinned
    add_entry(app, "bannu", date(2027, 5, 3), "north", pinned=True, state=EntryState.REMOVED)
    with app.app_context():
        instance = adapter.build_instance()
        parse_instance(instance)
        assert instance["pinned"] == [{"city": "gilgit", "date": "2027-04-28", "team": "north"}]


def test_rolling_horizon_starts_next_monday(app, frozen_clock):
    frozen_clock(datetime(2027, 3, 24, 12, 0, tzinfo=UTC))  # a Wednesday
    with app.app_context():
        settings = adapter.get_settings()
        start, end = adapter.horizon(settings)
        assert start == date(2027, 3, 29)
        assert (end - start).days == 26 * 7 - 1
        parse_instance(adapter.build_instance())


def test_invalid_pinned_entry_is_reported_by_field(app, frozen_clock):
    frozen_clock(NOW)
    build_world(app)
    add_entry(app, "gilgit", date(2027, 4, 7), "north", pinned=True)  # winter closure
    with app.app_context():
        instance = adapter.build_instance()
        try:
            adapter.validate_instance(instance)
        except adapter.RoadmapError as error:
            assert "pinned[0]" in error.message and "winter road access" in error.message
        else:
            raise AssertionError("a pinned meetup in a closure must make the instance invalid")
