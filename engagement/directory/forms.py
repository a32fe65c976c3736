"""Directory forms: own profiles, registration verification, overseas entities, bodies, contacts.

Choices (sectors, cities, provinces, countries) are filled by the routes from the database; the
rules themselves live in :mod:`engagement.directory.services`.
"""

from __future__ import annotations

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
    URL(message="Enter a web address such as example.pk or https://example.pk."),
]


class CompanyProfileForm(EngageForm):
    legal_name = StringField("Legal name", validators=[DataRequired(), Length(max=200)])
    registration_number = StringField(
        "PSEB registration number",
        validators=[Optional(), Length(max=20), RegistrationNumber()],
        description="Format PSEB/YYYY/NNNN. Optional until PSEB staff verify it.",
    )
    sectors = MultiCheckboxField("Sectors", coerce=int, validators=[Optional()])
    city = SelectField("City", coerce=optional_int, validators=[Optional()])
    employee_band = SelectField(
        "Employees",
        choices=[SelectChoice("", "Not stated")]
        + [SelectChoice(band.value, band.value) for band in EmployeeBand],
        validators=[Optional()],
    )
    export_markets = StringField(
        "Export markets",
        validators=[Optional(), Length(max=300)],
        description="Two-letter country codes, separated by commas: US, GB, AE.",
    )
    website = URLField("Website", validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField("About the company", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save profile")

    def validate_export_markets(self, field: StringField) -> None:
        try:
            field.data = ", ".join(parse_country_codes(field.data or ""))
        except DirectoryError as error:
            raise ValidationError(str(error)) from error


class ShowcaseForm(EngageForm):
    """The company's entry in the public showcase (/companies/); no contact details."""

    showcase_opt_in = BooleanField("List us in the public showcase")
    services = StringField(
        "Services",
        validators=[Optional(), Length(max=500)],
        description="Separated by commas: custom software, QA and testing, DevOps.",
    )
    certifications = MultiCheckboxField("Certifications", validators=[Optional()])
    certifications_other = StringField(
        "Other certifications", validators=[Optional(), Length(max=300)]
    )
    founded_year = IntegerField(
        "Year founded",
        validators=[Optional(), NumberRange(min=1900, max=2100, message="Enter a year.")],
    )
    pitch = TextAreaField(
        "Short pitch", validators=[Optional(), Length(max=500)], description="One or two sentences."
    )
    submit = SubmitField("Save showcase entry")


class StartupProfileForm(EngageForm):
    name = StringField("Startup name", validators=[DataRequired(), Length(max=200)])
    founding_year = IntegerField(
        "Founding year",
        validators=[
            Optional(),
            NumberRange(min=1990, max=2100, message="Enter a year after 1990."),
        ],
    )
    stage = SelectField(
        "Stage",
        choices=[SelectChoice("", "Not stated")]
        + [SelectChoice(stage.value, stage.label) for stage in StartupStage],
        validators=[Optional()],
    )
    sectors = MultiCheckboxField("Sectors", coerce=int, validators=[Optional()])
    city = SelectField("City", coerce=optional_int, validators=[Optional()])
    founders = TextAreaField(
        "Founders",
        validators=[Optional(), Length(max=2000)],
        description="One name per line.",
    )
    website = URLField("Website", validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField("About the startup", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save profile")


class VerifyRegistrationForm(EngageForm):
    registration_number = StringField(
        "Registration number",
        validators=[DataRequired(), Length(max=20), RegistrationNumber()],
        description="As on the PSEB registration certificate: PSEB/YYYY/NNNN.",
    )
    submit = SubmitField("Verify registration")


class RevokeVerificationForm(EngageForm):
    reason = TextAreaField(
        "Reason for withdrawing",
        validators=[
            DataRequired(message="Say why the verification is withdrawn."),
            Length(max=1000),
        ],
        description='Kept in the verification history, e.g. "Certificate expired in 2025".',
    )
    submit = SubmitField("Withdraw verification")


class OverseasEntityForm(EngageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    entity_type = SelectField(
        "Type",
        choices=[
            SelectChoice(kind.value, kind.value.replace("_", " ").capitalize())
            for kind in OverseasEntityType
        ],
    )
    country_code = SelectField("Country", validators=[DataRequired()])
    timezone = StringField(
        "Time zone",
        validators=[DataRequired(), Length(max=64)],
        description="IANA name, e.g. Europe/Berlin, America/New_York, Asia/Dubai.",
    )
    sectors = MultiCheckboxField("Sectors", coerce=int, validators=[Optional()])
    website = URLField("Website", validators=WEBSITE, filters=[normalise_website])
    description = TextAreaField("Notes", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("Save")

    def validate_timezone(self, field: StringField) -> None:
        field.data = (field.data or "").strip()
        if not valid_timezone(field.data):
            raise ValidationError("Unknown time zone; use an IANA name such as Europe/Berlin.")


class StakeholderBodyForm(EngageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField(
        "Kind",
        choices=[
            SelectChoice(kind.value, kind.value.replace("_", " ").capitalize())
            for kind in StakeholderKind
        ],
    )
    province = SelectField("Province", coerce=optional_int, validators=[Optional()])
    website = URLField("Website", validators=WEBSITE, filters=[normalise_website])
    submit = SubmitField("Save")


class ContactForm(EngageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    position = StringField("Position", validators=[Optional(), Length(max=120)])
    email = EmailField("Email", validators=[Optional(), ValidEmail(), Length(max=254)])
    phone = StringField("Phone", validators=[Optional(), Length(max=40)])
    submit = SubmitField("Save contact")
