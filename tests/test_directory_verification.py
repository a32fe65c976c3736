"""Registration verification shows who verified it and when; staff may withdraw it with a
reason; both are kept in the company's verification history."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from engagement.auth.models import User
from engagement.directory.models import Company, CompanyVerificationEvent, VerificationAction
from engagement.extensions import db


def errors(response) -> list[str]:
    return re.findall(r'class="error-text"[^>]*>([^<]*)<', response.get_data(as_text=True))


def make_company(app, **fields) -> int:
    with app.app_context():
        company = Company(legal_name="Indus Code (Pvt) Ltd", **fields)
        db.session.add(company)
        db.session.commit()
        return company.id


def history(app, company_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (e.action, e.registration_number, e.reason, e.actor_id)
            for e in db.session.scalars(
                sa.select(CompanyVerificationEvent)
                .where(CompanyVerificationEvent.company_id == company_id)
                .order_by(CompanyVerificationEvent.id)
            )
        ]


def test_verify_shows_who_and_when_and_is_audited(app, login_as, frozen_clock):
    frozen_clock(datetime(2026, 11, 3, 7, 30, tzinfo=UTC))
    company_id = make_company(app, registration_number="PSEB/2021/0457")
    staff = login_as("staff", name="Bilal Staff")

    response = staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2021/0457"}
    )
    assert response.status_code == 302
    page = staff.get(f"/directory/companies/{company_id}").get_data(as_text=True)
    # Who and when, in the viewer's zone (PKT = UTC+5).
    assert re.search(r"<dt>Verified</dt><dd>[^<]*12:30[^<]*PKT[^<]* by Bilal Staff</dd>", page)
    assert 'id="verification-history"' in page and "Verified</strong> <code>PSEB/2021/0457" in page
    assert history(app, company_id) == [
        (VerificationAction.VERIFIED, "PSEB/2021/0457", None, staff.user_id)
    ]


def test_revoke_needs_a_reason_then_is_audited(app, login_as):
    company_id = make_company(app, registration_number="PSEB/2020/0099")
    staff = login_as("staff", name="Sana Supervisor")
    staff.post(
        f"/directory/companies/{company_id}/verify", data={"registration_number": "PSEB/2020/0099"}
    )

    refused = staff.post(f"/directory/companies/{company_id}/unverify", data={"reason": "  "})
    assert refused.status_code == 302  # back to the company's page: a reload re-sends nothing
    assert refused.location.endswith(f"/directory/companies/{company_id}")
    assert "Say why the verification is withdrawn." in staff.get(refused.location).text
    with app.app_context():
        assert db.session.get(Company, company_id).verified

    response = staff.post(
        f"/directory/companies/{company_id}/unverify",
        data={"reason": "Certificate expired in 2025"},
    )
    assert response.status_code == 302
    with app.app_context():
        company = db.session.get(Company, company_id)
        assert not company.verified and company.verified_by_id is None
        assert company.registration_number == "PSEB/2020/0099"
    assert [row[0] for row in history(app, company_id)] == [
        VerificationAction.VERIFIED,
        VerificationAction.REVOKED,
    ]
    assert history(app, company_id)[1][2:] == ("Certificate expired in 2025", staff.user_id)

    page = staff.get(f"/directory/companies/{company_id}").get_data(as_text=True)
    assert "Withdrawn</strong> <code>PSEB/2020/0099" in page
    assert "Reason: Certificate expired in 2025" in page
    assert "registration not verified" in page

    # Withdrawing again (nothing verified) is a form message, not a 500.
    again = staff.post(f"/directory/companies/{company_id}/unverify", data={"reason": "again"})
    assert again.status_code == 302
    assert "This registration is not verified." in staff.get(again.location).text


def test_only_staff_verify_or_revoke(app, login_as):
    company_id = make_company(app, registration_number="PSEB/2020/0100")
    company = login_as("company")
    assert (
        company.post(
            f"/directory/companies/{company_id}/verify",
            data={"registration_number": "PSEB/2020/0100"},
        ).status_code
        == 403
    )
    assert (
        company.post(
            f"/directory/companies/{company_id}/unverify", data={"reason": "x"}
        ).status_code
        == 403
    )
    assert history(app, company_id) == []
    staff = login_as("staff")
    assert (
        staff.post("/directory/companies/999999/unverify", data={"reason": "x"}).status_code == 404
    )


def test_demo_verifications_name_a_staff_member(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        verified = db.session.scalars(
            sa.select(Company).where(Company.registration_verified_at.is_not(None))
        ).all()
        assert verified
        staff = db.session.scalar(sa.select(User).where(User.email == "staff@pseb.demo"))
        assert {c.verified_by_id for c in verified} == {staff.id}
        audited = db.session.scalars(sa.select(CompanyVerificationEvent.company_id)).all()
        assert set(audited) == {c.id for c in verified}
