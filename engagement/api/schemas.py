"""Shapes shared by the API's endpoints: UTC date-times with ``Z``, problems, pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import marshmallow as ma
import pycountry
from marshmallow import ValidationError, fields, validate

from engagement.core.converters import MAX_ID
from engagement.core.validation import (
    MULTI_LINE_PATTERN,
    SINGLE_LINE_PATTERN,
    email_problem,
    multi_line_problem,
    single_line_problem,
)

#: URL converter for ids: the app-wide bounded ``int`` (engagement.core.converters), 1..MAX_ID.
ID = "int"
#: Dates and times outside these years are refused (422) instead of overflowing arithmetic.
MIN_YEAR, MAX_YEAR = 1970, 2200


def _clean_text(value: str) -> bool:
    """False for text a database cannot store: NUL characters and lone surrogates."""
    return "\x00" not in value and not any("\ud800" <= char <= "\udfff" for char in value)


class Text(fields.String):
    """A string without NUL characters or lone surrogates (422 instead of a database error).

    By default one line: no line breaks, control or text-direction characters (the same rule as
    the forms, engagement.core.validation). ``multiline=True`` allows line breaks and tabs (for
    descriptions and comments); ``secret=True`` checks nothing more (passwords).
    """

    default_error_messages = {"characters": "Contains characters that are not allowed."}

    def __init__(self, *, multiline: bool = False, secret: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = None if secret else multi_line_problem if multiline else single_line_problem
        # Documented as a pattern (unless a Regexp validator documents a stricter one).
        if self.rule and not any(isinstance(v, validate.Regexp) for v in self.validators):
            pattern = MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN
            self.metadata.setdefault("pattern", pattern)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not _clean_text(text):
            raise self.make_error("characters")
        if self.rule and (problem := self.rule(text)):
            raise ValidationError(problem)
        return text


def valid_email(value: str) -> None:
    """marshmallow validator for the one email rule (engagement.core.validation)."""
    if problem := email_problem(value):
        raise ValidationError(problem)


class EmailText(Text):
    """An email address, checked by the one email rule (engagement.core.validation)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", [validate.Length(min=3, max=254), valid_email])
        super().__init__(**kwargs)
        self.metadata.setdefault("format", "email")


#: ISO 3166-1 alpha-2 codes, either case (documented as the list the API accepts).
COUNTRY_CODES = sorted({c.alpha_2 for c in pycountry.countries})


class CountryCode(Text):
    """An ISO 3166-1 alpha-2 country code, e.g. DE (lower case accepted)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Regexp(r"^[A-Za-z]{2}$"))
        super().__init__(**kwargs)
        self.metadata.setdefault("enum", COUNTRY_CODES + [code.lower() for code in COUNTRY_CODES])


class Id(fields.Integer):
    """A positive id."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("validate", validate.Range(min=1, max=MAX_ID))
        super().__init__(**kwargs)


#: Years MIN_YEAR..MAX_YEAR as a pattern, so the description states the bound it enforces.
_YEAR = r"(19[7-9][0-9]|2[01][0-9]{2}|2200)"
_MONTH_DAY = r"(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DATE_PATTERN = rf"^{_YEAR}-{_MONTH_DAY}$"
DATE_TIME_PATTERN = (
    rf"^{_YEAR}-{_MONTH_DAY}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{{1,6}})?"
    r"(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)


class BoundedDate(fields.Date):
    """An ISO date between MIN_YEAR and MAX_YEAR."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata.setdefault("pattern", DATE_PATTERN)

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

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.metadata.setdefault("pattern", DATE_TIME_PATTERN)

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
