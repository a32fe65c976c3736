"""Every figure of the impact dashboard, for a period and the same period a year earlier.

Each section is computed by a few aggregate statements (GROUP BY and conditional sums over
both periods at once), so the number of statements is the same whatever the amount of data and
no table's rows are loaded into Python. Medians of working days are computed from rows grouped
by (start day, end day) pairs, whose number is bounded by the days in the period, not by the
number of requests.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from engagement import clock
from engagement.core.i18n import current_language
from engagement.core.timefmt import format_date
from engagement.dashboard.models import ExportRemittance
from engagement.dashboard.periods import (
    Period,
    day_label,
    fiscal_year_label,
    growth_pct,
    pk_midnight_utc,
    quarter_of,
    today_pk,
    year_earlier,
)
from engagement.directory.models import (
    City,
    Company,
    District,
    OverseasEntity,
    Province,
    Sector,
    company_sector,
)
from engagement.directory.services import country_name
from engagement.events.models import SEAT_STATES, Event, EventKind, EventState, Registration
from engagement.extensions import cache, db
from engagement.facilitation import sla
from engagement.facilitation.models import (
    SPHERE_LABELS,
    FacilitationRequest,
    Referral,
    ReferralOutcome,
    RequestState,
    Sphere,
)
from engagement.meetups.models import Meetup, StpStatus, Venue, VenueKind
from engagement.partners.models import MeetingOutcome, MeetingRequest, MeetingState
from engagement.roadmap.models import EntryState, RoadmapEntry
from engagement.webinars.models import webinar_partner

#: Event states of an event that took place (once its end has passed).
HELD_STATES = (EventState.PUBLISHED, EventState.REGISTRATION_CLOSED, EventState.COMPLETED)
NO_CITY = "No city given"
#: Units as shown beside a figure's label (the ``unit`` values stay English: CSV and the API).
UNIT_LABELS = {"US$ million": _l("US$ million"), "working days": _l("working days"), "%": "%"}


# --- Figures, tables, sections -------------------------------------------------------------------


@dataclass
class Figure:
    """One number for the period, the same number a year earlier, and the growth."""

    key: str
    label: str
    value: float | int | None
    previous: float | int | None = None
    #: "" (a count), "%", "US$ million" or "working days".
    unit: str = ""
    #: (endpoint, query args) of the list of records behind the figure.
    link: tuple[str, dict[str, Any]] | None = None
    #: False for a figure that has no year-earlier value (a state as of today).
    compared: bool = True

    @property
    def growth_pct(self) -> float | None:
        return growth_pct(self.value, self.previous) if self.compared else None

    @property
    def unit_label(self) -> str:
        """The unit as people read it, in their language ("" for a count)."""
        return str(UNIT_LABELS.get(self.unit, self.unit))

    def as_json(self) -> dict[str, Any]:
        return {"value": self.value, "previous": self.previous, "growth_pct": self.growth_pct}


@dataclass
class Table:
    """A breakdown: one row per group; ``chart`` columns are drawn as bars."""

    key: str
    title: str
    headers: list[str]
    rows: list[list[Any]]
    #: Indexes of the numeric columns to chart (first: the period, second: a year earlier).
    chart: tuple[int, ...] = (1, 2)


@dataclass
class Section:
    key: str
    title: str
    figures: list[Figure]
    tables: list[Table] = field(default_factory=list)
    note: str = ""

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


@dataclass
class Dashboard:
    period: Period
    previous: Period
    sections: list[Section]
    #: Held meetups per city id in the period (for the map).
    meetups_by_city: dict[int, int] = field(default_factory=dict)
    remittance_quarters: list[dict[str, Any]] = field(default_factory=list)
    #: When the figures were computed (a cached dashboard says how old it is).
    computed_at: datetime = field(default_factory=clock.now)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def figure(self, key: str) -> Figure:
        for section in self.sections:
            for figure in section.figures:
                if figure.key == key:
                    return figure
        raise KeyError(key)

    def table(self, key: str) -> Table:
        for section in self.sections:
            for table in section.tables:
                if table.key == key:
                    return table
        raise KeyError(key)


# --- SQL helpers ---------------------------------------------------------------------------------


class pk_date(FunctionElement):  # noqa: N801 - reads as a SQL function
    """The Pakistani calendar day of a UTC timestamp column."""

    type = sa.Date()
    inherit_cache = True
    name = "pk_date"


@compiles(pk_date)
def _pk_date_postgresql(element: pk_date, compiler: Any, **kw: Any) -> str:
    return f"CAST(timezone('Asia/Karachi', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(pk_date, "sqlite")
def _pk_date_sqlite(element: pk_date, compiler: Any, **kw: Any) -> str:
    # SQLite keeps UTC text; Pakistan has been UTC+5 without daylight saving since 2009.
    return f"date({compiler.process(element.clauses, **kw)}, '+5 hours')"


def _within(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.start_utc, column < period.end_utc)


def _days_within(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.first, column <= period.last)


def _count_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _distinct_if(condition: sa.ColumnElement[bool], column: Any) -> sa.ColumnElement[int]:
    return sa.func.count(sa.distinct(sa.case((condition, column))))


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _number(value: Decimal | float | int | None) -> float | None:
    return None if value is None else float(value)


def _held(kind: EventKind) -> sa.ColumnElement[bool]:
    """An event of ``kind`` that took place: not a draft or cancelled, and its end has passed."""
    return sa.and_(Event.kind == kind, Event.state.in_(HELD_STATES), Event.ends_at <= clock.now())


def _either(column: Any, now: Period, before: Period) -> sa.ColumnElement[bool]:
    return sa.or_(_within(column, now), _within(column, before))


def _weighted_median(counts: dict[int, int]) -> float | None:
    """Median of values given as {value: how many}."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}
    picked: list[int] = []
    seen = 0
    for value in sorted(counts):
        for position in sorted(wanted):
            if seen <= position < seen + counts[value]:
                picked.append(value)
        seen += counts[value]
    return round(sum(picked) / len(picked), 1)


