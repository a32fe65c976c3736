"""The partners demo: two partner logins, showcase companies, a meeting in each state, and
every demo slot passes the platform's own business-hours check."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engagement import business_hours
from engagement.auth.models import Role, User
from engagement.extensions import db
from engagement.partners import services
from engagement.partners.models import MEETING_MINUTES, MeetingRequest, MeetingState


def test_demo_is_idempotent_and_passes_the_slot_check(app):
    from engagement.auth.demo import seed_demo as seed_users
    from engagement.core.context import offline_request_context
    from engagement.directory.demo import seed_demo as seed_directory
    from engagement.partners.demo import seed_demo

    with app.app_context(), offline_request_context():
        seed_users()
        seed_directory()
        first = seed_demo()
        db.session.commit()
        again = seed_demo()
        db.session.commit()
        assert any("partner@gpcci.demo" in line for line in first)
        assert any("investor@gulfhorizon.demo" in line for line in first)
        assert "5 companies newly listed" in first[-1] and "0 companies" in again[-1]
        partners = db.session.scalars(sa.select(User).where(User.role == Role.PARTNER)).all()
        assert sorted(p.overseas_entity.country_code for p in partners) == ["AE", "DE"]
        assert {p.timezone for p in partners} == {"Asia/Dubai", "Europe/Berlin"}
        meetings = db.session.scalars(sa.select(MeetingRequest)).all()
        assert len(meetings) == 5
        assert {m.state for m in meetings} == set(MeetingState)
        assert any(services.held(m) and m.outcome for m in meetings)
        for meeting in meetings:
            sides = [
                services.company_side(meeting.organisation),
                services.partner_side(meeting.overseas_entity),
            ]
            for slot in meeting.slots:
                end = slot.starts_at + timedelta(minutes=MEETING_MINUTES)
                assert business_hours.slot_problems(slot.starts_at, end, sides) == []
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(services.showcase_query().subquery())
            )
            == 5
        )
