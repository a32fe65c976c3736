"""Who takes part in a facilitation request, and the errors its rules raise.

Kept apart from ``services`` so that ``uploads`` (which ``services`` uses to delete a discarded
draft's files) can check access without importing ``services`` back.
"""

from __future__ import annotations

from engagement.auth.models import User
from engagement.facilitation.models import FacilitationRequest
from engagement.facilitation.workflow import Actor


class FacilitationError(ValueError):
    """Invalid input; ``field`` names the offending form field (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        message = str(message)  # a lazy constant becomes text in the viewer's language
        super().__init__(message)
        self.message = message
        self.field = field


class WorkflowError(Exception):
    """A move the state machine refuses; ``status`` is the HTTP status to answer with."""

    status = 409

    def __init__(self, message: str) -> None:
        message = str(message)
        super().__init__(message)
        self.message = message


class IllegalTransition(WorkflowError):
    """The move does not exist from the request's current state (409)."""

    status = 409


class TransitionForbidden(WorkflowError):
    """The move exists but this user may not take it (403)."""

    status = 403


def actor_of(user: User, request: FacilitationRequest) -> Actor | None:
    """The user's part in the request: its startup (owner), staff, or nothing."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if user.is_staff:
        return Actor.STAFF
    membership = user.membership
    if membership is not None and membership.organisation_id == request.organisation_id:
        return Actor.OWNER
    return None


def can_view(user: User, request: FacilitationRequest) -> bool:
    role = actor_of(user, request)
    if role == Actor.STAFF:
        return (
            request.submitted_at is not None
        )  # drafts (even discarded ones) are the startup's own
    return role == Actor.OWNER