def _as_date(value: date | str) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _working_day_medians(
    start: Any, end: Any, where: sa.ColumnElement[bool], now: Period, before: Period
) -> tuple[float | None, float | None]:
    """Median working days from ``start`` to ``end`` (engagement.facilitation.sla's count) of the
    requests whose ``end`` falls in each period; one statement grouped by (day, day)."""
    which = sa.case((_within(end, now), "now"), else_="before")
    rows = db.session.execute(
        sa.select(which, pk_date(start), pk_date(end), sa.func.count())
        .where(where, _either(end, now, before))
        .group_by(which, pk_date(start), pk_date(end))
    ).all()
    pairs = [(key, _as_date(first), _as_date(last), n) for key, first, last, n in rows]
    between = _working_days_counter([day for _, a, b, _ in pairs for day in (a, b)])
    counts: dict[str, dict[int, int]] = {"now": defaultdict(int), "before": defaultdict(int)}
    for period_key, first, last, count in pairs:
        counts[period_key][between(first, last)] += count
    return _weighted_median(counts["now"]), _weighted_median(counts["before"])


def _working_days_counter(days: list[date]) -> Callable[[date, date], int]:
    """``sla.working_days_between`` for days (working days after the first, up to and including
    the second), answered from one running count over the span instead of a walk per pair."""
    if not days:
        return lambda first, last: 0
    running: dict[date, int] = {}
    day, last_day, count = min(days), max(days), 0
    while day <= last_day:
        count += sla.is_working_day(day)
        running[day] = count
        day += timedelta(days=1)
    return lambda first, last: max(0, running[last] - running[first])


# --- Sections ------------------------------------------------------------------------------------


def as_of_days(now: Period, before: Period) -> tuple[date, date]:
    """The days registrations are counted on: each period's last day, or today and the same day
    a year before while the period is still running."""
    day_now = now.as_of(today_pk(clock.now()))
    return day_now, min(year_earlier(day_now), before.last)


def companies_figures(now: Period, before: Period) -> Section:
    """Verified PSEB registrations valid at each period's end (or today and the same day a year
    before, while the period runs), new ones, by province and by sector."""
    verified = Company.registration_verified_at
    day_now, day_before = as_of_days(now, before)
    at_end = verified < pk_midnight_utc(day_now + timedelta(days=1))
    at_before_end = verified < pk_midnight_utc(day_before + timedelta(days=1))
    totals = db.session.execute(
        sa.select(
            _count_if(at_end),
            _count_if(at_before_end),
            _count_if(_within(verified, now)),
            _count_if(_within(verified, before)),
        ).where(verified.is_not(None))
    ).one()
    by_province = db.session.execute(
        sa.select(Province.name, _count_if(at_end), _count_if(at_before_end))
        .select_from(Company)
        .outerjoin(City, City.id == Company.city_id)
        .outerjoin(Province, Province.id == City.province_id)
        .where(verified.is_not(None), at_end)
        .group_by(Province.name)
        .order_by(Province.name)
    ).all()
    by_sector = db.session.execute(
        sa.select(Sector.name, _count_if(at_end), _count_if(at_before_end))
        .select_from(Company)
        .join(company_sector, company_sector.c.company_id == Company.id)
        .join(Sector, Sector.id == company_sector.c.sector_id)
        .where(verified.is_not(None), at_end)
        .group_by(Sector.id, Sector.name)
        .order_by(Sector.id)
    ).all()
    link = ("directory.companies", {"verified": "yes"})
    end_headers = [
        _("On %(day)s", day=day_label(day_now)),
        _("On %(day)s", day=day_label(day_before)),
        _("Growth %"),
    ]
    return Section(
        "companies",
        _("Companies"),
        [
            Figure(
                "companies_registered",
                _("PSEB-registered IT and ITeS companies"),
                totals[0],
                totals[1],
                link=link,
            ),
            Figure(
                "companies_new",
                _("New registrations in the period"),
                totals[2],
                totals[3],
                link=link,
            ),
        ],
        [
            Table(
                "companies_by_province",
                _("Registered companies by province"),
                [_("Province"), *end_headers],
                [
                    [name or _("No city given"), a, b, growth_pct(a, b)]
                    for name, a, b in by_province
                ],
            ),
            Table(
                "companies_by_sector",
                _("Registered companies by sector"),
                [_("Sector"), *end_headers],
                [[name, a, b, growth_pct(a, b)] for name, a, b in by_sector],
            ),
        ],
        note=_("A company counts once staff have verified its PSEB registration number."),
    )


