"""Partner forms: meeting requests and answers, outcomes, invitations. Rules are in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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
        _l("Message"),
        validators=[DataRequired(message=_l("Say what the meeting is for.")), Length(max=5000)],
        description=_l("What you would like to discuss."),
    )
    slots = SlotCheckboxes(_l("Proposed slots (choose 2 to 5)"))
    submit = SubmitField(_l("Send request"))


class ProposeSlotsForm(EngageForm):
    slots = SlotCheckboxes(_l("Other slots (choose 2 to 5)"))
    message = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Propose these slots"))


class AcceptForm(EngageForm):
    slot = SelectField(_l("Slot"), validators=[DataRequired(message=_l("Choose a slot."))])
    video_url = URLField(_l("Video link (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Accept"))

    def pre_validate(self, form: object) -> None:
        pass


class DeclineForm(EngageForm):
    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(message=_l("Give a short reason.")), Length(max=2000)],
    )
    submit = SubmitField(_l("Decline"))


class OutcomeForm(EngageForm):
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice(o.value, o.label) for o in MeetingOutcome],
        validators=[DataRequired()],
    )
    value_usd = DecimalField(
        _l("Contract value (US$, optional)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, message=_l("Enter a positive amount."))],
    )
    submit = SubmitField(_l("Record outcome"))


class InvitePartnerForm(EngageForm):
    email = EmailField(_l("Contact's email"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Send invitation"))


class AcceptPartnerInvitationForm(EngageForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    password = PasswordField(
        _l("Choose a password"), validators=[DataRequired(), Length(min=10, max=200)]
    )
    submit = SubmitField(_l("Create my account"))


class PartnerProfileForm(EngageForm):
    """What the partner's entity looks for in Pakistani companies."""

    sectors = SlotCheckboxes(_l("Sectors you look for"), coerce=int)
    description = TextAreaField(
        _l("What you look for"),
        validators=[Optional(), Length(max=5000)],
        description=_l("Services, markets, project sizes: companies read this before a meeting."),
    )
    submit = SubmitField(_l("Save"))
