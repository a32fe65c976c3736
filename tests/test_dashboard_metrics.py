"""Dashboard figures against values computed by hand on a small fixture.

The clock stands at 10 January 2021; the period is October-December 2020 (a quarter) against
October-December 2019. Boundaries are Pakistani midnights (UTC+5): 1 October 2020 00:00 PKT is
30 September 19:00 UTC and the period ends at 31 December 2020 19:00 UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from engagement import clock
from engagement.dashboard import metrics, services
from engagement.dashboard.periods import (
    PeriodError,
    PeriodKind,
    custom,
    fiscal_year_of,
    growth_pct,
    month_of,
    parse_period,
    pk_midnight_utc,
    quarter_of,
)
from engagement.directory.models import City, Company, OverseasEntity, OverseasEntityType
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db
from engagement.facilitation.models import (
    ChannelKind,
    FacilitationRequest,
    FundingChannel,
    Referral,
    ReferralOutcome,
    RequestState,
    ResolutionOutcome,
    Sphere,
)
from engagement.facilitation.sla import add_working_days
from engagement.meetups.models import Meetup, StpStatus, Venue, VenueKind
from engagement.partners.models import MeetingOutcome, MeetingRequest, MeetingSide, MeetingState
from engagement.roadmap.models import EntryState, RoadmapEntry, StaffTeam
from engagement.webinars.models import Webinar

NOW = datetime(2021, 1, 10, 8, 0, tzinfo=UTC)
QUARTER = quarter_of(date(2020, 11, 1))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def city(slug: str) -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def org_of(user_id: int) -> int:
    from engagement.auth.models import User

    return db.session.get(User, user_id).organisation.id


def event(kind: EventKind, starts: datetime, state=EventState.COMPLETED, title="E") -> Event:
    row = Event(
        kind=kind,
        title=title,
        state=state,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=50,
    )
    db.session.add(row)
    db.session.flush()
    return row


def registrations(ev: Event, seats: int, checked_in: int, orgs=(None,), cancelled: int = 0):
    for n in range(seats + cancelled):
        db.session.add(
            Registration(
                event_id=ev.id,
                name=f"P{n}",
                email=f"p{n}-{ev.id}@example.test",
                organisation_id=orgs[n % len(orgs)],
                state=RegistrationState.CANCELLED if n >= seats else RegistrationState.CONFIRMED,
                checked_in_at=ev.starts_at if n < checked_in else None,
            )
        )


def request_row(org: int, user: int, submitted: datetime | None, **fields) -> FacilitationRequest:
    row = FacilitationRequest(
        organisation_id=org,
        created_by_id=user,
        sphere=fields.pop("sphere", Sphere.MARKETING),
        title="Help",
        state=fields.pop("state", RequestState.SUBMITTED if submitted else RequestState.DRAFT),
        submitted_at=submitted,
        first_response_due_at=add_working_days(submitted, 3) if submitted else None,
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def fixture_data(app, make_user):
    """The small data set of the module docstring; returns nothing (tests read the DB)."""
    company_user = make_user("company", org="Arfa Tech")
    other_company = make_user("company", org="Indus Soft")
    startup = make_user("startup", org="Seed Labs")
    staff = make_user("staff")
    with app.app_context():
        lahore, karachi = city("lahore"), city("karachi")
        from engagement.directory.models import Sector

        software = db.session.scalar(sa.select(Sector).where(Sector.slug == "software-development"))
        for name, verified, place in [
            ("A", utc(2019, 6, 1), lahore),
            ("B", utc(2019, 11, 10), karachi),
            ("C", utc(2020, 9, 30, 19, 0), lahore),  # 1 Oct 2020 00:00 PKT: in the period
            ("E", utc(2020, 12, 31, 18, 59), lahore),  # 31 Dec 23:59 PKT: in the period
            ("D", utc(2020, 12, 31, 19, 0), lahore),  # 1 Jan 2021 00:00 PKT: after it
            ("F", None, lahore),
        ]:
            db.session.add(
                Company(
                    legal_name=name,
                    registration_number=f"PSEB/2019/{ord(name)}" if verified else None,
                    registration_verified_at=verified,
                    city=place,
                    sectors=[software] if name in "AC" else [],
                )
            )
        de = OverseasEntity(
            name="Berlin Chamber",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.CHAMBER,
        )
        gb = OverseasEntity(
            name="London Trade",
            country_code="GB",
            timezone="Europe/London",
            entity_type=OverseasEntityType.TRADE_BODY,
        )
        db.session.add_all([de, gb])
        org_a, org_b = org_of(company_user), org_of(other_company)
        w1 = event(EventKind.WEBINAR, utc(2020, 11, 10, 10), title="W1")
        db.session.add(Webinar(event_id=w1.id, partners=[de, gb]))
        registrations(w1, seats=4, checked_in=3, orgs=(org_a, org_b), cancelled=1)
        w2 = event(EventKind.WEBINAR, utc(2019, 11, 5, 10), title="W2")
        db.session.add(Webinar(event_id=w2.id, partners=[de]))
        registrations(w2, seats=2, checked_in=1, orgs=(org_a,))
        w3 = event(EventKind.WEBINAR, utc(2020, 11, 20, 10), EventState.CANCELLED, "W3")
        db.session.add(Webinar(event_id=w3.id, partners=[gb]))
        w4 = event(EventKind.WEBINAR, utc(2020, 12, 20, 10), EventState.DRAFT, "W4")
        db.session.add(Webinar(event_id=w4.id, partners=[gb]))
        db.session.flush()
        db.session.add_all(
            [
                MeetingRequest(
                    event_id=w1.id,
                    organisation_id=org_a,
                    overseas_entity_id=de.id,
                    requested_side=MeetingSide.PARTNER,
                    message="Partner",
                    state=MeetingState.ACCEPTED,
                    created_at=utc(2020, 11, 12),
                    decided_at=utc(2020, 11, 20),
                    slot_at=utc(2020, 11, 25, 10),
                    outcome=MeetingOutcome.CONTRACT,
                    value_usd=Decimal("12000.50"),
                    outcome_at=utc(2020, 11, 26),
                ),
                MeetingRequest(
                    event_id=w1.id,
                    organisation_id=org_b,
                    overseas_entity_id=gb.id,
                    requested_side=MeetingSide.COMPANY,
                    message="Partner",
                    created_at=utc(2020, 11, 13),
                ),
            ]
        )
        gilgit, mithi, sargodha = city("gilgit"), city("mithi"), city("sargodha")
        team = StaffTeam(slug="north", name="North")
        db.session.add(team)
        meetups = {}
        for key, place, starts, state, seats, came in [
            ("m1", gilgit, utc(2020, 10, 20, 10), EventState.COMPLETED, 2, 2),
            ("m2", mithi, utc(2020, 11, 15, 10), EventState.COMPLETED, 1, 0),
            ("m3", lahore, utc(2019, 10, 10, 10), EventState.COMPLETED, 1, 1),
            ("m4", sargodha, utc(2020, 12, 1, 10), EventState.CANCELLED, 0, 0),
        ]:
            ev = event(EventKind.MEETUP, starts, state, key)
            db.session.add(Meetup(event_id=ev.id, city_id=place.id))
            registrations(ev, seats=seats, checked_in=came)
            meetups[key] = (ev, place)
        db.session.flush()
        for key, state in [
            ("m1", EntryState.PUBLISHED),
            ("m2", EntryState.PUBLISHED),
            ("m4", EntryState.CANCELLED),
        ]:
            ev, place = meetups[key]
            db.session.add(
                RoadmapEntry(
                    city_id=place.id,
                    day=ev.starts_at.date(),
                    team=team,
                    state=state,
                    event_id=ev.id,
                )
            )
        db.session.add(RoadmapEntry(city_id=lahore.id, day=date(2020, 12, 10), team=team))
        for place, kind, status, name in [
            (gilgit, VenueKind.STP, StpStatus.OPERATING, "Gilgit STP"),
            (sargodha, VenueKind.STP, StpStatus.BEING_SET_UP, "Sargodha STP"),
            (city("bannu"), VenueKind.STP, StpStatus.PLANNED, "Bannu STP"),
            (lahore, VenueKind.HOTEL, None, "Pearl"),
        ]:
            db.session.add(
                Venue(city_id=place.id, name=name, kind=kind, stp_status=status, capacity=80)
            )
        org_s = org_of(startup)
        r1 = request_row(
            org_s,
            startup,
            utc(2020, 10, 5, 9),
            state=RequestState.RESOLVED,
            first_response_at=utc(2020, 10, 7, 9),
            closed_at=utc(2020, 10, 12, 9),
            outcome=ResolutionOutcome.FUNDED,
            sphere=Sphere.CAPITAL_AVAILABILITY,
        )
        request_row(
            org_s,
            startup,
            utc(2020, 10, 13, 5),
            state=RequestState.DECLINED,
            first_response_at=utc(2020, 10, 20, 5),
            closed_at=utc(2020, 10, 21, 5),
            decline_reason="Out of scope",
        )
        request_row(org_s, startup, utc(2020, 12, 1, 5))
        request_row(
            org_s,
            startup,
            utc(2019, 10, 1, 5),
            state=RequestState.RESOLVED,
            first_response_at=utc(2019, 10, 2, 5),
            closed_at=utc(2019, 10, 4, 5),
            outcome=ResolutionOutcome.ADVICE_GIVEN,
        )
        request_row(org_s, startup, None)
        channel = FundingChannel(name="Karachi Angels", kind=ChannelKind.ANGEL_NETWORK)
        db.session.add(channel)
        db.session.flush()
        db.session.add(
            Referral(
                request_id=r1.id,
                channel_id=channel.id,
                referred_by_id=staff,
                referred_at=utc(2020, 10, 8),
                outcome=ReferralOutcome.FUNDED,
            )
        )
        db.session.commit()
    clock.freeze(NOW)


def figures(period=QUARTER) -> metrics.Dashboard:
    return metrics.build_dashboard(period)


def values(board: metrics.Dashboard, key: str) -> tuple:
    f = board.figure(key)
    return f.value, f.previous, f.growth_pct


def test_companies(ctx, fixture_data):
    board = figures()
    assert values(board, "companies_registered") == (4, 2, 100.0)
    assert values(board, "companies_new") == (2, 1, 100.0)
    provinces = {row[0]: row[1:3] for row in board.table("companies_by_province").rows}
    assert provinces == {"Punjab": [3, 1], "Sindh": [1, 1]}
    sectors = {row[0]: row[1:3] for row in board.table("companies_by_sector").rows}
    assert sectors == {"Software development": [2, 1]}


def test_webinars(ctx, fixture_data):
    board = figures()
    assert values(board, "webinars_held") == (1, 1, 0.0)
    assert values(board, "overseas_entities_engaged") == (2, 1, 100.0)
    assert values(board, "countries_engaged") == (2, 1, 100.0)
    assert values(board, "webinar_registrations") == (4, 2, 100.0)
    assert values(board, "webinar_companies_registered") == (2, 1, 100.0)
    assert values(board, "webinar_attendance") == (3, 1, 200.0)
    assert values(board, "webinar_attendance_rate_pct") == (75.0, 50.0, 50.0)
    assert values(board, "webinar_no_show_rate_pct") == (25.0, 50.0, -50.0)
    countries = {row[0]: row[1:] for row in board.table("webinars_by_country").rows}
    assert countries == {"Germany": [1, 1, 1, 4, 3], "United Kingdom": [1, 0, 1, 4, 3]}


def test_webinar_with_two_partners_of_one_country_counts_it_once(ctx, fixture_data):
    """A second German partner on W1: Germany has two entities, still one webinar, and W1's
    registrations are not counted twice."""
    w1 = db.session.scalar(sa.select(Webinar).join(Event).where(Event.title == "W1"))
    w1.partners.append(
        OverseasEntity(
            name="Munich Software",
            country_code="DE",
            timezone="Europe/Berlin",
            entity_type=OverseasEntityType.COMPANY,
        )
    )
    db.session.commit()
    board = figures()
    countries = {row[0]: row[1:] for row in board.table("webinars_by_country").rows}
    assert countries["Germany"] == [1, 1, 2, 4, 3]
    assert values(board, "overseas_entities_engaged") == (3, 1, 200.0)
    assert values(board, "webinar_registrations") == (4, 2, 100.0)


def test_meetings_with_partners(ctx, fixture_data):
    board = figures()
    assert values(board, "meetings_requested") == (2, 0, None)
    assert values(board, "meetings_accepted") == (1, 0, None)
    assert values(board, "meetings_held") == (1, 0, None)
    assert values(board, "meetings_contracts") == (1, 0, None)
    assert values(board, "meetings_contract_value_usd") == (12000.5, 0.0, None)
    assert board.table("meetings_by_webinar").rows == [["W1", 2, 0, 1, 1, 0, 12000.5]]
    countries = {row[0]: row[1:] for row in board.table("meetings_by_country").rows}
    assert countries == {
        "Germany": [1, 0, 1, 1, 0, 12000.5],
        "United Kingdom": [1, 0, 0, 0, 0, 0.0],
    }


def test_meetups_and_roadmap(ctx, fixture_data):
    board = figures()
    assert values(board, "meetups_held") == (2, 1, 100.0)
    # Gilgit is a focus city; Mithi (Tharparkar, 54.5 %) is above the median district rate 28.9 %.
    assert values(board, "meetups_focus_share_pct") == (50.0, 0.0, None)
    assert values(board, "meetups_poverty_share_pct") == (50.0, 0.0, None)
    assert values(board, "meetup_registrations") == (3, 1, 200.0)
    assert values(board, "meetup_attendance") == (2, 1, 100.0)
    assert values(board, "roadmap_planned")[:2] == (3, 0)
    assert values(board, "roadmap_held")[:2] == (2, 0)
    assert values(board, "roadmap_cancelled")[:2] == (1, 0)
    assert {row[0]: row[1:4] for row in board.table("meetups_by_city").rows} == {
        "Gilgit": [1, 0, 2],
        "Lahore": [0, 1, 0],
        "Mithi": [1, 0, 0],
    }
    assert board.meetups_by_city == {city("gilgit").id: 1, city("mithi").id: 1}


def test_software_technology_parks(ctx, fixture_data):
    board = figures()
    assert board.figure("stps_operating").value == 1
    assert board.figure("stps_being_set_up").value == 1
    assert board.figure("stps_planned").value == 1
    assert board.figure("stps_planned").growth_pct is None
    assert board.table("stps_by_city").rows == [
        ["Bannu", 0, 0, 1],
        ["Gilgit", 1, 0, 0],
        ["Sargodha", 0, 1, 0],
    ]


def test_facilitation(ctx, fixture_data):
    board = figures()
    assert values(board, "requests_received") == (3, 1, 200.0)
    assert values(board, "requests_resolved") == (1, 1, 0.0)
    assert values(board, "requests_declined") == (1, 0, None)
    assert values(board, "requests_open") == (1, 0, None)
    # R1: Mon 5 -> Wed 7 Oct = 2 working days; R2: Tue 13 -> Tue 20 Oct = 5; R4 (2019): 1.
    assert values(board, "median_working_days_to_first_response") == (3.5, 1.0, 250.0)
    # R1 resolved Mon 12 Oct: 5 working days; R4 resolved Fri 4 Oct 2019: 3.
    assert values(board, "median_working_days_to_resolve") == (5.0, 3.0, 66.7)
    # R1 met its 3-day SLA; R2 (5 days) and R3 (never answered, deadline passed) did not.
    assert values(board, "sla_first_response_met_pct") == (33.3, 100.0, -66.7)
    assert values(board, "referrals_made") == (1, 0, None)
    assert values(board, "referrals_funded") == (1, 0, None)
    spheres = {row[0]: row[1:] for row in board.table("requests_by_sphere").rows}
    assert spheres["Marketing"] == [2, 1, 0, 1, 1]
    assert spheres["Capital availability (funding)"] == [1, 0, 1, 0, 0]


def test_empty_period_gives_zero_and_no_growth(ctx, fixture_data):
    board = figures(fiscal_year_of(date(2015, 8, 1)))
    for key in metrics.API_KEYS:
        figure = board.figure(key)
        assert figure.growth_pct is None, key
        assert figure.value in (0, None), key
    assert board.figure("webinars_held").value == 0
    assert board.figure("webinar_attendance_rate_pct").value is None
    assert board.figure("median_working_days_to_resolve").value is None


def test_remittances_seeded_quarter_and_year_before(ctx):
    assert services.seed_remittances() == 2
    assert services.seed_remittances() == 2  # idempotent: the same two rows, replaced
    board = figures(quarter_of(date(2020, 8, 15)))
    # (379.251 - 264.187) / 264.187 = 43.55 %; (444.05 - 314.9) / 314.9 = 41.01 %.
    assert values(board, "remittances_computer_usd_m") == (379.251, 264.187, 43.6)
    assert values(board, "remittances_ict_usd_m") == (444.05, 314.9, 41.0)
    latest = board.remittance_quarters[-1]
    assert latest["label"] == "July-September 2020 (FY 2020-21)"
    assert latest["computer_growth_pct"] == 43.6


def test_remittance_import_names_bad_rows_and_saves_nothing(ctx):
    result = services.import_csv(
        "quarter_start,computer_services_usd_m,ict_services_usd_m,source\n"
        "2021-01-01,400.5,,SBP\n"
        "2021-02-01,1,,x\n"
        "2021-04-01,abc,,x\n"
    )
    assert result.saved == 0
    assert result.errors == [
        "line 3: quarter_start: Must be the first day of a quarter (1 January, April, July or October).",
        "line 4: computer_services_usd_m: Not a number.",
    ]
    assert services.remittance_rows() == []
    good = services.import_csv("quarter_start,computer_services_usd_m\n2021-01-01,400.5\n")
    assert good.saved == 1
    assert services.remittance_rows()[0].computer_services_usd_m == Decimal("400.500")


# --- Periods ----------------------------------------------------------------------------------


def test_fiscal_year_runs_july_to_june():
    assert fiscal_year_of(date(2020, 6, 30)).first == date(2019, 7, 1)
    assert fiscal_year_of(date(2020, 6, 30)).last == date(2020, 6, 30)
    assert fiscal_year_of(date(2020, 7, 1)).first == date(2020, 7, 1)
    assert fiscal_year_of(date(2020, 7, 1)).label == "FY 2020-21 (July 2020-June 2021)"
    assert fiscal_year_of(date(2021, 1, 15)).year_earlier() == fiscal_year_of(date(2019, 12, 1))


def test_period_boundaries_are_karachi_midnights():
    fy = fiscal_year_of(date(2020, 7, 1))
    assert fy.start_utc == utc(2020, 6, 30, 19, 0)
    assert fy.end_utc == utc(2021, 6, 30, 19, 0)
    assert pk_midnight_utc(date(2020, 10, 1)) == utc(2020, 9, 30, 19, 0)
    assert month_of(date(2024, 2, 10)).year_earlier().last == date(2023, 2, 28)
    assert custom(date(2024, 2, 29), date(2024, 3, 1)).year_earlier().first == date(2023, 2, 28)


def test_fiscal_year_new_registrations_split_at_karachi_midnight(ctx, fixture_data):
    db.session.add_all(
        [
            Company(
                legal_name="June",
                registration_number="PSEB/2020/1",
                registration_verified_at=utc(2020, 6, 30, 18, 59),
            ),
            Company(
                legal_name="July",
                registration_number="PSEB/2020/2",
                registration_verified_at=utc(2020, 6, 30, 19, 0),
            ),
        ]
    )
    db.session.flush()
    assert (
        figures(fiscal_year_of(date(2020, 1, 1))).figure("companies_new").value == 2
    )  # B and "June"
    fy21 = figures(fiscal_year_of(date(2020, 7, 1)))
    # FY 2020-21: "July", C and E (D is 1 January 2021 PKT, still in FY 2020-21).
    assert fy21.figure("companies_new").value == 4


def test_growth_is_one_decimal_and_none_without_a_base():
    assert growth_pct(2631, 2106) == 24.9
    assert growth_pct(5, 0) is None
    assert growth_pct(0, 0) is None
    assert growth_pct(0, 4) == -100.0


def test_parse_period_names_the_bad_field():
    today = date(2020, 11, 3)
    assert parse_period({}, today) == quarter_of(today)
    assert parse_period({"period": "month", "on": "2020-02-10"}, today) == month_of(
        date(2020, 2, 1)
    )
    assert parse_period({"from": "2020-01-01", "to": "2020-01-31"}, today).kind == PeriodKind.CUSTOM
    for args, field in [
        ({"period": "week"}, "period"),
        ({"from": "2020-13-01", "to": "2020-01-01"}, "from"),
        ({"from": "2020-02-01", "to": "2020-01-01"}, "to"),
        ({"period": "custom", "from": "2020-02-01"}, "to"),
        ({"period": "month", "on": "yesterday"}, "on"),
    ]:
        with pytest.raises(PeriodError) as error:
            parse_period(args, today)
        assert error.value.field == field


def test_running_period_counts_registrations_today_against_the_same_day_a_year_before(
    ctx, fixture_data
):
    clock.freeze(utc(2020, 11, 15, 12))
    board = figures()
    # Counted up to 15 November 2020 (A, B, C) against 15 November 2019 (A, B).
    assert values(board, "companies_registered") == (3, 2, 50.0)
    assert board.table("companies_by_province").headers[1:3] == [
        "On 15 November 2020",
        "On 15 November 2019",
    ]


def test_working_day_counter_agrees_with_the_sla_rule():
    """The dashboard's running count gives sla.working_days_between's answer, holidays and
    weekends included (Eid and Independence Day fall in this range)."""
    from engagement.dashboard.metrics import _working_days_counter
    from engagement.facilitation.sla import working_days_between

    days = [date(2022, 4, 20) + timedelta(days=n) for n in range(0, 130, 3)]
    between = _working_days_counter(days)
    for first in days[::4]:
        for last in days:
            expected = working_days_between(pk_midnight_utc(first), pk_midnight_utc(last))
            assert between(first, last) == expected, (first, last)