def _overlapping_quarters(period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(
        ExportRemittance.quarter_start >= quarter_of(period.first).first,
        ExportRemittance.quarter_start <= period.last,
    )


def quarter_label(quarter_start: date) -> str:
    """``July-September FY 2020-21``."""
    end = quarter_of(quarter_start).last
    month, until = format_date(quarter_start, "MMMM"), format_date(end, "MMMM yyyy")
    return f"{month}-{until} ({fiscal_year_label(quarter_start)})"


#: Quarters listed under the remittance figures (the latest up to the period's end).
LISTED_QUARTERS = 8


def remittance_figures(now: Period, before: Period) -> tuple[Section, list[dict[str, Any]]]:
    """Quarters overlapping each period, summed, in both series; and the latest quarters up to
    the period's end, each with its growth against the same quarter a year before."""
    in_now, in_before = _overlapping_quarters(now), _overlapping_quarters(before)
    computer, ict = ExportRemittance.computer_services_usd_m, ExportRemittance.ict_services_usd_m

    def total(column: Any, where: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.sum(sa.case((where, column)))

    sums = db.session.execute(
        sa.select(
            total(computer, in_now),
            total(ict, in_now),
            total(computer, in_before),
            total(ict, in_before),
        ).where(sa.or_(in_now, in_before))
    ).one()
    # The listed quarters and the year before each: the latest 4 + LISTED_QUARTERS rows.
    rows = db.session.execute(
        sa.select(ExportRemittance.quarter_start, computer, ict, ExportRemittance.source)
        .where(ExportRemittance.quarter_start <= now.last)
        .order_by(ExportRemittance.quarter_start.desc())
        .limit(LISTED_QUARTERS + 4)
    ).all()
    by_quarter = {row[0]: row for row in rows}
    quarters: list[dict[str, Any]] = []
    for quarter_start, computer_m, ict_m, source in sorted(rows[:LISTED_QUARTERS]):
        year_before = by_quarter.get(quarter_start.replace(year=quarter_start.year - 1))
        quarters.append(
            {
                "quarter_start": quarter_start,
                "label": quarter_label(quarter_start),
                "computer_services_usd_m": _number(computer_m),
                "ict_services_usd_m": _number(ict_m),
                "source": source,
                "computer_services_before_usd_m": _number(year_before[1]) if year_before else None,
                "ict_services_before_usd_m": _number(year_before[2]) if year_before else None,
                "computer_growth_pct": growth_pct(
                    _number(computer_m), _number(year_before[1]) if year_before else None
                ),
                "ict_growth_pct": growth_pct(
                    _number(ict_m), _number(year_before[2]) if year_before else None
                ),
            }
        )
    rounded = [
        [None if v is None else round(float(v), 3) for v in pair] for pair in (sums[:2], sums[2:])
    ]
    link = ("dashboard.remittances", {})
    section = Section(
        "remittances",
        _("Export remittances"),
        [
            Figure(
                "remittances_computer_usd_m",
                _("IT and ITeS export remittances (computer and call-centre services)"),
                rounded[0][0],
                rounded[1][0],
                unit="US$ million",
                link=link,
            ),
            Figure(
                "remittances_ict_usd_m",
                _("Including telecommunication, computer and information services"),
                rounded[0][1],
                rounded[1][1],
                unit="US$ million",
                link=link,
            ),
        ],
        [
            Table(
                "remittances_by_quarter",
                _(
                    "Export remittances by quarter (US$ million), latest quarters up to the period's end"
                ),
                [
                    _("Quarter"),
                    _("Computer and call-centre"),
                    _("Incl. telecom and information"),
                    _("Growth % (computer)"),
                    _("Growth % (incl. telecom)"),
                    _("Source"),
                ],
                [
                    [
                        q["label"],
                        q["computer_services_usd_m"],
                        q["ict_services_usd_m"],
                        q["computer_growth_pct"],
                        q["ict_growth_pct"],
                        q["source"],
                    ]
                    for q in quarters
                ],
            )
        ],
        note=_(
            "Quarters (as staff entered them) that overlap the period; a year earlier the same."
        ),
    )
    return section, quarters


#: Seat totals of one kind of event: (registered now, before, checked in now, before,
#: organisations now, before).
SeatTotals = tuple[int, int, int, int, int, int]


def seat_totals(now: Period, before: Period) -> dict[EventKind, SeatTotals]:
    """Registrations holding a seat at held webinars and meetups, their check-ins and distinct
    organisations, per kind and period: one statement (one pass over registrations), plain sums
    since there is one row per registration."""
    in_now, in_before = _within(Event.starts_at, now), _within(Event.starts_at, before)
    checked_in = Registration.checked_in_at.is_not(None)
    held = sa.or_(_held(EventKind.WEBINAR), _held(EventKind.MEETUP))
    rows = db.session.execute(
        sa.select(
            Event.kind,
            _count_if(in_now),
            _count_if(in_before),
            _count_if(sa.and_(in_now, checked_in)),
            _count_if(sa.and_(in_before, checked_in)),
            _distinct_if(in_now, Registration.organisation_id),
            _distinct_if(in_before, Registration.organisation_id),
        )
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.state.in_(SEAT_STATES), held, sa.or_(in_now, in_before))
        .group_by(Event.kind)
    ).all()
    totals: dict[EventKind, SeatTotals] = dict.fromkeys(EventKind, (0, 0, 0, 0, 0, 0))
    for kind, *numbers in rows:
        totals[kind] = tuple(numbers)  # type: ignore[assignment]
    return totals


def webinar_figures(now: Period, before: Period, seats: SeatTotals) -> Section:
    """Webinars held, overseas entities and countries engaged, registrations and check-ins."""
    held = _held(EventKind.WEBINAR)
    in_now, in_before = _within(Event.starts_at, now), _within(Event.starts_at, before)
    either = sa.or_(in_now, in_before)
    events = db.session.execute(
        sa.select(_count_if(in_now), _count_if(in_before)).select_from(Event).where(held, either)
    ).one()
    # events, registrations, organisations, check-ins: (period, a year earlier) each
    totals = (*events, *seats[0:2], *seats[4:6], *seats[2:4])
    partners = (
        sa.select(
            _distinct_if(in_now, OverseasEntity.id),
            _distinct_if(in_before, OverseasEntity.id),
            _distinct_if(in_now, OverseasEntity.country_code),
            _distinct_if(in_before, OverseasEntity.country_code),
        )
        .select_from(Event)
        .join(webinar_partner, webinar_partner.c.webinar_id == Event.id)
        .join(OverseasEntity, OverseasEntity.id == webinar_partner.c.overseas_entity_id)
        .where(held, sa.or_(in_now, in_before))
    )
    entities = db.session.execute(partners).one()
    # Per country: each webinar once (however many of its partners come from there), with its
    # seats from a per-webinar count, so registrations are never joined to partners (which
    # multiplied them and needed DISTINCT over every registration).
    partnered = (
        sa.select(Event.id)
        .join(webinar_partner, webinar_partner.c.webinar_id == Event.id)
        .join(OverseasEntity, OverseasEntity.id == webinar_partner.c.overseas_entity_id)
        .where(held)
    )
    country_webinars = (
        partnered.with_only_columns(
            OverseasEntity.country_code.label("code"),
            Event.id.label("event_id"),
            sa.case((in_now, 1), else_=0).label("is_now"),
        )
        .where(either)
        .distinct()
        .subquery()
    )
    entities_now = (
        partnered.with_only_columns(
            OverseasEntity.country_code.label("code"),
            sa.func.count(sa.distinct(OverseasEntity.id)).label("entities"),
        )
        .where(in_now)
        .group_by(OverseasEntity.country_code)
        .subquery()
    )
    seats_now = (
        sa.select(
            Registration.event_id,
            sa.func.count().label("seats"),
            sa.func.count(Registration.checked_in_at).label("came"),
        )
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.state.in_(SEAT_STATES), held, in_now)
        .group_by(Registration.event_id)
        .subquery()
    )
    cw = country_webinars.c
    by_country = db.session.execute(
        sa.select(
            cw.code,
            _count_if(cw.is_now == 1),
            _count_if(cw.is_now == 0),
            sa.func.coalesce(sa.func.max(entities_now.c.entities), 0),
            sa.func.coalesce(sa.func.sum(seats_now.c.seats), 0),
            sa.func.coalesce(sa.func.sum(seats_now.c.came), 0),
        )
        .select_from(country_webinars)
        .outerjoin(seats_now, seats_now.c.event_id == cw.event_id)
        .outerjoin(entities_now, entities_now.c.code == cw.code)
        .group_by(cw.code)
        .order_by(cw.code)
    ).all()
    registered, registered_before = totals[2], totals[3]
    attended, attended_before = totals[6], totals[7]
    link = ("webinars.past", {})
    return Section(
        "webinars",
        _("Webinars"),
        [
            Figure("webinars_held", _("Webinars held"), totals[0], totals[1], link=link),
            Figure(
                "overseas_entities_engaged",
                _("Overseas entities engaged"),
                entities[0],
                entities[1],
                link=("directory.overseas", {}),
            ),
            Figure("countries_engaged", _("Countries engaged"), entities[2], entities[3]),
            Figure(
                "webinar_companies_registered",
                _("Companies registered"),
                totals[4],
                totals[5],
                link=("events.staff_index", {}),
            ),
            Figure(
                "webinar_registrations",
                _("People registered"),
                registered,
                registered_before,
                link=("events.staff_index", {}),
            ),
            Figure(
                "webinar_attendance", _("People attended (checked in)"), attended, attended_before
            ),
            Figure(
                "webinar_attendance_rate_pct",
                _("Attendance rate"),
                _rate(attended, registered),
                _rate(attended_before, registered_before),
                unit="%",
            ),
            Figure(
                "webinar_no_show_rate_pct",
                _("No-show rate"),
                _rate(registered - attended, registered),
                _rate(registered_before - attended_before, registered_before),
                unit="%",
            ),
        ],
        [
            Table(
                "webinars_by_country",
                _("Webinars by partner country"),
                [
                    _("Country"),
                    _("Webinars held"),
                    _("A year earlier"),
                    _("Entities"),
                    _("Registered"),
                    _("Attended"),
                ],
                [
                    [country_name(code) or code, held_now, held_before, n_entities, regs, came]
                    for code, held_now, held_before, n_entities, regs, came in by_country
                ],
            )
        ],
        note=_(
            "A registration counts when it holds a seat; attendance is a check-in at the event."
        ),
    )


