"""Another startup can reach nothing of ours; internal notes never reach the startup; uploads are
checked by content, size and name, and a refused one leaves nothing behind."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import services, uploads
from engagement.facilitation.models import (
    FacilitationRequest,
    Referral,
    RequestAttachment,
    RequestMessage,
    RequestState,
)
from tests.conftest import Auth
from tests.test_facilitation_factories import (
    make_channel,
    make_request,
    people_fixture,  # noqa: F401
    user,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da6360000002000154a24f5d0000000049454e44ae426082"
)
INTERNAL = "Founder seems unreliable; check references before referring."


@pytest.fixture
def world(app, people):
    """Startup A's requests (submitted + draft), an attachment, a referral and an internal note."""
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        request = make_request(owner, staff, RequestState.IN_REVIEW)
        channel = make_channel()
        services.refer(request, channel.id, staff, "Warm introduction")
        services.add_message(request, staff, "Which city are you in?")
        services.add_message(request, staff, INTERNAL, internal=True)
        attachment = uploads.store_attachment(request, owner, "deck.pdf", io.BytesIO(PDF))
        draft = make_request(owner, staff, RequestState.DRAFT, title="Secret draft")
        db.session.commit()
        return {
            "request_id": request.id,
            "draft_id": draft.id,
            "attachment_id": attachment.id,
            "referral_id": db.session.scalar(sa.select(Referral.id)),
            "channel_id": channel.id,
            "messages": db.session.scalar(sa.select(sa.func.count()).select_from(RequestMessage)),
        }


def client_for(app, email: str):
    client = app.test_client()
    Auth(client).login(email)
    return client


def urls_with_ids(app, world: dict, request_key: str = "request_id") -> list[tuple[str, str]]:
    """(method, url) for every facilitation route that carries an id, pointed at A's objects."""
    values = {
        "request_id": world[request_key],
        "attachment_id": world["attachment_id"],
        "referral_id": world["referral_id"],
        "channel_id": world["channel_id"],
        "step": "summary",
    }
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("facilitation.") or not rule.arguments:
            continue
        unknown = rule.arguments - set(values)
        assert not unknown, f"{rule.rule}: teach this test about {unknown}"
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **{k: values[k] for k in rule.arguments})
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((method, url))
    return found


@pytest.mark.parametrize("outsider", ["other", "company"])
def test_another_startup_reaches_nothing(app, people, world, outsider):
    email = {"other": "owner@beta.test", "company": "rep@company.test"}[outsider]
    client = client_for(app, email)
    targets = urls_with_ids(app, world) + urls_with_ids(app, world, "draft_id")
    assert len(targets) >= 12
    for method, url in targets:
        data = {
            "to": "withdrawn",
            "body": "hello",
            "comment": "x",
            "assignee_id": "",
            "channel_id": str(world["channel_id"]),
            "outcome": "funded",
            "title": "hijack",
            "summary": "hijack",
        }
        if url.endswith("/attachments"):
            data["file"] = (io.BytesIO(PDF), "evil.pdf")
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code in (403, 404), (method, url, response.status_code)
        assert INTERNAL.encode() not in response.data and b"deck.pdf" not in response.data

    with app.app_context():
        request = db.session.get(FacilitationRequest, world["request_id"])
        assert request.state == RequestState.REFERRED and request.assignee_id is None
        assert db.session.get(FacilitationRequest, world["draft_id"]).title == "Secret draft"
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(RequestMessage))
            == world["messages"]
        )
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RequestAttachment)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 1


def test_other_startup_lists_show_nothing_of_ours(app, people, world):
    client = client_for(app, "owner@beta.test")
    page = client.get("/facilitation/my")
    assert page.status_code == 200 and b"Seed round" not in page.data
    assert client.get("/facilitation/queue").status_code == 403
    assert client.get("/facilitation/channels").status_code == 403
    assert client.get("/facilitation/report.csv").status_code == 403


def test_staff_cannot_see_drafts_but_see_submitted(app, people, world):
    staff = client_for(app, "staff@pseb.test")
    assert staff.get(f"/facilitation/requests/{world['draft_id']}").status_code == 404
    assert staff.get(f"/facilitation/requests/{world['request_id']}").status_code == 200
    assert b"Secret draft" not in staff.get("/facilitation/queue?state=all").data


def test_owner_reaches_everything_of_its_own(app, people, world):
    owner = client_for(app, "owner@alpha.test")
    assert owner.get(f"/facilitation/requests/{world['request_id']}").status_code == 200
    assert owner.get(f"/facilitation/attachments/{world['attachment_id']}").status_code == 200
    assert owner.get(f"/facilitation/requests/{world['draft_id']}/draft/summary").status_code == 200
    # Staff-only pages stay closed to the owner too.
    assert owner.post(f"/facilitation/referrals/{world['referral_id']}").status_code == 403
    assert owner.post(f"/facilitation/requests/{world['request_id']}/assign").status_code == 403


