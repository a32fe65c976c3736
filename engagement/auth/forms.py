"""Account forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
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

#: WTForms' own "required" message, marked so it is said in Urdu too (WTForms ships no Urdu).
REQUIRED = _l("This field is required.")


def _email_field(label: str) -> EmailField:
    """An email address, stripped and checked by the one email rule."""
    return EmailField(
        label,
        filters=[strip],
        validators=[DataRequired(message=REQUIRED), ValidEmail(), Length(max=254)],
    )


def _new_password_field(label: str, **kwargs: object) -> PasswordField:
    """A password being chosen: the strength rule applies."""
    return PasswordField(
        label, validators=[DataRequired(message=REQUIRED), StrongPassword()], **kwargs
    )


def _repeat_password_field(label: str) -> PasswordField:
    """The same password again; it must match the form's ``password`` field."""
    return PasswordField(
        label,
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", _l("The passwords do not match.")),
        ],
    )


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
        _l("I am signing up as"),
        choices=[
            SelectChoice("company", _l("A company representative")),
            SelectChoice("startup", _l("A startup founder")),
        ],
        default="company",
        validators=[DataRequired(message=REQUIRED)],
    )
    name = StringField(
        _l("Your full name"), validators=[DataRequired(message=REQUIRED), Length(max=120)]
    )
    org_name = StringField(
        _l("Company or startup name"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
    email = _email_field(_l("Work email"))
    password = _new_password_field(
        _l("Password"),
        description=_l("At least 10 characters; mix letters with digits or symbols."),
    )
    confirm = _repeat_password_field(_l("Repeat password"))
    submit = SubmitField(_l("Create account"))


class LoginForm(EngageForm):
    email = _email_field(_l("Email"))
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=REQUIRED), Length(max=128)]
    )
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class ForgotPasswordForm(EngageForm):
    email = _email_field(_l("Email"))
    submit = SubmitField(_l("Email me a reset link"))


class ResetPasswordForm(EngageForm):
    password = _new_password_field(_l("New password"))
    confirm = _repeat_password_field(_l("Repeat new password"))
    submit = SubmitField(_l("Set new password"))


class ChangePasswordForm(EngageForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired(message=REQUIRED), Length(max=128)]
    )
    password = _new_password_field(_l("New password"))
    confirm = _repeat_password_field(_l("Repeat new password"))
    submit = SubmitField(_l("Change password"))


class ProfileForm(EngageForm):
    name = StringField(
        _l("Full name"), validators=[DataRequired(message=REQUIRED), Length(max=120)]
    )
    timezone = StringField(
        _l("Time zone"),
        validators=[Optional(), Length(max=64)],
        description=_l(
            "IANA name such as Asia/Karachi or Europe/London. Leave empty to use your browser's."
        ),
    )
    submit = SubmitField(_l("Save"))

    def validate_timezone(self, field: StringField) -> None:
        if field.data and not valid_timezone(field.data):
            raise ValidationError(_l("Unknown time zone; use an IANA name such as Asia/Karachi."))


class InviteForm(EngageForm):
    email = _email_field(_l("Colleague's email"))
    submit = SubmitField(_l("Send invitation"))


class AcceptInvitationForm(EngageForm):
    name = StringField(
        _l("Your full name"), validators=[DataRequired(message=REQUIRED), Length(max=120)]
    )
    email = _email_field(_l("Email"))
    password = _new_password_field(_l("Password"))
    submit = SubmitField(_l("Join"))


STAFF_ROLE_CHOICES = [SelectChoice("staff", _l("Staff")), SelectChoice("admin", _l("Admin"))]


class StaffInviteForm(EngageForm):
    """An admin invites a staff member by email; they set their own password from the link."""

    name = StringField(
        _l("Full name"), validators=[DataRequired(message=REQUIRED), Length(max=120)]
    )
    email = _email_field(_l("Email"))
    role = SelectField(_l("Role"), choices=STAFF_ROLE_CHOICES, default="staff")
    submit = SubmitField(_l("Send invitation"))


class StaffInvitationForm(EngageForm):
    """The invited staff member sets their name and password."""

    name = StringField(
        _l("Your full name"), validators=[DataRequired(message=REQUIRED), Length(max=120)]
    )
    password = _new_password_field(_l("Choose a password"))
    confirm = _repeat_password_field(_l("Repeat the password"))
    submit = SubmitField(_l("Set password and sign in"))


class RoleForm(EngageForm):
    role = SelectField(_l("Role"), choices=STAFF_ROLE_CHOICES)


class DeactivateForm(EngageForm):
    reassign_to = SelectField(_l("Hand their open work to"), coerce=str, validate_choice=False)
    submit = SubmitField(_l("Deactivate the account"))


class ApiTokenForm(EngageForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(message=REQUIRED), Length(max=100)],
        description=_l("What will use it, e.g. 'HR system'."),
    )
    lifetime = SelectField(
        _l("Expires after"),
        choices=[
            SelectChoice("7", _l("7 days")),
            SelectChoice("30", _l("30 days")),
            SelectChoice("90", _l("90 days")),
            SelectChoice("180", _l("180 days")),
            SelectChoice("365", _l("1 year (the longest)")),
        ],
        default="30",
    )
    submit = SubmitField(_l("Create token"))


class EmptyForm(EngageForm):
    """A form with only its CSRF token, for buttons that POST."""

    submit = SubmitField(_l("Confirm"))
