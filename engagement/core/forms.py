"""The error summary every form shows at its top (GOV.UK pattern): one entry per faulty field,
each a link to that field, in the order the fields appear."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


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
            found.append(FieldError(None, "", "The form expired; send it again."))
        else:
            found.append(FieldError(field.id, label, str(message)))
