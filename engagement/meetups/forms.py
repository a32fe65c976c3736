"""Forms of the meetups product: venues, roadmap settings, teams, closures, the board, meetups."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from engagement.core.validation import EngageForm, ValidEmail
from engagement.meetups.models import StpStatus, VenueKind

#: Weekday names as the roadmap format spells them (Monday first).
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_LABELS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, unlike a multi-select on phones)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _ends_after_start(form: EngageForm, field: DateField) -> None:
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError("The last day must be on or after the first day.")


class VenueForm(EngageForm):
    city_id = SelectField("City", coerce=int, validators=[DataRequired()])
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.label) for k in VenueKind])
    stp_status = SelectField(
        "Software Technology Park status",
        choices=[
            SelectChoice("", "Not an STP"),
            *[SelectChoice(s.value, s.label) for s in StpStatus],
        ],
        validators=[Optional()],
        description="Only for Software Technology Parks. Parks being set up or planned cannot host yet.",
    )
    capacity = IntegerField(
        "Capacity (seats)", validators=[InputRequired(), NumberRange(min=1, max=5000)]
    )
    address = StringField("Address", validators=[Optional(), Length(max=300)])
    facilities = TextAreaField(
        "Facilities",
        validators=[Optional(), Length(max=2000)],
        description="Projector, Wi-Fi, parking, prayer room, step-free access …",
    )
    active = BooleanField("Available for new meetups", default=True)

    def validate_stp_status(self, field: SelectField) -> None:
        if self.kind.data == VenueKind.STP.value and not field.data:
            raise ValidationError("Give the Software Technology Park's status.")


class SettingsForm(EngageForm):
    weekdays = MultiCheckboxField(
        "Meetup weekdays",
        choices=[SelectChoice(v, label) for v, label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)],
        validators=[DataRequired("Choose at least one weekday.")],
    )
    max_per_week = IntegerField(
        "Most meetups a week (all cities)", validators=[InputRequired(), NumberRange(1, 50)]
    )
    min_gap_days = IntegerField(
        "Least days between two meetups in one city",
        validators=[InputRequired(), NumberRange(0, 365)],
    )
    min_per_city = IntegerField(
        "Meetups wanted per city in the horizon", validators=[InputRequired(), NumberRange(0, 20)]
    )
    max_per_city = IntegerField(
        "Most meetups per city in the horizon", validators=[InputRequired(), NumberRange(0, 20)]
    )
    ramadan_avoid = BooleanField("No meetups in Ramadan (1 Ramadan to 1 Shawwal)")
    public_holidays = SelectField(
        "Public holidays",
        choices=[
            SelectChoice("PK", "Pakistan (holidays library)"),
            SelectChoice("", "Ignore holidays"),
        ],
    )
    horizon_start = DateField(
        "Fixed first day",
        validators=[Optional()],
        description="Leave empty for a rolling horizon starting next Monday.",
    )
    horizon_weeks = IntegerField(
        "Horizon (weeks)", validators=[InputRequired(), NumberRange(1, 104)]
    )
    start_time = TimeField("Meetups start at (Pakistan time)", validators=[InputRequired()])
    duration_minutes = IntegerField(
        "Length (minutes)", validators=[InputRequired(), NumberRange(15, 12 * 60)]
    )

    def validate_max_per_city(self, field: IntegerField) -> None:
        least = self.min_per_city.data
        if field.data is not None and least is not None and field.data < least:
            raise ValidationError("Must be at least the number wanted per city.")


class TeamForm(EngageForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        "Roadmap id",
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message="Lower-case letters, digits and dashes."),
        ],
        description="Stable id in exported roadmap files, e.g. north.",
    )
    home_city_id = SelectField("Home city", coerce=int, validators=[Optional()])
    max_per_week = IntegerField(
        "Meetups a week it can run", validators=[InputRequired(), NumberRange(1, 7)]
    )
    members = MultiCheckboxField("Members (staff)", coerce=int, validators=[Optional()])
    cities = MultiCheckboxField("Cities it covers", coerce=int, validators=[Optional()])


class AbsenceForm(EngageForm):
    starts_on = DateField("First day", validators=[DataRequired()])
    ends_on = DateField("Last day", validators=[DataRequired(), _ends_after_start])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)])


class ClosureForm(EngageForm):
    city_id = SelectField(
        "City", coerce=int, description="Choose “Whole country” for a national closure."
    )
    starts_on = DateField("First day", validators=[DataRequired()])
    ends_on = DateField("Last day", validators=[DataRequired(), _ends_after_start])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=200)])
    every_year = BooleanField("Every year (seasonal, e.g. winter road access)")


class MoveForm(EngageForm):
    day = DateField("New date", validators=[DataRequired()])
    team_id = SelectField("Team", coerce=int, validators=[DataRequired()])


class ImportPlanForm(EngageForm):
    plan_file = FileField(
        "Plan file (JSON)",
        validators=[FileRequired("Choose a plan file."), FileAllowed(["json"], "A .json file.")],
    )


class AgendaForm(EngageForm):
    agenda = TextAreaField(
        "Agenda", validators=[Optional(), Length(max=5000)], description="One item per line."
    )


_ATTENDEE_LINE = re.compile(r"^\s*(?P<name>[^<,;]+?)\s*[<,;]\s*(?P<email>[^\s<>,;]+)\s*>?\s*$")


def parse_colleagues(text: str) -> list[tuple[str, str]]:
    """``Name <email>`` or ``Name, email`` per line → pairs; raises ValueError naming the line."""
    pairs = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = _ATTENDEE_LINE.match(line)
        if not match:
            raise ValueError(
                _("Line %(number)s: write “Name <email>” or “Name, email”.", number=number)
            )
        pairs.append((match["name"].strip(), match["email"].strip()))
    return pairs


class RegisterForm(EngageForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Your email"), validators=[DataRequired(), ValidEmail(), Length(max=254)])
    colleagues = TextAreaField(
        _l("Colleagues to register too"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One per line: Name <email>. Company representatives only."),
    )

    def validate_colleagues(self, field: TextAreaField) -> None:
        try:
            parse_colleagues(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error)) from error


class ReportForm(EngageForm):
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=10000)])
    outcomes = TextAreaField("Outcomes", validators=[Optional(), Length(max=10000)])
    follow_ups = TextAreaField(
        "Follow-ups",
        validators=[Optional(), Length(max=10000)],
        description="Who does what, by when.",
    )


class FeedbackForm(EngageForm):
    rating = RadioField(
        _l("How useful was the meetup?"),
        choices=[
            SelectChoice("5", _l("5 – very useful")),
            SelectChoice("4", "4"),
            SelectChoice("3", "3"),
            SelectChoice("2", "2"),
            SelectChoice("1", _l("1 – not useful")),
        ],
        validators=[DataRequired(_l("Choose a rating from 1 to 5."))],
    )
    useful = TextAreaField(_l("What was most useful?"), validators=[Optional(), Length(max=2000)])
    comments = TextAreaField(_l("Anything else?"), validators=[Optional(), Length(max=2000)])
