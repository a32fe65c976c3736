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
WEEKDAY_LABELS = [
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
]


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes (works without JavaScript, unlike a multi-select on phones)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _ends_after_start(form: EngageForm, field: DateField) -> None:
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError(_("The last day must be on or after the first day."))


class VenueForm(EngageForm):
    city_id = SelectField(_l("City"), coerce=int, validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.label) for k in VenueKind])
    stp_status = SelectField(
        _l("Software Technology Park status"),
        choices=[
            SelectChoice("", _l("Not an STP")),
            *[SelectChoice(s.value, s.label) for s in StpStatus],
        ],
        validators=[Optional()],
        description=_l(
            "Only for Software Technology Parks. Parks being set up or planned cannot host yet."
        ),
    )
    capacity = IntegerField(
        _l("Capacity (seats)"), validators=[InputRequired(), NumberRange(min=1, max=5000)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    facilities = TextAreaField(
        _l("Facilities"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Projector, Wi-Fi, parking, prayer room, step-free access …"),
    )
    active = BooleanField(_l("Available for new meetups"), default=True)

    def validate_stp_status(self, field: SelectField) -> None:
        if self.kind.data == VenueKind.STP.value and not field.data:
            raise ValidationError(_("Give the Software Technology Park's status."))


class SettingsForm(EngageForm):
    weekdays = MultiCheckboxField(
        _l("Meetup weekdays"),
        choices=[SelectChoice(v, label) for v, label in zip(WEEKDAYS, WEEKDAY_LABELS, strict=True)],
        validators=[DataRequired(_l("Choose at least one weekday."))],
    )
    max_per_week = IntegerField(
        _l("Most meetups a week (all cities)"), validators=[InputRequired(), NumberRange(1, 50)]
    )
    min_gap_days = IntegerField(
        _l("Least days between two meetups in one city"),
        validators=[InputRequired(), NumberRange(0, 365)],
    )
    min_per_city = IntegerField(
        _l("Meetups wanted per city in the horizon"),
        validators=[InputRequired(), NumberRange(0, 20)],
    )
    max_per_city = IntegerField(
        _l("Most meetups per city in the horizon"), validators=[InputRequired(), NumberRange(0, 20)]
    )
    ramadan_avoid = BooleanField(_l("No meetups in Ramadan (1 Ramadan to 1 Shawwal)"))
    public_holidays = SelectField(
        _l("Public holidays"),
        choices=[
            SelectChoice("PK", _l("Pakistan (holidays library)")),
            SelectChoice("", _l("Ignore holidays")),
        ],
    )
    horizon_start = DateField(
        _l("Fixed first day"),
        validators=[Optional()],
        description=_l("Leave empty for a rolling horizon starting next Monday."),
    )
    horizon_weeks = IntegerField(
        _l("Horizon (weeks)"), validators=[InputRequired(), NumberRange(1, 104)]
    )
    start_time = TimeField(_l("Meetups start at (Pakistan time)"), validators=[InputRequired()])
    duration_minutes = IntegerField(
        _l("Length (minutes)"), validators=[InputRequired(), NumberRange(15, 12 * 60)]
    )

    def validate_max_per_city(self, field: IntegerField) -> None:
        least = self.min_per_city.data
        if field.data is not None and least is not None and field.data < least:
            raise ValidationError(_("Must be at least the number wanted per city."))


class TeamForm(EngageForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    slug = StringField(
        _l("Roadmap id"),
        validators=[
            DataRequired(),
            Length(max=60),
            Regexp(
                r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Lower-case letters, digits and dashes.")
            ),
        ],
        description=_l("Stable id in exported roadmap files, e.g. north."),
    )
    home_city_id = SelectField(_l("Home city"), coerce=int, validators=[Optional()])
    max_per_week = IntegerField(
        _l("Meetups a week it can run"), validators=[InputRequired(), NumberRange(1, 7)]
    )
    members = MultiCheckboxField(_l("Members (staff)"), coerce=int, validators=[Optional()])
    cities = MultiCheckboxField(_l("Cities it covers"), coerce=int, validators=[Optional()])


class AbsenceForm(EngageForm):
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(), _ends_after_start])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])


class ClosureForm(EngageForm):
    city_id = SelectField(
        _l("City"), coerce=int, description=_l("Choose “Whole country” for a national closure.")
    )
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(), _ends_after_start])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=200)])
    every_year = BooleanField(_l("Every year (seasonal, e.g. winter road access)"))


class MoveForm(EngageForm):
    day = DateField(_l("New date"), validators=[DataRequired()])
    team_id = SelectField(_l("Team"), coerce=int, validators=[DataRequired()])


class ImportPlanForm(EngageForm):
    plan_file = FileField(
        _l("Plan file (JSON)"),
        validators=[
            FileRequired(_l("Choose a plan file.")),
            FileAllowed(["json"], _l("A .json file.")),
        ],
    )


class AgendaForm(EngageForm):
    agenda = TextAreaField(
        _l("Agenda"),
        validators=[Optional(), Length(max=5000)],
        description=_l("One item per line."),
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
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=10000)])
    outcomes = TextAreaField(_l("Outcomes"), validators=[Optional(), Length(max=10000)])
    follow_ups = TextAreaField(
        _l("Follow-ups"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Who does what, by when."),
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
