"""Check-in: the door's time window, "checked in" vs "attended", the desk, undo, counts, messages,
post/redirect/get on the staff tools and the attendee CSV's times."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from engagement.auth.models import User
from engagement.events import services as svc
from engagement.events.models import Event, EventKind, EventState, Registration, RegistrationState
from engagement.extensions import db

NOW = datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
START = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)  # Wednesday 14:00 PKT


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


def make_event(app, capacity: int = 10, title: str = "Exporting to the Gulf", **kwargs) -> int:
    with app.app_context(), app.test_request_context():
        event = svc.create_event(
            EventKind.WEBINAR,
            title,
            kwargs.pop("starts_at", START),
            duration_minutes=kwargs.pop("duration_minutes", 90),
            capacity=capacity,
            state=EventState.PUBLISHED,
            **kwargs,
        )
        db.session.commit()
        return event.id


def register(app, event_id: int, *names: str, org_user: int | None = None) -> list[int]:
    with app.app_context(), app.test_request_context():
        by = db.session.get(User, org_user) if org_user else None
        regs = svc.register_attendees(
            event_id, [svc.Attendee(n.title(), f"{n}@example.test") for n in names], by
        )
        db.session.commit()
        return [r.id for r in regs]


def state_of(app, registration_id: int) -> str:
    with app.app_context():
        return db.session.get(Registration, registration_id).state.value


# --- The rule: when the door is open -------------------------------------------------------------


def test_check_in_refused_days_before_with_the_reason(app, frozen_clock):
    event_id = make_event(app)
    (reg_id,) = register(app, event_id, "sana")
    frozen_clock(START - timedelta(days=16))
    with app.app_context(), app.test_request_context():
        registration = db.session.get(Registration, reg_id)
        with pytest.raises(svc.RegistrationError) as refused:
            svc.check_in(registration, None)
        assert refused.value.code == "closed"
        assert refused.value.message == (
            "Check-in opens 2 hours before the start, at Wed 10 Mar 2027, 12:00 PKT."
        )


def test_check_in_open_from_two_hours_before_until_the_end(app, frozen_clock):
    event_id = make_event(app)
    early, late = register(app, event_id, "sana", "bilal")
    with app.app_context(), app.test_request_context():
        frozen_clock(START - timedelta(hours=2, seconds=1))
        assert svc.check_in_closed_reason(db.session.get(Event, event_id)) is not None
        frozen_clock(START - timedelta(hours=2))
        svc.check_in(db.session.get(Registration, early), None)
        frozen_clock(START + timedelta(minutes=90))
        with pytest.raises(
            svc.RegistrationError, match="The event ended at Wed 10 Mar 2027, 15:30"
        ):
            svc.check_in(db.session.get(Registration, late), None)
        assert db.session.get(Registration, early).state == RegistrationState.ATTENDED


def test_check_in_window_is_configurable(app, frozen_clock):
    event_id = make_event(app)
    (reg_id,) = register(app, event_id, "sana")
    frozen_clock(START - timedelta(hours=3))
    app.config["CHECK_IN_OPENS_HOURS_BEFORE"] = 4
    try:
        with app.app_context(), app.test_request_context():
            svc.check_in(db.session.get(Registration, reg_id), None)
            assert db.session.get(Registration, reg_id).state == RegistrationState.ATTENDED
            app.config["CHECK_IN_OPENS_HOURS_BEFORE"] = 0.5
            reason = svc.check_in_closed_reason(db.session.get(Event, event_id))
            assert reason.startswith("Check-in opens 30 minutes before the start")
    finally:
        app.config["CHECK_IN_OPENS_HOURS_BEFORE"] = 2


def test_checked_in_reads_checked_in_until_the_start_then_attended(app, login_as, frozen_clock):
    event_id = make_event(app)
    rep = login_as("company")
    rep.post(
        f"/events/{event_id}/register",
        data={"attendees-0-name": "Sana Iqbal", "attendees-0-email": "sana@example.test"},
    )
    with app.app_context():
        reg_id = db.session.scalar(sa.select(Registration.id))
    staff = login_as("staff")
    frozen_clock(START - timedelta(hours=1))
    staff.post(f"/staff/registrations/{reg_id}/attendance", data={"action": "attended"})
    assert state_of(app, reg_id) == "attended"
    before = rep.get("/my/registrations").text
    assert ">Checked in</span>" in before and ">Attended</span>" not in before
    frozen_clock(START + timedelta(minutes=5))
    assert ">Attended</span>" in rep.get("/my/registrations").text


def test_no_show_only_after_the_start(app, frozen_clock):
    event_id = make_event(app)
    (reg_id,) = register(app, event_id, "sana")
    with (
        app.app_context(),
        app.test_request_context(),
        pytest.raises(svc.RegistrationError, match="once the event has started"),
    ):
        svc.mark_no_show(db.session.get(Registration, reg_id), None)


def test_checked_in_people_are_still_messaged_counted_and_hold_seats(app, frozen_clock, outbox):
    event_id = make_event(app, capacity=2)
    sana, bilal, omar = register(app, event_id, "sana", "bilal", "omar")
    frozen_clock(START - timedelta(minutes=30))
    with app.app_context(), app.test_request_context():
        svc.check_in(db.session.get(Registration, sana), None)
        event = db.session.get(Event, event_id)
        assert svc.message_confirmed(event, "Room 2", "We moved to room 2.") == 2
        assert svc.door_counts(event) == {"expected": 2, "checked_in": 1, "waiting": 1}
        assert svc.seats_left(event) == 0
        db.session.commit()
    assert [m.subject for m in outbox("sana@example.test")][-1].startswith("Room 2")
    assert state_of(app, omar) == "waitlisted"


def test_undo_check_in_makes_them_confirmed_again(app, frozen_clock):
    event_id = make_event(app)
    (reg_id,) = register(app, event_id, "sana")
    frozen_clock(START)
    with app.app_context(), app.test_request_context():
        registration = db.session.get(Registration, reg_id)
        svc.check_in(registration, None)
        svc.undo_check_in(registration, None)
        assert registration.state == RegistrationState.CONFIRMED
        assert registration.checked_in_at is None
        with pytest.raises(svc.RegistrationError, match="is not checked in"):
            svc.undo_check_in(registration, None)


# --- The desk ------------------------------------------------------------------------------------


@pytest.fixture
def desk_event(app, make_user):
    company = make_user("company", org="Arbisoft Test")
    event_id = make_event(app)
    ids = register(app, event_id, "sana", "bilal", org_user=company)
    return event_id, ids


def test_desk_search_check_in_result_and_undo_without_js(app, login_as, desk_event, frozen_clock):
    event_id, (sana, bilal) = desk_event
    staff = login_as("staff")
    frozen_clock(START - timedelta(minutes=20))
    page = staff.get(f"/staff/events/{event_id}/desk?q=arbisoft")
    assert page.status_code == 200
    assert "Check in Sana" in page.text and "Check in Bilal" in page.text
    # The scanner may ask for the camera here, and only here.
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    assert "camera=()" in staff.get(f"/staff/events/{event_id}").headers["Permissions-Policy"]
    assert 'id="count-expected">2<' in page.text and 'id="count-checked-in">0<' in page.text
    done = staff.post(
        f"/staff/events/{event_id}/desk/check-in", data={"registration_id": sana, "q": "arbisoft"}
    )
    assert done.status_code == 302
    assert done.headers["Location"] == f"/staff/events/{event_id}/desk?q=arbisoft"
    after = staff.get(done.headers["Location"]).text
    assert "desk-ok" in after and "Checked in." in after and "Arbisoft Test" in after
    assert 'Undo check-in of <span class="desk-undo-name">Sana</span>' in after
    assert 'id="count-checked-in">1<' in after
    # A reload shows no stale result: it was shown once.
    assert "desk-ok" not in staff.get(done.headers["Location"]).text
    again = staff.post(
        f"/staff/events/{event_id}/desk/check-in",
        data={"registration_id": sana},
        follow_redirects=True,
    )
    assert "desk-refused" in again.text and "Already checked in at 13:40 PKT." in again.text
    undone = staff.post(
        f"/staff/events/{event_id}/desk/undo", data={"registration_id": sana}, follow_redirects=True
    )
    assert "Check-in undone." in undone.text and 'id="count-checked-in">0<' in undone.text
    assert state_of(app, sana) == "confirmed"


def test_desk_scanned_codes_answer_json(app, login_as, desk_event, frozen_clock):
    event_id, (sana, _bilal) = desk_event
    other_id = make_event(app, title="Fintech in Riyadh")
    (other,) = register(app, other_id, "zara")
    with app.app_context():
        token = db.session.get(Registration, sana).ticket_token
        other_token = db.session.get(Registration, other).ticket_token
    staff = login_as("staff")
    frozen_clock(START - timedelta(minutes=5))
    url = f"/staff/events/{event_id}/desk/check-in"
    json_headers = {"Accept": "application/json"}
    ok = staff.post(
        url, data={"code": f"http://x.example/staff/check-in/{token}"}, headers=json_headers
    ).get_json()
    assert ok["ok"] is True and ok["name"] == "Sana" and ok["organisation"] == "Arbisoft Test"
    assert ok["counts"] == {"expected": 2, "checked_in": 1, "waiting": 1}
    wrong = staff.post(url, data={"code": other_token}, headers=json_headers).get_json()
    assert wrong == {
        "ok": False,
        "message": "This ticket is for another event: Fintech in Riyadh.",
        "name": "",
        "organisation": "",
        "registration_id": None,
        "counts": {"expected": 2, "checked_in": 1, "waiting": 1},
    }
    unknown = staff.post(url, data={"code": "A" * 32}, headers=json_headers).get_json()
    assert unknown["message"] == "No ticket matches this code."
    nonsense = staff.post(url, data={"code": "hello world!"}, headers=json_headers).get_json()
    assert nonsense["message"] == "This is not a PSEB Engage ticket code."
    counts = staff.get(f"/staff/events/{event_id}/desk/counts.json").get_json()
    assert counts["checked_in"] == 1
    assert state_of(app, other) == "confirmed"


def test_desk_refuses_before_the_door_opens_with_the_reason(app, login_as, desk_event):
    event_id, (sana, _bilal) = desk_event
    staff = login_as("staff")
    page = staff.get(f"/staff/events/{event_id}/desk").text
    assert "Check-in opens 2 hours before the start" in page
    refused = staff.post(
        f"/staff/events/{event_id}/desk/check-in",
        data={"registration_id": sana},
        follow_redirects=True,
    )
    assert "desk-refused" in refused.text and "Check-in opens 2 hours" in refused.text
    assert state_of(app, sana) == "confirmed"
    # Said in the viewer's zone, like the other times on the page.
    staff.set_cookie("tz", "Europe/London")
    page = staff.get(f"/staff/events/{event_id}/desk").text
    assert "Check-in opens 2 hours before the start, at Wed 10 Mar 2027, 07:00 GMT." in page


def test_desk_access_and_foreign_ids(app, login_as, desk_event, client):
    event_id, (sana, _bilal) = desk_event
    other_id = make_event(app, title="Other")
    (other,) = register(app, other_id, "zara")
    assert client.get(f"/staff/events/{event_id}/desk").status_code in (302, 401)
    company = login_as("company")
    assert company.get(f"/staff/events/{event_id}/desk").status_code == 403
    staff = login_as("staff")
    assert staff.get("/staff/events/99999/desk").status_code == 404
    # A registration of another event is not found at this desk.
    assert (
        staff.post(
            f"/staff/events/{event_id}/desk/check-in", data={"registration_id": other}
        ).status_code
        == 404
    )
    assert (
        staff.post(f"/staff/events/{event_id}/desk/undo", data={"registration_id": "x"}).status_code
        == 400
    )


# --- Post/redirect/get and the CSV -------------------------------------------------------------


def test_refused_capacity_redirects_and_keeps_what_was_typed(app, login_as):
    event_id = make_event(app, capacity=3)
    register(app, event_id, "sana", "bilal")
    staff = login_as("staff")
    refused = staff.post(f"/staff/events/{event_id}/capacity", data={"capacity": "1"})
    assert refused.status_code == 302
    assert refused.headers["Location"] == f"/staff/events/{event_id}#capacity-form"
    page = staff.get(f"/staff/events/{event_id}").text
    assert "2 seats are already confirmed" in page and 'value="1"' in page
    message = staff.post(
        f"/staff/events/{event_id}/message", data={"subject": "", "body": "Typed body kept"}
    )
    assert message.status_code == 302
    page = staff.get(f"/staff/events/{event_id}").text
    assert "Write a subject." in page and "Typed body kept" in page
    cancel = staff.post(f"/staff/events/{event_id}/cancel", data={"reason": ""})
    assert cancel.status_code == 302
    assert "Say why the event is cancelled." in staff.get(f"/staff/events/{event_id}").text
    with app.app_context():
        assert db.session.get(Event, event_id).capacity == 3


def test_attendee_csv_times_in_the_event_zone_to_the_second(app, login_as, frozen_clock):
    frozen_clock(NOW.replace(microsecond=123456))
    event_id = make_event(app)
    register(app, event_id, "sana")
    staff = login_as("staff")
    rows = list(csv.reader(io.StringIO(staff.get(f"/staff/events/{event_id}/attendees.csv").text)))
    assert rows[0][4:7] == [
        "registered_at (Asia/Karachi)",
        "confirmed_at (Asia/Karachi)",
        "checked_in_at (Asia/Karachi)",
    ]
    assert rows[1][4:7] == ["2027-03-01T11:00:00+05:00", "2027-03-01T11:00:00+05:00", ""]


def test_staff_counts_say_checked_in_before_the_start(app, login_as, frozen_clock):
    event_id = make_event(app)
    (reg_id,) = register(app, event_id, "sana")
    staff = login_as("staff")
    frozen_clock(START - timedelta(hours=1))
    staff.post(f"/staff/registrations/{reg_id}/attendance", data={"action": "attended"})
    page = staff.get(f"/staff/events/{event_id}").text
    assert '<p class="muted small">Checked in</p>' in page and ">checked in</span>" in page
    assert "No-show" not in page.split('id="attendees"')[1].split("</table>")[0]
    frozen_clock(START + timedelta(minutes=1))
    page = staff.get(f"/staff/events/{event_id}").text
    assert '<p class="muted small">Attended</p>' in page and ">attended</span>" in page
