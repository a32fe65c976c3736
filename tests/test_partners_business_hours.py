"""The one business-hours rule (engagement.business_hours) in many zones, and the webinar slot
check that uses it: Berlin in winter and summer, Dubai, San Francisco, holidays on either side,
the Saudi Friday weekend and Jumu'ah."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from engagement import business_hours as bh
from engagement.directory.models import OverseasEntity, OverseasEntityType
from engagement.webinars.services import schedule_advice

PK = bh.PAKISTAN_SIDE
BERLIN = bh.Side("Berlin Chamber", "DE", "Europe/Berlin")
DUBAI = bh.Side("Dubai Investors", "AE", "Asia/Dubai")
RIYADH = bh.Side("Riyadh Chamber", "SA", "Asia/Riyadh")
SF = bh.Side("Bay Area Buyers", "US", "America/Los_Angeles")
HALF_HOUR = timedelta(minutes=30)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hours_of(slots: list[datetime]) -> set[str]:
    return {s.strftime("%H:%M") for s in slots}


def test_berlin_winter_overlap_is_four_hours_utc_8_to_12():
    # Monday 1 March 2027, CET (UTC+1): Berlin 09-17 = UTC 08-16, Pakistan 09-17 = UTC 04-12.
    offer = bh.meeting_slots([PK, BERLIN], utc(2027, 3, 1, 0, 0), days=1)
    assert offer.overlap_minutes == 240
    assert hours_of(offer.slots) == {"08:00", "08:30", "09:00", "09:30", "10:00", "10:30",
                                    "11:00", "11:30"}  # fmt: skip
    assert offer.notes == []


def test_berlin_summer_overlap_starts_an_hour_earlier():
    # Monday 5 July 2027, CEST (UTC+2): Berlin 09:00 = UTC 07:00.
    offer = bh.meeting_slots([PK, BERLIN], utc(2027, 7, 5, 0, 0), days=1)
    assert offer.overlap_minutes == 300
    assert min(offer.slots) == utc(2027, 7, 5, 7, 0)
    assert max(offer.slots) == utc(2027, 7, 5, 11, 30)


def test_dubai_overlap_is_seven_hours():
    offer = bh.meeting_slots([PK, DUBAI], utc(2027, 3, 1, 0, 0), days=1)
    assert offer.overlap_minutes == 420
    assert min(offer.slots) == utc(2027, 3, 1, 5, 0)  # 09:00 Dubai = 10:00 Karachi


def test_san_francisco_has_no_overlap_and_says_so():
    offer = bh.meeting_slots([PK, SF], utc(2027, 3, 1, 0, 0), days=14)
    assert offer.slots == []
    assert offer.overlap_minutes == 0
    assert any("do not overlap" in note for note in offer.notes)
    problems = bh.slot_problems(utc(2027, 3, 2, 17, 0), utc(2027, 3, 2, 17, 30), [PK, SF])
    assert any("outside business hours in Pakistan" in p for p in problems)


def test_little_overlap_is_named():
    # Fernando de Noronha (UTC-2): 09:00 there is 16:00 in Pakistan, so one hour a day.
    noronha = bh.Side("Noronha", "BR", "America/Noronha")
    offer = bh.meeting_slots([PK, noronha], utc(2027, 3, 1, 0, 0), days=3)
    assert offer.overlap_minutes == 60
    assert hours_of(offer.slots) == {"11:00", "11:30"}
    assert offer.notes == [
        "Business hours in Pakistan and Noronha overlap only 60 minutes a day, "
        "so few slots are offered."
    ]


def test_a_german_holiday_removes_that_days_slots():
    # Thursday 6 May 2027 is Ascension Day (Christi Himmelfahrt) in Germany, not in Pakistan.
    offer = bh.meeting_slots([PK, BERLIN], utc(2027, 5, 5, 0, 0), days=3)
    days = {s.date().isoformat() for s in offer.slots}
    assert "2027-05-05" in days and "2027-05-07" in days
    assert "2027-05-06" not in days
    problems = bh.slot_problems(utc(2027, 5, 6, 9, 0), utc(2027, 5, 6, 9, 30), [PK, BERLIN])
    assert problems == ["06 May 2027 is a public holiday in Berlin Chamber: Ascension Day."]
    assert bh.slot_problems(utc(2027, 5, 6, 9, 0), utc(2027, 5, 6, 9, 30), [PK]) == []


def test_a_pakistani_holiday_removes_that_days_slots():
    # Tuesday 23 March 2027 is Pakistan Day.
    offer = bh.meeting_slots([PK, BERLIN], utc(2027, 3, 22, 0, 0), days=3)
    days = {s.date().isoformat() for s in offer.slots}
    assert days == {"2027-03-22", "2027-03-24"}
    problems = bh.slot_problems(utc(2027, 3, 23, 9, 0), utc(2027, 3, 23, 9, 30), [PK, BERLIN])
    assert any("public holiday in Pakistan: Pakistan Day" in p for p in problems)


def test_saudi_friday_is_a_weekend_day_and_sunday_a_working_day():
    # Friday 22 January 2027, 12:00 PKT = 07:00 UTC = 10:00 in Riyadh.
    start = utc(2027, 1, 22, 7, 0)
    problems = bh.slot_problems(start, start + HALF_HOUR, [PK, RIYADH])
    assert problems == ["Friday is a weekend day in Riyadh Chamber."]
    sunday = utc(2027, 1, 24, 7, 0)
    assert bh.slot_problems(sunday, sunday + HALF_HOUR, [RIYADH]) == []
    assert bh.slot_problems(sunday, sunday + HALF_HOUR, [PK]) == [
        "Sunday is a weekend day in Pakistan."
    ]
    assert bh.weekend("SA") == {4, 5} and bh.weekend("AE") == {5, 6} and bh.weekend("PK") == {5, 6}


def test_jumuah_is_a_warning_in_pakistan_and_muslim_majority_countries_only():
    # Friday 29 January 2027, 13:00 PKT = 08:00 UTC = 12:00 Dubai, 09:00 Berlin.
    start = utc(2027, 1, 29, 8, 0)
    checks = bh.check_slot(start, start + HALF_HOUR, [PK, DUBAI, BERLIN])
    assert [bool(c.warnings) for c in checks] == [True, False, False]
    assert "Jumu'ah" in checks[0].warnings[0] and checks[0].problems == []
    dubai_prayer = utc(2027, 1, 29, 9, 0)  # 13:00 Dubai
    assert bh.slot_warnings(dubai_prayer, dubai_prayer + HALF_HOUR, [DUBAI])


def test_webinar_schedule_advice_uses_the_same_rule_for_a_saudi_partner():
    riyadh = OverseasEntity(
        name="Riyadh Chamber",
        country_code="SA",
        timezone="Asia/Riyadh",
        entity_type=OverseasEntityType.CHAMBER,
    )
    advice = schedule_advice(utc(2027, 1, 22, 7, 0), 60, [riyadh])
    text = " ".join(advice.warnings)
    assert "Friday is a weekend day for Riyadh Chamber (Asia/Riyadh)." in text
    assert "Jumu'ah" in text  # 12:00-13:00 PKT overlaps Friday prayers in Pakistan
    # The same Friday is an ordinary working day with a German partner (no weekend warning).
    berlin = OverseasEntity(
        name="Berlin Chamber",
        country_code="DE",
        timezone="Europe/Berlin",
        entity_type=OverseasEntityType.CHAMBER,
    )
    advice = schedule_advice(utc(2027, 1, 22, 9, 0), 60, [berlin])
    assert not any("weekend" in w for w in advice.warnings)
