"""The error summary every form shows at its top (GOV.UK pattern): one entry per faulty field,
each a link to that field, in the order the fields appear."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup


@dataclass(frozen=True)
class FieldError:
    field_id: str | None  #: the input's id (the link target); None for form-wide errors
    label: str
    message: str


def form_errors(form: Any) -> list[FieldError]:
    """Every error of ``form`` and its nested forms (FieldList/FormField rows), in field order."""
    found: list[FieldError] = []
    if form is None:
        return found
    for message in getattr(form, "form_errors", None) or []:
        found.append(FieldError(None, "", str(message)))
    for field in form:
        _collect(field, found)
    return found


def _collect(field: Any, found: list[FieldError]) -> None:
    if field.type == "FieldList":
        for entry in field.entries:
            _collect(entry, found)
        return
    if field.type == "FormField":
        for sub in field.form:
            _collect(sub, found)
        return
    errors = field.errors
    if isinstance(errors, dict):  # a FormField whose errors were not expanded above
        return
    label = field.label.text if getattr(field, "label", None) else field.name
    for message in errors or []:
        if field.type == "CSRFTokenField":
            found.append(FieldError(None, "", _("The form expired; send it again.")))
        else:
            # A message with links (Markup) is shown in full by its field; the summary entry is
            # itself a link, so it carries the words only.
            text = message.striptags() if isinstance(message, Markup) else str(message)
            found.append(FieldError(field.id, label, text))


# --- Post/redirect/get for a form that failed -------------------------------------------------
# A form that fails on POST is kept in the session and the browser is sent back to the form's own
# page, which shows it again with what was typed and its errors. Reloading that page then shows the
# form, never "resend the data?", and the address bar shows the page, not the POST target.

_STASH = "_form_stash"


def stash_form(key: str, form: Any) -> None:
    """Remember ``form``'s input and errors (not its CSRF token) for the next page."""
    from flask import session

    data = {
        name: value
        for name, value in (form.data or {}).items()
        if name not in ("csrf_token", "submit") and isinstance(value, str | int | float | None)
    }
    # Lazy (translated) messages become their text: the session holds plain strings only.
    errors = {
        f.name: [e if isinstance(e, str) else str(e) for e in f.errors]
        for f in form
        if isinstance(f.errors, list) and f.errors
    }
    stash = dict(session.get(_STASH) or {})
    stash[key] = {"data": data, "errors": errors}
    session[_STASH] = stash


def restore_form(key: str, form: Any) -> bool:
    """Fill ``form`` with a stashed input and its errors (once); True when there was one."""
    from flask import session

    stash = dict(session.get(_STASH) or {})
    kept = stash.pop(key, None)
    if kept is None:
        return False
    session[_STASH] = stash
    for name, value in kept["data"].items():
        if name in form:
            form[name].data = value
    for name, messages in kept["errors"].items():
        if name in form:
            form[name].errors = list(messages)
    return True
