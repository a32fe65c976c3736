"""Registration mails are rendered by the deliverer, not inside the seat lock: the outbox row holds
what to render (template, ids, language) until it is sent; the text then sent is stored, once.
A registrant without an account keeps the page language they registered in for later mails."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from engagement import clock
from engagement.events import services as svc
from engagement.events.models import Event, Registration, RegistrationState
from engagement.events.tasks import send_reminders
from engagement.extensions import db
from engagement.notifications.models import OutboxMessage, OutboxState
from engagement.notifications.services import (
    MAIL_BUILDERS,
    deliver_outbox,
    queue_mail_later,
)
from tests.test_meetups_pages import published  # noqa: F401 - the published Gilgit meetup


@pytest.fixture(autouse=True)
def _test_domain(monkeypatch):
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


def register_anonymously(client, event_id: int, name: str, email_address: str, lang: str = "en"):
    """Register on the meetup page, having sent what was queued before (staff's own mails)."""
    with client.application.app_context():
        deliver_outbox()
    response = client.post(
        f"/meetups/{event_id}/register?lang={lang}", data={"name": name, "email": email_address}
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def rows(app, to: str) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == to)
            .order_by(OutboxMessage.id)
        ).all()
        db.session.expunge_all()
        return found


def sent_files(app) -> set[Path]:
    folder = Path(app.config["OUTBOX_FOLDER"])
    return set(folder.glob("*.eml")) if folder.exists() else set()


def test_the_outbox_stores_what_to_render_and_the_deliverer_renders_it_once(
    app,
    client,
    published,  # noqa: F811
):
    register_anonymously(client, published.event_id, "Ali Raza", "ali@example.test")
    [queued] = rows(app, "ali@example.test")
    with app.app_context():
        registration_id = db.session.scalar(sa.select(Registration.id))
    # Nothing was rendered in the registering transaction: ids, values and the language only.
    assert queued.template == "event_confirmed" and queued.language == "en"
    assert queued.context == {
        "registration_id": registration_id,
        "promoted": False,
        "with_join_link": False,
    }
    assert queued.subject is None and queued.body_text is None
    assert queued.attachment_data is None

    before = sent_files(app)
    with app.app_context():
        assert deliver_outbox() == 1
        assert deliver_outbox() == 0  # exactly once
    [written] = sent_files(app) - before
    mime = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert mime["Subject"] == "Registration confirmed: Industry meetup: Gilgit"
    text = mime.get_body(("plain",)).get_content()
    assert "Hello Ali Raza," in text and "You are confirmed for" in text
    assert "/registrations/cancel/" in text and "/tickets/" in text
    [calendar] = [part for part in mime.iter_attachments()]
    assert calendar.get_content_type() == "text/calendar"
    assert f"UID:event-{published.event_id}@engage.pseb.org.pk" in calendar.get_content()
    # The row keeps what was sent.
    [sent] = rows(app, "ali@example.test")
    assert sent.state == OutboxState.SENT and sent.attempts == 1
    assert sent.subject == mime["Subject"] and "You are confirmed for" in sent.body_text
    assert sent.attachment_name.endswith(".ics") and b"BEGIN:VCALENDAR" in sent.attachment_data


def test_a_mail_about_a_deleted_registration_is_dropped_not_retried(
    app,
    client,
    published,  # noqa: F811
):
    register_anonymously(client, published.event_id, "Ali Raza", "ali@example.test")
    with app.app_context():
        db.session.execute(sa.delete(Registration))
        db.session.commit()
        assert deliver_outbox() == 0
    [dropped] = rows(app, "ali@example.test")
    assert dropped.state == OutboxState.FAILED and dropped.attempts == 0
    assert "nothing to write about" in dropped.last_error


