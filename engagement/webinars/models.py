"""Webinars (an event with overseas partner entities) and B2B introduction requests."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from engagement.db import TimestampMixin, enum_type
from engagement.directory.models import OverseasEntity, Sector
from engagement.events.models import Event
from engagement.extensions import db

__all__ = [
    "Webinar",
    "IntroductionState",
    "B2BIntroductionRequest",
    "webinar_partner",
    "webinar_sector",
]

webinar_partner = sa.Table(
    "webinar_partner",
    db.metadata,
    sa.Column(
        "webinar_id", sa.ForeignKey("webinar.event_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "overseas_entity_id",
        sa.ForeignKey("overseas_entity.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)

webinar_sector = sa.Table(
    "webinar_sector",
    db.metadata,
    sa.Column(
        "webinar_id", sa.ForeignKey("webinar.event_id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True, index=True),
)


class Webinar(TimestampMixin, db.Model):
    """The webinar details of an :class:`Event` of kind ``webinar`` (1:1, same id)."""

    __tablename__ = "webinar"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    #: Speakers, one per line ("Name, role, organisation").
    speakers: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    platform: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")
    join_url: Mapped[str | None] = mapped_column(sa.String(500))

    event: Mapped[Event] = relationship(
        lazy="joined", innerjoin=True, backref=backref("webinar", uselist=False, lazy="select")
    )
    partners: Mapped[list[OverseasEntity]] = relationship(
        secondary=webinar_partner, order_by=OverseasEntity.name
    )
    sectors: Mapped[list[Sector]] = relationship(secondary=webinar_sector, order_by=Sector.id)

    @property
    def id(self) -> int:
        return self.event_id

    @property
    def speaker_list(self) -> list[str]:
        return [line.strip() for line in (self.speakers or "").splitlines() if line.strip()]


class IntroductionState(enum.StrEnum):
    REQUESTED = "requested"
    MADE = "made"
    DECLINED = "declined"


class B2BIntroductionRequest(TimestampMixin, db.Model):
    """After a webinar, a registered company asks PSEB to introduce it to a partner entity."""

    __tablename__ = "b2b_introduction_request"
    __table_args__ = (
        sa.UniqueConstraint("webinar_id", "organisation_id", "overseas_entity_id"),
        sa.Index("ix_b2b_introduction_request_state_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    webinar_id: Mapped[int] = mapped_column(
        sa.ForeignKey("webinar.event_id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    overseas_entity_id: Mapped[int] = mapped_column(sa.ForeignKey("overseas_entity.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: What the company wants from the introduction.
    purpose: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[IntroductionState] = mapped_column(
        enum_type(IntroductionState, "introduction_state"), default=IntroductionState.REQUESTED
    )
    staff_note: Mapped[str | None] = mapped_column(sa.Text)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    webinar: Mapped[Webinar] = relationship()
    organisation = relationship("Organisation")
    overseas_entity: Mapped[OverseasEntity] = relationship()
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    sectors: Mapped[list[Sector]] = relationship(
        secondary="b2b_introduction_sector", order_by=Sector.id
    )


b2b_introduction_sector = sa.Table(
    "b2b_introduction_sector",
    db.metadata,
    sa.Column(
        "request_id",
        sa.ForeignKey("b2b_introduction_request.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True),
)
