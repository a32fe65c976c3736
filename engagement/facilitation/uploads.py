"""Attachments: checked by content (``filetype``), stored under the instance folder with random
names, read back only through ``get_attachment_for`` (owner startup or staff)."""

from __future__ import annotations

import os
import secrets
import unicodedata
from pathlib import Path
from typing import IO

import filetype
import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from engagement import clock
from engagement.auth.models import User
from engagement.extensions import db
from engagement.facilitation.models import FacilitationRequest, RequestAttachment
from engagement.facilitation.policy import (
    FacilitationError,
    IllegalTransition,
    TransitionForbidden,
    actor_of,
    can_view,
)

#: Detected MIME type → extension used on disk. Anything else is refused.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.ms-excel": "xls",
    "text/csv": "csv",
}
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.gif,.webp,.xlsx,.ods,.xls,.csv"
MAX_FILES_PER_REQUEST = 20


def upload_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "facilitation"


def clean_filename(name: str | None) -> str:
    """The uploader's file name if it is a plain name; refuses paths and control characters."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise FacilitationError(_("Choose a file to upload."), "file")
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or ".." in name
        or name.startswith(".")
        or any(unicodedata.category(ch).startswith("C") for ch in name)
        or len(name) > 200
    ):
        raise FacilitationError(
            _(
                "The file name is not allowed. Rename the file to a plain name such as "
                "pitch-deck.pdf (no folders, no '..') and upload it again."
            ),
            "file",
        )
    return name


def _looks_like_csv(data: bytes) -> bool:
    """Plain UTF-8 text with no NUL bytes and at least one comma or semicolon per line."""
    if b"\x00" in data:
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return False
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text):
        return False
    return all(("," in line or ";" in line or "\t" in line) for line in lines[:20])


def detect_type(data: bytes, name: str) -> str:
    """The MIME type by content; raises FacilitationError for anything not allowed."""
    kind = filetype.guess(data)
    if kind is not None and kind.mime in ALLOWED_TYPES:
        return kind.mime
    if kind is None and name.lower().endswith(".csv") and _looks_like_csv(data):
        return "text/csv"
    raise FacilitationError(
        _(
            "This file type is not accepted. Upload a PDF, an image (PNG, JPEG, GIF, WebP) or a "
            "spreadsheet (XLSX, ODS, XLS, CSV); the type is checked from the file's content."
        ),
        "file",
    )


def store_attachment(
    request: FacilitationRequest, user: User, filename: str | None, stream: IO[bytes]
) -> RequestAttachment:
    """Check and store one file for ``request``; nothing is written unless every check passes."""
    if actor_of(user, request) is None:
        raise TransitionForbidden(_("You cannot add files to this request."))
    if request.is_closed:
        raise IllegalTransition(_("This request is closed; no more files can be added."))
    name = clean_filename(filename)
    limit = int(current_app.config["UPLOAD_MAX_BYTES"])
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise FacilitationError(
            _(
                "The file is larger than %(size)s MB. Upload a smaller file.",
                size=limit // (1024 * 1024),
            ),
            "file",
        )
    if not data:
        raise FacilitationError(_("The file is empty."), "file")
    content_type = detect_type(data, name)
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RequestAttachment)
        .where(RequestAttachment.request_id == request.id)
    )
    if count >= MAX_FILES_PER_REQUEST:
        raise FacilitationError(
            _("A request can have at most %(count)s files.", count=MAX_FILES_PER_REQUEST), "file"
        )
    folder = upload_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = f"{secrets.token_hex(16)}.{ALLOWED_TYPES[content_type]}"
    attachment = RequestAttachment(
        request=request,
        uploaded_by_id=user.id,
        original_name=name,
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(data),
        created_at=clock.now(),
    )
    db.session.add(attachment)
    db.session.flush()
    # Written last, after the row exists; exclusive create never overwrites a file.
    path = folder / stored_name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    # If the transaction rolls back after all, the file goes too (see _forget_files below).
    db.session.info.setdefault(_NEW_FILES, []).append(path)
    return attachment


_NEW_FILES = "facilitation_new_files"
_DOOMED_FILES = "facilitation_doomed_files"


def delete_attachments(request: FacilitationRequest) -> int:
    """Delete the request's attachment rows; their files go once the transaction commits."""
    attachments = db.session.scalars(
        sa.select(RequestAttachment).where(RequestAttachment.request_id == request.id)
    ).all()
    for attachment in attachments:
        db.session.info.setdefault(_DOOMED_FILES, []).append(
            upload_folder() / attachment.stored_name
        )
        db.session.delete(attachment)
    db.session.flush()
    return len(attachments)


@sa.event.listens_for(Session, "after_commit")
def _keep_files(session: Session) -> None:
    session.info.pop(_NEW_FILES, None)
    # Deleted rows are gone for good now, so their files may go too.
    for path in session.info.pop(_DOOMED_FILES, []):
        path.unlink(missing_ok=True)


@sa.event.listens_for(Session, "after_rollback")
def _forget_files(session: Session) -> None:
    """Files written in a transaction that rolled back are deleted: no row, no file."""
    for path in session.info.pop(_NEW_FILES, []):
        path.unlink(missing_ok=True)
    session.info.pop(_DOOMED_FILES, None)  # their rows are back: keep the files


def get_attachment_for(user: User, attachment_id: int) -> RequestAttachment:
    """The attachment if ``user`` may see its request, else 404."""
    attachment = db.session.get(RequestAttachment, attachment_id)
    if attachment is None or not can_view(user, attachment.request):
        abort(404)
    return attachment


def attachment_path(attachment: RequestAttachment) -> Path:
    path = upload_folder() / attachment.stored_name
    if path.parent != upload_folder() or not path.is_file():
        abort(404)
    return path


__all__ = [
    "ACCEPT_ATTRIBUTE",
    "attachment_path",
    "clean_filename",
    "delete_attachments",
    "detect_type",
    "get_attachment_for",
    "store_attachment",
]
