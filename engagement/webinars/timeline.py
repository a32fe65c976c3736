"""The webinars' part of an organisation's timeline: B2B introductions it asked for (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from engagement.core.timeline import TimelineEntry
from engagement.extensions import db
from engagement.webinars.models import B2BIntroductionRequest


def introductions(entry: Any) -> Iterator[TimelineEntry]:
    """One line per introduction request: to whom, after which webinar, and its outcome."""
    if entry.organisation_id is None:
        return
    rows = db.session.scalars(
        sa.select(B2BIntroductionRequest)
        .where(B2BIntroductionRequest.organisation_id == entry.organisation_id)
        .options(
            joinedload(B2BIntroductionRequest.overseas_entity),
            joinedload(B2BIntroductionRequest.webinar),
        )
        .order_by(B2BIntroductionRequest.id)
    )
    for request in rows:
        yield TimelineEntry(
            at=request.decided_at or request.created_at,
            kind="introduction",
            title=f"Introduction to {request.overseas_entity.name}",
            detail=f"Asked after the webinar “{request.webinar.event.title}”",
            url=url_for("webinars.introductions_queue", state=request.state.value),
            state=request.state.value,
        )
