"""The directory's part of a company's timeline: registration verified or withdrawn (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for

from engagement.core.timeline import TimelineEntry
from engagement.directory.models import Company, VerificationAction
from engagement.directory.services import verification_history


def verifications(entry: Any) -> Iterator[TimelineEntry]:
    """One line per verification or withdrawal, naming the staff member (and the reason)."""
    if not isinstance(entry, Company) or entry.id is None:
        return
    for event in verification_history(entry):
        who = event.actor.name if event.actor else "a former staff member"
        verified = event.action == VerificationAction.VERIFIED
        yield TimelineEntry(
            at=event.created_at,
            kind="verification",
            title=(
                f"Registration {event.registration_number} "
                + ("verified" if verified else "verification withdrawn")
            ),
            detail=f"By {who}" + (f": {event.reason}" if event.reason else ""),
            url=url_for("directory.company", company_id=entry.id) + "#verification-history",
        )
