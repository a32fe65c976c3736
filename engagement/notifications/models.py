"""Outbox rows: one per email to send."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from engagement import clock
from engagement.db import TimestampMixin, enum_type
from engagement.extensions import db


class OutboxState(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after MAX_ATTEMPTS


class OutboxMessage(TimestampMixin, db.Model):
    """An email waiting to be delivered (or delivered) by the ``deliver_outbox`` job.

    ``dedupe_key`` makes a message that must go once (a reminder, an escalation) impossible to
    queue twice: the unique constraint holds however often a job runs, in however many processes.

    A message queued with ``queue_mail_later`` stores what to render (``template``, ``context``,
    ``language``) and gets its subject, text and attachment when it is sent; until then those
    are NULL.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str | None] = mapped_column(sa.String(300))
    body_text: Mapped[str | None] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    #: Optional attachment (for example an ``.ics`` invitation).
    attachment_name: Mapped[str | None] = mapped_column(sa.String(120))
    attachment_type: Mapped[str | None] = mapped_column(sa.String(100))
    attachment_data: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    #: Rendered at delivery: the mail template (its builder makes subject and context) ...
    template: Mapped[str | None] = mapped_column(sa.String(100))
    #: ... from these ids and plain values (JSON) ...
    context: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON(none_as_null=True))
    #: ... in this language (a code of ``engagement.core.i18n.LANGUAGES``).
    language: Mapped[str | None] = mapped_column(sa.String(10))
    state: Mapped[OutboxState] = mapped_column(
        enum_type(OutboxState, "outbox_state"), default=OutboxState.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.Text)
