"""Webinars: an event with overseas partner entities and sectors."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from engagement.db import TimestampMixin
from engagement.directory.models import OverseasEntity, Sector
from engagement.events.models import Event
from engagement.extensions import db

__all__ = [
    "Webinar",
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
