"""Forms of the facilitation pages; the rules themselves are checked again in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from engagement.core.validation import EngageForm
from engagement.directory.models import StartupStage
from engagement.facilitation.models import (
    ChannelKind,
    Currency,
    ReferralOutcome,
    Sphere,
)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


SPHERE_HINTS = {
    Sphere.MARKETING: _l("Promotion, trade delegations, exhibitions and market access."),
    Sphere.INFRASTRUCTURE: _l("Office space in a Software Technology Park or incubator."),
    Sphere.CAPITAL_AVAILABILITY: _l("Introductions to investors, banks and funding programmes."),
    Sphere.POLICY_CONSULTING: _l("Regulatory questions, tax and export policy, consulting."),
    Sphere.HR: _l("Hiring, internships and training programmes."),
    Sphere.BUSINESS_DEVELOPMENT: _l("Partnerships, clients and international business."),
}
STAGE_CHOICES = [SelectChoice("", _l("Choose…"))] + [
    SelectChoice(s.value, s.label) for s in StartupStage
]
CURRENCY_CHOICES = [SelectChoice(c.value, c.value) for c in Currency]


class SphereStepForm(EngageForm):
    sphere = RadioField(
        _l("Which sphere do you need help in?"),
        choices=[SelectChoice(s.value, s.label) for s in Sphere],
        validators=[DataRequired(message=_l("Choose the sphere you need help in."))],
    )
    title = StringField(
        _l("Title"),
        description=_l("One line, e.g. “Seed funding for our crop-advice app”."),
        validators=[DataRequired(message=_l("Give your request a short title.")), Length(max=200)],
    )


class SummaryStepForm(EngageForm):
    summary = TextAreaField(
        _l("Summary"),
        description=_l("Two or three sentences: what you need from PSEB."),
        validators=[DataRequired(message=_l("Summarise what you need.")), Length(max=2000)],
    )
    details = TextAreaField(
        _l("Details"),
        description=_l("Anything else that helps us help you."),
        validators=[Length(max=20000)],
    )


class CapitalStepForm(EngageForm):
    stage = SelectField(
        _l("Stage"),
        choices=STAGE_CHOICES,
        validators=[DataRequired(message=_l("Choose your stage."))],
    )
    # Text, so the service's rule (a positive number, commas allowed) gives the message.
    amount_sought = StringField(
        _l("Amount sought"),
        validators=[InputRequired(message=_l("Enter the amount you are seeking.")), Length(max=30)],
    )
    currency = RadioField(_l("Currency"), choices=CURRENCY_CHOICES, default="PKR")
    sector_id = SelectField(_l("Sector"), coerce=str, validators=[Optional()])
    use_of_funds = TextAreaField(
        _l("Use of funds"),
        validators=[DataRequired(message=_l("Say how you will use the funds.")), Length(max=2000)],
    )
    traction = TextAreaField(
        _l("Traction"),
        description=_l("Users, revenue, pilots, partners: whatever shows progress."),
        validators=[Length(max=2000)],
    )


class InfrastructureStepForm(EngageForm):
    city_id = SelectField(
        _l("City"), coerce=str, validators=[DataRequired(message=_l("Choose the city."))]
    )
    seats_needed = IntegerField(
        _l("Seats needed"),
        validators=[
            InputRequired(message=_l("Enter the number of seats.")),
            NumberRange(min=1, max=10000, message=_l("Enter a number from 1 to 10,000.")),
        ],
    )
    needed_from = DateField(
        _l("Needed from"), validators=[DataRequired(message=_l("Enter a date as YYYY-MM-DD."))]
    )


class OtherStepForm(EngageForm):
    city_id = SelectField(_l("City"), coerce=str, validators=[Optional()])


class AttachmentForm(EngageForm):
    file = FileField(
        _l("Attach a file"), description=_l("PDF, image or spreadsheet, at most 10 MB.")
    )


class MessageForm(EngageForm):
    body = TextAreaField(
        _l("Message"),
        validators=[DataRequired(message=_l("Write a message first.")), Length(max=5000)],
    )
    internal = BooleanField(_l("Internal note (staff only, never shown to the startup)"))


class AssignForm(EngageForm):
    assignee_id = SelectField(_l("Assign to"), coerce=str)


class ReferForm(EngageForm):
    channel_id = SelectField(_l("Funding channel"), coerce=str, validate_choice=False)
    other_name = StringField(
        _l("Name of the other channel"),
        description=_l("Only with “Other”: it is added to the channel registry."),
        validators=[Optional(), Length(max=200)],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ReferralOutcomeForm(EngageForm):
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice(o.value, o.label) for o in ReferralOutcome],
        validators=[DataRequired()],
    )
    note = StringField(_l("Note"), validators=[Optional(), Length(max=2000)])


class ChannelForm(EngageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in ChannelKind])
    stages = MultiCheckboxField(
        _l("Stages"), choices=[SelectChoice(s.value, s.label) for s in StartupStage]
    )
    sector_ids = SelectMultipleField(
        _l("Sectors"), coerce=str, description=_l("None selected means any sector.")
    )
    ticket_min = DecimalField(_l("Smallest ticket"), places=2, validators=[Optional()])
    ticket_max = DecimalField(_l("Largest ticket"), places=2, validators=[Optional()])
    currency = SelectField(
        _l("Currency"), choices=[SelectChoice("", "—")] + CURRENCY_CHOICES, default=""
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)])
    contact_email = EmailField(_l("Contact email"), validators=[Optional(), Length(max=254)])
    website = StringField(_l("Website"), validators=[Optional(), Length(max=300)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    active = BooleanField(_l("Active (suggested for capital requests)"), default=True)
