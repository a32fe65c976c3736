"""The state machine: every move allowed and refused, audit rows, input rules, the reply move."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import (
    FacilitationRequest,
    RequestEvent,
    RequestMessage,
    RequestState,
)
from engagement.facilitation.services import (
    FacilitationError,
    IllegalTransition,
    TransitionForbidden,
)
from engagement.facilitation.workflow import MOVES, TABLE, Actor
from tests.test_facilitation_factories import (
    EVERYTHING,
    capital_fields,
    city,
    make_request,
    people_fixture,  # noqa: F401
    user,
)

ALL_PAIRS = list(itertools.product(RequestState, RequestState))


def _actor_user(actor: Actor, people: dict) -> object:
    return user(people["owner"] if actor == Actor.OWNER else people["staff"])


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_allowed_move_changes_state_and_is_audited(ctx, people, move):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, move.source)
    before = db.session.scalar(
        sa.select(sa.func.count()).where(RequestEvent.request_id == request.id)
    )
    actor = _actor_user(move.actor, people)
    services.transition(request, move.target, actor, **EVERYTHING)
    db.session.commit()

    db.session.expire_all()
    stored = db.session.get(FacilitationRequest, request.id)
    assert stored.state == move.target
    events = db.session.scalars(
        sa.select(RequestEvent)
        .where(RequestEvent.request_id == request.id)
        .order_by(RequestEvent.id)
    ).all()
    # A referral writes its own row naming the channel beside the state change.
    assert len(events) == before + (2 if move.target == RequestState.REFERRED else 1)
    last = [e for e in events if e.kind.value == "state"][-1]
    assert (last.from_state, last.to_state, last.actor_id) == (move.source, move.target, actor.id)
    assert last.created_at is not None
    assert stored.is_closed == (move.target in services.CLOSED_STATES)
    assert (stored.closed_at is not None) == stored.is_closed


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_move_refused_to_the_other_side_and_to_outsiders(ctx, people, move):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, move.source)
    wrong_side = Actor.STAFF if move.actor == Actor.OWNER else Actor.OWNER
    if (move.source, move.target, wrong_side) not in TABLE:  # both sides may have a move
        wrong = staff if move.actor == Actor.OWNER else owner
        with pytest.raises(TransitionForbidden) as refused:
            services.transition(request, move.target, wrong, **EVERYTHING)
        assert "Only" in refused.value.message and refused.value.status == 403
    for outsider in ("other", "company"):
        with pytest.raises(TransitionForbidden):
            services.transition(request, move.target, user(people[outsider]), **EVERYTHING)
    assert request.state == move.source


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in ALL_PAIRS if pair not in {(m.source, m.target) for m in TABLE.values()}],
    ids=lambda s: str(s),
)
def test_move_not_in_the_table_is_illegal_for_everyone(ctx, people, source, target):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, source)
    for who in (owner, staff):
        with pytest.raises(IllegalTransition) as refused:
            services.transition(request, target, who, **EVERYTHING)
        assert refused.value.status == 409
        assert "cannot be moved" in refused.value.message
    assert db.session.get(FacilitationRequest, request.id).state == source


def test_required_inputs_are_enforced(ctx, people):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.IN_REVIEW)
    with pytest.raises(FacilitationError) as error:
        services.transition(request, RequestState.DECLINED, staff)
    assert error.value.field == "reason"
    with pytest.raises(FacilitationError) as error:
        services.transition(request, RequestState.RESOLVED, staff, outcome="bribed")
    assert error.value.field == "outcome"
    with pytest.raises(FacilitationError) as error:
        services.transition(request, RequestState.NEEDS_INFORMATION, staff, comment="  ")
    assert error.value.field == "comment"
    services.transition(
        request, RequestState.RESOLVED, staff, outcome="funded", outcome_note="PKR 10m"
    )
    assert request.outcome.value == "funded" and request.closed_at is not None
    assert "Outcome: Funded (PKR 10m)" in request.events[-1].comment


def test_unknown_state_is_illegal(ctx, people):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.SUBMITTED)
    with pytest.raises(IllegalTransition):
        services.transition(request, "approved", staff)


def test_database_holds_the_rules(ctx, people):
    """A resolved request without an outcome cannot be stored, even bypassing the service."""
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.IN_REVIEW)
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(
            sa.text(
                "UPDATE facilitation_request SET state = 'resolved', closed_at = submitted_at WHERE id = :id"
            ),
            {"id": request.id},
        )
        db.session.flush()
    db.session.rollback()


def test_create_request_validates_and_submits(ctx, people):
    owner = user(people["owner"])
    with pytest.raises(FacilitationError) as error:
        services.create_request(owner, "astrology", "Title", "Summary")
    assert error.value.field == "sphere"
    with pytest.raises(FacilitationError) as error:
        services.create_request(owner, "marketing", "   ", "Summary")
    assert error.value.field == "title"
    with pytest.raises(FacilitationError) as error:
        services.create_request(
            owner,
            "capital_availability",
            "Money",
            "Summary",
            submit=True,
            **capital_fields(amount_sought="-5"),
        )
    assert error.value.field == "amount_sought"
    with pytest.raises(FacilitationError) as error:
        services.create_request(
            owner,
            "capital_availability",
            "Money",
            "Summary",
            submit=True,
            **capital_fields(currency="EUR"),
        )
    assert error.value.field == "currency"
    with pytest.raises(FacilitationError) as error:
        services.create_request(owner, "capital_availability", "Money", "Summary", submit=True)
    assert error.value.field == "stage"
    with pytest.raises(FacilitationError) as error:
        services.create_request(
            owner,
            "infrastructure",
            "Desks",
            "Summary",
            submit=True,
            city_id=city().id,
            seats_needed=0,
        )
    assert error.value.field == "seats_needed"
    with pytest.raises(FacilitationError) as error:
        services.create_request(owner, "marketing", "T", "S", unknown_field=1)
    assert error.value.field == "unknown_field"

    request = services.create_request(
        owner,
        "infrastructure",
        "Six desks",
        "Desks in Gilgit",
        submit=True,
        city_id=city().id,
        seats_needed="6",
        needed_from="2027-01-04",
    )
    assert request.state == RequestState.SUBMITTED
    assert request.submitted_at is not None and request.first_response_due_at > request.submitted_at
    assert [(e.from_state, e.to_state) for e in request.events] == [
        (RequestState.DRAFT, RequestState.SUBMITTED)
    ]


def test_only_startups_create_requests(ctx, people):
    for who in ("staff", "company"):
        with pytest.raises(TransitionForbidden):
            services.create_request(user(people[who]), "marketing", "T", "S")


def test_drafts_are_editable_only_by_owner_and_only_as_drafts(ctx, people):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = services.create_request(owner, "marketing", "Stall at ITCN", "")
    services.update_draft(request, owner, summary="A stall, please", city_id=city().id)
    assert request.summary == "A stall, please"
    with pytest.raises(TransitionForbidden):
        services.update_draft(request, user(people["other"]), summary="hijack")
    services.transition(request, RequestState.SUBMITTED, owner)
    with pytest.raises(IllegalTransition):
        services.update_draft(request, owner, summary="later change")
    assert request.summary == "A stall, please"
    assert staff is not None


def test_startup_answer_moves_needs_information_back_to_review(ctx, people, outbox):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.SUBMITTED)
    services.assign(request, staff.id, user(people["admin"]))
    services.transition(
        request, RequestState.NEEDS_INFORMATION, staff, comment="What is your monthly revenue?"
    )
    assert request.needs_information_at is not None and request.first_response_at is not None
    services.add_message(request, owner, "PKR 350,000 a month.", internal=False)
    db.session.commit()
    assert request.state == RequestState.IN_REVIEW
    last = request.events[-1]
    assert (last.from_state, last.to_state, last.actor_id) == (
        RequestState.NEEDS_INFORMATION,
        RequestState.IN_REVIEW,
        owner.id,
    )
    # The question and the answer are both in the conversation.
    assert db.session.scalars(
        sa.select(RequestMessage.body)
        .where(RequestMessage.request_id == request.id)
        .order_by(RequestMessage.id)
    ).all() == ["What is your monthly revenue?", "PKR 350,000 a month."]
    # The startup was emailed the question; the assignee was emailed the answer.
    to_owner = [m for m in outbox("owner@alpha.test") if "Needs information" in m.subject]
    assert to_owner and "What is your monthly revenue?" in to_owner[0].body_text
    assert any("PKR 350,000" in m.body_text for m in outbox("staff@pseb.test"))


def test_messages_and_state_changes_notify(ctx, people, outbox):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.IN_REVIEW)
    services.add_message(request, staff, "We are looking at investors for you.")
    db.session.commit()
    mails = outbox("owner@alpha.test")
    assert any("We are looking at investors" in m.body_text for m in mails)
    assert any("In review" in m.subject for m in mails)
    with pytest.raises(FacilitationError):
        services.add_message(request, owner, "   ")
    with pytest.raises(TransitionForbidden):
        services.add_message(request, owner, "sneaky", internal=True)
    with pytest.raises(TransitionForbidden):
        services.add_message(request, user(people["other"]), "hello")


def test_closed_requests_stay_readable_and_take_no_messages(ctx, people):
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.WITHDRAWN)
    assert services.get_request_for(owner, request.id) is request
    assert services.get_request_for(staff, request.id) is request
    with pytest.raises(IllegalTransition):
        services.add_message(request, owner, "hello again")
    # Staff may still keep internal notes on a closed request.
    services.add_message(request, staff, "Closed after founder call.", internal=True)


def test_first_response_is_recorded_once(ctx, people, frozen_clock):
    from tests.test_facilitation_factories import MONDAY_NOON_PKT

    frozen_clock(MONDAY_NOON_PKT)
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.SUBMITTED)
    services.add_message(request, staff, "Internal only", internal=True)
    assert request.first_response_at is None  # an internal note is not a response
    services.add_message(request, staff, "Hello from PSEB")
    first = request.first_response_at
    assert first == MONDAY_NOON_PKT
    services.transition(request, RequestState.IN_REVIEW, staff)
    assert request.first_response_at == first


def test_assign_and_bulk_assign(ctx, people):
    owner, staff, admin = user(people["owner"]), user(people["staff"]), user(people["admin"])
    a = make_request(owner, staff, RequestState.SUBMITTED)
    b = make_request(owner, staff, RequestState.IN_REVIEW)
    draft = make_request(owner, staff, RequestState.DRAFT)
    with pytest.raises(FacilitationError):
        services.assign(a, people["owner"], admin)  # a startup user is not assignable
    with pytest.raises(TransitionForbidden):
        services.assign(a, staff.id, owner)
    assert services.bulk_assign([a.id, b.id, draft.id, "x"], staff.id, admin) == 2
    assert a.assignee_id == b.assignee_id == staff.id and draft.assignee_id is None
    assert a.events[-1].comment == "Assigned to Bilal Staff"
    assert services.bulk_assign([a.id], staff.id, admin) == 0  # no change, no new audit row
    with pytest.raises(FacilitationError):
        services.bulk_assign([], staff.id, admin)
