"""Account forms."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from engagement.auth.services import password_problem
from engagement.core.timefmt import valid_timezone
from engagement.core.validation import EngageForm, ValidEmail


def strip(value: str | None) -> str | None:
    """Drop the spaces people paste around email addresses."""
    return value.strip() if isinstance(value, str) else value


class StrongPassword:
    """Validator wrapping the one password rule in auth.services."""

    def __call__(self, form: EngageForm, field: PasswordField) -> None:
        # Forms without an email field (reset, change) carry the account's as ``account_email``.
        email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
        if field.data and (problem := password_problem(field.data, email or "")):
            raise ValidationError(problem)


class SignupForm(EngageForm):
    role = RadioField(
        "I am signing up as",
        choices=[
            SelectChoice("company", "A company representative"),
            SelectChoice("startup", "A startup founder"),
        ],
        default="company",
        validators=[DataRequired()],
    )
    name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    org_name = StringField("Company or startup name", validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        "Work email", filters=[strip], validators=[DataRequired(), ValidEmail(), Length(max=254)]
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), StrongPassword()],
        description="At least 10 characters; mix letters with digits or symbols.",
    )
    confirm = PasswordField(
        "Repeat password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Create account")


class LoginForm(EngageForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), ValidEmail(), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class ForgotPasswordForm(EngageForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), ValidEmail(), Length(max=254)]
    )
    submit = SubmitField("Email me a reset link")


class ResetPasswordForm(EngageForm):
    password = PasswordField("New password", validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Set new password")


class ChangePasswordForm(EngageForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=128)])
    password = PasswordField("New password", validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Change password")


class ProfileForm(EngageForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    timezone = StringField(
        "Time zone",
        validators=[Optional(), Length(max=64)],
        description="IANA name such as Asia/Karachi or Europe/London. Leave empty to use your browser's.",
    )
    submit = SubmitField("Save")

    def validate_timezone(self, field: StringField) -> None:
        if field.data and not valid_timezone(field.data):
            raise ValidationError("Unknown time zone; use an IANA name such as Asia/Karachi.")


class InviteForm(EngageForm):
    email = EmailField(
        "Colleague's email",
        filters=[strip],
        validators=[DataRequired(), ValidEmail(), Length(max=254)],
    )
    submit = SubmitField("Send invitation")


class AcceptInvitationForm(EngageForm):
    name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), ValidEmail(), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired(), StrongPassword()])
    submit = SubmitField("Join")


STAFF_ROLE_CHOICES = [SelectChoice("staff", "Staff"), SelectChoice("admin", "Admin")]


class StaffInviteForm(EngageForm):
    """An admin invites a staff member by email; they set their own password from the link."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), ValidEmail(), Length(max=254)]
    )
    role = SelectField("Role", choices=STAFF_ROLE_CHOICES, default="staff")
    submit = SubmitField("Send invitation")


class StaffInvitationForm(EngageForm):
    """The invited staff member sets their name and password."""

    name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Choose a password", validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Set password and sign in")


class RoleForm(EngageForm):
    role = SelectField("Role", choices=STAFF_ROLE_CHOICES)


class DeactivateForm(EngageForm):
    reassign_to = SelectField("Hand their open work to", coerce=str, validate_choice=False)
    submit = SubmitField("Deactivate the account")


class ApiTokenForm(EngageForm):
    name = StringField(
        "Token name",
        validators=[DataRequired(), Length(max=100)],
        description="What will use it, e.g. 'HR system'.",
    )
    lifetime = SelectField(
        "Expires after",
        choices=[
            SelectChoice("7", "7 days"),
            SelectChoice("30", "30 days"),
            SelectChoice("90", "90 days"),
            SelectChoice("180", "180 days"),
            SelectChoice("365", "1 year (the longest)"),
        ],
        default="30",
    )
    submit = SubmitField("Create token")


class EmptyForm(EngageForm):
    """A form with only its CSRF token, for buttons that POST."""

    submit = SubmitField("Confirm")
