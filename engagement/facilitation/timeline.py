"""Facilitation's part of an organisation's timeline: its submitted requests (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from engagement.core.timeline import TimelineEntry
from engagement.extensions import db
from engagement.facilitation.models import FacilitationRequest, RequestState


def requests(entry: Any) -> Iterator[TimelineEntry]:
    """One line per request that left the draft stage, with its sphere and state."""
    if entry.organisation_id is None:
        return
    rows = db.session.scalars(
        sa.select(FacilitationRequest)
        .where(
            FacilitationRequest.organisation_id == entry.organisation_id,
            FacilitationRequest.submitted_at.is_not(None),
        )
        .order_by(FacilitationRequest.id)
    )
    for fr in rows:
        yield TimelineEntry(
            at=fr.submitted_at,  # type: ignore[arg-type]
            kind="facilitation",
            title=_("Facilitation request: %(title)s", title=fr.title),
            detail=f"{fr.sphere.label} · {RequestState(fr.state).label}",
            url=url_for("facilitation.detail", request_id=fr.id),
            state=fr.state,
        )
