"""Issue 17.7: a verified company is renamed only by its owners or PSEB staff, and audited."""

from __future__ import annotations

import sqlalchemy as sa

from engagement.auth.models import Membership, MembershipRole, User
from engagement.directory.models import Company, CompanyRename
from engagement.extensions import db
from tests.conftest import Auth
from tests.test_directory_profile import company_form, errors, ids, own


def test_only_owners_and_staff_rename_a_verified_company(app, login_as, make_user):
    refs = ids(app)
    owner = login_as("company", org="Acme")
    assert owner.post("/directory/profile", data=company_form(refs)).status_code == 302
    company_id = own(app, owner.user_id, Company).id
    staff = login_as("staff")
    assert (
        staff.post(
            f"/directory/companies/{company_id}/verify",
            data={"registration_number": "PSEB/2021/0457"},
        ).status_code
        == 302
    )
    member_id = make_user("company", email="member@acme.test", org=None)
    with app.app_context():
        organisation_id = db.session.get(User, owner.user_id).organisation.id
        db.session.add(
            Membership(
                user_id=member_id, organisation_id=organisation_id, role=MembershipRole.MEMBER
            )
        )
        db.session.commit()
    member = app.test_client()
    Auth(member).login("member@acme.test")

    refused = member.post(
        "/directory/profile",
        data=company_form(refs, legal_name="Totally Different Ltd", registration_number=""),
    )
    assert refused.status_code == 422
    assert "only its owner or PSEB staff can change its name" in " ".join(errors(refused))
    assert own(app, owner.user_id, Company).legal_name == "Acme Software (Pvt) Ltd"
    # Other edits by a member still work.
    kept = member.post(
        "/directory/profile", data=company_form(refs, description="Payments and lending.")
    )
    assert kept.status_code == 302

    renamed = owner.post("/directory/profile", data=company_form(refs, legal_name="Acme Pay Ltd"))
    assert renamed.status_code == 302
    assert own(app, owner.user_id, Company).legal_name == "Acme Pay Ltd"
    with app.app_context():
        [audit] = db.session.scalars(sa.select(CompanyRename)).all()
        assert (audit.old_name, audit.new_name, audit.changed_by_id) == (
            "Acme Software (Pvt) Ltd",
            "Acme Pay Ltd",
            owner.user_id,
        )
    page = staff.get(f"/directory/companies/{company_id}").get_data(as_text=True)
    assert "Name changes since verification" in page and "Acme Pay Ltd" in page
