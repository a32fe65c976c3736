"""Staff: the impact dashboard's headline figures for any dates (engagement.dashboard.metrics)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import ValidationError, fields, validates_schema

from engagement import clock
from engagement.api.schemas import BoundedDate, Strict
from engagement.api.spec import api_blueprint
from engagement.auth.access import staff_required
from engagement.dashboard import metrics
from engagement.dashboard.periods import custom, quarter_of, today_pk

blp = api_blueprint(
    "metrics",
    __name__,
    "Metrics",
    "Staff: the impact dashboard's figures for a period against the same period a year earlier.",
)


class MetricsQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    from_ = BoundedDate(
        data_key="from",
        metadata={
            "description": "First day (PKT); give `from` and `to` together (`to` not before "
            "`from`); neither: this quarter"
        },
    )
    to = BoundedDate(metadata={"description": "Last day (PKT), included"})

    @validates_schema
    def _both_in_order(self, data: dict, **kwargs: object) -> None:
        if "from_" in data and "to" not in data:
            raise ValidationError("Give to as well.", "to")
        if "to" in data and "from_" not in data:
            raise ValidationError("Give from as well.", "from")
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("Must not be before from.", "to")


class Num(fields.Float):
    """A JSON number kept as it is (counts stay integers)."""

    def _format_num(self, value: Any) -> Any:
        return value


class MetricSchema(Strict):
    value = Num(required=True, allow_none=True)
    previous = Num(required=True, allow_none=True)
    growth_pct = fields.Float(
        required=True, allow_none=True, metadata={"description": "(value - previous) / previous"}
    )


class QuarterSchema(Strict):
    quarter_start = fields.Date(required=True)
    label = fields.String(required=True)
    computer_services_usd_m = fields.Float(required=True, allow_none=True)
    ict_services_usd_m = fields.Float(required=True, allow_none=True)
    computer_services_before_usd_m = fields.Float(
        required=True, allow_none=True, metadata={"description": "The same quarter a year before"}
    )
    ict_services_before_usd_m = fields.Float(required=True, allow_none=True)
    computer_growth_pct = fields.Float(required=True, allow_none=True)
    ict_growth_pct = fields.Float(required=True, allow_none=True)
    source = fields.String(required=True)


class PeriodSchema(Strict):
    from_ = fields.Date(required=True, data_key="from")
    to = fields.Date(required=True)
    label = fields.String(required=True)


MetricsSchema = Strict.from_dict(
    {
        "period": fields.Nested(PeriodSchema, required=True),
        "previous_period": fields.Nested(PeriodSchema, required=True),
        **{key: fields.Nested(MetricSchema, required=True) for key in metrics.API_KEYS},
        "export_remittances": fields.List(fields.Nested(QuarterSchema), required=True),
    },
    name="Metrics",
)


def _period(period: Any) -> dict[str, Any]:
    return {"from_": period.first, "to": period.last, "label": period.label}


@blp.route("/metrics", methods=["GET"])
@staff_required
@blp.arguments(MetricsQuery, location="query")
@blp.response(200, MetricsSchema)
@blp.errors(401, 403, 422)
def metrics_view(args: dict):
    """Headline figures (value, the same period a year earlier, growth in percent) and the
    export remittance quarters; without dates, this quarter."""
    if args.get("from_"):
        period = custom(args["from_"], args["to"])
    else:
        period = quarter_of(today_pk(clock.now()))
    board = metrics.dashboard_for(period)
    return {
        "period": _period(board.period),
        "previous_period": _period(board.previous),
        **{key: board.figure(key).as_json() for key in metrics.API_KEYS},
        "export_remittances": board.remittance_quarters,
    }
