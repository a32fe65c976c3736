"""Queue and deliver email through the outbox."""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime as rfc2822
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from engagement import clock
from engagement.core.context import offline_request_context
from engagement.core.i18n import DEFAULT_LANGUAGE
from engagement.core.validation import one_line
from engagement.extensions import db
from engagement.notifications.models import OutboxMessage, OutboxState

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def queue_mail(
    to: str,
    subject: str,
    template: str,
    *,
    dedupe_key: str | None = None,
    attachment: Attachment | None = None,
    **context: object,
) -> bool:
    """Write an email to the outbox in the current transaction.

    ``template`` names ``templates/mail/<template>.txt`` (and ``.html`` if present). With a
    ``dedupe_key`` the message is queued at most once ever; returns False when it already was.
    """
    return _insert(
        dedupe_key,
        to_address=to,
        subject=subject,
        body_text=render_template(f"mail/{template}.txt", **context),
        body_html=_render_html_part(template, context),
        attachment_name=attachment.filename if attachment else None,
        attachment_type=attachment.content_type if attachment else None,
        attachment_data=attachment.data if attachment else None,
    )


@dataclass(frozen=True)
class Mail:
    """What a mail queued with :func:`queue_mail_later` says, made when it is sent."""

    subject: str
    #: The template's context (objects welcome: it is made at sending time).
    context: dict[str, Any]
    attachment: Attachment | None = None


#: template name -> makes its :class:`Mail` from the stored context (ids and plain values), or
#: None when what the mail is about no longer exists. Features register theirs with
#: :func:`mail_builder` (the outbox knows no feature).
MAIL_BUILDERS: dict[str, Callable[[dict[str, Any]], Mail | None]] = {}


def mail_builder(
    template: str,
) -> Callable[[Callable[[dict[str, Any]], Mail | None]], Callable[[dict[str, Any]], Mail | None]]:
    """Register the function that makes the mail of ``template`` at sending time."""

    def register(
        build: Callable[[dict[str, Any]], Mail | None],
    ) -> Callable[[dict[str, Any]], Mail | None]:
        MAIL_BUILDERS[template] = build
        return build

    return register


def queue_mail_later(
    to: str,
    template: str,
    *,
    language: str,
    dedupe_key: str | None = None,
    **context: str | int | float | bool | None,
) -> bool:
    """Write an email to the outbox that is rendered when it is sent, not now.

    Only what to render is stored: ``template`` (its builder is registered with
    :func:`mail_builder`), ``context`` (ids and plain values, JSON) and ``language``; nothing is
    rendered in the caller's transaction (registrations queue this way while they hold the
    event's seat lock). Dedupe keys work as in :func:`queue_mail`.
    """
    if template not in MAIL_BUILDERS:
        raise LookupError(f"no mail builder for {template!r}")
    return _insert(dedupe_key, to_address=to, template=template, context=context, language=language)


def _insert(dedupe_key: str | None, **columns: object) -> bool:
    """Insert one outbox row; with a dedupe key at most once ever (False when it already was)."""
    now = clock.now()
    values = {
        "dedupe_key": dedupe_key,
        "state": OutboxState.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
        **columns,
    }
    if dedupe_key is None:
        db.session.add(OutboxMessage(**values))
        db.session.flush()
        return True
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(OutboxMessage)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["dedupe_key"])
        .returning(OutboxMessage.id)
    )
    # RETURNING yields a row only when the insert happened (rowcount is not portable here).
    return db.session.execute(statement).scalar() is not None


class MailNotNeeded(Exception):
    """What a mail was about no longer exists (its registration was deleted): nothing to send."""


def render_message(message: OutboxMessage) -> OutboxMessage:
    """Fill in the subject, text and attachment of a mail queued with :func:`queue_mail_later`,
    in its language; a no-op once rendered (so a retry sends the text the first attempt made).

    Raises :class:`MailNotNeeded` when the builder finds nothing to write about."""
    if message.body_text is not None or message.template is None:
        return message
    build = MAIL_BUILDERS[message.template]
    with offline_request_context(), force_locale(message.language or DEFAULT_LANGUAGE):
        mail = build(dict(message.context or {}))
        if mail is None:
            raise MailNotNeeded(f"nothing to write about for {message.template}")
        text = render_template(f"mail/{message.template}.txt", **mail.context)
        html = _render_html_part(message.template, mail.context)
    # All or nothing: a half-rendered row would be sent half-rendered by the next attempt.
    message.subject, message.body_text, message.body_html = mail.subject, text, html
    if mail.attachment is not None:
        message.attachment_name = mail.attachment.filename
        message.attachment_type = mail.attachment.content_type
        message.attachment_data = mail.attachment.data
    return message


