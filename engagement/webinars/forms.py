"""Forms of the webinars feature."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional, ValidationError

from engagement.core.validation import EngageForm

PKT = ZoneInfo("Asia/Karachi")


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (the `field` macro renders it as a fieldset)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def as_pkt(value: datetime | None) -> datetime | None:
    """A naive datetime-local value, read as Pakistan time, to aware UTC-comparable time."""
    return value.replace(tzinfo=PKT) if value is not None else None


class WebinarForm(EngageForm):
    title = StringField(
        _l("Title"), [DataRequired(message=_l("Give the webinar a title.")), Length(max=200)]
    )
    description = TextAreaField(
        _l("Description"),
        [Optional(), Length(max=20000)],
        description=_l("Markdown: **bold**, *italic*, lists, [links](https://example.org)."),
    )
    partners = SelectMultipleField(
        _l("Overseas partner entities"),
        coerce=int,
        validators=[DataRequired(message=_l("Choose at least one partner entity."))],
        description=_l("Hold Ctrl (or Cmd) to choose several."),
    )
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int, validators=[Optional()])
    speakers = TextAreaField(
        _l("Speakers"),
        [Optional(), Length(max=5000)],
        description=_l("One per line: name, role, organisation."),
    )
    starts_at = DateTimeLocalField(
        _l("Starts (Pakistan time, PKT)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(message=_l("Enter the start date and time."))],
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        [DataRequired(message=_l("Enter the duration.")), NumberRange(min=15, max=600)],
        default=60,
    )
    platform = StringField(
        _l("Platform"),
        [Optional(), Length(max=80)],
        description=_l("Zoom, Microsoft Teams, Google Meet…"),
    )
    join_url = URLField(
        _l("Join URL"),
        [Optional(), URL(message=_l("Enter a full https:// address.")), Length(max=500)],
        description=_l("Shown only to confirmed registrants, shortly before the start."),
    )
    capacity = IntegerField(
        _l("Capacity"),
        [DataRequired(message=_l("Enter the number of seats.")), NumberRange(min=1, max=100000)],
    )
    seat_limit_per_org = IntegerField(
        _l("Seat limit per company"),
        [Optional(), NumberRange(min=1, max=1000)],
        description=_l("Leave empty for no limit."),
    )
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens (PKT)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Empty: open as soon as the webinar is published."),
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes (PKT)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
        description=_l("Empty: open until the start."),
    )
    waitlist_enabled = BooleanField(_l("Keep a waitlist when full"), default=True)
    recording_url = URLField(
        _l("Recording URL"),
        [Optional(), URL(message=_l("Enter a full https:// address.")), Length(max=500)],
        description=_l("Add after the webinar; shown on the past webinars page."),
    )
    publish = BooleanField(_l("Publish now (visible to everyone, open for registration)"))
    record_past = BooleanField(
        _l("This webinar already took place: record it for the archive (no registration)"),
        description=_l("Only for a start in the past; it is shown as recorded afterwards."),
    )
    check = SubmitField(_l("Check the time slot"))
    submit = SubmitField(_l("Save webinar"))

    def validate_registration_closes_at(self, field: DateTimeLocalField) -> None:
        opens, closes = self.registration_opens_at.data, field.data
        if opens and closes and closes <= opens:
            raise ValidationError(_("Registration must close after it opens."))
        if closes and self.starts_at.data and closes > self.starts_at.data:
            raise ValidationError(_("Registration must close by the start."))


class WebinarFilterForm(EngageForm):
    class Meta:
        csrf = False

    sector = SelectField(_l("Sector"), coerce=str, validators=[Optional()])
    country = SelectField(_l("Partner country"), validators=[Optional()])
    month = SelectField(_l("Month"), validators=[Optional()])
