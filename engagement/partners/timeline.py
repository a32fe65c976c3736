"""The partners' part of an organisation's timeline: its B2B meetings (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from engagement.core.timeline import TimelineEntry
from engagement.extensions import db
from engagement.partners.models import MeetingRequest, MeetingState


def meetings(entry: Any) -> Iterator[TimelineEntry]:
    """One line per meeting request: with whom, after which webinar, its state and outcome."""
    if entry.organisation_id is None:
        return
    rows = db.session.scalars(
        sa.select(MeetingRequest)
        .where(MeetingRequest.organisation_id == entry.organisation_id)
        .options(
            joinedload(MeetingRequest.overseas_entity),
            joinedload(MeetingRequest.event),
        )
        .order_by(MeetingRequest.id)
    )
    for request in rows:
        detail = (
            _("After the webinar “%(title)s”", title=request.event.title) if request.event else ""
        )
        if request.outcome is not None:
            outcome = _("outcome: %(outcome)s", outcome=request.outcome.label)
            detail = f"{detail} · {outcome}".lstrip(" ·")
        yield TimelineEntry(
            at=request.slot_at
            if request.state == MeetingState.ACCEPTED and request.slot_at
            else request.decided_at or request.created_at,
            kind="meeting",
            title=_("B2B meeting with %(name)s", name=request.overseas_entity.name),
            detail=detail,
            url=url_for("partners.meeting", request_id=request.id),
            state=request.state,
        )
