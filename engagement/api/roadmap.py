"""The public meetup roadmap: published meetups with city and venue."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app
from marshmallow import ValidationError, fields, validates_schema

from engagement.api.events import EventSchema, present_events
from engagement.api.schemas import BoundedDate, Strict
from engagement.api.spec import api_blueprint
from engagement.auth.access import login_required
from engagement.core.timefmt import localtime
from engagement.meetups import services as meetups

blp = api_blueprint(
    "roadmap", __name__, "Roadmap", "PSEB's published meetups across Pakistan's cities."
)


class RoadmapQuery(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    from_ = BoundedDate(data_key="from", metadata={"description": "On or after (PKT date)"})
    to = BoundedDate(metadata={"description": "On or before (PKT date)"})

    @validates_schema
    def _order(self, data: dict, **kwargs: object) -> None:
        if data.get("from_") and data.get("to") and data["to"] < data["from_"]:
            raise ValidationError("Must not be before from.", "to")


class RoadmapSchema(Strict):
    items = fields.List(fields.Nested(EventSchema), required=True)


@blp.route("/roadmap", methods=["GET"])
@login_required
@blp.arguments(RoadmapQuery, location="query")
@blp.response(200, RoadmapSchema)
@blp.errors(401, 422)
def roadmap(args: dict):
    """Upcoming published meetups (as on the public roadmap), optionally between two dates."""
    zone = current_app.config["TIMEZONE"]
    rows = [
        meetup
        for meetup in meetups.upcoming_meetup_rows()
        if (
            not args.get("from_") or localtime(meetup.event.starts_at, zone).date() >= args["from_"]
        )
        and (not args.get("to") or localtime(meetup.event.starts_at, zone).date() <= args["to"])
    ]
    return {"items": present_events([meetup.event for meetup in rows])}
