"""Account journeys end to end through the test client: sign up, verify, sign in and out,
remember me, password reset and change, deactivation, invitations, admin-created staff."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from engagement.auth.models import Invitation, Membership, MembershipRole, Role, User
from engagement.directory.models import Company, Startup
from engagement.extensions import db
from tests.conftest import PASSWORD, Auth, link_in

NEW_PASSWORD = "Fresh-Passw0rd-2027"


def signup(client, role="company", email="rep@acme.test", org="Acme Software", **extra):
    data = {
        "role": role,
        "name": "Rashid Rep",
        "org_name": org,
        "email": email,
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(extra)
    return client.post("/signup", data=data)


def user(app, email: str) -> User | None:
    with app.app_context():
        found = db.session.scalar(sa.select(User).where(User.email == email))
        if found is not None:
            db.session.expunge(found)
        return found


def signed_in(client) -> bool:
    response = client.get("/account")
    return response.status_code == 200


def later_signatures(monkeypatch, seconds: int) -> None:
    """itsdangerous checks max_age against time.time(): make signatures look ``seconds`` old."""
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds)


def test_company_signup_verify_and_profile(app, client, outbox):
    response = signup(client, email="Rep@Acme.test")
    assert response.status_code == 302 and response.location.endswith("/account")
    created = user(app, "rep@acme.test")
    assert created is not None and created.role == Role.COMPANY
    assert created.email_verified_at is None
    with app.app_context():
        membership = db.session.scalar(
            sa.select(Membership).where(Membership.user_id == created.id)
        )
        assert membership.role == MembershipRole.OWNER
        company = db.session.scalar(
            sa.select(Company).where(Company.organisation_id == membership.organisation_id)
        )
        assert company.legal_name == "Acme Software" and company.registration_number is None

    account = client.get("/account").get_data(as_text=True)
    assert "not confirmed yet" in account

    [mail] = outbox("rep@acme.test")
    assert mail.subject == "Confirm your email for PSEB Engage"
    link = link_in(mail.body_text, "/verify/")
    response = client.get(link)
    assert response.status_code == 302
    assert user(app, "rep@acme.test").email_verified_at is not None
    assert "not confirmed yet" not in client.get("/account").get_data(as_text=True)


def test_startup_signup_creates_startup_profile(app, client):
    assert (
        signup(client, role="startup", email="founder@new.test", org="New Labs").status_code == 302
    )
    with app.app_context():
        startup = db.session.scalar(sa.select(Startup).where(Startup.name == "New Labs"))
        assert startup is not None and startup.organisation_id is not None
    assert user(app, "founder@new.test").role == Role.STARTUP


def test_verification_link_tampered_or_expired(app, client, outbox, monkeypatch):
    signup(client)
    link = link_in(outbox()[0].body_text, "/verify/")
    response = client.get(link[:-3] + "xyz", follow_redirects=True)
    assert "This verification link is not valid." in response.get_data(as_text=True)
    later_signatures(monkeypatch, -(app.config["EMAIL_TOKEN_MAX_AGE"] + 10))
    response = client.get(link, follow_redirects=True)
    assert "expired" in response.get_data(as_text=True)
    assert user(app, "rep@acme.test").email_verified_at is None


def test_resend_verification(client, outbox):
    signup(client)
    assert client.post("/account/verify").status_code == 302
    assert len(outbox("rep@acme.test")) == 2


def test_login_logout(app, client, make_user):
    make_user("company", email="a@example.test")
    response = client.post("/login", data={"email": "A@example.test ", "password": PASSWORD})
    assert response.status_code == 302
    assert user(app, "a@example.test").last_login_at is not None
    assert signed_in(client)
    assert client.post("/logout").status_code == 302
    response = client.get("/account")
    assert response.status_code == 302 and "/login" in response.location


def test_wrong_password_and_unknown_email(client, make_user):
    make_user("company", email="a@example.test")
    for email in ("a@example.test", "nobody@example.test"):
        response = client.post("/login", data={"email": email, "password": "wrong-password-1"})
        assert response.status_code == 200
        assert "Wrong email or password." in response.get_data(as_text=True)
        assert not signed_in(client)


def test_login_follows_only_local_next(client, make_user):
    make_user("staff", email="s@example.test")
    data = {"email": "s@example.test", "password": PASSWORD}
    assert client.post("/login?next=/account", data=data).location.endswith("/account")
    client.post("/logout")
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = client.post("/login", query_string={"next": target}, data=data)
        assert "evil" not in response.location
        client.post("/logout")


def test_remember_me_cookie(app, make_user):
    make_user("company", email="r@example.test")
    client = app.test_client()
    response = client.post(
        "/login", data={"email": "r@example.test", "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    session = next(c for c in cookies if c.startswith("session="))
    for cookie in (remember, session):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in remember
    # A browser that lost its session cookie is still signed in through the remember cookie.
    token = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", token, domain="localhost")
    assert signed_in(fresh)
    # Signing out clears it.
    response = client.post("/logout")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))


def test_no_remember_cookie_without_the_box(client, make_user):
    make_user("company", email="r@example.test")
    response = client.post("/login", data={"email": "r@example.test", "password": PASSWORD})
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_deactivated_user_is_signed_out_and_cannot_sign_in(app, login_as, make_user):
    member_id = make_user("company", email="gone@example.test")
    member = app.test_client()
    Auth(member).login("gone@example.test")
    assert signed_in(member)

    admin = login_as("admin")
    # Deactivating asks first: the old button leads to the confirmation page.
    response = admin.post(f"/admin/users/{member_id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/users/{member_id}/deactivate")
    assert user(app, "gone@example.test").active is True
    response = admin.post(f"/admin/users/{member_id}/deactivate", data={"reassign_to": ""})
    assert response.status_code == 302
    assert user(app, "gone@example.test").active is False

    assert not signed_in(member)  # the existing session is dropped
    response = member.post("/login", data={"email": "gone@example.test", "password": PASSWORD})
    assert response.status_code == 200
    assert "deactivated" in response.get_data(as_text=True)
    assert not signed_in(member)

    admin.post(f"/admin/users/{member_id}/active", data={"active": "1"})
    assert Auth(member).login("gone@example.test").status_code == 302


def test_admin_cannot_deactivate_self(app, login_as):
    admin = login_as("admin")
    response = admin.post(
        f"/admin/users/{admin.user_id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    assert signed_in(admin)


def test_password_reset_is_single_use(app, client, make_user, outbox):
    make_user("startup", email="f@example.test")
    response = client.post("/password/forgot", data={"email": "f@example.test"})
    assert response.status_code == 302
    # Unknown addresses get the same answer and no mail.
    client.post("/password/forgot", data={"email": "nobody@example.test"})
    [mail] = outbox()
    link = link_in(mail.body_text, "/password/reset/")
    assert client.get(link).status_code == 200

    weak = client.post(link, data={"password": "short", "confirm": "short"})
    assert weak.status_code == 422 and "at least 10 characters" in weak.get_data(as_text=True)

    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and response.location.endswith("/login")
    response = client.get(link, follow_redirects=True)
    assert "already been used" in response.get_data(as_text=True)

    assert (
        client.post("/login", data={"email": "f@example.test", "password": PASSWORD}).status_code
        == 200
    )
    Auth(client).login("f@example.test", NEW_PASSWORD)


def test_password_reset_link_expires(app, client, make_user, outbox, monkeypatch):
    make_user("company", email="f@example.test")
    client.post("/password/forgot", data={"email": "f@example.test"})
    link = link_in(outbox()[0].body_text, "/password/reset/")
    later_signatures(monkeypatch, -(app.config["PASSWORD_RESET_MAX_AGE"] + 1))
    response = client.get(link, follow_redirects=True)
    assert "expired" in response.get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "/password/forgot" in response.location
    Auth(client).login("f@example.test")  # old password still works


def test_change_password_signs_out_other_sessions(app, make_user):
    make_user("company", email="c@example.test")
    here, there = app.test_client(), app.test_client()
    Auth(here).login("c@example.test")
    there.post("/login", data={"email": "c@example.test", "password": PASSWORD, "remember": "y"})
    remembered = app.test_client()
    remembered.set_cookie(
        "remember_token", there.get_cookie("remember_token").value, domain="localhost"
    )
    response = here.post(
        "/account/password",
        data={
            "password-current": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    assert signed_in(here)
    assert not signed_in(there)
    assert not signed_in(remembered)  # the old remember-me cookie is void too
    Auth(there).login("c@example.test", NEW_PASSWORD)


def test_change_password_errors_keep_the_page(app, login_as):
    client = login_as("company")
    client.post("/account/tokens", data={"token-name": "HR system"})
    response = client.post(
        "/account/password",
        data={
            "password-current": "not-my-password-1",
            "password-password": NEW_PASSWORD,
            "password-confirm": NEW_PASSWORD,
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The current password is wrong." in body
    assert "Where you are signed in" in body  # the rest of the section is still shown
    response = client.post(
        "/account/password",
        data={
            "password-current": PASSWORD,
            "password-password": NEW_PASSWORD,
            "password-confirm": "something-else-1",
        },
    )
    assert response.status_code == 422 and "The passwords do not match." in response.get_data(
        as_text=True
    )


def test_account_profile_timezone(login_as, app):
    client = login_as("startup")
    bad = client.post("/account", data={"profile-name": "Zara", "profile-timezone": "Mars/Base"})
    assert bad.status_code == 422 and "Unknown time zone" in bad.get_data(as_text=True)
    ok = client.post("/account", data={"profile-name": "Zara", "profile-timezone": "Europe/Berlin"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(User, client.user_id).timezone == "Europe/Berlin"


def invite(owner_client, email):
    return owner_client.post("/account/invite", data={"invite-email": email})


def test_owner_invites_colleague_who_signs_up_and_joins(app, make_user, outbox):
    make_user("company", email="owner@acme.test", org="Acme Software")
    owner = app.test_client()
    Auth(owner).login("owner@acme.test")
    assert invite(owner, "Colleague@Acme.test").status_code == 302
    [mail] = outbox("colleague@acme.test")
    assert "Acme Software" in mail.subject
    link = link_in(mail.body_text, "/invitation/")

    colleague = app.test_client()
    assert "Join Acme Software" in colleague.get(link).get_data(as_text=True)
    wrong = colleague.post(
        link, data={"name": "Col League", "email": "other@acme.test", "password": PASSWORD}
    )
    assert (
        wrong.status_code == 422
        and "This invitation is for colleague@acme.test" in wrong.get_data(as_text=True)
    )
    assert user(app, "other@acme.test") is None
    response = colleague.post(
        link, data={"name": "Col League", "email": "colleague@acme.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    joined = user(app, "colleague@acme.test")
    assert joined.role == Role.COMPANY and joined.email_verified_at is not None
    with app.app_context():
        membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == joined.id))
        assert membership.role == MembershipRole.MEMBER
        assert membership.organisation.name == "Acme Software"
        invitation = db.session.scalar(sa.select(Invitation))
        assert invitation.accepted_at is not None

    # The link works once.
    again = app.test_client().get(link, follow_redirects=True)
    assert "already been used" in again.get_data(as_text=True)
    # The owner sees the new member; the member sees no invite form.
    page = owner.get("/account/organisation").get_data(as_text=True)
    assert "colleague@acme.test" in page and "Invite a colleague" in page
    member_page = colleague.get("/account/organisation").get_data(as_text=True)
    assert "Acme Software" in member_page and "Invite a colleague" not in member_page


def test_signed_in_user_accepts_invitation(app, make_user, outbox):
    make_user("startup", email="owner@labs.test", org="Labs")
    make_user("startup", email="loner@labs.test", org=None)
    owner = app.test_client()
    Auth(owner).login("owner@labs.test")
    invite(owner, "loner@labs.test")
    link = link_in(outbox("loner@labs.test")[0].body_text, "/invitation/")
    loner = app.test_client()
    Auth(loner).login("loner@labs.test")
    assert loner.post(link).status_code == 302
    with app.app_context():
        member = db.session.scalar(sa.select(User).where(User.email == "loner@labs.test"))
        assert member.organisation.name == "Labs"


def test_invitation_rules(app, make_user, login_as, outbox):
    make_user("company", email="owner@acme.test", org="Acme")
    owner = app.test_client()
    Auth(owner).login("owner@acme.test")
    # Someone already in an organisation cannot be invited.
    make_user("company", email="taken@other.test", org="Other")
    response = invite(owner, "taken@other.test")
    assert response.status_code == 302
    assert outbox("taken@other.test") == []
    # A member (not owner) cannot invite.
    invite(owner, "member@acme.test")
    link = link_in(outbox("member@acme.test")[0].body_text, "/invitation/")
    member = app.test_client()
    member.post(link, data={"name": "Mem Ber", "email": "member@acme.test", "password": PASSWORD})
    response = member.post(
        "/account/invite", data={"invite-email": "third@acme.test"}, follow_redirects=True
    )
    assert "Only an organisation owner" in response.get_data(as_text=True)
    assert outbox("third@acme.test") == []
    # A startup account cannot join a company.
    make_user("startup", email="founder@x.test", org=None)
    invite(owner, "founder@x.test")
    link = link_in(outbox("founder@x.test")[0].body_text, "/invitation/")
    founder = app.test_client()
    Auth(founder).login("founder@x.test")
    response = founder.post(link, follow_redirects=True)
    assert "cannot join a company" in response.get_data(as_text=True)
    assert user(app, "founder@x.test") is not None
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(Membership).join(User).where(User.email == "founder@x.test")
            )
            is None
        )


def test_admin_invites_staff_who_set_their_own_password(app, login_as, outbox):
    admin = login_as("admin")
    data = {"name": "New Staff", "email": "new.staff@pseb.test", "role": "staff"}
    form = admin.get("/admin/users").get_data(as_text=True)
    assert "Initial password" not in form and "Invite a staff member" in form
    response = admin.post("/admin/users", data=data)
    assert response.status_code == 302
    created = user(app, "new.staff@pseb.test")
    assert created.role == Role.STAFF and created.email_verified_at is None
    duplicate = admin.post("/admin/users", data=data)
    assert duplicate.status_code == 422
    assert "already exists" in duplicate.get_data(as_text=True)
    listing = admin.get("/admin/users?q=new.staff").get_data(as_text=True)
    assert "new.staff@pseb.test" in listing and "invited" in listing and "never" in listing
    mail = outbox("new.staff@pseb.test")[-1]
    assert "invites you to PSEB Engage as staff" in mail.subject
    link = link_in(mail.body_text, "/staff-invitation/")

    staff = app.test_client()
    page = staff.get(link)
    assert page.status_code == 200 and 'value="New Staff"' in page.get_data(as_text=True)
    weak = staff.post(link, data={"name": "New Staff", "password": "short", "confirm": "short"})
    assert weak.status_code == 422
    done = staff.post(link, data={"name": "Nadia Staff", "password": PASSWORD, "confirm": PASSWORD})
    assert done.status_code == 302
    assert staff.get("/directory/companies").status_code == 200  # signed in as staff
    accepted = user(app, "new.staff@pseb.test")
    assert accepted.name == "Nadia Staff" and accepted.email_verified_at is not None
    assert accepted.last_login_at is not None
    # Single use: the link does nothing a second time.
    again = app.test_client().get(link)
    assert again.status_code == 302 and again.location.endswith("/login")
    events = admin.get("/admin/users").get_data(as_text=True)
    assert "Invited as staff." in events and "Password set from the invitation." in events


@pytest.mark.parametrize("role", ["company", "startup", "staff"])
def test_only_admins_manage_users(login_as, role):
    assert login_as(role).get("/admin/users").status_code == 403
