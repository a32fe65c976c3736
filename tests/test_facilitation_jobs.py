"""SLA working days over Pakistani holidays and weekends; the jobs on the real DB, clock frozen."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation import services, sla, tasks
from engagement.facilitation.models import FacilitationRequest, RequestState
from engagement.notifications.models import OutboxMessage
from engagement.scheduler.registry import JOBS
from engagement.scheduler.runner import run_job
from tests.test_facilitation_factories import make_request, people_fixture, user  # noqa: F401

THU_24_DEC_NOON_PKT = datetime(2026, 12, 24, 7, 0, tzinfo=UTC)


def test_calendar_knows_the_fixed_holidays():
    assert sla.holiday_name(date(2026, 12, 25)) == "Quaid-e-Azam Day"
    assert sla.holiday_name(date(2026, 11, 9)) == "Iqbal Day"
    assert not sla.is_working_day(date(2026, 12, 26))  # Saturday
    assert sla.is_working_day(date(2026, 12, 28))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Thu 24 Dec: Fri 25 is Quaid-e-Azam Day, then the weekend: Mon, Tue, Wed count.
        (THU_24_DEC_NOON_PKT, 3, datetime(2026, 12, 30, 19, 0, tzinfo=UTC)),
        # Late on Thursday evening in Karachi is still Thursday (UTC is still the same day).
        (datetime(2026, 12, 24, 18, 30, tzinfo=UTC), 1, datetime(2026, 12, 28, 19, 0, tzinfo=UTC)),
        # Just after midnight in Karachi on Friday 25 Dec (still Thursday in UTC).
        (datetime(2026, 12, 24, 19, 30, tzinfo=UTC), 1, datetime(2026, 12, 28, 19, 0, tzinfo=UTC)),
        # Mon 2 Nov + 5: Tue..Fri count 4, Mon 9 Nov is Iqbal Day, Tue 10 Nov is the 5th.
        (datetime(2026, 11, 2, 7, 0, tzinfo=UTC), 5, datetime(2026, 11, 10, 19, 0, tzinfo=UTC)),
        # Friday submission: the weekend does not count.
        (datetime(2026, 11, 27, 7, 0, tzinfo=UTC), 1, datetime(2026, 11, 30, 19, 0, tzinfo=UTC)),
    ],
)
def test_add_working_days(start, days, due):
    assert sla.add_working_days(start, days) == due


def test_working_days_between():
    assert sla.working_days_between(THU_24_DEC_NOON_PKT, datetime(2026, 12, 31, 7, tzinfo=UTC)) == 4


def test_submission_sets_the_due_time_from_config(app, ctx, people, frozen_clock):
    frozen_clock(THU_24_DEC_NOON_PKT)
    owner, staff = user(people["owner"]), user(people["staff"])
    request = make_request(owner, staff, RequestState.SUBMITTED)
    assert app.config["SLA_FIRST_RESPONSE_DAYS"] == 3
    assert request.first_response_due_at == datetime(2026, 12, 30, 19, 0, tzinfo=UTC)
    frozen_clock(datetime(2026, 12, 30, 18, 59, tzinfo=UTC))
    assert not request.is_overdue
    frozen_clock(datetime(2026, 12, 30, 19, 1, tzinfo=UTC))
    assert request.is_overdue


def _mails(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.dedupe_key.like(f"{kind}%"))
            .order_by(OutboxMessage.to_address)
        )
    )


def test_sla_escalation_once_per_breach(app, people, make_user, frozen_clock):
    supervisor_id = make_user("staff", email="supervisor@pseb.test", org=None)
    bystander_id = make_user("staff", email="bystander@pseb.test", org=None)
    with app.app_context(), app.test_request_context():
        frozen_clock(THU_24_DEC_NOON_PKT)
        owner, staff = user(people["owner"]), user(people["staff"])
        services.set_supervisor(user(supervisor_id), True)
        late = make_request(owner, staff, RequestState.SUBMITTED, title="Late one")
        services.assign(late, staff.id, user(people["admin"]))
        answered = make_request(owner, staff, RequestState.SUBMITTED, title="Answered one")
        services.transition(answered, RequestState.IN_REVIEW, staff)
        withdrawn = make_request(owner, staff, RequestState.WITHDRAWN, title="Withdrawn one")
        late_id = late.id
        db.session.commit()
        assert withdrawn.id

    job = JOBS["facilitation_sla_check"]
    with app.app_context():
        frozen_clock(datetime(2026, 12, 30, 18, 0, tzinfo=UTC))  # Wednesday evening: not yet due
        assert run_job(job) == 0
        frozen_clock(datetime(2026, 12, 31, 4, 0, tzinfo=UTC))  # Thursday morning: overdue
        assert run_job(job) == 3
        assert run_job(job) == 0  # run twice: nothing new
        frozen_clock(datetime(2027, 1, 4, 4, 0, tzinfo=UTC))  # days later, still the same breach
        assert run_job(job) == 0
        mails = _mails("facilitation-sla:")
        assert sorted(m.to_address for m in mails) == [
            "admin@pseb.test",
            "staff@pseb.test",
            "supervisor@pseb.test",
        ]
        assert all(f"#{late_id}" in m.subject and "Late one" in m.body_text for m in mails)
        # (The bystander heard of the new request, as all staff do, but gets no escalation.)
        assert not any("bystander" in m.to_address for m in mails)
        assert bystander_id

    # Once staff respond, the request is no longer overdue.
    with app.app_context(), app.test_request_context():
        late = db.session.get(FacilitationRequest, late_id)
        services.add_message(late, user(people["staff"]), "Sorry for the wait, we are on it.")
        db.session.commit()
        assert tasks.overdue_requests() == []


def test_needs_information_reminder_after_five_working_days(app, people, frozen_clock):
    with app.app_context(), app.test_request_context():
        frozen_clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))  # Monday 2 Nov, noon in Karachi
        owner, staff = user(people["owner"]), user(people["staff"])
        request = make_request(owner, staff, RequestState.SUBMITTED)
        services.transition(
            request, RequestState.NEEDS_INFORMATION, staff, comment="Send your registration."
        )
        answered = make_request(owner, staff, RequestState.SUBMITTED, title="Answered")
        services.transition(answered, RequestState.NEEDS_INFORMATION, staff, comment="Q?")
        services.add_message(answered, owner, "A.")
        db.session.commit()
        request_id = request.id

    job = JOBS["facilitation_needs_info_reminder"]
    with app.app_context():
        frozen_clock(datetime(2026, 11, 10, 12, 0, tzinfo=UTC))  # Tue 10 Nov: 4 working days
        assert run_job(job) == 0
        frozen_clock(datetime(2026, 11, 11, 4, 0, tzinfo=UTC))  # Wed 11 Nov: the 5th has passed
        assert run_job(job) == 1
        assert run_job(job) == 0
        (mail,) = _mails("facilitation-needs-info:")
        assert mail.to_address == "owner@alpha.test"
        assert f"#{request_id}" in mail.subject and "5 working days" in mail.body_text


def test_a_new_question_is_a_new_reminder(app, people, frozen_clock):
    with app.app_context(), app.test_request_context():
        frozen_clock(datetime(2026, 11, 2, 7, 0, tzinfo=UTC))
        owner, staff = user(people["owner"]), user(people["staff"])
        request = make_request(owner, staff, RequestState.SUBMITTED)
        services.transition(request, RequestState.NEEDS_INFORMATION, staff, comment="Q1")
        db.session.commit()
        request_id = request.id
    job = JOBS["facilitation_needs_info_reminder"]
    with app.app_context():
        frozen_clock(datetime(2026, 11, 12, 4, 0, tzinfo=UTC))
        assert run_job(job) == 1
    with app.app_context(), app.test_request_context():
        request = db.session.get(FacilitationRequest, request_id)
        services.add_message(request, user(people["owner"]), "A1")
        services.transition(
            request, RequestState.NEEDS_INFORMATION, user(people["staff"]), comment="Q2"
        )
        db.session.commit()
    with app.app_context():
        assert run_job(job) == 0  # the new question has not waited yet
        frozen_clock(datetime(2026, 11, 20, 4, 0, tzinfo=UTC))
        assert run_job(job) == 1
        assert len(_mails("facilitation-needs-info:")) == 2


def test_weekly_digest_once_per_week_per_staff(app, people, frozen_clock):
    with app.app_context(), app.test_request_context():
        frozen_clock(THU_24_DEC_NOON_PKT)
        owner, staff = user(people["owner"]), user(people["staff"])
        overdue = make_request(owner, staff, RequestState.SUBMITTED, title="Waiting too long")
        mine = make_request(owner, staff, RequestState.IN_REVIEW, title="Mine to do")
        services.assign(mine, staff.id, user(people["admin"]))
        make_request(owner, staff, RequestState.RESOLVED, title="Done already")
        db.session.commit()
        assert overdue.id
    job = JOBS["facilitation_weekly_digest"]
    with app.app_context():
        frozen_clock(datetime(2027, 1, 4, 0, 0, tzinfo=UTC))  # Monday 4 Jan 2027
        assert run_job(job) == 2  # staff and admin
        assert run_job(job) == 0
        digests = {m.to_address: m for m in _mails("facilitation-digest:")}
        assert set(digests) == {"staff@pseb.test", "admin@pseb.test"}
        body = digests["staff@pseb.test"].body_text
        assert "2 open" in body and "Waiting too long" in body and "Done already" not in body
        assert "Assigned to you: 1" in body and "Mine to do" in body
        frozen_clock(datetime(2027, 1, 11, 0, 0, tzinfo=UTC))
        assert run_job(job) == 2