#: The modern policy: it refuses a line break in a header value (an error, never a new header).
MAIL_POLICY = default


def _render_html_part(template: str, context: dict[str, object]) -> str | None:
    """``templates/mail/<template>.html`` rendered, when the template has an HTML sibling."""
    try:
        html = current_app.jinja_env.get_template(f"mail/{template}.html")
    except TemplateNotFound:
        return None
    return render_template(html, **context)


def build_email(message: OutboxMessage) -> EmailMessage:
    """Turn an outbox row into a MIME message (rendering it first if it waits for its text)."""
    render_message(message)
    # Header values are made one line here, whatever was stored: no text can add a header (and
    # the strict policy would refuse a line break with an error instead of sending).
    email = EmailMessage(policy=MAIL_POLICY)
    email["From"] = one_line(current_app.config["MAIL_FROM"])
    email["To"] = one_line(message.to_address)
    email["Subject"] = one_line(message.subject or "")
    email["Date"] = rfc2822(message.created_at)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="engage.pseb.org.pk")
    email.set_content(message.body_text or "")
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    if message.attachment_data is not None:
        maintype, _, subtype = (message.attachment_type or "application/octet-stream").partition(
            "/"
        )
        email.add_attachment(
            message.attachment_data,
            maintype=maintype,
            subtype=subtype,
            filename=one_line(message.attachment_name) or "attachment",
        )
    return email


def send_email(email: EmailMessage) -> None:
    """Send through SMTP when configured, else write an ``.eml`` file to the instance outbox."""
    config = current_app.config
    if config.get("SMTP_HOST"):
        with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=30) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls()
            if config.get("SMTP_USERNAME"):
                smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
            smtp.send_message(email)
        return
    folder = Path(config["OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{clock.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    (folder / name).write_bytes(bytes(email))
    log.info("mail to %s written to %s: %s", email["To"], folder / name, email["Subject"])


def deliver_outbox(batch: int = 100) -> int:
    """Deliver due outbox rows, one transaction each; returns how many were sent.

    Rows are claimed with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so two deliverers never send
    the same row; on SQLite writers are serialised anyway.
    """
    sent = 0
    while True:
        query = (
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.state == OutboxState.PENDING,
                OutboxMessage.next_attempt_at <= clock.now(),
            )
            .order_by(OutboxMessage.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        message = db.session.scalar(query)
        if message is None:
            db.session.commit()
            return sent
        try:
            email = build_email(message)
        except MailNotNeeded as gone:
            message.state = OutboxState.FAILED  # never sendable: no retries
            message.last_error = str(gone)
            log.info("mail %s to %s dropped: %s", message.id, message.to_address, gone)
        except Exception as error:  # noqa: BLE001 - a mail that fails to render must not stop the others
            log.exception("mail %s to %s could not be rendered", message.id, message.to_address)
            _retry_later(message, error)
        else:
            try:
                send_email(email)
            except (OSError, ValueError, smtplib.SMTPException) as error:
                log.warning(
                    "mail %s to %s failed (%s): %s",
                    message.id,
                    message.to_address,
                    message.attempts + 1,
                    error,
                )
                _retry_later(message, error)
            else:
                message.state = OutboxState.SENT
                message.sent_at = clock.now()
                message.attempts += 1
                sent += 1
        db.session.commit()
        if sent >= batch:
            return sent


def _retry_later(message: OutboxMessage, error: Exception) -> None:
    """Count a failed attempt: try again after an exponential back-off, or give up."""
    message.attempts += 1
    message.last_error = str(error)[:2000]
    if message.attempts >= MAX_ATTEMPTS:
        message.state = OutboxState.FAILED
    else:
        message.next_attempt_at = clock.now() + timedelta(minutes=2**message.attempts)


def pending_count() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboxMessage.state == OutboxState.PENDING)
        )
        or 0
    )
