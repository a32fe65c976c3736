"""The outbox delivers through a real SMTP server on loopback (aiosmtpd), and falls back to
``.eml`` files in the instance folder when no SMTP server is configured."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from engagement.extensions import db
from engagement.notifications.models import OutboxMessage, OutboxState
from engagement.notifications.services import deliver_outbox, queue_mail
from tests.servers import free_port


class Recorder:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(app):
    handler = Recorder()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield handler
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)
        controller.stop()


def queue_verification(app) -> None:
    with app.app_context(), app.test_request_context():
        queue_mail(
            "founder@example.test",
            "Confirm your email for PSEB Engage",
            "verify_email",
            user={"name": "Zara Founder"},
            link="http://localhost/verify/abc",
        )
        db.session.commit()


def states(app) -> list[OutboxState]:
    with app.app_context():
        return list(db.session.scalars(sa.select(OutboxMessage.state)))


def test_delivery_through_smtp(app, smtp_server):
    queue_verification(app)
    with app.app_context():
        assert deliver_outbox() == 1
    [(mail_from, recipients, raw)] = smtp_server.messages
    assert recipients == ["founder@example.test"]
    assert "no-reply@engage.pseb.org.pk" in mail_from
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Confirm your email for PSEB Engage"
    assert message["To"] == "founder@example.test"
    body = message.get_body(("plain",)).get_content()
    assert "Dear Zara Founder" in body and "http://localhost/verify/abc" in body
    assert states(app) == [OutboxState.SENT]
    # Sent once: a second run finds nothing due.
    with app.app_context():
        assert deliver_outbox() == 0
    assert len(smtp_server.messages) == 1


def test_unreachable_smtp_retries_later(app):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port())
    try:
        queue_verification(app)
        with app.app_context():
            assert deliver_outbox() == 0
            message = db.session.scalar(sa.select(OutboxMessage))
            assert message.state == OutboxState.PENDING
            assert message.attempts == 1 and message.last_error
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=25)


def test_eml_fallback_without_smtp(app):
    assert not app.config["SMTP_HOST"]
    folder = Path(app.config["OUTBOX_FOLDER"])
    before = set(folder.glob("*.eml")) if folder.exists() else set()
    queue_verification(app)
    with app.app_context():
        assert deliver_outbox() == 1
    [written] = set(folder.glob("*.eml")) - before
    message = email.message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "founder@example.test"
    assert message["Subject"] == "Confirm your email for PSEB Engage"
    assert "http://localhost/verify/abc" in message.get_body(("plain",)).get_content()
    assert states(app) == [OutboxState.SENT]


def test_one_delivery_run_sends_a_burst_beyond_one_batch(app, smtp_server):
    """250 mails queued at once (a popular webinar opening) all leave in one scheduler run."""
    from engagement.notifications.tasks import deliver_outbox_job

    with app.app_context(), app.test_request_context():
        for n in range(250):
            queue_mail(
                f"person{n}@example.test",
                "Confirm your email for PSEB Engage",
                "verify_email",
                user={"name": f"Person {n}"},
                link=f"http://localhost/verify/{n}",
            )
        db.session.commit()
    with app.app_context(), app.test_request_context():
        assert deliver_outbox_job() == 250
    assert len(smtp_server.messages) == 250
    assert set(states(app)) == {OutboxState.SENT}
