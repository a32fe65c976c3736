"""Meetups: venues, the meetup details on top of an engine event, reports and feedback."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement.db import LabelledEnum, TimestampMixin, enum_type
from engagement.extensions import db

__all__ = ["VenueKind", "StpStatus", "Venue", "Meetup", "MeetupReport", "MeetupFeedback"]


class VenueKind(enum.StrEnum):
    STP = "stp"
    UNIVERSITY = "university"
    HOTEL = "hotel"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "stp": _l("Software Technology Park"),
            "university": _l("University"),
            "hotel": _l("Hotel or hall"),
            "other": _l("Other"),
        }[self.value]


class StpStatus(LabelledEnum):
    OPERATING = "operating"
    BEING_SET_UP = "being_set_up"
    PLANNED = "planned"

    @property
    def label(self) -> str:  # type: ignore[override]
        return STP_STATUS_LABELS[self.value]


#: What people read for each STP status (the stored value stays the enum's value).
STP_STATUS_LABELS = {
    "operating": _l("Operating"),
    "being_set_up": _l("Being set up"),
    "planned": _l("Planned"),
}


class Venue(TimestampMixin, db.Model):
    """A place in a city where a meetup can be held; STPs carry their status."""

    __tablename__ = "venue"
    __table_args__ = (
        sa.UniqueConstraint("city_id", "name"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "(kind = 'stp') = (stp_status IS NOT NULL)", name="stp_status_only_for_stp"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[VenueKind] = mapped_column(enum_type(VenueKind, "venue_kind"))
    stp_status: Mapped[StpStatus | None] = mapped_column(enum_type(StpStatus, "stp_status"))
    #: Seats for a meetup; the published event's capacity.
    capacity: Mapped[int]
    address: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    #: Facilities, free text (projector, Wi-Fi, parking, prayer room ...).
    facilities: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: False hides the venue from new meetups (past meetups keep it).
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    city = relationship("City")

    @property
    def kind_note(self) -> str | None:
        """ "Software Technology Park" beside an STP's name, unless the name already says so."""
        if self.kind != VenueKind.STP or "software technology park" in self.name.lower():
            return None
        return str(VenueKind.STP.label)

    @property
    def usable(self) -> bool:
        """An STP still being set up or planned cannot host yet."""
        return self.active and (
            self.kind != VenueKind.STP or self.stp_status == StpStatus.OPERATING
        )


class Meetup(TimestampMixin, db.Model):
    """The meetup fields of an engine event (kind meetup): city, venue, team, agenda."""

    __tablename__ = "meetup"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), unique=True
    )
    city_id: Mapped[int] = mapped_column(sa.ForeignKey("city.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("venue.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("roadmap_team.id", ondelete="SET NULL"), index=True
    )
    #: One agenda item per line (``15:00 Welcome``).
    agenda: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    event = relationship("Event", lazy="joined", innerjoin=True)
    city = relationship("City")
    venue: Mapped[Venue | None] = relationship()
    team = relationship("StaffTeam")
    report: Mapped[MeetupReport | None] = relationship(back_populates="meetup", uselist=False)

    @property
    def agenda_items(self) -> list[str]:
        return [line.strip() for line in self.agenda.splitlines() if line.strip()]


class MeetupReport(TimestampMixin, db.Model):
    """Staff's report after a meetup (attendance comes from the engine's check-ins)."""

    __tablename__ = "meetup_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetup.id", ondelete="CASCADE"), unique=True
    )
    notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    outcomes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    follow_ups: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    written_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    meetup: Mapped[Meetup] = relationship(back_populates="report")
    written_by = relationship("User")


class MeetupFeedback(TimestampMixin, db.Model):
    """An attendee's short survey after a meetup: one per registration."""

    __tablename__ = "meetup_feedback"
    __table_args__ = (sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meetup_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetup.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), unique=True
    )
    rating: Mapped[int]
    useful: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    comments: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    meetup: Mapped[Meetup] = relationship()
    registration = relationship("Registration")
