"""The events engine's part of an organisation's timeline: the webinars and meetups its people
registered for and attended (one query)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from engagement.core.timeline import TimelineEntry
from engagement.events.models import Event, Registration, RegistrationState
from engagement.extensions import db

#: The state a group of registrations is summed up by: the most telling one present.
SUMMARY_ORDER = (
    RegistrationState.ATTENDED,
    RegistrationState.CONFIRMED,
    RegistrationState.WAITLISTED,
    RegistrationState.NO_SHOW,
    RegistrationState.CANCELLED,
)

PHRASES = {
    RegistrationState.CONFIRMED: "confirmed",
    RegistrationState.WAITLISTED: "on the waitlist",
    RegistrationState.ATTENDED: "attended",
    RegistrationState.NO_SHOW: "did not come",
    RegistrationState.CANCELLED: "cancelled",
}


def registrations(entry: Any) -> Iterator[TimelineEntry]:
    """One line per event the organisation registered people for, with what became of them."""
    if entry.organisation_id is None:
        return
    rows = db.session.scalars(
        sa.select(Registration)
        .where(Registration.organisation_id == entry.organisation_id)
        .options(joinedload(Registration.event))
        .order_by(Registration.id)
    )
    by_event: dict[int, list[Registration]] = defaultdict(list)
    events: dict[int, Event] = {}
    for registration in rows:
        by_event[registration.event_id].append(registration)
        events[registration.event_id] = registration.event
    for event_id, group in by_event.items():
        event = events[event_id]
        states = Counter(r.state for r in group)
        parts = [f"{len(group)} registered"] + [
            f"{states[state]} {PHRASES[state]}"
            for state in SUMMARY_ORDER
            if states[state] and state != RegistrationState.CONFIRMED
        ]
        summary = next(state for state in SUMMARY_ORDER if states[state])
        yield TimelineEntry(
            at=event.starts_at,
            kind=event.kind.value,
            title=event.title,
            detail=" · ".join(parts),
            url=event.url,
            state=summary,
        )
