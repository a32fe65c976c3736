"""Forms of the facilitation pages; the rules themselves are checked again in services."""

from __future__ import annotations

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
    Sphere.MARKETING: "Promotion, trade delegations, exhibitions and market access.",
    Sphere.INFRASTRUCTURE: "Office space in a Software Technology Park or incubator.",
    Sphere.CAPITAL_AVAILABILITY: "Introductions to investors, banks and funding programmes.",
    Sphere.POLICY_CONSULTING: "Regulatory questions, tax and export policy, consulting.",
    Sphere.HR: "Hiring, internships and training programmes.",
    Sphere.BUSINESS_DEVELOPMENT: "Partnerships, clients and international business.",
}
STAGE_CHOICES = [SelectChoice("", "Choose…")] + [
    SelectChoice(s.value, s.label) for s in StartupStage
]
CURRENCY_CHOICES = [SelectChoice(c.value, c.value) for c in Currency]


class SphereStepForm(EngageForm):
    sphere = RadioField(
        "Which sphere do you need help in?",
        choices=[SelectChoice(s.value, s.label) for s in Sphere],
        validators=[DataRequired(message="Choose the sphere you need help in.")],
    )
    title = StringField(
        "Title",
        description="One line, e.g. “Seed funding for our crop-advice app”.",
        validators=[DataRequired(message="Give your request a short title."), Length(max=200)],
    )


class SummaryStepForm(EngageForm):
    summary = TextAreaField(
        "Summary",
        description="Two or three sentences: what you need from PSEB.",
        validators=[DataRequired(message="Summarise what you need."), Length(max=2000)],
    )
    details = TextAreaField(
        "Details",
        description="Anything else that helps us help you.",
        validators=[Length(max=20000)],
    )


class CapitalStepForm(EngageForm):
    stage = SelectField(
        "Stage",
        choices=STAGE_CHOICES,
        validators=[DataRequired(message="Choose your stage.")],
    )
    # Text, so the service's rule (a positive number, commas allowed) gives the message.
    amount_sought = StringField(
        "Amount sought",
        validators=[InputRequired(message="Enter the amount you are seeking."), Length(max=30)],
    )
    currency = RadioField("Currency", choices=CURRENCY_CHOICES, default="PKR")
    sector_id = SelectField("Sector", coerce=str, validators=[Optional()])
    use_of_funds = TextAreaField(
        "Use of funds",
        validators=[DataRequired(message="Say how you will use the funds."), Length(max=2000)],
    )
    traction = TextAreaField(
        "Traction",
        description="Users, revenue, pilots, partners: whatever shows progress.",
        validators=[Length(max=2000)],
    )


class InfrastructureStepForm(EngageForm):
    city_id = SelectField("City", coerce=str, validators=[DataRequired(message="Choose the city.")])
    seats_needed = IntegerField(
        "Seats needed",
        validators=[
            InputRequired(message="Enter the number of seats."),
            NumberRange(min=1, max=10000, message="Enter a number from 1 to 10,000."),
        ],
    )
    needed_from = DateField(
        "Needed from", validators=[DataRequired(message="Enter a date as YYYY-MM-DD.")]
    )


class OtherStepForm(EngageForm):
    city_id = SelectField("City", coerce=str, validators=[Optional()])


class AttachmentForm(EngageForm):
    file = FileField("Attach a file", description="PDF, image or spreadsheet, at most 10 MB.")


class MessageForm(EngageForm):
    body = TextAreaField(
        "Message", validators=[DataRequired(message="Write a message first."), Length(max=5000)]
    )
    internal = BooleanField("Internal note (staff only, never shown to the startup)")


class AssignForm(EngageForm):
    assignee_id = SelectField("Assign to", coerce=str)


class ReferForm(EngageForm):
    channel_id = SelectField("Funding channel", coerce=str, validate_choice=False)
    other_name = StringField(
        "Name of the other channel",
        description="Only with “Other”: it is added to the channel registry.",
        validators=[Optional(), Length(max=200)],
    )
    note = StringField("Note", validators=[Optional(), Length(max=2000)])


class ReferralOutcomeForm(EngageForm):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice(o.value, o.label) for o in ReferralOutcome],
        validators=[DataRequired()],
    )
    note = StringField("Note", validators=[Optional(), Length(max=2000)])


class ChannelForm(EngageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.label) for k in ChannelKind])
    stages = MultiCheckboxField(
        "Stages", choices=[SelectChoice(s.value, s.label) for s in StartupStage]
    )
    sector_ids = SelectMultipleField(
        "Sectors", coerce=str, description="None selected means any sector."
    )
    ticket_min = DecimalField("Smallest ticket", places=2, validators=[Optional()])
    ticket_max = DecimalField("Largest ticket", places=2, validators=[Optional()])
    currency = SelectField(
        "Currency", choices=[SelectChoice("", "—")] + CURRENCY_CHOICES, default=""
    )
    contact_name = StringField("Contact person", validators=[Optional(), Length(max=120)])
    contact_email = EmailField("Contact email", validators=[Optional(), Length(max=254)])
    website = StringField("Website", validators=[Optional(), Length(max=300)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    active = BooleanField("Active (suggested for capital requests)", default=True)
