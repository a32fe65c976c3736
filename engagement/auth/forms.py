"""Account forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
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
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from engagement.auth.services import password_problem
from engagement.core.timefmt import valid_timezone


def strip(value: str | None) -> str | None:
    """Drop the spaces people paste around email addresses."""
    return value.strip() if isinstance(value, str) else value


class StrongPassword:
    """Validator wrapping the one password rule in auth.services."""

    def __call__(self, form: FlaskForm, field: PasswordField) -> None:
        # Forms without an email field (reset, change) carry the account's as ``account_email``.
        email = form.email.data if hasattr(form, "email") else getattr(form, "account_email", "")
        if field.data and (problem := password_problem(field.data, email or "")):
            raise ValidationError(problem)


class SignupForm(FlaskForm):
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
        "Work email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
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


class LoginForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(max=128)])
    remember = BooleanField("Keep me signed in on this device")
    submit = SubmitField("Sign in")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField("Email me a reset link")


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=128)])
    password = PasswordField("New password", validators=[DataRequired(), StrongPassword()])
    confirm = PasswordField(
        "Repeat new password",
        validators=[DataRequired(), EqualTo("password", "The passwords do not match.")],
    )
    submit = SubmitField("Change password")


class ProfileForm(FlaskForm):
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


class InviteForm(FlaskForm):
    email = EmailField(
        "Colleague's email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    submit = SubmitField("Send invitation")


class AcceptInvitationForm(FlaskForm):
    name = StringField("Your full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired(), StrongPassword()])
    submit = SubmitField("Join")


class StaffAccountForm(FlaskForm):
    name = StringField("Full name", validators=[DataRequired(), Length(max=120)])
    email = EmailField(
        "Email", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    role = SelectField(
        "Role",
        choices=[SelectChoice("staff", "Staff"), SelectChoice("admin", "Admin")],
        default="staff",
    )
    password = PasswordField("Initial password", validators=[DataRequired(), StrongPassword()])
    submit = SubmitField("Create account")


class ApiTokenForm(FlaskForm):
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


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that POST."""

    submit = SubmitField("Confirm")
