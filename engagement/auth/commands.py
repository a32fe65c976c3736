"""``flask users create EMAIL --role ROLE [--org NAME] [--password-stdin]``."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from engagement.auth import services
from engagement.auth.models import Role
from engagement.core.validation import email_problem
from engagement.extensions import db

users = AppGroup("users", help="Manage accounts.")


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option(
    "--org",
    "org_name",
    default=None,
    help="Organisation to create with the user as owner; partners: the overseas entity.",
)
@click.option(
    "--country", default=None, help="Partners: ISO country code of the overseas entity (--org)."
)
@click.option("--name", default="", help="Full name (defaults to the email's local part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_command(
    email: str,
    role: str,
    org_name: str | None,
    country: str | None,
    name: str,
    password_stdin: bool,
) -> None:
    """Create an account (verified), e.g. the first admin."""
    if problem := email_problem(services.normalise_email(email)):
        raise click.ClickException(f"email: {problem}")  # before asking for a password
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = services.create_user(
            email,
            password,
            Role(role),
            name=name,
            org_name=org_name,
            verified=True,
            country=country,
        )
    except services.AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field or 'email'}: {error}") from error
    db.session.commit()
    click.echo(f"created {user.role} {user.email} (id {user.id})")


@users.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate an account."""
    user = services.user_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    services.set_active(user, False)
    db.session.commit()
    click.echo(f"deactivated {user.email}")