def test_internal_notes_never_reach_the_startup(app, people, world, outbox):
    staff = client_for(app, "staff@pseb.test")
    response = staff.post(
        f"/facilitation/requests/{world['request_id']}/messages",
        data={"body": "Second internal: low priority", "internal": "y"},
    )
    assert response.status_code == 302
    staff_page = staff.get(f"/facilitation/requests/{world['request_id']}").data.decode()
    assert INTERNAL in staff_page and "Second internal: low priority" in staff_page

    owner = client_for(app, "owner@alpha.test")
    page = owner.get(f"/facilitation/requests/{world['request_id']}").data.decode()
    assert "Which city are you in?" in page
    assert INTERNAL not in page and "Second internal" not in page and "internal note" not in page
    mails = outbox("owner@alpha.test")
    assert mails and any("Which city are you in?" in m.body_text for m in mails)
    for mail in mails:
        assert INTERNAL not in mail.body_text and "Second internal" not in mail.body_text
        assert "Internal" not in mail.subject
    # A startup cannot write one either: the flag is ignored for it.
    owner.post(
        f"/facilitation/requests/{world['request_id']}/messages",
        data={"body": "Our reply", "internal": "y"},
    )
    with app.app_context():
        reply = db.session.scalar(
            sa.select(RequestMessage).where(RequestMessage.body == "Our reply")
        )
        assert reply is not None and reply.internal is False


# --- Uploads ----------------------------------------------------------------------------------


def _stored(app) -> tuple[int, list[Path]]:
    with app.app_context():
        rows = db.session.scalar(sa.select(sa.func.count()).select_from(RequestAttachment))
        folder = uploads.upload_folder()
    files = sorted(folder.iterdir()) if folder.exists() else []
    return rows, files


def _upload(client, request_id: int, data: bytes, name: str):
    return client.post(
        f"/facilitation/requests/{request_id}/attachments",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_pdf_upload_and_download_headers(app, people, world):
    owner = client_for(app, "owner@alpha.test")
    before = _stored(app)
    response = _upload(owner, world["request_id"], PDF + b"x" * 2000, "Pitch deck 2026.pdf")
    assert response.status_code == 302
    rows, files = _stored(app)
    assert rows == before[0] + 1 and len(files) == len(before[1]) + 1
    with app.app_context():
        attachment = db.session.scalar(
            sa.select(RequestAttachment).where(
                RequestAttachment.original_name == "Pitch deck 2026.pdf"
            )
        )
        assert attachment.stored_name != attachment.original_name
        assert attachment.stored_name.endswith(".pdf") and "/" not in attachment.stored_name
    download = owner.get(f"/facilitation/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == PDF + b"x" * 2000
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert "Pitch" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Type"] == "application/pdf"
    staff = client_for(app, "staff@pseb.test")
    assert staff.get(f"/facilitation/attachments/{attachment.id}").status_code == 200


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("deck.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "file type is not accepted"),
        ("notes.pdf", b"just some text pretending to be a PDF", "file type is not accepted"),
        ("photo.png", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "not accepted"),
        ("data.csv", b"a,b\x00,c\n" + bytes(range(256)), "not accepted"),
        ("../../x", PDF, "file name is not allowed"),
        ("../../x.pdf", PDF, "file name is not allowed"),
        ("..\\..\\x.pdf", PDF, "file name is not allowed"),
        (".htaccess", PDF, "file name is not allowed"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_uploads_leave_nothing(app, people, world, name, data, message):
    owner = client_for(app, "owner@alpha.test")
    before = _stored(app)
    response = _upload(owner, world["request_id"], data, name)
    # Post/redirect/get: the error shows on the request's own page, not at the POST target.
    assert response.status_code == 303
    assert response.location.endswith(f"/facilitation/requests/{world['request_id']}#files")
    assert message in owner.get(response.location).get_data(as_text=True)
    assert _stored(app) == before


def test_oversized_upload_is_refused_with_a_clear_message(app, people, world):
    owner = client_for(app, "owner@alpha.test")
    before = _stored(app)
    limit = app.config["UPLOAD_MAX_BYTES"]
    assert limit == 10 * 1024 * 1024
    response = _upload(owner, world["request_id"], PDF + b"0" * (limit - len(PDF) + 1), "big.pdf")
    assert response.status_code == 303
    assert "larger than 10 MB" in owner.get(response.location).get_data(as_text=True)
    assert _stored(app) == before
    # Exactly at the limit is fine.
    assert (
        _upload(owner, world["request_id"], PDF + b"0" * (limit - len(PDF)), "max.pdf").status_code
        == 302
    )


def test_images_and_spreadsheets_by_content(app, people, world):
    owner = client_for(app, "owner@alpha.test")
    assert _upload(owner, world["request_id"], PNG, "team.png").status_code == 302
    csv_text = b"month,revenue\nJan,120000\nFeb,150000\n"
    assert _upload(owner, world["request_id"], csv_text, "revenue.csv").status_code == 302
    # A PNG named .pdf is stored as what it is.
    assert _upload(owner, world["request_id"], PNG, "logo.pdf").status_code == 302
    with app.app_context():
        types = dict(
            db.session.execute(
                sa.select(RequestAttachment.original_name, RequestAttachment.content_type)
            ).all()
        )
    assert types["team.png"] == "image/png" and types["revenue.csv"] == "text/csv"
    assert types["logo.pdf"] == "image/png"


def test_a_rolled_back_upload_leaves_no_file(app, people, world):
    before = _stored(app)
    with app.app_context(), app.test_request_context():
        request = db.session.get(FacilitationRequest, world["request_id"])
        owner = user(people["owner"])
        uploads.store_attachment(request, owner, "late.pdf", io.BytesIO(PDF))
        assert len(_stored(app)[1]) == len(before[1]) + 1  # written...
        db.session.rollback()  # ...but the transaction failed after all
    assert _stored(app) == before