def meetings_figures(now: Period, before: Period) -> Section:
    """B2B meetings between partners and Pakistani companies (``engagement.partners``): requested
    in the period, accepted (decided in it), held (an accepted slot in the period that has passed),
    outcomes recorded and contract value reported in it; by partner country and by webinar. One
    aggregate statement for each of the three."""
    moment = clock.now()
    accepted = MeetingRequest.state == MeetingState.ACCEPTED
    held = sa.and_(accepted, MeetingRequest.slot_at <= moment)
    contract = MeetingRequest.outcome == MeetingOutcome.CONTRACT
    value = MeetingRequest.value_usd

    def _value_if(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    columns = []
    for period in (now, before):
        columns += [
            _count_if(_within(MeetingRequest.created_at, period)),
            _count_if(sa.and_(accepted, _within(MeetingRequest.decided_at, period))),
            _count_if(sa.and_(held, _within(MeetingRequest.slot_at, period))),
            _count_if(sa.and_(contract, _within(MeetingRequest.outcome_at, period))),
            _value_if(sa.and_(contract, _within(MeetingRequest.outcome_at, period))),
        ]
    relevant = sa.or_(
        *(
            _either(column, now, before)
            for column in (
                MeetingRequest.created_at,
                MeetingRequest.decided_at,
                MeetingRequest.slot_at,
                MeetingRequest.outcome_at,
            )
        )
    )
    totals = db.session.execute(sa.select(*columns).where(relevant)).one()
    by_country = db.session.execute(
        sa.select(OverseasEntity.country_code, *columns)
        .join(OverseasEntity, OverseasEntity.id == MeetingRequest.overseas_entity_id)
        .where(relevant)
        .group_by(OverseasEntity.country_code)
        .order_by(OverseasEntity.country_code)
    ).all()
    by_webinar = db.session.execute(
        sa.select(Event.title, *columns)
        .join(Event, Event.id == MeetingRequest.event_id)
        .where(relevant)
        .group_by(Event.id, Event.title)
        .order_by(Event.title)
    ).all()
    link = ("partners.staff_meetings", {})

    def money(amount: Any) -> float:
        return float(Decimal(amount or 0).quantize(Decimal("0.01")))

    def table_row(label: str, row: Any) -> list[Any]:
        return [label, row[1], row[6], row[2], row[3], row[8], money(row[5])]

    headers = [
        _("Requested"),
        _("A year earlier"),
        _("Accepted"),
        _("Held"),
        _("Held a year earlier"),
    ]
    return Section(
        "meetings",
        _("Meetings with partners"),
        [
            Figure(
                "meetings_requested", _("B2B meetings requested"), totals[0], totals[5], link=link
            ),
            Figure("meetings_accepted", _("Meetings accepted"), totals[1], totals[6], link=link),
            Figure("meetings_held", _("Meetings held"), totals[2], totals[7], link=link),
            Figure("meetings_contracts", _("Contracts reported"), totals[3], totals[8], link=link),
            Figure(
                "meetings_contract_value_usd",
                _("Value of contracts reported (US$)"),
                money(totals[4]),
                money(totals[9]),
                link=link,
            ),
        ],
        [
            Table(
                "meetings_by_country",
                _("B2B meetings by partner country"),
                [_("Country"), *headers, _("Contract value (US$)")],
                [table_row(country_name(row[0]) or row[0], row) for row in by_country],
            ),
            Table(
                "meetings_by_webinar",
                _("B2B meetings by webinar"),
                [_("Webinar"), *headers, _("Contract value (US$)")],
                [table_row(row[0], row) for row in by_webinar],
            ),
        ],
        note=_(
            "A meeting counts as held once its accepted slot has passed; outcomes are what "
            "either side recorded afterwards."
        ),
    )


def _median_poverty_rate() -> sa.ScalarSelect[Any]:
    """The national median of district poverty rates, as a scalar subquery."""
    ranked = (
        sa.select(
            District.poverty_rate.label("rate"),
            sa.func.row_number().over(order_by=District.poverty_rate).label("rn"),
            sa.func.count().over().label("n"),
        )
        .where(District.poverty_rate.is_not(None))
        .subquery()
    )
    return (
        sa.select(sa.func.avg(ranked.c.rate))
        .where(ranked.c.rn.in_([(ranked.c.n + 1) / 2, (ranked.c.n + 2) / 2]))
        .scalar_subquery()
    )


def meetup_figures(
    now: Period, before: Period, seats: SeatTotals
) -> tuple[Section, dict[int, int]]:
    """Meetups held by city, the share in focus cities and poorer districts, attendance, and the
    roadmap's plan against what was held or cancelled."""
    held = _held(EventKind.MEETUP)
    in_now, in_before = _within(Event.starts_at, now), _within(Event.starts_at, before)
    checked_in = Registration.checked_in_at.is_not(None)
    seat = sa.and_(Registration.event_id == Event.id, Registration.state.in_(SEAT_STATES))
    focus = City.pseb_focus.is_(True)
    poor = District.poverty_rate > _median_poverty_rate()
    events = db.session.execute(
        sa.select(
            _count_if(in_now),
            _count_if(in_before),
            _count_if(sa.and_(in_now, focus)),
            _count_if(sa.and_(in_before, focus)),
            _count_if(sa.and_(in_now, poor)),
            _count_if(sa.and_(in_before, poor)),
        )
        .select_from(Event)
        .join(Meetup, Meetup.event_id == Event.id)
        .join(City, City.id == Meetup.city_id)
        .outerjoin(District, District.id == City.district_id)
        .where(held, sa.or_(in_now, in_before))
    ).one()
    # events, in focus cities, in poorer districts, registrations, check-ins
    totals = (*events, *seats[0:4])
    by_city = db.session.execute(
        sa.select(
            City.id,
            City.name,
            _distinct_if(in_now, Event.id),
            _distinct_if(in_before, Event.id),
            _distinct_if(sa.and_(in_now, checked_in), Registration.id),
            City.pseb_focus,
        )
        .select_from(Event)
        .join(Meetup, Meetup.event_id == Event.id)
        .join(City, City.id == Meetup.city_id)
        .outerjoin(Registration, seat)
        .where(held, sa.or_(in_now, in_before))
        .group_by(City.id, City.name, City.pseb_focus)
        .order_by(City.name)
    ).all()
    entry_held = sa.and_(RoadmapEntry.state == EntryState.PUBLISHED, held)
    planned = RoadmapEntry.state.in_([EntryState.PUBLISHED, EntryState.CANCELLED])
    cancelled = RoadmapEntry.state == EntryState.CANCELLED
    roadmap_now, roadmap_before = (
        _days_within(RoadmapEntry.day, now),
        _days_within(RoadmapEntry.day, before),
    )
    roadmap = db.session.execute(
        sa.select(
            _count_if(sa.and_(roadmap_now, planned)),
            _count_if(sa.and_(roadmap_before, planned)),
            _count_if(sa.and_(roadmap_now, entry_held)),
            _count_if(sa.and_(roadmap_before, entry_held)),
            _count_if(sa.and_(roadmap_now, cancelled)),
            _count_if(sa.and_(roadmap_before, cancelled)),
        )
        .select_from(RoadmapEntry)
        .outerjoin(Event, Event.id == RoadmapEntry.event_id)
        .where(sa.or_(roadmap_now, roadmap_before))
    ).one()
    held_now, held_before = totals[0], totals[1]
    link = ("roadmap.public", {})
    section = Section(
        "meetups",
        _("Meetups"),
        [
            Figure("meetups_held", _("Meetups held"), held_now, held_before, link=link),
            Figure(
                "meetups_focus_share_pct",
                _("Share held in PSEB focus cities"),
                _rate(totals[2], held_now),
                _rate(totals[3], held_before),
                unit="%",
            ),
            Figure(
                "meetups_poverty_share_pct",
                _("Share held in districts above the national median poverty rate"),
                _rate(totals[4], held_now),
                _rate(totals[5], held_before),
                unit="%",
            ),
            Figure("meetup_registrations", _("People registered"), totals[6], totals[7]),
            Figure("meetup_attendance", _("People attended (checked in)"), totals[8], totals[9]),
            Figure(
                "roadmap_planned",
                _("Roadmap: meetups planned (published)"),
                roadmap[0],
                roadmap[1],
                link=("roadmap.board", {}),
            ),
            Figure("roadmap_held", _("Roadmap: held"), roadmap[2], roadmap[3]),
            Figure("roadmap_cancelled", _("Roadmap: cancelled"), roadmap[4], roadmap[5]),
        ],
        [
            Table(
                "meetups_by_city",
                _("Meetups held by city"),
                [_("City"), _("Held"), _("A year earlier"), _("Attended"), _("PSEB focus city")],
                [
                    [name, a, b, came, _("yes") if is_focus else ""]
                    for _id, name, a, b, came, is_focus in by_city
                ],
            ),
            Table(
                "roadmap_progress",
                _("Roadmap: plan against what happened"),
                ["", _("Period"), _("A year earlier")],
                [
                    [_("Planned"), roadmap[0], roadmap[1]],
                    [_("Held"), roadmap[2], roadmap[3]],
                    [_("Cancelled"), roadmap[4], roadmap[5]],
                ],
            ),
        ],
        note=_("Poverty rates: World Bank Data4Pakistan district estimates (2018)."),
    )
    return section, {row[0]: row[2] for row in by_city if row[2]}


def stp_figures() -> Section:
    """Software Technology Parks (venues of kind STP) by status and city, as of today."""
    rows = db.session.execute(
        sa.select(City.name, Venue.stp_status, sa.func.count())
        .join(City, City.id == Venue.city_id)
        .where(Venue.kind == VenueKind.STP, Venue.active.is_(True))
        .group_by(City.name, Venue.stp_status)
        .order_by(City.name)
    ).all()
    by_status: dict[StpStatus, int] = dict.fromkeys(StpStatus, 0)
    by_city: dict[str, dict[StpStatus, int]] = {}
    for city, status, count in rows:
        by_status[status] += count
        by_city.setdefault(city, dict.fromkeys(StpStatus, 0))[status] += count
    link = ("roadmap.venues", {})
    return Section(
        "stps",
        _("Software Technology Parks"),
        [
            Figure(
                f"stps_{status.value}",
                _("Parks %(status)s", status=status.label.lower()),
                count,
                link=link,
                compared=False,
            )
            for status, count in by_status.items()
        ],
        [
            Table(
                "stps_by_status",
                _("Software Technology Parks by status"),
                [_("Status"), _("Parks")],
                [[status.label, count] for status, count in by_status.items()],
                chart=(1,),
            ),
            Table(
                "stps_by_city",
                _("Software Technology Parks by city"),
                [_("City"), *(s.label for s in StpStatus)],
                [[city, *counts.values()] for city, counts in by_city.items()],
                chart=(1, 2, 3),
            ),
        ],
        note=_("As of today (venues have no history)."),
    )


def facilitation_figures(now: Period, before: Period) -> Section:
    """Requests received by sphere, resolved, declined and open, working-day medians, the SLA
    and referrals to funding channels."""
    fr = FacilitationRequest
    received_now, received_before = _within(fr.submitted_at, now), _within(fr.submitted_at, before)
    resolved, declined = fr.state == RequestState.RESOLVED, fr.state == RequestState.DECLINED

    def open_at(period: Period) -> sa.ColumnElement[bool]:
        return sa.and_(
            fr.submitted_at < period.end_utc,
            sa.or_(fr.closed_at.is_(None), fr.closed_at >= period.end_utc),
        )

    # The SLA counts requests received in the period whose deadline passed or that were answered.
    judged = sa.or_(fr.first_response_at.is_not(None), fr.first_response_due_at < clock.now())
    met = fr.first_response_at <= fr.first_response_due_at
    counts = (
        _count_if(received_now),
        _count_if(received_before),
        _count_if(sa.and_(resolved, _within(fr.closed_at, now))),
        _count_if(sa.and_(resolved, _within(fr.closed_at, before))),
        _count_if(sa.and_(declined, _within(fr.closed_at, now))),
        _count_if(sa.and_(declined, _within(fr.closed_at, before))),
        _count_if(open_at(now)),
        _count_if(open_at(before)),
    )
    sla_counts = (
        _count_if(sa.and_(received_now, judged)),
        _count_if(sa.and_(received_now, judged, met)),
        _count_if(sa.and_(received_before, judged)),
        _count_if(sa.and_(received_before, judged, met)),
    )
    # One pass over the requests, by sphere; every figure is a count, so the totals are sums.
    by_sphere = {
        sphere: row
        for sphere, *row in db.session.execute(
            sa.select(fr.sphere, *counts, *sla_counts)
            .where(fr.submitted_at.is_not(None))
            .group_by(fr.sphere)
        )
    }
    totals = [sum(column) for column in zip(*by_sphere.values(), strict=True)] or [0] * 12
    response_now, response_before = _working_day_medians(
        fr.submitted_at, fr.first_response_at, fr.first_response_at.is_not(None), now, before
    )
    resolve_now, resolve_before = _working_day_medians(
        fr.submitted_at, fr.closed_at, resolved, now, before
    )
    referred_now, referred_before = (
        _within(Referral.referred_at, now),
        _within(Referral.referred_at, before),
    )
    referrals = {
        outcome: (a, b)
        for outcome, a, b in db.session.execute(
            sa.select(Referral.outcome, _count_if(referred_now), _count_if(referred_before))
            .where(sa.or_(referred_now, referred_before))
            .group_by(Referral.outcome)
        )
    }
    referral_totals = [sum(v[i] for v in referrals.values()) for i in (0, 1)]
    funded = referrals.get(ReferralOutcome.FUNDED, (0, 0))
    queue = ("facilitation.queue", {})
    zeros = [0] * 12
    return Section(
        "facilitation",
        _("Facilitation"),
        [
            Figure(
                "requests_received",
                _("Facilitation requests received"),
                totals[0],
                totals[1],
                link=queue,
            ),
            Figure(
                "requests_resolved",
                _("Facilitation requests resolved"),
                totals[2],
                totals[3],
                link=queue,
            ),
            Figure(
                "requests_declined",
                _("Facilitation requests declined"),
                totals[4],
                totals[5],
                link=queue,
            ),
            Figure(
                "requests_open",
                _("Open at the end of the period"),
                totals[6],
                totals[7],
                link=queue,
            ),
            Figure(
                "median_working_days_to_first_response",
                _("Median working days to first response"),
                response_now,
                response_before,
                unit="working days",
                link=("facilitation.report_page", {}),
            ),
            Figure(
                "median_working_days_to_resolve",
                _("Median working days to resolution"),
                resolve_now,
                resolve_before,
                unit="working days",
                link=("facilitation.report_page", {}),
            ),
            Figure(
                "sla_first_response_met_pct",
                _("First responses within the SLA"),
                _rate(totals[9], totals[8]),
                _rate(totals[11], totals[10]),
                unit="%",
            ),
            Figure(
                "referrals_made",
                _("Referrals to funding channels"),
                referral_totals[0],
                referral_totals[1],
                link=("facilitation.channels", {}),
            ),
            Figure("referrals_funded", _("Referrals funded"), funded[0], funded[1]),
        ],
        [
            Table(
                "requests_by_sphere",
                _("Requests by sphere"),
                [
                    _("Sphere"),
                    _("Received"),
                    _("A year earlier"),
                    _("Resolved"),
                    _("Declined"),
                    _("Open at end"),
                ],
                [
                    [SPHERE_LABELS[s], row[0], row[1], row[2], row[4], row[6]]
                    for s in Sphere
                    for row in [by_sphere.get(s, zeros)]
                ],
            ),
            Table(
                "referrals_by_outcome",
                _("Referrals by outcome"),
                [_("Outcome"), _("Referred in the period"), _("A year earlier")],
                [[o.label, *referrals.get(o, (0, 0))] for o in ReferralOutcome],
            ),
        ],
        note=(
            _(
                "Working days leave out weekends and Pakistani public holidays. Medians count the"
                " requests answered (or resolved) in the period; the SLA share counts the requests"
                " received in the period whose deadline has passed or that were answered."
            )
        ),
    )


def build_dashboard(now: Period) -> Dashboard:
    """Every section for ``now`` against the same period a year earlier."""
    before = now.year_earlier()
    remittances, quarters = remittance_figures(now, before)
    seats = seat_totals(now, before)
    meetups, by_city = meetup_figures(now, before, seats[EventKind.MEETUP])
    return Dashboard(
        period=now,
        previous=before,
        sections=[
            companies_figures(now, before),
            remittances,
            webinar_figures(now, before, seats[EventKind.WEBINAR]),
            meetings_figures(now, before),
            meetups,
            stp_figures(),
            facilitation_figures(now, before),
        ],
        meetups_by_city=by_city,
        remittance_quarters=quarters,
    )


#: The keys of GET /api/v1/metrics (beyond export_remittances).
API_KEYS = (
    "companies_registered",
    "companies_new",
    "webinars_held",
    "overseas_entities_engaged",
    "countries_engaged",
    "webinar_registrations",
    "webinar_attendance_rate_pct",
    "meetups_held",
    "meetups_focus_share_pct",
    "requests_received",
    "requests_resolved",
    "median_working_days_to_resolve",
    "sla_first_response_met_pct",
)


#: Bumped when staff change figures they enter themselves, so no cached dashboard outlives them.
GENERATION_KEY = "dashboard:generation"


def dashboard_for(period: Period, fresh: bool = False) -> Dashboard:
    """The dashboard of ``period``, computed at most every ``DASHBOARD_CACHE_SECONDS`` per
    period and language: a programme view reads the same figures a few minutes old, and the
    page, its CSV files, the briefing, its PDF and the metrics API then share one computation
    (about 0.2 s on the scale data). ``fresh`` recomputes now."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    key = (
        f"dashboard:{cache.get(GENERATION_KEY) or 0}:{period.kind}:{period.first}:"
        f"{period.last}:{current_language()}"
    )
    if seconds and not fresh:
        board = cache.get(key)
        if board is not None:
            return board  # type: ignore[no-any-return]
    board = build_dashboard(period)
    if seconds:
        cache.set(key, board, timeout=seconds)
    return board


def forget_dashboards() -> None:
    """Every cached dashboard is recomputed when next seen."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=0)  # 0: kept until replaced


@sa.event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # Remittances are the figures staff type in and check at once: they never wait out the cache.
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, ExportRemittance) for obj in changed):
        session.info["dashboard_changed"] = True
        forget_dashboards()


@sa.event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # Another request may have cached the old figures between the flush and the commit.
    if session.info.pop("dashboard_changed", False):
        forget_dashboards()
