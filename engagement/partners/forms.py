"""Partner forms: meeting requests and answers, outcomes, invitations. Rules are in services."""

from __future__ import annotations

from wtforms import (
    DecimalField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.fields import SelectMultipleField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from engagement.core.validation import EngageForm
from engagement.partners.models import MeetingOutcome


class SlotCheckboxes(SelectMultipleField):
    """Offered slots as checkboxes (values are ISO UTC times), so the form works without JS."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: object) -> None:
        pass  # the service checks each slot and names the bad one


class MeetingRequestForm(EngageForm):
    message = TextAreaField(
        "Message",
        validators=[DataRequired(message="Say what the meeting is for."), Length(max=5000)],
        description="What you would like to discuss.",
    )
    slots = SlotCheckboxes("Proposed slots (choose 2 to 5)")
    submit = SubmitField("Send request")


class ProposeSlotsForm(EngageForm):
    slots = SlotCheckboxes("Other slots (choose 2 to 5)")
    message = TextAreaField("Message (optional)", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Propose these slots")


class AcceptForm(EngageForm):
    slot = SelectField("Slot", validators=[DataRequired(message="Choose a slot.")])
    video_url = URLField("Video link (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Accept")

    def pre_validate(self, form: object) -> None:
        pass


class DeclineForm(EngageForm):
    reason = TextAreaField(
        "Reason", validators=[DataRequired(message="Give a short reason."), Length(max=2000)]
    )
    submit = SubmitField("Decline")


class OutcomeForm(EngageForm):
    outcome = SelectField(
        "Outcome",
        choices=[SelectChoice(o.value, o.label) for o in MeetingOutcome],
        validators=[DataRequired()],
    )
    value_usd = DecimalField(
        "Contract value (US$, optional)",
        places=2,
        validators=[Optional(), NumberRange(min=0, message="Enter a positive amount.")],
    )
    submit = SubmitField("Record outcome")


class InvitePartnerForm(EngageForm):
    email = EmailField("Contact's email", validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField("Send invitation")


class AcceptPartnerInvitationForm(EngageForm):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        "Choose a password", validators=[DataRequired(), Length(min=10, max=200)]
    )
    submit = SubmitField("Create my account")


class PartnerProfileForm(EngageForm):
    """What the partner's entity looks for in Pakistani companies."""

    sectors = SlotCheckboxes("Sectors you look for", coerce=int)
    description = TextAreaField(
        "What you look for",
        validators=[Optional(), Length(max=5000)],
        description="Services, markets, project sizes: companies read this before a meeting.",
    )
    submit = SubmitField("Save")
