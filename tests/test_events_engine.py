"""The registration engine's rules, called through its services on the real database."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from engagement import clock
from engagement.auth.models import User
from engagement.events import services as svc
from engagement.events import tasks
from engagement.events.models import (
    Event,
    EventKind,
    EventState,
    Registration,
    RegistrationState,
)
from engagement.extensions import db
from engagement.notifications.models import OutboxMessage
from engagement.notifications.services import render_message
from engagement.scheduler.registry import JOBS
from engagement.scheduler.runner import run_job

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


def make_event(**kwargs) -> Event:
    values = {
        "kind": EventKind.WEBINAR,
        "title": "Selling software to Germany",
        "starts_at": NOW + timedelta(days=3),
        "duration_minutes": 90,
        "capacity": 2,
        "state": EventState.PUBLISHED,
    }
    values.update(kwargs)
    return svc.create_event(
        values.pop("kind"), values.pop("title"), values.pop("starts_at"), **values
    )


def people(*names: str) -> list[svc.Attendee]:
    return [svc.Attendee(name.title(), f"{name}@example.test") for name in names]


def mails(to: str | None = None) -> list[OutboxMessage]:
    """Queued mails with the text the deliverer sends (registration mails render when sent)."""
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if to:
        query = query.where(OutboxMessage.to_address == to)
    return [render_message(message) for message in db.session.scalars(query)]


@pytest.fixture
def company(make_user):
    return make_user("company")


@pytest.fixture
def staff(make_user):
    return make_user("staff")


@pytest.fixture(autouse=True)
def _clock(frozen_clock):
    frozen_clock(NOW)


def test_confirms_until_full_then_waitlists_in_order(ctx, company):
    event = make_event(capacity=2)
    regs = svc.register_attendees(event.id, people("ali", "sara", "omar", "hina"), user(company))
    assert [r.state for r in regs] == [
        RegistrationState.CONFIRMED,
        RegistrationState.CONFIRMED,
        RegistrationState.WAITLISTED,
        RegistrationState.WAITLISTED,
    ]
    assert svc.seats_left(event) == 0
    assert svc.waitlist_length(event) == 2
    assert [svc.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    confirmed = mails("ali@example.test")[0]
    assert confirmed.attachment_type == "text/calendar"
    assert b"TZID=Asia/Karachi" in confirmed.attachment_data
    assert "waitlist" in mails("omar@example.test")[0].subject.lower()


def test_cancellation_promotes_first_waitlisted_and_emails_them(ctx, company):
    event = make_event(capacity=1)
    first, second, third = svc.register_attendees(
        event.id, people("ali", "sara", "omar"), user(company)
    )
    promoted = svc.cancel_registration(first, user(company))
    assert promoted == [second]
    assert second.state == RegistrationState.CONFIRMED
    assert third.state == RegistrationState.WAITLISTED
    assert svc.waitlist_position(third) == 1
    last = mails("sara@example.test")[-1]
    assert "seat opened" in last.subject and last.attachment_name.endswith(".ics")
    assert svc.cancel_registration(first, user(company)) == []  # twice: no change


def test_raising_capacity_promotes_and_lowering_below_confirmed_is_refused(ctx, staff, company):
    event = make_event(capacity=1)
    regs = svc.register_attendees(event.id, people("a", "b", "c"), user(company))
    assert [r.state for r in svc.set_capacity(event, 2, user(staff))] == [
        RegistrationState.CONFIRMED
    ]
    assert regs[1].state == RegistrationState.CONFIRMED and regs[2].state.value == "waitlisted"
    with pytest.raises(svc.RegistrationError) as error:
        svc.set_capacity(event, 1, user(staff))
    assert error.value.field == "capacity"


def test_one_registration_per_email_and_reregistering_after_cancel(ctx, company, make_user):
    event = make_event(capacity=5)
    (reg,) = svc.register_attendees(event.id, people("ali"), user(company))
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, [svc.Attendee("Ali", " ALI@Example.test ")], user(company))
    assert error.value.code == "duplicate" and error.value.field == "attendees[0].email"
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, people("x", "x"), user(company))
    assert error.value.code == "duplicate" and error.value.field == "attendees[1].email"
    svc.cancel_registration(reg, user(company))
    (again,) = svc.register_attendees(event.id, people("ali"), user(company))
    assert again.id == reg.id and again.state == RegistrationState.CONFIRMED
    # The database itself refuses a second row for the same event and email.
    db.session.add(
        Registration(event_id=event.id, name="Dup", email="ali@example.test", state="confirmed")
    )
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"registration_opens_at": NOW + timedelta(hours=1)}, "closed"),
        (
            {
                "registration_closes_at": NOW - timedelta(hours=1),
                "registration_opens_at": NOW - timedelta(days=1),
            },
            "closed",
        ),
        ({"starts_at": NOW - timedelta(minutes=5)}, "closed"),
    ],
)
def test_registration_window(ctx, company, changes, code):
    with clock.frozen(
        NOW - timedelta(days=2)
    ):  # scheduled ahead (a new event cannot start in the past)
        event = make_event(**changes)
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, people("ali"), user(company))
    assert error.value.code == code


def test_cancelled_draft_and_full_without_waitlist(ctx, company, staff):
    cancelled = make_event()
    svc.cancel_event(cancelled, "Speaker unavailable", user(staff))
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(cancelled.id, people("ali"), user(company))
    assert error.value.code == "cancelled"
    draft = make_event(state=EventState.DRAFT)
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(draft.id, people("ali"), user(company))
    assert error.value.code == "invalid"
    full = make_event(capacity=1, waitlist_enabled=False)
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(full.id, people("a", "b"), user(company))
    assert error.value.code == "full"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_cancel_event_emails_everyone_registered(ctx, company, staff):
    event = make_event(capacity=1)
    svc.register_attendees(event.id, people("a", "b"), user(company))
    assert svc.cancel_event(event, "Speaker unavailable", user(staff)) == 2
    assert "Cancelled" in mails("b@example.test")[-1].subject
    assert "Speaker unavailable" in mails("a@example.test")[-1].body_text
    assert b"STATUS:CANCELLED" in svc.event_ics(event)


def test_seat_limit_per_organisation(ctx, company):
    event = make_event(capacity=10, seat_limit_per_org=2)
    svc.register_attendees(event.id, people("a"), user(company))
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, people("b", "c"), user(company))
    assert error.value.code == "seat_limit" and "1 more" in error.value.message
    svc.register_attendees(event.id, people("b"), user(company))


def test_startups_and_individuals_register_only_themselves(ctx, make_user):
    founder = user(make_user("startup", email="founder@example.test"))
    event = make_event()
    with pytest.raises(svc.RegistrationError):
        svc.register_attendees(event.id, people("colleague"), founder)
    (reg,) = svc.register_attendees(event.id, [svc.Attendee("Me", "founder@example.test")], founder)
    assert reg.state == RegistrationState.CONFIRMED


def test_invalid_attendee_input_names_the_field(ctx, company):
    event = make_event()
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, [svc.Attendee("Ali", "not-an-email")], user(company))
    assert error.value.field == "attendees[0].email"
    with pytest.raises(svc.RegistrationError) as error:
        svc.register_attendees(event.id, [svc.Attendee(" ", "a@example.test")], user(company))
    assert error.value.field == "attendees[0].name"
    with pytest.raises(svc.RegistrationError):
        svc.create_event("webinar", "Bad", NOW, duration_minutes=0, capacity=1)
    with pytest.raises(svc.RegistrationError) as error:
        svc.create_event("webinar", "Bad", NOW, duration_minutes=30, capacity=-1)
    assert error.value.field == "capacity"


def test_access_drafts_and_registrations(ctx, company, make_user, staff):
    other = user(make_user("company"))
    draft = make_event(state=EventState.DRAFT)
    with pytest.raises(NotFound):
        svc.get_event_for(user(company), draft.id)
    assert svc.get_event_for(user(staff), draft.id) is draft
    event = make_event()
    (reg,) = svc.register_attendees(event.id, people("a"), user(company))
    with pytest.raises(NotFound):
        svc.get_registration_for(other, reg.id)
    assert svc.get_registration_for(user(company), reg.id) is reg
    assert svc.get_registration_for(user(staff), reg.id) is reg


def test_check_in_marks_attendance(ctx, company, staff, frozen_clock):
    event = make_event(capacity=1)
    confirmed, waiting = svc.register_attendees(event.id, people("a", "b"), user(company))
    door_open = event.starts_at - timedelta(hours=1)
    frozen_clock(door_open)
    svc.check_in(confirmed, user(staff))
    assert confirmed.state == RegistrationState.ATTENDED and confirmed.checked_in_at == door_open
    with pytest.raises(svc.RegistrationError):
        svc.check_in(waiting, user(staff))


# --- Jobs ---------------------------------------------------------------------------------------


def _setup_reminder_event(app, company_id: int) -> int:
    with app.app_context(), app.test_request_context():
        event = make_event(capacity=2, starts_at=NOW + timedelta(hours=30))
        svc.register_attendees(event.id, people("a", "b", "c"), db.session.get(User, company_id))
        db.session.commit()
        return event.id


def _reminders(app) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(OutboxMessage.dedupe_key)
                .where(OutboxMessage.dedupe_key.like("event-reminder:%"))
                .order_by(OutboxMessage.dedupe_key)
            )
        )


def test_reminders_go_exactly_once_per_registrant(app, company):
    _setup_reminder_event(app, company)
    job = JOBS["events_reminders"]
    with app.app_context():
        run_job(job)  # 30 h before: nothing due
    assert _reminders(app) == []
    clock.freeze(NOW + timedelta(hours=7))  # 23 h before
    with app.app_context():
        run_job(job)
        run_job(job)  # a restart or a second run sends nothing new
    assert len(_reminders(app)) == 2  # the two confirmed, not the waitlisted
    clock.freeze(NOW + timedelta(hours=29, minutes=10))  # 50 min before

    barrier = threading.Barrier(4)

    def scheduler_process() -> None:
        with app.app_context():
            barrier.wait()
            run_job(job)

    threads = [threading.Thread(target=scheduler_process) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = _reminders(app)
    assert len(keys) == 4 and len(set(keys)) == 4
    assert sum(key.endswith(":1h") for key in keys) == 2
    with app.app_context():
        body = db.session.scalar(
            sa.select(OutboxMessage.body_text).where(OutboxMessage.dedupe_key.like("%:1h"))
        )
    # A webinar is online: no ticket to show, the join link (or where it appears) instead.
    assert "/tickets/" not in body and "in about an hour" in body and "join link" in body


def test_close_complete_and_feedback_jobs(app, company):
    event_id = _setup_reminder_event(app, company)
    clock.freeze(NOW + timedelta(hours=30, minutes=1))
    with app.app_context():
        run_job(JOBS["events_lifecycle"])
        assert db.session.get(Event, event_id).state == EventState.REGISTRATION_CLOSED
    clock.freeze(NOW + timedelta(hours=32))
    with app.app_context():
        run_job(JOBS["events_lifecycle"])
        assert db.session.get(Event, event_id).state == EventState.COMPLETED
        run_job(JOBS["events_feedback"])
        run_job(JOBS["events_feedback"])
        keys = db.session.scalars(
            sa.select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.like("event-feedback:%")
            )
        ).all()
    assert len(keys) == 2


def test_tasks_module_functions_are_idempotent(ctx, company):
    event = make_event(capacity=1, starts_at=NOW + timedelta(minutes=90))
    svc.register_attendees(event.id, people("a"), user(company))
    clock.freeze(NOW + timedelta(minutes=60))  # 30 minutes before
    tasks.send_reminders()
    tasks.send_reminders()
    keys = [m.dedupe_key for m in mails("a@example.test") if m.dedupe_key]
    assert keys == [f"event-reminder:{event.registrations[0].id}:1h"]


def test_a_new_time_is_mailed_to_everyone_registered_with_a_new_ics(ctx, company, staff):
    event = make_event(capacity=1)
    svc.register_attendees(event.id, people("ali", "sara"), user(company))  # confirmed, waitlisted
    before = len(mails())
    svc.update_event(event, user(staff), title="Selling software to Germany (updated)")
    assert len(mails()) == before  # no new time, no mail
    new_start = NOW + timedelta(days=4, hours=2)
    svc.update_event(event, user(staff), starts_at=new_start, duration_minutes=60)
    for name in ("ali", "sara"):
        (mail,) = [m for m in mails(f"{name}@example.test") if m.subject.startswith("New time")]
        assert "Was: Thu 04 Mar 2027, 14:00 PKT" in mail.body_text
        assert "Now: Fri 05 Mar 2027, 16:00 PKT to 17:00 PKT" in mail.body_text
        assert b"DTSTART;TZID=Asia/Karachi:20270305T160000" in mail.attachment_data


def test_a_new_event_cannot_start_in_the_past_unless_recorded_as_past(ctx, staff):
    with pytest.raises(svc.RegistrationError) as error:
        make_event(starts_at=NOW - timedelta(days=400))
    assert error.value.field == "starts_at" and "in the past" in error.value.message
    recorded = make_event(starts_at=NOW - timedelta(days=400), record_past=True)
    assert recorded.recorded_past and recorded.state == EventState.COMPLETED
    assert svc.registration_closed_reason(recorded) is not None
    with pytest.raises(svc.RegistrationError):
        make_event(starts_at=NOW + timedelta(days=1), record_past=True)
