"""Directory forms: own profiles, registration verification, overseas entities, bodies, contacts.

Choices (sectors, cities, provinces, countries) are filled by the routes from the database; the
rules themselves live in :mod:`engagement.directory.services`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from engagement.core.timefmt import valid_timezone
from engagement.core.validation import EngageForm, ValidEmail
from engagement.directory.models import (
    ENTITY_TYPE_LABELS,
    STAKEHOLDER_KIND_LABELS,
    EmployeeBand,
    OverseasEntityType,
    StakeholderKind,
    StartupStage,
)
from engagement.directory.services import (
    DirectoryError,
    normalise_website,
    parse_country_codes,
    registration_number_problem,
)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, unlike a multi-select on phones)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RegistrationNumber:
    """Validator wrapping the one registration-number rule in directory.services."""

    def __call__(self, form: EngageForm, field: StringField) -> None:
        if field.data:
            field.data = field.data.strip().upper()
            if problem := registration_number_problem(field.data):
                raise ValidationError(problem)


def optional_int(value: object) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1  # not a choice: the select's own validation rejects it


WEBSITE = [
    Optional(),
    Length(max=300),
    URL(message=_l("Enter a web address such as example.pk or https://example.pk.")),
]


class CompanyProfileForm(EngageForm):
    legal_name = StringField(_l("Legal name"), validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(
        _l("PSEB registration number"),
        validators=[Optional(), Length(max=20), RegistrationNumber()],
        description=_l("Format PSEB/YYYY/NNNN. Optional until PSEB staff verify it."),
    )
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int, validators=[Optional()])
    city = SelectField(_l("City"), coerce=optional_int, validators=[Optional()])
    employee_band = SelectField(
        _l("Employees"),
        choices=[SelectChoice("", _l("Not stated"))]
        + [SelectChoice(band.value, band.value) for band in EmployeeBand],
        validators=[Optional()],
    )
    export_markets = StringField(
        _l("Export markets"),
        validators=[Optional(), Length(max=300)],
        description=_l("Two-letter country codes, separated by commas: US, GB, AE."),
    )
    website = URLField(_l("Website"), validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField(_l("About the company"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save profile"))

    def validate_export_markets(self, field: StringField) -> None:
        try:
            field.data = ", ".join(parse_country_codes(field.data or ""))
        except DirectoryError as error:
            raise ValidationError(str(error)) from error


class ShowcaseForm(EngageForm):
    """The company's entry in the public showcase (/companies/); no contact details."""

    showcase_opt_in = BooleanField(_l("List us in the public showcase"))
    services = StringField(
        _l("Services"),
        validators=[Optional(), Length(max=500)],
        description=_l("Separated by commas: custom software, QA and testing, DevOps."),
    )
    certifications = MultiCheckboxField(_l("Certifications"), validators=[Optional()])
    certifications_other = StringField(
        _l("Other certifications"), validators=[Optional(), Length(max=300)]
    )
    founded_year = IntegerField(
        _l("Year founded"),
        validators=[Optional(), NumberRange(min=1900, max=2100, message=_l("Enter a year."))],
    )
    pitch = TextAreaField(
        _l("Short pitch"),
        validators=[Optional(), Length(max=500)],
        description=_l("One or two sentences."),
    )
    submit = SubmitField(_l("Save showcase entry"))


class StartupProfileForm(EngageForm):
    name = StringField(_l("Startup name"), validators=[DataRequired(), Length(max=200)])
    founding_year = IntegerField(
        _l("Founding year"),
        validators=[
            Optional(),
            NumberRange(min=1990, max=2100, message=_l("Enter a year after 1990.")),
        ],
    )
    stage = SelectField(
        _l("Stage"),
        choices=[SelectChoice("", _l("Not stated"))]
        + [SelectChoice(stage.value, stage.label) for stage in StartupStage],
        validators=[Optional()],
    )
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int, validators=[Optional()])
    city = SelectField(_l("City"), coerce=optional_int, validators=[Optional()])
    founders = TextAreaField(
        _l("Founders"),
        validators=[Optional(), Length(max=2000)],
        description=_l("One name per line."),
    )
    website = URLField(_l("Website"), validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField(_l("About the startup"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save profile"))


class VerifyRegistrationForm(EngageForm):
    registration_number = StringField(
        _l("Registration number"),
        validators=[DataRequired(), Length(max=20), RegistrationNumber()],
        description=_l("As on the PSEB registration certificate: PSEB/YYYY/NNNN."),
    )
    submit = SubmitField(_l("Verify registration"))


class RevokeVerificationForm(EngageForm):
    reason = TextAreaField(
        _l("Reason for withdrawing"),
        validators=[
            DataRequired(message=_l("Say why the verification is withdrawn.")),
            Length(max=1000),
        ],
        description=_l('Kept in the verification history, e.g. "Certificate expired in 2025".'),
    )
    submit = SubmitField(_l("Withdraw verification"))


class OverseasEntityForm(EngageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    entity_type = SelectField(
        _l("Type"),
        choices=[
            SelectChoice(kind.value, ENTITY_TYPE_LABELS[kind.value]) for kind in OverseasEntityType
        ],
    )
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    timezone = StringField(
        _l("Time zone"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("IANA name, e.g. Europe/Berlin, America/New_York, Asia/Dubai."),
    )
    sectors = MultiCheckboxField(_l("Sectors"), coerce=int, validators=[Optional()])
    website = URLField(_l("Website"), validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def validate_timezone(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not valid_timezone(field.data):
            raise ValidationError(_("Unknown time zone; use an IANA name such as Europe/Berlin."))


class StakeholderBodyForm(EngageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(kind.value, STAKEHOLDER_KIND_LABELS[kind.value])
            for kind in StakeholderKind
        ],
    )
    province = SelectField(_l("Province"), coerce=optional_int, validators=[Optional()])
    website = URLField(_l("Website"), validators=WEBSITE, filters=[normalise_website])
    submit = SubmitField(_l("Save"))


class ContactForm(EngageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), ValidEmail(), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save contact"))
