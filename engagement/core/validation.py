"""Input rules shared by every form, API schema, command and service: emails and plain text.

Each rule is one function returning why a value is refused (or None); WTForms validators and
marshmallow fields are thin adapters over them, so the web, the API and the CLI never disagree.
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import email_validator
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    Form,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from engagement.core.converters import MAX_ID

#: The messages are lazy: each is said in the language of the request that trips it.
EMAIL_MESSAGE = _l("Enter a valid email address.")
#: Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what is shown,
#: so "gpj.exe" can read as "exe.jpg". Urdu and English typed from any keyboard need none of them.
#: The single-character marks U+200E/U+200F stay allowed: they cannot reverse a run of text.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
BIDI_MESSAGE = _l(
    "Remove the text-direction control characters (such as U+202E); "
    "they can make text read differently from what it says."
)
LINE_MESSAGE = _l("Use a single line, without line breaks, tabs or other control characters.")
CONTROL_MESSAGE = _l("Contains control characters that are not allowed.")
#: Line and paragraph separators count as line breaks.
LINE_BREAKS = frozenset("\u2028\u2029\x85")
MULTILINE_ALLOWED = frozenset("\t\n\r")


#: The rules above as JSON Schema patterns, for the API description (the functions stay the rule).
SINGLE_LINE_PATTERN = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]*$"
MULTI_LINE_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]*$"


def email_problem(email: str | None) -> str | None:
    """Why ``email`` cannot be an account, invitation or attendee address (None if it can)."""
    if not email or len(email) > 254:
        return str(EMAIL_MESSAGE)
    try:
        # email_validator.TEST_ENVIRONMENT (set by the test suite only) admits *.test addresses.
        email_validator.validate_email(email, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return str(EMAIL_MESSAGE)
    return None


def single_line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a name, title, subject or other one-line value (None if it can)."""
    for char in text:
        if char in BIDI_CONTROLS:
            return str(BIDI_MESSAGE)
        if char in LINE_BREAKS or unicodedata.category(char) == "Cc":
            return str(LINE_MESSAGE)
    return None


def multi_line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a description, comment or message (line breaks and tabs allowed)."""
    for char in text:
        if char in BIDI_CONTROLS:
            return str(BIDI_MESSAGE)
        if char not in MULTILINE_ALLOWED and unicodedata.category(char) == "Cc":
            return str(CONTROL_MESSAGE)
    return None


def one_line(text: str | None) -> str:
    """``text`` made safe for a mail header, a calendar line or a file name: every line break,
    control and text-direction character becomes a space (for text stored before these rules)."""
    cleaned = "".join(
        " "
        if char in BIDI_CONTROLS or char in LINE_BREAKS or unicodedata.category(char) == "Cc"
        else char
        for char in text or ""
    )
    return " ".join(cleaned.split())


def csv_cell(value: object) -> str:
    """Text for a CSV cell of an export: text-direction controls dropped (a spreadsheet shows them
    verbatim), and a leading =, +, - or @ defused so spreadsheets show, not run, it."""
    text = "" if value is None else "".join(c for c in str(value) if c not in BIDI_CONTROLS)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- WTForms adapters -----------------------------------------------------------------------------


class ValidEmail:
    """WTForms validator for :func:`email_problem`."""

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and (problem := email_problem(field.data)):
            raise ValidationError(problem)


class PlainText:
    """WTForms validator: :func:`single_line_problem` or, with ``multiline``, the other one."""

    def __init__(self, multiline: bool = False) -> None:
        self.rule = multi_line_problem if multiline else single_line_problem

    def __call__(self, form: Any, field: Any) -> None:
        if isinstance(field.data, str) and (problem := self.rule(field.data)):
            raise ValidationError(problem)


class FitsColumn:
    """WTForms validator: a number the database can store (no overflow error on save)."""

    def __init__(self, limit: int | Decimal) -> None:
        self.limit = limit

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is not None and abs(field.data) > self.limit:
            limit = f"{self.limit:,}"
            raise ValidationError(_("Enter a number no larger than %(limit)s.", limit=limit))


SINGLE_LINE, MULTI_LINE = PlainText(), PlainText(multiline=True)
#: Integer columns are 32-bit; amounts are NUMERIC(16, 2).
WHOLE_NUMBER, AMOUNT = FitsColumn(MAX_ID), FitsColumn(Decimal("99999999999999.99"))


def input_rule_for(field: Any) -> PlainText | FitsColumn | None:
    """The check every form field of its kind gets: text areas multi-line, other text one line,
    numbers within what the database stores."""
    if isinstance(field, IntegerField):
        return WHOLE_NUMBER
    if isinstance(field, DecimalField):
        return AMOUNT
    if isinstance(field, PasswordField) or not isinstance(field, StringField):
        return None
    return MULTI_LINE if isinstance(field, TextAreaField) else SINGLE_LINE


class CatalogueTranslations:
    """WTForms' own messages ("This field is required.", "Not a valid choice."...) looked up in
    our catalogue through Flask-Babel, so they are in the request's language. WTForms ships no
    Urdu, and Flask-WTF's i18n reads only WTForms' catalogues; WTForms fills the placeholders
    itself, so this must not (``flask_babel.ngettext`` would, with ``num``)."""

    def gettext(self, string: str) -> str:
        return get_translations().gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ngettext(singular, plural, n)


CATALOGUE_TRANSLATIONS = CatalogueTranslations()


def _wtforms_messages() -> None:  # pragma: no cover - never called
    """WTForms' messages (wtforms/locale/wtforms.pot) our forms can show, named here only so that
    ``pybabel extract`` keeps them in our catalogue with their Urdu."""
    _("This field is required.")
    _("Not a valid choice.")
    _("Invalid email address.")
    _("Invalid URL.")
    _("Invalid input.")
    _("Field must be equal to %(other_name)s.")
    _("Field must be between %(min)d and %(max)d characters long.")
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    )
    _("Number must be at least %(min)s.")
    _("Number must be at most %(max)s.")
    _("Number must be between %(min)s and %(max)s.")
    _("Date must be at least %(min)s.")
    _("Date must be at most %(max)s.")
    _("Date must be between %(min)s and %(max)s.")
    _("Invalid value, must be one of: %(values)s.")
    _("Invalid value, can't be any of: %(values)s.")
    _("Invalid Choice: could not coerce.")
    _("Invalid choice(s): one or more data inputs could not be coerced.")
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )
    _("Not a valid datetime value.")
    _("Not a valid date value.")
    _("Not a valid time value.")
    _("Not a valid integer value.")
    _("Not a valid decimal value.")
    _("Not a valid float value.")


class PlainTextForm(Form):
    """Every field of the form gets :func:`input_rule_for` (the base of every form)."""

    class Meta:
        def get_translations(self, form: Form) -> CatalogueTranslations:
            return CATALOGUE_TRANSLATIONS

    def validate(self, extra_validators: dict[str, Any] | None = None) -> bool:
        extra = {name: list(checks) for name, checks in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            if rule := input_rule_for(field):
                extra.setdefault(name, []).append(rule)
        return super().validate(extra_validators=extra)


class EngageForm(PlainTextForm, FlaskForm):
    """The base of every form of the site: Flask-WTF (CSRF) plus the plain-text checks."""
