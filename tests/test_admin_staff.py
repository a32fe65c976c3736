"""Admin of staff through real HTTP (issue 15): deactivation with a confirmation that warns about
open assignments and hands them over, role changes, "last signed in", the supervisor each staff
member reports to (used by the overdue escalations), and the audit of all of these."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from engagement.auth.models import AccountEvent, Role, User
from engagement.extensions import db
from engagement.facilitation import (
    services,
    tasks,  # noqa: F401 - registers the SLA job
)
from engagement.facilitation.models import (
    EventKind,
    FacilitationRequest,
    RequestEvent,
    RequestState,
)
from engagement.notifications.models import OutboxMessage
from engagement.scheduler.registry import JOBS
from engagement.scheduler.runner import run_job
from tests.conftest import Auth
from tests.test_facilitation_factories import (
    make_request,
    people_fixture,  # noqa: F401
    user,
)


def client_for(app, email: str):
    client = app.test_client()
    Auth(client).login(email)
    return client


def _actions(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(AccountEvent.action)
                .where(AccountEvent.user_id == user_id)
                .order_by(AccountEvent.id)
            )
        )


def test_deactivation_warns_about_open_requests_and_reassigns_them(app, people, make_user):
    leaving = make_user("staff", email="leaving@pseb.test", org=None, name="Leaving Officer")
    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        open_one = make_request(owner, staff, RequestState.IN_REVIEW, title="Open capital one")
        closed = make_request(owner, staff, RequestState.RESOLVED, title="Closed one")
        for request in (open_one, closed):
            services.assign(request, leaving, staff)
        db.session.commit()
        open_id = open_one.id
    admin = client_for(app, "admin@pseb.test")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{leaving}/deactivate"' in listing  # a link to a page, not a POST

    confirm = admin.get(f"/admin/users/{leaving}/deactivate")
    assert confirm.status_code == 200
    text = confirm.get_data(as_text=True)
    assert "Deactivate Leaving Officer?" in text
    assert "still has open assignments" in text and "1 open facilitation requests" in text
    assert "Open capital one" in text and "Closed one" not in text
    assert "Bilal Staff (staff@pseb.test)" in text and "Leaving Officer (" not in text

    bad = admin.post(f"/admin/users/{leaving}/deactivate", data={"reassign_to": "99999"})
    assert bad.status_code == 422 and "Choose an active staff member" in bad.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, leaving).active

    done = admin.post(
        f"/admin/users/{leaving}/deactivate", data={"reassign_to": str(people["staff"])}
    )
    assert done.status_code == 302
    assert "1 open item reassigned." in admin.get(done.location).get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, leaving).active is False
        assert db.session.get(FacilitationRequest, open_id).assignee_id == people["staff"]
        handed = db.session.scalars(
            sa.select(RequestEvent.comment).where(
                RequestEvent.request_id == open_id, RequestEvent.kind == EventKind.ASSIGNMENT
            )
        ).all()
        assert handed[-1] == "Assigned to Bilal Staff"
    assert _actions(app, leaving) == ["work_reassigned", "deactivated"]
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "1 open facilitation requests reassigned to Bilal Staff." in page
    assert "Account deactivated." in page

    # Reactivation is one button, audited too.
    admin.post(f"/admin/users/{leaving}/active", data={"active": "1"})
    assert _actions(app, leaving)[-1] == "reactivated"


def test_deactivation_without_open_work_and_the_guards(app, people, login_as):
    admin = client_for(app, "admin@pseb.test")
    page = admin.get(f"/admin/users/{people['company']}/deactivate").get_data(as_text=True)
    assert "has no open assignments" in page and "Hand their open work" not in page
    assert admin.post(f"/admin/users/{people['company']}/deactivate").status_code == 302
    assert admin.get("/admin/users/99999/deactivate").status_code == 404
    own = admin.get(f"/admin/users/{people['admin']}/deactivate")
    assert own.status_code == 302
    assert (
        client_for(app, "staff@pseb.test")
        .get(f"/admin/users/{people['owner']}/deactivate")
        .status_code
        == 403
    )


def test_role_changes_are_audited_and_guarded(app, people):
    admin = client_for(app, "admin@pseb.test")
    listing = admin.get("/admin/users").get_data(as_text=True)
    assert f'action="/admin/users/{people["staff"]}/role"' in listing
    assert f'action="/admin/users/{people["admin"]}/role"' not in listing  # not for oneself
    assert f'action="/admin/users/{people["company"]}/role"' not in listing

    promoted = admin.post(f"/admin/users/{people['staff']}/role", data={"role": "admin"})
    assert promoted.status_code == 302
    assert "staff@pseb.test is now admin." in admin.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, people["staff"]).role == Role.ADMIN
        detail = db.session.scalar(
            sa.select(AccountEvent.detail).where(AccountEvent.action == "role_changed")
        )
        assert detail == "Role changed from staff to admin."
    # The new rights apply at once, without signing in again.
    new_admin = client_for(app, "staff@pseb.test")
    assert new_admin.get("/admin/users").status_code == 200

    refused = admin.post(f"/admin/users/{people['company']}/role", data={"role": "admin"})
    assert "keep their role" in admin.get(refused.location).get_data(as_text=True)
    own = admin.post(f"/admin/users/{people['admin']}/role", data={"role": "staff"})
    assert "cannot change your own role" in admin.get(own.location).get_data(as_text=True)
    invalid = admin.post(f"/admin/users/{people['staff']}/role", data={"role": "startup"})
    assert "Choose Staff or Admin." in admin.get(invalid.location).get_data(as_text=True)
    # Back to staff; then the remaining admin is the last one and cannot be demoted by another.
    new_admin.post(f"/admin/users/{people['admin']}/role", data={"role": "staff"})
    last = admin.get("/admin/users")
    assert last.status_code == 403  # Ayesha is staff now
    gone = new_admin.post(f"/admin/users/{people['staff']}/deactivate")
    assert gone.status_code == 302  # oneself: refused with a message, nothing changed
    with app.app_context():
        assert db.session.get(User, people["staff"]).active
    assert (
        client_for(app, "owner@alpha.test")
        .post(f"/admin/users/{people['staff']}/role", data={"role": "staff"})
        .status_code
        == 403
    )


def test_last_signed_in_column(app, people, frozen_clock):
    frozen_clock(datetime(2026, 11, 20, 5, 30, tzinfo=UTC))
    client_for(app, "staff@pseb.test")
    admin = client_for(app, "admin@pseb.test")
    page = admin.get("/admin/users?q=staff@pseb").get_data(as_text=True)
    assert "Last signed in" in page
    row = page.split("staff@pseb.test", 1)[1].split("</tr>", 1)[0]
    assert "20 Nov 2026" in row and "10:30" in row  # shown in Pakistan time
    never = admin.get("/admin/users?q=beta").get_data(as_text=True)
    assert ">never<" in never


def test_escalations_go_to_the_supervisor_the_assignee_reports_to(app, people, make_user):
    boss = make_user("staff", email="boss@pseb.test", org=None, name="Sadia Boss")
    flagged = make_user("staff", email="flagged@pseb.test", org=None, name="Flagged Sup")
    admin = client_for(app, "admin@pseb.test")
    team = admin.get("/facilitation/team").get_data(as_text=True)
    assert "Reports to" in team and "Nobody named" in team
    saved = admin.post(
        "/facilitation/team", data={"user_id": str(people["staff"]), "reports_to": str(boss)}
    )
    assert saved.status_code == 302
    admin.post("/facilitation/team", data={"user_id": str(flagged), "supervisor": "1"})
    self_boss = admin.post(
        "/facilitation/team", data={"user_id": str(boss), "reports_to": str(boss)}
    )
    assert "own supervisor" in admin.get(self_boss.location).get_data(as_text=True)
    assert _actions(app, people["staff"]) == ["supervisor_changed"]
    assert _actions(app, flagged) == ["supervisor_changed"]
    assert "Reports to Sadia Boss." in admin.get("/admin/users").get_data(as_text=True)

    with app.app_context(), app.test_request_context():
        owner, staff = user(people["owner"]), user(people["staff"])
        from engagement import clock

        with clock.frozen(datetime(2026, 12, 24, 7, 0, tzinfo=UTC)):
            mine = make_request(owner, staff, RequestState.SUBMITTED, title="Assigned late")
            services.assign(mine, staff.id, staff)
            nobody = make_request(owner, staff, RequestState.SUBMITTED, title="Unassigned late")
        db.session.commit()
        mine_id, nobody_id = mine.id, nobody.id
    with app.app_context():
        with clock.frozen(datetime(2027, 1, 5, 4, 0, tzinfo=UTC)):
            assert run_job(JOBS["facilitation_sla_check"]) > 0

        def escalated(request_id: int) -> set[str]:
            return set(
                db.session.scalars(
                    sa.select(OutboxMessage.to_address).where(
                        OutboxMessage.dedupe_key.like(f"facilitation-sla:{request_id}:%")
                    )
                )
            )

        # The assignee and the boss they report to; not every admin and supervisor.
        assert escalated(mine_id) == {"staff@pseb.test", "boss@pseb.test"}
        # Nobody assigned: the flagged supervisors and the admins, as before.
        assert escalated(nobody_id) == {"flagged@pseb.test", "admin@pseb.test"}
