"""The staff report: funnel, median response and resolution times, by sphere and by place."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from engagement.directory.models import City, Province
from engagement.extensions import db
from engagement.facilitation.models import (
    SPHERE_LABELS,
    FacilitationRequest,
    RequestEvent,
    RequestState,
    Sphere,
)

#: The funnel's steps: a request counts at a step when it ever reached that state.
FUNNEL = (
    RequestState.SUBMITTED,
    RequestState.IN_REVIEW,
    RequestState.REFERRED,
    RequestState.RESOLVED,
)


@dataclass
class Group:
    """Figures for one slice (all requests, a sphere, a province or a city)."""

    label: str
    funnel: dict[RequestState, int] = field(default_factory=lambda: dict.fromkeys(FUNNEL, 0))
    response_hours: list[float] = field(default_factory=list)
    resolution_hours: list[float] = field(default_factory=list)

    @property
    def median_response_hours(self) -> float | None:
        return statistics.median(self.response_hours) if self.response_hours else None

    @property
    def median_resolution_hours(self) -> float | None:
        return statistics.median(self.resolution_hours) if self.resolution_hours else None


@dataclass
class Report:
    total: Group
    by_sphere: list[Group]
    by_province: list[Group]
    by_city: list[Group]


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds() / 3600, 2)


def build_report() -> Report:
    """Compute the report from requests and their audit trail (two queries)."""
    rows = db.session.execute(
        sa.select(
            FacilitationRequest.id,
            FacilitationRequest.sphere,
            FacilitationRequest.submitted_at,
            FacilitationRequest.first_response_at,
            FacilitationRequest.closed_at,
            FacilitationRequest.state,
            City.name,
            Province.name,
        )
        .outerjoin(City, City.id == FacilitationRequest.city_id)
        .outerjoin(Province, Province.id == City.province_id)
        .where(FacilitationRequest.submitted_at.is_not(None))
        .order_by(FacilitationRequest.id)
    ).all()
    reached: dict[int, set[RequestState]] = {}
    for request_id, state in db.session.execute(
        sa.select(RequestEvent.request_id, RequestEvent.to_state)
        .where(RequestEvent.to_state.in_(FUNNEL))
        .distinct()
    ):
        reached.setdefault(request_id, set()).add(state)

    total = Group(_("All requests"))
    spheres = {s: Group(SPHERE_LABELS[s]) for s in Sphere}
    provinces: dict[str, Group] = {}
    cities: dict[str, Group] = {}
    for request_id, sphere, submitted, first_response, closed, state, city, province in rows:
        groups = [
            total,
            spheres[sphere],
            provinces.setdefault(
                province or "No city given", Group(province or _("No city given"))
            ),
            cities.setdefault(city or "No city given", Group(city or _("No city given"))),
        ]
        states = reached.get(request_id, set())
        response = _hours(submitted, first_response)
        resolution = _hours(submitted, closed) if state == RequestState.RESOLVED else None
        for group in groups:
            for step in FUNNEL:
                if step in states:
                    group.funnel[step] += 1
            if response is not None:
                group.response_hours.append(response)
            if resolution is not None:
                group.resolution_hours.append(resolution)
    return Report(
        total=total,
        by_sphere=list(spheres.values()),
        by_province=sorted(provinces.values(), key=lambda g: g.label),
        by_city=sorted(cities.values(), key=lambda g: g.label),
    )


def report_csv(report: Report) -> str:
    """The report as CSV: one row per slice."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["dimension", "group"]
        + [f"reached_{s.value}" for s in FUNNEL]
        + ["median_hours_to_first_response", "median_hours_to_resolution"]
    )
    slices = [("all", [report.total]), ("sphere", report.by_sphere)]
    slices += [("province", report.by_province), ("city", report.by_city)]
    for dimension, groups in slices:
        for group in groups:
            writer.writerow(
                [dimension, group.label]
                + [group.funnel[s] for s in FUNNEL]
                + [
                    "" if group.median_response_hours is None else group.median_response_hours,
                    "" if group.median_resolution_hours is None else group.median_resolution_hours,
                ]
            )
    return out.getvalue()
