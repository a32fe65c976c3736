"""Staff workflows of issue 15 through real HTTP: the queue's due sort, who reads a move's
comment, the question in the conversation, back to review, and state wording in sentences."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import (
    FacilitationRequest,
    RequestEvent,
    RequestMessage,
    RequestState,
)
from tests.conftest import Auth
from tests.test_facilitation_factories import (
    make_request,
    people_fixture,  # noqa: F401
    user,
)


def client_for(app, email: str):
    client = app.test_client()
    Auth(client).login(email)
    return client


def _queue_titles(client, titles: tuple[str, ...], query: str = "") -> list[str]:
    html = client.get(f"/facilitation/queue{query}").get_data(as_text=True)
    return sorted((t for t in titles if t in html), key=html.index)


def test_due_sort_puts_overdue_first_then_soonest_due(app, people, frozen_clock):
    # Answered requests have the earliest due times; the overdue one must still lead.
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        frozen_clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
        make_request(owner, staff, RequestState.IN_REVIEW, title="Answered long ago")
        frozen_clock(datetime(2026, 11, 4, 7, 0, tzinfo=UTC))
        make_request(owner, staff, RequestState.SUBMITTED, title="Overdue request")
        frozen_clock(datetime(2026, 11, 9, 7, 0, tzinfo=UTC))
        make_request(owner, staff, RequestState.SUBMITTED, title="Due soon request")
        db.session.commit()
    frozen_clock(datetime(2026, 11, 10, 7, 0, tzinfo=UTC))
    staff_client = client_for(app, "staff@pseb.test")
    titles = ("Overdue request", "Due soon request", "Answered long ago")
    html = staff_client.get("/facilitation/queue").get_data(as_text=True)
    assert "First response overdue" in html or "overdue" in html.lower()
    assert _queue_titles(staff_client, titles) == list(titles)
    assert _queue_titles(staff_client, titles, "?sort=due") == list(titles)


def test_state_change_comment_is_internal_by_default(app, people, outbox):
    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.SUBMITTED)
        db.session.commit()
        request_id = request.id
    url = f"/facilitation/requests/{request_id}"
    staff = client_for(app, "staff@pseb.test")
    form = staff.get(url).get_data(as_text=True)
    assert "an internal note (staff only)" in form and "a message to the startup" in form
    assert re.search(r'value="internal" checked', form)

    moved = staff.post(
        f"{url}/transition", data={"to": "in_review", "comment": "Looks weak; check the deck."}
    )
    assert moved.status_code == 302
    owner = client_for(app, "owner@alpha.test")
    owner_page = owner.get(url).get_data(as_text=True)
    assert "Looks weak" not in owner_page
    assert all("Looks weak" not in mail.body_text for mail in outbox("owner@alpha.test"))
    staff_page = staff.get(url).get_data(as_text=True)
    assert "Looks weak; check the deck." in staff_page and "internal note" in staff_page
    with app.app_context():
        note = db.session.scalar(sa.select(RequestMessage))
        assert note.internal and note.body == "Looks weak; check the deck."

    # Explicitly to the startup: in the conversation and the timeline, and mailed.
    staff.post(
        f"{url}/transition",
        data={"to": "needs_information", "comment": "Which city are you in?"},
    )
    staff.post(f"{url}/transition", data={"to": "in_review"})
    with app.app_context(), app.test_request_context():
        services.transition(
            db.session.get(FacilitationRequest, request_id),
            RequestState.NEEDS_INFORMATION,
            user(people["staff"]),
            comment="One more question.",
        )
        db.session.commit()
    shown = staff.post(
        f"{url}/transition",
        data={"to": "in_review", "comment": "We start on Monday.", "comment_to": "startup"},
    )
    assert shown.status_code == 302
    assert "We start on Monday." in owner.get(url).get_data(as_text=True)
    assert any("We start on Monday." in mail.body_text for mail in outbox("owner@alpha.test"))
    bad = staff.post(
        f"{url}/transition",
        data={"to": "declined", "reason": "No", "comment": "x", "comment_to": "everyone"},
    )
    assert bad.status_code == 422 and "internal note" in bad.get_data(as_text=True)


def test_needs_information_question_is_in_the_conversation(app, people):
    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.IN_REVIEW)
        db.session.commit()
        request_id = request.id
    url = f"/facilitation/requests/{request_id}"
    staff = client_for(app, "staff@pseb.test")
    asked = staff.post(
        f"{url}/transition", data={"to": "needs_information", "comment": "Monthly revenue?"}
    )
    assert asked.status_code == 302
    with app.app_context():
        message = db.session.scalar(
            sa.select(RequestMessage).where(RequestMessage.body == "Monthly revenue?")
        )
        assert message is not None and not message.internal
    page = client_for(app, "owner@alpha.test").get(url).get_data(as_text=True)
    thread = page.split('id="thread"', 1)[1].split("</section>", 1)[0]
    assert "Monthly revenue?" in thread and "Answer in the conversation below" in page


def test_staff_take_needs_information_back_to_review_audited(app, people):
    with app.app_context(), app.test_request_context():
        request = make_request(
            user(people["owner"]), user(people["staff"]), RequestState.NEEDS_INFORMATION
        )
        db.session.commit()
        request_id = request.id
    url = f"/facilitation/requests/{request_id}"
    staff = client_for(app, "staff@pseb.test")
    assert "Back to review" in staff.get(url).get_data(as_text=True)
    moved = staff.post(f"{url}/transition", data={"to": "in_review"})
    assert moved.status_code == 302
    flashed = staff.get(url).get_data(as_text=True)
    assert "The request is now in review." in flashed
    with app.app_context():
        stored = db.session.get(FacilitationRequest, request_id)
        assert stored.state == RequestState.IN_REVIEW
        last = db.session.scalars(
            sa.select(RequestEvent)
            .where(RequestEvent.request_id == request_id)
            .order_by(RequestEvent.id.desc())
        ).first()
        assert (last.from_state, last.to_state, last.actor_id) == (
            RequestState.NEEDS_INFORMATION,
            RequestState.IN_REVIEW,
            people["staff"],
        )
    # The startup's own way back stays the answer in the thread, not a button.
    with app.app_context(), app.test_request_context():
        services.transition(
            db.session.get(FacilitationRequest, request_id),
            RequestState.NEEDS_INFORMATION,
            user(people["staff"]),
            comment="Again?",
        )
        db.session.commit()
    assert "Back to review" not in client_for(app, "owner@alpha.test").get(url).get_data(
        as_text=True
    )


def test_state_wording_is_a_sentence(app, people, outbox):
    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.SUBMITTED)
        db.session.commit()
        request_id = request.id
    url = f"/facilitation/requests/{request_id}"
    staff = client_for(app, "staff@pseb.test")
    staff.post(f"{url}/transition", data={"to": "needs_information", "comment": "Deck?"})
    page = staff.get(url).get_data(as_text=True)
    assert "The request now needs more information." in page
    assert "is now needs information" not in page.lower()
    mail = outbox("owner@alpha.test")[-1].body_text
    assert "The request now needs more information." in mail
    assert "Before, it is submitted but not yet in review." in mail
    refused = staff.post(f"{url}/transition", data={"to": "submitted"})
    assert refused.status_code == 409
    text = refused.get_data(as_text=True)
    assert "This request is waiting for more information, so it cannot be moved to" in text
    assert "is needs information" not in text
    for state in RequestState:
        assert state.now_sentence.endswith(".") and state.now_sentence.startswith("The request")


def test_one_referral_path_always_names_a_channel(app, people):
    from engagement.facilitation.models import ChannelKind, FundingChannel, Referral
    from tests.test_facilitation_factories import make_channel

    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.IN_REVIEW)
        make_channel("Karachi Angels")
        db.session.commit()
        request_id = request.id
    url = f"/facilitation/requests/{request_id}"
    staff = client_for(app, "staff@pseb.test")
    page = staff.get(url).get_data(as_text=True)
    assert "describe the referral here" not in page
    assert 'name="to" value="referred"' not in page  # no plain "Refer" button without a channel
    assert "Other (not in the list)" in page and "Name of the other channel" in page

    # The move without a channel is refused, through the page and the API alike.
    plain = staff.post(f"{url}/transition", data={"to": "referred", "comment": "Sent to a VC"})
    assert plain.status_code == 422 and "Choose the funding channel" in plain.get_data(as_text=True)
    api = staff.post(
        f"/api/v1/facilitation-requests/{request_id}/transitions",
        json={"to": "referred"},
        headers={"Accept": "application/json"},
    )
    assert api.status_code in (401, 422)
    unnamed = staff.post(f"{url}/referrals", data={"channel_id": "other", "other_name": " "})
    assert unnamed.status_code == 422
    assert "Enter the name of the other funding channel." in unnamed.get_data(as_text=True)

    named = staff.post(
        f"{url}/referrals",
        data={"channel_id": "other", "other_name": "Lahore Seed Fund", "note": "By phone"},
    )
    assert named.status_code == 302
    again = staff.post(
        f"{url}/referrals", data={"channel_id": "other", "other_name": "lahore seed fund"}
    )
    assert again.status_code == 422 and "already referred" in again.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(FacilitationRequest, request_id)
        assert stored.state == RequestState.REFERRED
        channel = db.session.scalar(
            sa.select(FundingChannel).where(FundingChannel.name == "Lahore Seed Fund")
        )
        assert channel.kind == ChannelKind.OTHER
        referral = db.session.scalar(sa.select(Referral))
        assert referral.channel_id == channel.id and referral.note == "By phone"
        # Referral figures are complete: every referred request names its channel.
        referred_without = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(FacilitationRequest)
            .where(
                FacilitationRequest.state == RequestState.REFERRED,
                ~FacilitationRequest.referrals.any(),
            )
        )
        assert referred_without == 0
    shown = staff.get(url).get_data(as_text=True)
    assert "Lahore Seed Fund" in shown.split('id="referrals"', 1)[1]
    assert "Other" in staff.get("/facilitation/channels").get_data(as_text=True)


def test_new_request_alerts_follow_sphere_routing(app, people, make_user, outbox):
    handler_id = make_user("staff", email="marketing.lead@pseb.test", org=None, name="Hina Lead")
    staff = client_for(app, "staff@pseb.test")
    page = staff.get("/facilitation/spheres").get_data(as_text=True)
    assert "all staff (nobody named)" in page and "Hina Lead" in page
    saved = staff.post(
        "/facilitation/spheres", data={"sphere": "marketing", "user_ids": [str(handler_id)]}
    )
    assert saved.status_code == 302
    assert "New Marketing requests now go to Hina Lead." in staff.get(saved.location).get_data(
        as_text=True
    )
    bad = staff.post("/facilitation/spheres", data={"sphere": "marketing", "user_ids": ["999"]})
    assert "Choose staff members from the list." in staff.get(bad.location).get_data(as_text=True)
    company = make_user("company", email="rep2@company.test", org="Other Co")
    staff.post("/facilitation/spheres", data={"sphere": "hr", "user_ids": [str(company)]})
    with app.app_context():
        assert services.sphere_handlers()[services.Sphere.HR] == []

    def submitted_to(title: str) -> set[str]:
        return {
            m.to_address
            for m in outbox()
            if title in m.subject and m.subject.startswith("[Request") and "Submitted" in m.subject
        }

    with app.app_context(), app.test_request_context():
        owner, staff_user = user(people["owner"]), user(people["staff"])
        make_request(owner, staff_user, RequestState.SUBMITTED, sphere="marketing", title="Stall")
        make_request(owner, staff_user, RequestState.SUBMITTED, sphere="hr", title="Interns")
        db.session.commit()
    # The sphere's handler only; a sphere with nobody named: every active staff member.
    assert submitted_to("Stall") == {"marketing.lead@pseb.test"}
    assert submitted_to("Interns") == {
        "staff@pseb.test",
        "admin@pseb.test",
        "marketing.lead@pseb.test",
    }
    # Clearing the list falls back to all staff again.
    staff.post("/facilitation/spheres", data={"sphere": "marketing"})
    with app.app_context():
        assert services.sphere_handlers()[services.Sphere.MARKETING] == []
    # Startups cannot reach the setting.
    assert client_for(app, "owner@alpha.test").get("/facilitation/spheres").status_code == 403
