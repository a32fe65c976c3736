"""The startup's facilitation forms through real HTTP (issues 16 and 18): errors after a POST
show on the form's own page with what was typed, discarding a draft asks and deletes it with its
files, and a "needed from" date in the past is refused."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import uploads
from engagement.facilitation.models import FacilitationRequest, RequestAttachment, RequestState
from tests.conftest import Auth
from tests.test_facilitation_factories import (
    city,
    make_request,
    people_fixture,  # noqa: F401
    user,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def client_for(app, email: str):
    client = app.test_client()
    Auth(client).login(email)
    return client


def _submitted(app, people) -> int:
    with app.app_context(), app.test_request_context():
        request = make_request(user(people["owner"]), user(people["staff"]), RequestState.SUBMITTED)
        db.session.commit()
        return request.id


def test_empty_message_redirects_back_and_says_why(app, people):
    request_id = _submitted(app, people)
    owner = client_for(app, "owner@alpha.test")
    posted = owner.post(f"/facilitation/requests/{request_id}/messages", data={"body": "   "})
    assert posted.status_code == 303
    assert posted.location.endswith(f"/facilitation/requests/{request_id}#thread")
    page = owner.get(posted.location).get_data(as_text=True)
    assert "Your message was not sent: Write a message first." in page  # the flash
    # The field is marked invalid and the reason is tied to it.
    assert 'aria-invalid="true"' in page and 'aria-describedby="body-error"' in page
    assert '<p class="error-text" id="body-error">Write a message first.</p>' in page
    # Shown once: a reload of the page is clean again, and nothing was posted.
    again = owner.get(f"/facilitation/requests/{request_id}").get_data(as_text=True)
    assert 'id="body-error"' not in again


def test_message_too_long_for_a_redirect_is_shown_in_place_with_the_text(app, people):
    request_id = _submitted(app, people)
    staff = client_for(app, "staff@pseb.test")
    long_text = "A long careful answer. " * 250  # over 5000 characters
    posted = staff.post(
        f"/facilitation/requests/{request_id}/messages", data={"body": long_text, "internal": "y"}
    )
    # Too long to keep in the session cookie: rendered right there, nothing lost.
    assert posted.status_code == 422
    page = posted.get_data(as_text=True)
    assert "A long careful answer. A long careful answer." in page
    assert "Your message was not sent" in page


def test_attachment_error_on_a_draft_returns_to_the_files_step(app, people):
    with app.app_context(), app.test_request_context():
        draft = make_request(user(people["owner"]), user(people["staff"]), RequestState.DRAFT)
        db.session.commit()
        draft_id = draft.id
    owner = client_for(app, "owner@alpha.test")
    posted = owner.post(
        f"/facilitation/requests/{draft_id}/attachments",
        data={"file": (io.BytesIO(b"MZ\x90\x00" * 50), "deck.pdf")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 303
    assert posted.location.endswith(f"/facilitation/requests/{draft_id}/draft/files")
    page = owner.get(posted.location).get_data(as_text=True)
    assert "file type is not accepted" in page and 'id="file-error"' in page
    none = owner.post(
        f"/facilitation/requests/{draft_id}/attachments",
        data={},
        content_type="multipart/form-data",
    )
    assert none.status_code == 303
    assert "Choose a file to upload." in owner.get(none.location).get_data(as_text=True)


def test_discard_draft_is_separate_confirmed_and_deletes_with_files(app, people):
    with app.app_context(), app.test_request_context():
        owner_user = user(people["owner"])
        draft = make_request(
            owner_user, user(people["staff"]), RequestState.DRAFT, title="Old idea"
        )
        uploads.store_attachment(draft, owner_user, "deck.pdf", io.BytesIO(PDF))
        db.session.commit()
        draft_id = draft.id
        folder = uploads.upload_folder()
        stored = folder / db.session.scalar(sa.select(RequestAttachment.stored_name))
    assert stored.is_file()
    owner = client_for(app, "owner@alpha.test")
    files_step = owner.get(f"/facilitation/requests/{draft_id}/draft/files").get_data(as_text=True)
    # Not beside "Submit request": its own area below, and a link to a confirmation page.
    row = files_step.split("Submit request", 1)[1].split("</div>", 1)[0]
    assert "Discard" not in row
    assert 'class="fac-discard"' in files_step
    assert f'href="/facilitation/requests/{draft_id}/discard"' in files_step

    confirm = owner.get(f"/facilitation/requests/{draft_id}/discard")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Discard this draft?" in text and "its 1 file" in text and "Old idea" in text
    # Others cannot reach it.
    assert (
        client_for(app, "owner@beta.test")
        .get(f"/facilitation/requests/{draft_id}/discard")
        .status_code
        == 404
    )
    assert (
        client_for(app, "staff@pseb.test")
        .get(f"/facilitation/requests/{draft_id}/discard")
        .status_code
        == 403
    )

    deleted = owner.post(f"/facilitation/requests/{draft_id}/discard")
    assert deleted.status_code == 302 and deleted.location.endswith("/facilitation/my")
    listing = owner.get(deleted.location).get_data(as_text=True)
    assert "The draft “Old idea” and its files were deleted." in listing
    assert "Old idea</a>" not in listing
    with app.app_context():
        assert db.session.get(FacilitationRequest, draft_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestAttachment)) == 0
    assert not stored.exists()
    assert owner.get(f"/facilitation/requests/{draft_id}/discard").status_code == 404


def test_submitted_request_cannot_be_discarded_nor_a_draft_withdrawn(app, people):
    request_id = _submitted(app, people)
    owner = client_for(app, "owner@alpha.test")
    refused = owner.post(f"/facilitation/requests/{request_id}/discard")
    assert refused.status_code == 302
    with app.app_context(), app.test_request_context():
        assert db.session.get(FacilitationRequest, request_id).state == RequestState.SUBMITTED
        draft = make_request(user(people["owner"]), user(people["staff"]), RequestState.DRAFT)
        db.session.commit()
        draft_id = draft.id
    moved = owner.post(f"/facilitation/requests/{draft_id}/transition", data={"to": "withdrawn"})
    assert moved.status_code == 409


def test_needed_from_in_the_past_is_refused(app, people, frozen_clock):
    frozen_clock(datetime(2026, 12, 2, 20, 0, tzinfo=UTC))  # 3 December already in Karachi
    owner = client_for(app, "owner@alpha.test")
    response = owner.post("/facilitation/new", data={"sphere": "infrastructure", "title": "Desks"})
    base = response.location.rsplit("/draft/", 1)[0]
    with app.app_context():
        gilgit = city().id
    owner.post(f"{base}/draft/summary", data={"summary": "Six desks"})
    for past in ("1999-12-31", "2020-01-01", "2026-12-02"):
        refused = owner.post(
            f"{base}/draft/specifics",
            data={"city_id": str(gilgit), "seats_needed": "6", "needed_from": past},
        )
        assert refused.status_code == 422, past
        text = refused.get_data(as_text=True)
        assert "cannot be in the past" in text and f'value="{past}"' in text
    today = owner.post(
        f"{base}/draft/specifics",
        data={"city_id": str(gilgit), "seats_needed": "6", "needed_from": "2026-12-03"},
    )
    assert today.status_code == 302
    # A draft whose date has passed meanwhile cannot be submitted.
    frozen_clock(datetime(2026, 12, 10, 7, 0, tzinfo=UTC))
    files = owner.get(f"{base}/draft/files").get_data(as_text=True)
    assert "cannot be in the past" in files
    submitted = owner.post(f"{base}/submit")
    assert submitted.status_code == 302 and submitted.location.endswith("/draft/specifics")
    with app.app_context():
        assert db.session.scalar(sa.select(FacilitationRequest.state)) == RequestState.DRAFT
    # The API gives the same answer, naming the field.
    from engagement.auth.services import issue_api_token

    with app.app_context():
        _, secret = issue_api_token(user(people["owner"]), "test")
        db.session.commit()
    api = app.test_client().post(
        "/api/v1/facilitation-requests",
        headers={"Authorization": f"Bearer {secret}"},
        json={
            "sphere": "infrastructure",
            "title": "More desks",
            "summary": "Ten desks",
            "city_id": gilgit,
            "seats_needed": 10,
            "needed_from": "2020-01-01",
        },
    )
    assert api.status_code == 422 and "past" in api.get_data(as_text=True)
