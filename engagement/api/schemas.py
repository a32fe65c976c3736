"""Shapes shared by the API's endpoints: UTC date-times with ``Z``, problems, pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, validate

#: Largest id the API accepts (path and body); larger ones cannot exist (32-bit keys).
MAX_ID = 2_147_483_647
#: URL converter for ids, so absurd ids are a 404 instead of a database overflow.
ID = f"int(min=1, max={MAX_ID})"
#: Dates and times outside these years are refused (422) instead of overflowing arithmetic.
MIN_YEAR, MAX_YEAR = 1970, 2200


def _clean_text(value: str) -> bool:
    """False for text a database cannot store: NUL characters and lone surrogates."""
    return "\x00" not in value and not any("\ud800" <= char <= "\udfff" for char in value)


class Text(fields.String):
    """A string without NUL characters or lone surrogates (422 instead of a database error)."""

    default_error_messages = {"characters": "Contains characters that are not allowed."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _clean_text(text):
            raise self.make_error("characters")
        return text


class Id(fields.Integer):
    """A positive id."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


class BoundedDate(fields.Date):
    """An ISO date between MIN_YEAR and MAX_YEAR."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            raise ValidationError(f"Use a date between {MIN_YEAR} and {MAX_YEAR}.")
        return day


class UTCDateTime(fields.DateTime):
    """ISO 8601 in UTC with ``Z`` out; in, any ISO 8601 date-time that carries a zone."""

    default_error_messages = {
        "invalid": "Not a valid date-time; use ISO 8601 with a zone, e.g. 2027-03-01T10:00:00Z.",
        "naive": "Give a time zone (e.g. a trailing Z for UTC).",
    }

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        text = value.strip()
        if text[-1:] in ("z", "Z"):
            text = text[:-1] + "+00:00"
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError as error:
            raise self.make_error("invalid") from error
        if parsed.tzinfo is None:
            raise self.make_error("naive")
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise ValidationError(f"Use a time between {MIN_YEAR} and {MAX_YEAR}.")
        return parsed.astimezone(UTC)


class Strict(ma.Schema):
    """Unknown fields are errors, so a typo is reported instead of ignored."""

    class Meta:
        unknown = ma.RAISE


class ProblemSchema(ma.Schema):
    """An RFC 9457 problem document."""

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={
            "description": "Messages by field path, e.g. attendees[0].email",
            "example": {"attendees[0].email": ["Enter a valid email address."]},
        },
    )


class PageArgs(ma.Schema):
    """``page`` (from 1) and ``per_page`` (1 to 100) of a list."""

    class Meta:
        unknown = ma.EXCLUDE

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class PageSchema(ma.Schema):
    page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    total = fields.Integer(required=True)
    #: Present (true) only when the count stopped at its bound: more than ``total`` items.
    total_is_lower_bound = fields.Boolean()


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A ``{"items": [...], "page", "pages", "total"}`` schema class for ``item_schema``."""
    return type(
        name,
        (PageSchema,),
        {"items": fields.List(fields.Nested(item_schema), required=True)},
    )


def paginated(pagination: Any) -> dict[str, Any]:
    """Flask-SQLAlchemy's pagination as the API's page document (items still objects)."""
    document = {
        "items": list(pagination.items),
        "page": pagination.page,
        "pages": pagination.pages,
        "total": pagination.total,
    }
    if getattr(pagination, "total_is_lower_bound", False):
        document["total_is_lower_bound"] = True  # the count stopped: more than ``total`` items
    return document
