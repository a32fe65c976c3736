"""Shapes shared by the API's endpoints: UTC date-times with ``Z``, problems, pages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from marshmallow import fields, validate


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
        try:
            return parsed.astimezone(UTC)
        except (OverflowError, ValueError) as error:
            raise self.make_error("invalid") from error


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


def page_of(item_schema: type[ma.Schema], name: str) -> type[ma.Schema]:
    """A ``{"items": [...], "page", "pages", "total"}`` schema class for ``item_schema``."""
    return type(
        name,
        (PageSchema,),
        {"items": fields.List(fields.Nested(item_schema), required=True)},
    )


def paginated(pagination: Any) -> dict[str, Any]:
    """Flask-SQLAlchemy's pagination as the API's page document (items still objects)."""
    return {
        "items": list(pagination.items),
        "page": pagination.page,
        "pages": pagination.pages,
        "total": pagination.total,
    }
