"""Registering and tickets as a new company or startup meets them, through the WSGI app."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engagement.auth.models import User
from engagement.extensions import db
from engagement.notifications.models import OutboxMessage
from engagement.notifications.services import render_message
from tests.test_webinars_pages import (  # noqa: F401 - fixtures
    NOW,
    START,
    _clock,
    attendee_data,
    make_webinar,
    partner_id,  # noqa: F811
    registrations,
)


def rep_email(app, client) -> tuple[str, str]:
    with app.app_context():
        user = db.session.get(User, client.user_id)
        return user.name, user.email


def test_company_form_prefills_me_and_shows_a_row_per_seat_left(app, login_as, partner_id):  # noqa: F811
    event_id = make_webinar(app, partner_id, capacity=20, seat_limit_per_org=3)
    rep = login_as("company")
    name, email = rep_email(app, rep)
    detail = rep.get(f"/webinars/{event_id}").text
    assert "Register colleagues" not in detail
    assert f'href="/events/{event_id}/register">Register</a>' in detail
    page = rep.get(f"/events/{event_id}/register").text
    assert page.count('class="attendee-row"') == 3
    assert f'id="attendees-0-email" name="attendees-0-email" type="email" value="{email}"' in page
    assert f'value="{name}"' in page
    assert "so you can add 3 more" in page
    assert "Need more rows" not in page
    assert "Register yourself, and colleagues" in page
    assert (
        rep.post(f"/events/{event_id}/register", data=attendee_data((name, email))).status_code
        == 302
    )
    page = rep.get(f"/events/{event_id}/register").text
    assert page.count('class="attendee-row"') == 2
    assert "so you can add 2 more" in page
    assert f'value="{email}"' not in page  # registered already: the rows are for colleagues
    assert "You are registered for this event" in page and "Confirmed" in page
    rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("A One", "a1@example.test"), ("A Two", "a2@example.test")),
    )
    page = rep.get(f"/events/{event_id}/register").text
    assert "has registered all 3 people it may register" in page
    assert 'class="attendee-row"' not in page


def test_attendees_read_what_matters_not_workflow_states(app, login_as, partner_id):  # noqa: F811
    event_id = make_webinar(app, partner_id, capacity=1)
    page = login_as("startup").get(f"/events/{event_id}/register").text
    assert "Registration open until" in page
    assert "published" not in page.lower().replace("publisher", "")


def test_a_full_event_offers_the_waitlist_and_says_where_you_would_be(
    app,
    login_as,
    partner_id,  # noqa: F811
):
    event_id = make_webinar(app, partner_id, capacity=1)
    first = login_as("startup")
    assert first.post(f"/events/{event_id}/register").status_code == 302
    second = login_as("startup")
    detail = second.get(f"/webinars/{event_id}").text
    assert ">Join the waitlist</a>" in detail
    assert "you would be number 1 on the waitlist" in detail
    page = second.get(f"/events/{event_id}/register").text
    assert "you would be number 1 on the waitlist" in page
    assert ">Join the waitlist</button>" in page
    second.post(f"/events/{event_id}/register")
    assert "Waitlist: you are number 1" in second.get(f"/webinars/{event_id}").text
    _, email = rep_email(app, second)
    assert "/registrations/cancel/" in confirmation(app, email).body_text  # leave the waitlist
    third = login_as("startup")
    assert "you would be number 2 on the waitlist" in third.get(f"/webinars/{event_id}").text
    assert "Waitlist: you are number 1" in second.get("/my/registrations").text


def test_every_attendee_field_error_shows_at_once_with_a_linked_summary(
    app,
    login_as,
    partner_id,  # noqa: F811
):
    event_id = make_webinar(app, partner_id, capacity=10)
    rep = login_as("company")
    response = rep.post(
        f"/events/{event_id}/register",
        data=attendee_data(("N" * 121, "not-an-email"), ("Bilal", "")),
    )
    assert response.status_code == 422
    page = response.text
    assert "The name is too long" in page and "Enter a valid email address." in page
    assert "Enter the attendee&#39;s email." in page
    summary = page[
        page.index('class="error-summary"') : page.index(
            "</div>", page.index('class="error-summary"')
        )
    ]
    assert "There is a problem" in summary
    for target in ("#attendees-0-name", "#attendees-0-email", "#attendees-1-email"):
        assert f'href="{target}"' in summary
    assert 'aria-invalid="true"' in page
    assert registrations(app, event_id) == []


def confirmation(app, email: str) -> OutboxMessage:
    with app.app_context():
        message = db.session.scalar(
            sa.select(OutboxMessage)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id.desc())
        )
        render_message(message)  # the text the deliverer sends (rendered at sending time)
        db.session.expunge(message)
        db.session.rollback()
        return message


def test_online_confirmation_is_multipart_with_partner_time_and_no_ticket(
    app,
    login_as,
    partner_id,  # noqa: F811
):
    from engagement.notifications.services import build_email

    event_id = make_webinar(app, partner_id, capacity=10)
    founder = login_as("startup")
    with app.app_context():
        user = db.session.get(User, founder.user_id)
        user.timezone = "America/New_York"
        email = user.email
        db.session.commit()
    founder.post(f"/events/{event_id}/register")
    message = confirmation(app, email)
    text, html = message.body_text, message.body_html
    assert "Your time: Wed 10 Mar 2027, 04:00 EST" in text
    assert "Pakistan: Wed 10 Mar 2027, 14:00 PKT" in text
    assert "Berlin Digital Chamber: Wed 10 Mar 2027, 10:00 CET" in text
    assert "the join link appears on the event page" in text
    assert "/tickets/" not in text and "check-in" not in text
    assert "/registrations/cancel/" in text
    assert html and 'style="' in html and "<img" not in html and "<link" not in html
    assert "Berlin Digital Chamber" in html and "10:00 CET" in html
    with app.app_context():
        mime = build_email(db.session.get(OutboxMessage, message.id))
    types = [part.get_content_type() for part in mime.walk()]
    assert "text/plain" in types and "text/html" in types and "text/calendar" in types


def test_reminders_are_true_and_the_last_one_carries_the_join_link(
    app,
    login_as,
    partner_id,  # noqa: F811
    frozen_clock,
):
    from engagement.events.tasks import send_reminders

    early_id = make_webinar(app, partner_id, capacity=10)
    early = login_as("startup")
    early.post(f"/events/{early_id}/register")
    frozen_clock(START - timedelta(hours=2))  # a late registration, two hours before
    late = login_as("startup")
    late.post(f"/events/{early_id}/register")
    _, late_email = rep_email(app, late)
    _, early_email = rep_email(app, early)

    def reminders(to: str) -> list[OutboxMessage]:
        with app.app_context():
            rows = db.session.scalars(
                sa.select(OutboxMessage)
                .where(
                    OutboxMessage.to_address == to,
                    OutboxMessage.dedupe_key.like("event-reminder:%"),
                )
                .order_by(OutboxMessage.id)
            ).all()
            db.session.expunge_all()
            return rows

    frozen_clock(START - timedelta(hours=23, minutes=50))
    with app.app_context(), app.test_request_context():
        send_reminders()
        db.session.commit()
    frozen_clock(START - timedelta(minutes=55))
    with app.app_context(), app.test_request_context():
        send_reminders()
        db.session.commit()
    first, last = reminders(early_email)
    assert "in about 24 hours" in first.body_text and "meet.example.org" not in first.body_text
    assert "in about an hour" in last.body_text and "https://meet.example.org/abc" in last.body_text
    assert "https://meet.example.org/abc" in last.body_html
    # Registered after the 24 h reminder's time: no "starts in about 24 hours" for them.
    late_ones = reminders(late_email)
    assert [m.dedupe_key.rsplit(":", 1)[1] for m in late_ones] == ["1h"]
    assert "24 hours" not in late_ones[0].body_text


def test_a_registration_two_hours_before_gets_no_24_hour_reminder_even_if_the_job_was_late(
    app,
    login_as,
    partner_id,  # noqa: F811
    frozen_clock,
):
    from engagement.events.tasks import send_reminders

    event_id = make_webinar(app, partner_id, capacity=10)
    frozen_clock(START - timedelta(hours=2))
    late = login_as("startup")
    late.post(f"/events/{event_id}/register")
    with app.app_context(), app.test_request_context():
        assert send_reminders() == 0
        db.session.commit()
    # Registered after the last reminder's time: the confirmation carries the link.
    frozen_clock(START - timedelta(minutes=20))
    latest = login_as("startup")
    latest.post(f"/events/{event_id}/register")
    _, email = rep_email(app, latest)
    assert "https://meet.example.org/abc" in confirmation(app, email).body_text


def test_staff_cannot_schedule_a_webinar_in_the_past_but_may_record_one(app, login_as, partner_id):  # noqa: F811
    staff = login_as("staff")
    form = {
        "title": "Old webinar",
        "description": "Looking back",
        "partners": str(partner_id),
        "starts_at": "2025-01-01T14:00",
        "duration_minutes": "60",
        "capacity": "50",
        "waitlist_enabled": "y",
        "publish": "y",
    }
    refused = staff.post("/webinars/new", data=form)
    assert refused.status_code == 422
    assert "The start is in the past" in refused.text
    assert 'href="#starts_at"' in refused.text  # in the error summary
    recorded = staff.post("/webinars/new", data={**form, "record_past": "y"})
    assert recorded.status_code == 302
    page = staff.get(recorded.location).text
    assert "Recorded after it took place" in page
    assert "Past webinar recorded for the archive" in page
