"""The directory's part of a company's timeline: registration verified or withdrawn (one query)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import url_for
from flask_babel import gettext as _

from engagement.core.timeline import TimelineEntry
from engagement.directory.models import Company, VerificationAction
from engagement.directory.services import verification_history


def verifications(entry: Any) -> Iterator[TimelineEntry]:
    """One line per verification or withdrawal, naming the staff member (and the reason)."""
    if not isinstance(entry, Company) or entry.id is None:
        return
    for event in verification_history(entry):
        who = event.actor.name if event.actor else _("a former staff member")
        verified = event.action == VerificationAction.VERIFIED
        yield TimelineEntry(
            at=event.created_at,
            kind="verification",
            title=(
                _("Registration %(number)s verified", number=event.registration_number)
                if verified
                else _(
                    "Registration %(number)s verification withdrawn",
                    number=event.registration_number,
                )
            ),
            detail=_("By %(name)s", name=who) + (f": {event.reason}" if event.reason else ""),
            url=url_for("directory.company", company_id=entry.id) + "#verification-history",
        )
