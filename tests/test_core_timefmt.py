"""Dates and times by Babel in the page's language: English as strftime wrote it, Urdu names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import force_locale

from engagement.core import timefmt
from tests.test_webinars_pages import NOW, make_webinar, partner_id  # noqa: F401

#: Every pattern the templates and services pass (grep "|date(" and "|datetime(").
PATTERNS = [
    timefmt.DATETIME,
    timefmt.DATE,
    timefmt.TIME,
    timefmt.SHORT_DATETIME,
    "EEE HH:mm",
    "EEE dd",
    "EEE dd MMM",
    "EEE dd MMM yyyy",
    "EEEE dd MMMM yyyy",
    "dd MMM",
    "dd MMMM yyyy",
    "MMM yyyy",
    "MMMM yyyy",
    "dd MMM yyyy HH:mm",
    # Fields the fast path leaves to Babel's own code, and quoted literals.
    "LLLL yy 'week' w, h:mm a",
]


def test_english_reads_as_before(app):
    moment = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    with app.test_request_context("/?lang=en"):
        assert timefmt.format_datetime(moment) == "Mon 04 Jan 2027, 15:00 PKT"
        assert timefmt.format_datetime(moment, "Europe/Berlin", "EEE HH:mm") == "Mon 11:00 CET"
        assert timefmt.format_date(date(2026, 9, 6), "EEEE dd MMMM yyyy") == (
            "Sunday 06 September 2026"
        )
        assert timefmt.format_date(date(2026, 9, 6), "MMM yyyy") == "Sep 2026"
        assert timefmt.format_datetime_both(moment, "Europe/Berlin") == (
            "Mon 04 Jan 2027, 15:00 PKT (11:00 CET)"
        )


def test_urdu_has_urdu_month_and_day_names_and_western_digits(app):
    moment = datetime(2027, 1, 4, 10, 0, tzinfo=UTC)
    with app.test_request_context("/?lang=ur"):
        assert timefmt.format_datetime(moment) == "پیر 04 جنوری 2027, 15:00 PKT"
        assert timefmt.format_date(date(2027, 3, 10), "EEEE dd MMMM yyyy") == "بدھ 10 مارچ 2027"
    # Mail code switches the language for one recipient: dates follow.
    with app.test_request_context("/?lang=en"), force_locale("ur"):
        assert timefmt.format_date(date(2027, 8, 14), "dd MMMM yyyy") == "14 اگست 2027"


@pytest.mark.parametrize("language", ["en", "ur"])
def test_the_cached_formatter_writes_what_babel_writes(app, language):
    """The per-(language, pattern) formatter must not drift from Babel's own output."""
    first = datetime(2026, 12, 28, 0, 7, 5, tzinfo=UTC)
    moments = [first + timedelta(days=d, hours=d % 24, minutes=d * 7 % 60) for d in range(400)]
    with app.test_request_context(f"/?lang={language}"):
        for pattern in PATTERNS:
            for moment in moments:
                expected = babel_format_datetime(moment, pattern, tzinfo=UTC, locale=language)
                assert timefmt.format_date(moment, pattern) == expected, pattern


def test_a_strftime_format_is_refused(app):
    with app.test_request_context("/"), pytest.raises(ValueError, match="CLDR"):
        timefmt.format_datetime(datetime(2027, 1, 4, tzinfo=UTC), "Asia/Karachi", "%H:%M")


def test_webinar_page_and_month_filter_in_urdu(app, client, partner_id, frozen_clock):  # noqa: F811
    frozen_clock(NOW)
    event_id = make_webinar(app, partner_id)
    english = client.get(f"/webinars/{event_id}?lang=en").text
    assert "Wed 10 Mar 2027, 14:00 PKT" in english
    urdu = client.get(f"/webinars/{event_id}?lang=ur").text
    assert "بدھ 10 مارچ 2027, 14:00 PKT" in urdu and "Wed 10 Mar" not in urdu
    listing = client.get("/webinars/?lang=ur").text
    assert ">مارچ 2027</option>" in listing and "March 2027" not in listing