def test_a_mail_that_fails_to_render_is_retried_with_back_off(
    app,
    client,
    published,  # noqa: F811
    monkeypatch,
):
    register_anonymously(client, published.event_id, "Ali Raza", "ali@example.test")
    working = MAIL_BUILDERS["event_confirmed"]

    def broken(context):
        raise RuntimeError("template store unreachable")

    monkeypatch.setitem(MAIL_BUILDERS, "event_confirmed", broken)
    with app.app_context():
        assert deliver_outbox() == 0
    [waiting] = rows(app, "ali@example.test")
    assert waiting.state == OutboxState.PENDING and waiting.attempts == 1
    assert waiting.body_text is None and "template store unreachable" in waiting.last_error
    assert waiting.next_attempt_at > clock.now()

    monkeypatch.setitem(MAIL_BUILDERS, "event_confirmed", working)
    clock.freeze(waiting.next_attempt_at + timedelta(seconds=1))
    with app.app_context():
        assert deliver_outbox() == 1
    [sent] = rows(app, "ali@example.test")
    assert sent.state == OutboxState.SENT and sent.attempts == 2
    assert "You are confirmed for" in sent.body_text


def test_a_dedupe_key_holds_for_mails_rendered_later(app, client, published):  # noqa: F811
    register_anonymously(client, published.event_id, "Ali Raza", "ali@example.test")
    with app.app_context(), app.test_request_context():
        registration_id = db.session.scalar(sa.select(Registration.id))
        first = queue_mail_later(
            "ali@example.test",
            "event_waitlisted",
            language="en",
            dedupe_key=f"test:{registration_id}",
            registration_id=registration_id,
        )
        again = queue_mail_later(
            "ali@example.test",
            "event_waitlisted",
            language="ur",
            dedupe_key=f"test:{registration_id}",
            registration_id=registration_id,
        )
        db.session.commit()
    assert (first, again) == (True, False)
    assert [m.template for m in rows(app, "ali@example.test")] == [
        "event_confirmed",
        "event_waitlisted",
    ]


def test_an_anonymous_registrant_on_an_urdu_page_gets_later_mails_in_urdu(
    app,
    client,
    published,  # noqa: F811
    outbox,
    frozen_clock,
):
    event_id = published.event_id
    with app.app_context(), app.test_request_context():
        svc.set_capacity(db.session.get(Event, event_id), 0)  # full: newcomers wait
        db.session.commit()
    register_anonymously(client, event_id, "Sana Baig", "sana@example.test", lang="ur")
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration))
        assert registration.state == RegistrationState.WAITLISTED
        assert registration.language == "ur"
    [waitlisted] = outbox("sana@example.test")
    assert waitlisted.language == "ur" and waitlisted.subject.startswith("انتظار کی فہرست میں")

    # Staff free a seat on an English page: the promotion mail is still in Sana's language.
    with app.app_context(), app.test_request_context("/?lang=en"):
        svc.set_capacity(db.session.get(Event, event_id), 1)
        db.session.commit()
    promoted = outbox("sana@example.test")[-1]
    assert promoted.subject.startswith("نشست خالی ہوئی")
    assert promoted.attachment_name.endswith(".ics")

    # The reminder job runs with no page at all: Urdu again, from the stored language.
    with app.app_context():
        starts_at = db.session.get(Event, event_id).starts_at
    frozen_clock(starts_at - timedelta(hours=23, minutes=50))
    with app.app_context(), app.test_request_context():
        assert send_reminders() == 1
        db.session.commit()
    reminder = outbox("sana@example.test")[-1]
    assert reminder.dedupe_key.startswith("event-reminder:")
    assert reminder.subject.startswith("یاد دہانی")


def test_the_registrants_own_link_updates_the_language(
    app,
    client,
    published,  # noqa: F811
    outbox,
):
    register_anonymously(client, published.event_id, "Ali Raza", "ali@example.test")
    with app.app_context():
        assert db.session.scalar(sa.select(Registration.language)) == "en"
    cancel = outbox("ali@example.test")[0].body_text.split("/registrations/cancel/")[1].split()[0]
    assert client.post(f"/registrations/cancel/{cancel}?lang=ur").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(Registration.language)) == "ur"
    assert outbox("ali@example.test")[-1].language == "ur"
