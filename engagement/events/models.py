"""Events and registrations: the registration engine shared by webinars and meetups.

Seat rules live in ``engagement.events.services`` only; the database holds every rule it can
(one registration per event and email, lower-case email, capacity and limits, time order).
"""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.routing import BuildError

from engagement import clock
from engagement.db import LabelledEnum, TimestampMixin, enum_type
from engagement.extensions import db

__all__ = ["EventKind", "EventState", "RegistrationState", "Event", "Registration", "SEAT_STATES"]


class EventKind(enum.StrEnum):
    WEBINAR = "webinar"
    MEETUP = "meetup"


class EventState(LabelledEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    REGISTRATION_CLOSED = "registration_closed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:  # type: ignore[override]
        return EVENT_STATE_LABELS[self]


class RegistrationState(LabelledEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    ATTENDED = "attended"
    NO_SHOW = "no_show"
    #: A colleague outside the registering organisation's email domain has not yet confirmed by
    #: the emailed link; holds no seat until then.
    PENDING = "pending"

    @property
    def label(self) -> str:  # type: ignore[override]
        return REGISTRATION_STATE_LABELS[self]


#: What people read for each state (the stored value stays the enum's value).
EVENT_STATE_LABELS = {
    EventState.DRAFT: _l("Draft"),
    EventState.PUBLISHED: _l("Published"),
    EventState.REGISTRATION_CLOSED: _l("Registration closed"),
    EventState.COMPLETED: _l("Completed"),
    EventState.CANCELLED: _l("Cancelled"),
}
REGISTRATION_STATE_LABELS = {
    RegistrationState.CONFIRMED: _l("Confirmed"),
    RegistrationState.WAITLISTED: _l("Waitlisted"),
    RegistrationState.CANCELLED: _l("Cancelled"),
    RegistrationState.ATTENDED: _l("Attended"),
    RegistrationState.NO_SHOW: _l("No show"),
    RegistrationState.PENDING: _l("Pending"),
}


#: Registration states that hold a seat.
SEAT_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED, RegistrationState.NO_SHOW)
#: Registration states that count as "registered" (for the per-organisation seat limit).
ACTIVE_STATES = (*SEAT_STATES, RegistrationState.WAITLISTED)
#: Registration states of people expected at the door: checked-in people are still attendees
#: (messages, counts and capacity include them).
ATTENDEE_STATES = (RegistrationState.CONFIRMED, RegistrationState.ATTENDED)

#: Kinds of event held online (a join link instead of a venue; no QR check-in at a door).
ONLINE_KINDS = frozenset({EventKind.WEBINAR})

#: Endpoint of each kind's public detail page.
DETAIL_ENDPOINTS = {EventKind.WEBINAR: "webinars.detail", EventKind.MEETUP: "meetups.detail"}


def _ticket_token() -> str:
    return secrets.token_urlsafe(24)


class Event(TimestampMixin, db.Model):
    """A webinar or meetup people register for."""

    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity >= 0", name="capacity_non_negative"),
        sa.CheckConstraint(
            "seat_limit_per_org IS NULL OR seat_limit_per_org > 0", name="seat_limit_positive"
        ),
        sa.CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL"
            " OR registration_closes_at > registration_opens_at",
            name="window_order",
        ),
        sa.Index("ix_event_state_starts_at", "state", "starts_at"),
        sa.Index("ix_event_kind_starts_at", "kind", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "event_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown, rendered safely (engagement.events.markdown).
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[EventState] = mapped_column(
        enum_type(EventState, "event_state"), default=EventState.DRAFT
    )
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: IANA zone the event is organised in (display; times are stored in UTC).
    timezone: Mapped[str] = mapped_column(
        sa.String(64), default="Asia/Karachi", server_default="Asia/Karachi"
    )
    capacity: Mapped[int]
    #: Most seats one organisation may take (None: no limit).
    seat_limit_per_org: Mapped[int | None]
    #: None: registration is open now / until the start.
    registration_opens_at: Mapped[datetime | None]
    registration_closes_at: Mapped[datetime | None]
    waitlist_enabled: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    recording_url: Mapped[str | None] = mapped_column(sa.String(500))
    cancelled_reason: Mapped[str | None] = mapped_column(sa.Text)
    cancelled_at: Mapped[datetime | None]
    #: Set by the feedback job once every attendee was asked for feedback.
    feedback_sent_at: Mapped[datetime | None]
    #: Entered by staff after it took place (for the record), not scheduled ahead: never open for
    #: registration, and shown as such.
    recorded_past: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    created_by = relationship("User")
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", order_by="Registration.id", passive_deletes=True
    )

    @property
    def url(self) -> str:
        """The public detail page of this event (by kind); '#' if that feature is absent."""
        try:
            return url_for(DETAIL_ENDPOINTS[self.kind], event_id=self.id)
        except BuildError:
            return "#"

    @property
    def is_online(self) -> bool:
        """Held online: attendees get a join link, not a ticket to show at a door."""
        return self.kind in ONLINE_KINDS

    @property
    def effective_closes_at(self) -> datetime:
        return self.registration_closes_at or self.starts_at

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind} {self.title!r} {self.state}>"


class Registration(TimestampMixin, db.Model):
    """One person's place (or waitlist entry) at one event."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        # PostgreSQL also carries the columns the dashboard's seat counts read, so a period's
        # registrations are counted from the index alone (index-only scan per held event).
        sa.Index(
            "ix_registration_event_state_id",
            "event_id",
            "state",
            "id",
            postgresql_include=["checked_in_at", "organisation_id"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    #: Who registered this person (a company representative registers colleagues).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[RegistrationState] = mapped_column(
        enum_type(RegistrationState, "registration_state")
    )
    ticket_token: Mapped[str] = mapped_column(sa.String(43), unique=True, default=_ticket_token)
    waitlisted_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    checked_in_at: Mapped[datetime | None]
    checked_in_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    #: The page language the registrant last acted in themselves (registering without an account,
    #: a cancel or confirmation link); their later mails use it when no account has this address.
    language: Mapped[str | None] = mapped_column(sa.String(10))

    event: Mapped[Event] = relationship(back_populates="registrations")
    user = relationship("User", foreign_keys=[user_id])
    organisation = relationship("Organisation")

    @property
    def holds_seat(self) -> bool:
        return self.state in SEAT_STATES

    @property
    def shown_state(self) -> str:
        """The state as people read it: "checked in" until the event starts, "attended" after."""
        if self.state == RegistrationState.ATTENDED and clock.now() < self.event.starts_at:
            return "checked_in"
        return self.state.value

    def __repr__(self) -> str:
        return f"<Registration {self.id} event={self.event_id} {self.email} {self.state}>"
