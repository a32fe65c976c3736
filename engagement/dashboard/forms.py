"""Staff forms for export remittance figures."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from engagement.core.validation import EngageForm
from engagement.dashboard.services import quarter_problem


class RemittanceForm(EngageForm):
    quarter_start = DateField(
        _l("Quarter (first day)"),
        validators=[DataRequired()],
        description=_l("1 January, 1 April, 1 July or 1 October."),
    )
    computer_services_usd_m = DecimalField(
        _l("Computer and call-centre services (US$ million)"),
        places=3,
        validators=[DataRequired(), NumberRange(min=0, max=999_999_999)],
    )
    ict_services_usd_m = DecimalField(
        _l("Including telecommunication, computer and information services (US$ million)"),
        places=3,
        validators=[Optional(), NumberRange(min=0, max=999_999_999)],
    )
    source = StringField(_l("Source"), validators=[Length(max=300)])

    def validate_quarter_start(self, field: DateField) -> None:
        if field.data and (problem := quarter_problem(field.data)):
            raise ValidationError(problem)


class RemittanceImportForm(EngageForm):
    file = FileField(
        _l("CSV file"),
        validators=[FileRequired()],
        description=_l(
            "Columns quarter_start, computer_services_usd_m, ict_services_usd_m, source."
        ),
    )
