"""B2B meeting requests between a Pakistani company and an overseas entity, partner invitations,
and companies' consent to share their profile with a webinar's partners."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement.db import LabelledEnum, TimestampMixin, enum_type
from engagement.directory.models import OverseasEntity
from engagement.extensions import db

__all__ = [
    "MEETING_MINUTES",
    "MeetingState",
    "MeetingSide",
    "MeetingOutcome",
    "MeetingRequest",
    "MeetingSlot",
    "PartnerInvitation",
    "WebinarProfileShare",
]

#: Every meeting slot is this long.
MEETING_MINUTES = 30


class MeetingState(LabelledEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:  # type: ignore[override]
        return STATE_LABELS[self.value]


STATE_LABELS = {
    "requested": _l("Requested"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
}


class MeetingSide(enum.StrEnum):
    PARTNER = "partner"
    COMPANY = "company"

    @property
    def other(self) -> MeetingSide:
        return MeetingSide.COMPANY if self == MeetingSide.PARTNER else MeetingSide.PARTNER


class MeetingOutcome(enum.StrEnum):
    NO_FIT = "no_fit"
    FOLLOW_UP = "follow_up"
    NDA = "nda"
    PILOT = "pilot"
    CONTRACT = "contract"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self.value]


#: Outcome labels, translated when shown (``str()`` in the viewer's or recipient's language).
OUTCOME_LABELS = {
    "no_fit": _l("No fit"),
    "follow_up": _l("Follow-up planned"),
    "nda": _l("NDA signed"),
    "pilot": _l("Pilot"),
    "contract": _l("Contract"),
}


class MeetingRequest(TimestampMixin, db.Model):
    """One side asks the other for a 30-minute meeting in one of the proposed slots."""

    __tablename__ = "meeting_request"
    __table_args__ = (
        sa.Index("ix_meeting_request_state_id", "state", "id"),
        sa.CheckConstraint("state != 'accepted' OR slot_at IS NOT NULL", name="accepted_has_slot"),
        sa.CheckConstraint("value_usd IS NULL OR value_usd >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    overseas_entity_id: Mapped[int] = mapped_column(sa.ForeignKey("overseas_entity.id"), index=True)
    #: The webinar (or other event) the two met at, if any.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="SET NULL"), index=True
    )
    #: Which side asked (or last proposed slots); the other side answers.
    requested_side: Mapped[MeetingSide] = mapped_column(enum_type(MeetingSide, "meeting_side"))
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[MeetingState] = mapped_column(
        enum_type(MeetingState, "meeting_state"), default=MeetingState.REQUESTED
    )
    #: The accepted slot's start (UTC).
    slot_at: Mapped[datetime | None] = mapped_column(index=True)
    video_url: Mapped[str | None] = mapped_column(sa.String(500))
    decline_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    outcome: Mapped[MeetingOutcome | None] = mapped_column(
        enum_type(MeetingOutcome, "meeting_outcome")
    )
    #: Contract value in US dollars, when the outcome is a contract.
    value_usd: Mapped[Decimal | None] = mapped_column(sa.Numeric(14, 2))
    outcome_at: Mapped[datetime | None]
    outcome_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    organisation = relationship("Organisation")
    overseas_entity: Mapped[OverseasEntity] = relationship()
    event = relationship("Event")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    slots: Mapped[list[MeetingSlot]] = relationship(
        back_populates="request", order_by="MeetingSlot.starts_at", cascade="all, delete-orphan"
    )

    @property
    def slot_end(self) -> datetime | None:
        return self.slot_at + timedelta(minutes=MEETING_MINUTES) if self.slot_at else None


class MeetingSlot(db.Model):
    """A proposed 30-minute slot of a meeting request."""

    __tablename__ = "meeting_slot"
    __table_args__ = (sa.UniqueConstraint("request_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meeting_request.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime]

    request: Mapped[MeetingRequest] = relationship(back_populates="slots")


class PartnerInvitation(TimestampMixin, db.Model):
    """Staff invite a contact of an overseas entity to a partner account (single use)."""

    __tablename__ = "partner_invitation"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.UniqueConstraint("overseas_entity_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    overseas_entity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("overseas_entity.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    accepted_at: Mapped[datetime | None]

    overseas_entity: Mapped[OverseasEntity] = relationship()
    invited_by = relationship("User")


class WebinarProfileShare(db.Model):
    """At registration, an organisation agreed to share its profile with the event's partners."""

    __tablename__ = "webinar_profile_share"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True, index=True
    )
