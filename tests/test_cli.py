"""``flask users create|deactivate`` and ``flask seed demo`` through the real CLI runner."""

from __future__ import annotations

import sqlalchemy as sa

from engagement.auth.models import MembershipRole, Role, User
from engagement.directory.models import Company, Startup
from engagement.extensions import db
from tests.conftest import PASSWORD, Auth


def find(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def test_create_first_admin_with_password_stdin(app, runner, client):
    result = runner.invoke(
        args=["users", "create", "Root@PSEB.test", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "created admin root@pseb.test" in result.output
    admin = find(app, "root@pseb.test")
    assert admin.role == Role.ADMIN and admin.email_verified_at is not None
    Auth(client).login("root@pseb.test")
    assert client.get("/admin/users").status_code == 200


def test_create_company_with_org_and_prompted_password(app, runner):
    result = runner.invoke(
        args=["users", "create", "owner@acme.test", "--role", "company", "--org", "Acme Ltd"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "owner@acme.test"))
        assert user.organisation.name == "Acme Ltd"
        assert user.membership.role == MembershipRole.OWNER
        company = db.session.scalar(
            sa.select(Company).where(Company.organisation_id == user.organisation.id)
        )
        assert company.legal_name == "Acme Ltd"


def test_create_startup_with_org(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "f@labs.test",
            "--role",
            "startup",
            "--org",
            "Labs",
            "--password-stdin",
        ],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Startup).where(Startup.name == "Labs")) is not None


def test_create_errors(app, runner, make_user):
    make_user("staff", email="taken@pseb.test")
    duplicate = runner.invoke(
        args=["users", "create", "TAKEN@pseb.test", "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert duplicate.exit_code != 0
    assert "email: An account with this email already exists." in duplicate.output

    weak = runner.invoke(
        args=["users", "create", "new@pseb.test", "--role", "staff", "--password-stdin"],
        input="short\n",
    )
    assert weak.exit_code != 0 and "password: Use at least 10 characters." in weak.output
    assert find(app, "new@pseb.test") is None

    bad_role = runner.invoke(
        args=["users", "create", "new@pseb.test", "--role", "owner", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert bad_role.exit_code == 2 and "Invalid value for '--role'" in bad_role.output

    missing = runner.invoke(args=["users", "create", "new@pseb.test"])
    assert missing.exit_code == 2 and "Missing option '--role'" in missing.output
    assert find(app, "new@pseb.test") is None


def test_deactivate(app, runner, make_user):
    make_user("company", email="gone@example.test")
    result = runner.invoke(args=["users", "deactivate", "gone@example.test"])
    assert result.exit_code == 0 and "deactivated gone@example.test" in result.output
    assert find(app, "gone@example.test").active is False
    unknown = runner.invoke(args=["users", "deactivate", "nobody@example.test"])
    assert unknown.exit_code != 0 and "no account for nobody@example.test" in unknown.output


def test_seed_logins_lists_only_existing_demo_accounts(app, runner, make_user):
    make_user("staff", email="staff@pseb.demo")
    result = runner.invoke(args=["seed", "logins"])
    assert result.exit_code == 0, result.output
    assert "Demo logins (password for all:" in result.output
    assert "staff@pseb.demo" in result.output
    assert "admin@pseb.demo" not in result.output
