"""The state machine of facilitation requests: the ONE table of allowed moves.

Each row says who may take the move (the startup that owns the request, or PSEB staff) and
what the move needs (a comment, a decline reason, a resolution outcome). ``services.transition``
is the only code that changes ``FacilitationRequest.state`` and it consults nothing but this.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from engagement.facilitation.models import RequestState as S


class Actor(enum.StrEnum):
    OWNER = "owner"  # a member of the startup organisation that made the request
    STAFF = "staff"  # PSEB staff or admin


class Needs(enum.StrEnum):
    """Input a move cannot be taken without."""

    COMMENT = "comment"  # a message to the startup (the question, the answer, ...)
    DECLINE_REASON = "reason"
    OUTCOME = "outcome"
    CHANNEL = "channel"  # the funding channel referred to (one from the registry, or "other")


@dataclass(frozen=True)
class Move:
    source: S
    target: S
    actor: Actor
    label: str
    needs: frozenset[Needs] = frozenset()


def _m(source: S, target: S, actor: Actor, label: str, *needs: Needs) -> Move:
    return Move(source, target, actor, label, frozenset(needs))


OWN, STF = Actor.OWNER, Actor.STAFF
C, R, OUT, CH = Needs.COMMENT, Needs.DECLINE_REASON, Needs.OUTCOME, Needs.CHANNEL

MOVES: tuple[Move, ...] = (
    _m(S.DRAFT, S.SUBMITTED, OWN, _l("Submit")),
    # A draft is not withdrawn but discarded: services.discard_draft deletes it with its files.
    _m(S.SUBMITTED, S.IN_REVIEW, STF, _l("Start review")),
    _m(S.SUBMITTED, S.NEEDS_INFORMATION, STF, _l("Ask for information"), C),
    _m(S.SUBMITTED, S.DECLINED, STF, _l("Decline"), R),
    _m(S.SUBMITTED, S.WITHDRAWN, OWN, _l("Withdraw")),
    _m(S.IN_REVIEW, S.NEEDS_INFORMATION, STF, _l("Ask for information"), C),
    # Every referral names a channel, so the referral figures are complete.
    _m(S.IN_REVIEW, S.REFERRED, STF, _l("Refer"), CH),
    _m(S.IN_REVIEW, S.RESOLVED, STF, _l("Resolve"), OUT),
    _m(S.IN_REVIEW, S.DECLINED, STF, _l("Decline"), R),
    _m(S.IN_REVIEW, S.WITHDRAWN, OWN, _l("Withdraw")),
    # The startup's answer (a reply in the thread) takes the request back to review.
    _m(S.NEEDS_INFORMATION, S.IN_REVIEW, OWN, _l("Answer"), C),
    # Staff may take it back into review themselves (e.g. the answer came by phone).
    _m(S.NEEDS_INFORMATION, S.IN_REVIEW, STF, _l("Back to review")),
    _m(S.NEEDS_INFORMATION, S.DECLINED, STF, _l("Decline"), R),
    _m(S.NEEDS_INFORMATION, S.WITHDRAWN, OWN, _l("Withdraw")),
    _m(S.REFERRED, S.IN_REVIEW, STF, _l("Back to review")),
    _m(S.REFERRED, S.NEEDS_INFORMATION, STF, _l("Ask for information"), C),
    _m(S.REFERRED, S.RESOLVED, STF, _l("Resolve"), OUT),
    _m(S.REFERRED, S.DECLINED, STF, _l("Decline"), R),
    _m(S.REFERRED, S.WITHDRAWN, OWN, _l("Withdraw")),
)

#: (source, target, actor) -> move; a pair of states may have one move per actor.
TABLE: dict[tuple[S, S, Actor], Move] = {(m.source, m.target, m.actor): m for m in MOVES}


def find_moves(source: S, target: S) -> list[Move]:
    """Every move from ``source`` to ``target`` (at most one per actor)."""
    return [m for m in MOVES if m.source == source and m.target == target]


def find_move(source: S, target: S, actor: Actor | None = None) -> Move | None:
    """The move ``actor`` may take from ``source`` to ``target`` (any actor's when None)."""
    if actor is not None:
        return TABLE.get((source, target, actor))
    moves = find_moves(source, target)
    return moves[0] if moves else None


def moves_from(source: S, actor: Actor) -> list[Move]:
    """The moves ``actor`` may take from ``source``, in table order."""
    return [m for m in MOVES if m.source == source and m.actor == actor]
