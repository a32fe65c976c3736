"""Roadmap data: settings, staff teams, closures, and stored plans with their entries."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement import clock
from engagement.db import TimestampMixin, enum_type
from engagement.extensions import db

__all__ = [
    "RoadmapSettings",
    "StaffTeam",
    "TeamAbsence",
    "Closure",
    "RoadmapPlan",
    "RoadmapEntry",
    "EntryState",
    "team_member",
    "team_city",
    "WEEKDAYS",
]

#: Weekday names as the instance format spells them (Monday first, like date.weekday()).
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class RoadmapSettings(TimestampMixin, db.Model):
    """The one row of planning settings (id 1) that every roadmap instance is built from."""

    __tablename__ = "roadmap_settings"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("max_per_week >= 1", name="max_per_week_positive"),
        sa.CheckConstraint("min_gap_days >= 0", name="min_gap_non_negative"),
        sa.CheckConstraint("horizon_weeks BETWEEN 1 AND 104", name="horizon_weeks_range"),
        sa.CheckConstraint(
            "min_per_city >= 0 AND max_per_city >= min_per_city", name="city_limits_order"
        ),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    #: Comma-separated weekday names (``mon,tue,wed,thu,sat``).
    weekdays: Mapped[str] = mapped_column(sa.String(40), default="mon,tue,wed,thu,sat")
    max_per_week: Mapped[int] = mapped_column(default=3)
    min_gap_days: Mapped[int] = mapped_column(default=28)
    ramadan_avoid: Mapped[bool] = mapped_column(default=True)
    #: Country code for public holidays (``PK``) or None for no holiday rule.
    public_holidays: Mapped[str | None] = mapped_column(sa.String(2), default="PK")
    #: Fixed first day of the horizon; None means "next Monday" (rolling).
    horizon_start: Mapped[date | None]
    horizon_weeks: Mapped[int] = mapped_column(default=26)
    #: Meetups wanted (min) and allowed (max) per city over the horizon.
    min_per_city: Mapped[int] = mapped_column(default=1)
    max_per_city: Mapped[int] = mapped_column(default=2)
    #: Local start time and length of a published meetup.
    start_time: Mapped[time] = mapped_column(default=time(15, 0))
    duration_minutes: Mapped[int] = mapped_column(default=180)

    @property
    def weekday_list(self) -> list[str]:
        return [d for d in self.weekdays.split(",") if d]


team_member = sa.Table(
    "roadmap_team_member",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("roadmap_team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "user_id", sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

team_city = sa.Table(
    "roadmap_team_city",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("roadmap_team.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("city_id", sa.ForeignKey("city.id"), primary_key=True, index=True),
)


class StaffTeam(TimestampMixin, db.Model):
    """A travelling staff team that runs meetups in the cities it covers."""

    __tablename__ = "roadmap_team"
    __table_args__ = (sa.CheckConstraint("max_per_week >= 1", name="max_per_week_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable id used in roadmap files (``north``).
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    home_city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"), index=True)
    max_per_week: Mapped[int] = mapped_column(default=1)

    home_city = relationship("City")
    members = relationship("User", secondary=team_member, order_by="User.name")
    cities = relationship("City", secondary=team_city, order_by="City.name")
    absences: Mapped[list[TeamAbsence]] = relationship(
        back_populates="team", order_by="TeamAbsence.starts_on", cascade="all, delete-orphan"
    )


class TeamAbsence(db.Model):
    """Leave or travel: the team runs no meetup from ``starts_on`` to ``ends_on`` (inclusive)."""

    __tablename__ = "roadmap_team_absence"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="range_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("roadmap_team.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200))

    team: Mapped[StaffTeam] = relationship(back_populates="absences")


class Closure(TimestampMixin, db.Model):
    """Days no meetup can be held: in one city (winter roads) or, without a city, country-wide."""

    __tablename__ = "roadmap_closure"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="range_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None: the whole country is closed.
    city_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("city.id", ondelete="CASCADE"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(200))
    #: Seasonal: the same days recur every year (e.g. winter road closures).
    every_year: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    city = relationship("City")


class RoadmapPlan(db.Model):
    """One run of the planner (or an imported plan) with its quality figures."""

    __tablename__ = "roadmap_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now(), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: ``board``, ``weekly`` or ``import``.
    source: Mapped[str] = mapped_column(sa.String(20), default="board")
    horizon_start: Mapped[date]
    horizon_end: Mapped[date]
    score: Mapped[int] = mapped_column(default=0)
    #: Best possible score the solver proved (None when unknown, e.g. an imported plan).
    bound: Mapped[int | None]
    optimal: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(40), default="")
    #: FORMAT.md shortfall list: [{"city", "missing", "reason"}].
    shortfall: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: The instance the plan was made for (for export and review).
    instance: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: A re-plan from the board waiting for staff to keep it: its meetups (FORMAT.md form).
    #: None once kept, and for plans applied at once (weekly job, import).
    proposed_meetups: Mapped[list[dict[str, str]] | None] = mapped_column(
        sa.JSON(none_as_null=True)
    )

    created_by = relationship("User")

    @property
    def gap_percent(self) -> float | None:
        """How far the score may be below the best possible, in percent of the bound."""
        if self.bound is None or self.bound <= 0:
            return None
        return max(0.0, (self.bound - self.score) * 100.0 / self.bound)


class EntryState(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REMOVED = "removed"
    #: Its meetup event was cancelled; the planner proposes a replacement.
    CANCELLED = "cancelled"


class RoadmapEntry(TimestampMixin, db.Model):
    """One meetup on the roadmap: a city, a day and a team; a draft until published."""

    __tablename__ = "roadmap_entry"
    __table_args__ = (
        sa.CheckConstraint(
            "(state = 'draft' OR state = 'removed') OR event_id IS NOT NULL",
            name="published_has_event",
        ),
        sa.Index("ix_roadmap_entry_state_day", "state", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    day: Mapped[date]
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("roadmap_team.id"), index=True)
    state: Mapped[EntryState] = mapped_column(
        enum_type(EntryState, "roadmap_entry_state"), default=EntryState.DRAFT
    )
    #: Staff fixed this draft: re-planning keeps it as it is.
    pinned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    plan_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roadmap_plan.id", ondelete="SET NULL"), index=True
    )
    #: The meetup event, once published.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), unique=True
    )
    #: The cancelled entry this draft was proposed to replace.
    replaces_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roadmap_entry.id", ondelete="SET NULL")
    )

    city = relationship("City")
    team: Mapped[StaffTeam] = relationship()
    event = relationship("Event")
    plan: Mapped[RoadmapPlan | None] = relationship()
    replaces = relationship("RoadmapEntry", remote_side=[id])

    def as_meetup(self) -> dict[str, str]:
        """The entry in FORMAT.md form."""
        return {"city": self.city.slug, "date": self.day.isoformat(), "team": self.team.slug}
