"""Forms of the events feature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from engagement.core.validation import EngageForm, PlainTextForm
from engagement.events.models import RegistrationState


class AttendeeForm(PlainTextForm):
    """One attendee row (a blank row is ignored). The engine checks what is typed, every row's
    every field at once (:func:`engagement.events.services.register_attendees`)."""

    name = StringField(_l("Full name"), [Optional()])
    email = EmailField(_l("Email"), [Optional()])


class RegisterForm(EngageForm):
    attendees = FieldList(FormField(AttendeeForm), min_entries=1, max_entries=50)
    submit = SubmitField(_l("Register"))

    def filled_rows(self) -> list[tuple[int, str, str]]:
        """(row index, name, email) of the rows with anything typed in."""
        rows = []
        for index, entry in enumerate(self.attendees.entries):
            name = (entry.form.name.data or "").strip()
            email = (entry.form.email.data or "").strip()
            if name or email:
                rows.append((index, name, email))
        return rows

    def check_rows(self) -> bool:
        """At least one row typed in (the engine checks the rows themselves)."""
        ok = True
        rows = self.filled_rows()
        if not rows:
            first = self.attendees.entries[0].form
            first.name.errors = [*first.name.errors, str(_l("Add at least one attendee."))]
            ok = False
        return ok


class SelfRegisterForm(EngageForm):
    submit = SubmitField(_l("Register me"))


class CapacityForm(EngageForm):
    capacity = IntegerField(
        _l("Capacity"),
        [InputRequired(message=_l("Enter the number of seats.")), NumberRange(min=0)],
    )
    submit = SubmitField(_l("Change capacity"))


class CancelEventForm(EngageForm):
    reason = TextAreaField(
        _l("Reason (sent to everyone registered)"),
        [DataRequired(message=_l("Say why the event is cancelled.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Cancel the event"))


class MessageForm(EngageForm):
    subject = StringField(
        _l("Subject"), [DataRequired(message=_l("Write a subject.")), Length(max=150)]
    )
    body = TextAreaField(
        _l("Message"), [DataRequired(message=_l("Write a message.")), Length(max=5000)]
    )
    submit = SubmitField(_l("Send to confirmed registrants"))


STATE_CHOICES = [SelectChoice("", _l("Any state"))] + [
    SelectChoice(s.value, s.label) for s in RegistrationState
]


class AttendeeFilterForm(EngageForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search name, email or organisation"), [Optional(), Length(max=100)])
    state = SelectField(_l("State"), choices=STATE_CHOICES, default="")
