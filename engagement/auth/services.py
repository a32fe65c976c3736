"""Account rules: creating users, passwords, email tokens, organisations and invitations."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload, selectinload

from engagement import clock
from engagement.auth import sessions, throttle
from engagement.auth.access import ROLE_NAMES
from engagement.auth.models import (
    AccountEvent,
    ApiToken,
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from engagement.core.context import external_url
from engagement.core.i18n import mail_language
from engagement.core.validation import email_problem, single_line_problem
from engagement.extensions import db
from engagement.notifications.services import queue_mail

_hasher = PasswordHasher()

PASSWORD_MIN_LENGTH = 10
COMMON_PASSWORDS = frozenset(
    {
        "password",
        "password1",
        "password123",
        "1234567890",
        "qwertyuiop",
        "pakistan123",
        "letmein123",
        "welcome123",
        "iloveyou12",
        "abcdefghij",
    }
)


#: An organisation kind's name in a sentence ("it cannot join a startup").
ORGANISATION_KIND_NAMES = {
    OrganisationKind.COMPANY: _l("company"),
    OrganisationKind.STARTUP: _l("startup"),
    OrganisationKind.PSEB: "PSEB",
}


class AccountError(ValueError):
    """A rule about accounts was broken; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None, code: str = "") -> None:
        super().__init__(message)
        self.field = field
        #: A stable name for the broken rule, e.g. ``email_taken``.
        self.code = code


class EmailNotConfirmed(AccountError):
    """The account's email address is not confirmed, and the action needs it to be."""


def email_confirmed(user: User | None) -> bool:
    """Whether ``user`` has proved they own their address (staff accounts are made confirmed).

    The one rule for unconfirmed accounts: until the address is confirmed, the account sees and
    changes nothing others attached to that address, creates no API tokens, holds no seat and
    submits no request (drafts are kept).
    """
    return user is not None and user.email_verified_at is not None


def require_confirmed_email(user: User | None, action: str) -> None:
    """Raise :class:`EmailNotConfirmed` unless ``user`` confirmed their email; ``action`` says
    what is refused ("register for an event")."""
    if user is not None and not email_confirmed(user):
        raise EmailNotConfirmed(
            _(
                "Confirm your email address before you %(action)s: open the link we emailed to "
                "%(email)s, or ask for a new one.",
                action=action,
                email=user.email,
            )
        )


def normalise_email(email: str) -> str:
    return email.strip().lower()


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is too weak, or None when it is acceptable."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Use at least %(n)s characters.", n=PASSWORD_MIN_LENGTH)
    if len(password) > 128:
        return _("Use at most %(n)s characters.", n=128)
    if password.lower() in COMMON_PASSWORDS or len(set(password)) < 4:
        return _("This password is too easy to guess; choose a less common one.")
    local_part = normalise_email(email).split("@")[0] if email else ""
    if len(local_part) >= 3 and local_part in password.lower():
        return _("The password must not contain your email name.")
    if password.isdigit() or password.isalpha():
        return _("Mix letters with digits or symbols.")
    return None


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_hex(8))


def spend_password_check_time(password: str) -> None:
    """Verify against a dummy hash, so an unknown email takes as long as a wrong password."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        _hasher.verify(_dummy_hash(), password)


def check_password(user: User, password: str) -> bool:
    try:
        ok = _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if ok and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return ok


class TooManyAttempts(AccountError):
    """A rate limit refused the attempt; ``retry_after`` is seconds to wait (``Retry-After``)."""

    def __init__(self, message: str, retry_after: int, field: str | None = None) -> None:
        super().__init__(message, field)
        self.retry_after = retry_after


def _wait(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext("a minute", "%(num)d minutes", minutes)


def check_rate(name: str, who: str, limit_setting: str, message: str) -> None:
    """Count one attempt of ``name`` by ``who`` against the configured limit; raise
    :class:`TooManyAttempts` (saying how long to wait) when it is over."""
    refused = throttle.hit(name, who, current_app.config[limit_setting])
    if refused is not None:
        raise TooManyAttempts(
            _(
                "%(message)s Try again in %(wait)s.",
                message=message,
                wait=_wait(refused.retry_after),
            ),
            refused.retry_after,
        )


def sign_in(email: str, password: str) -> User:
    """The one sign-in check, for the form and for ``POST /api/v1/tokens``.

    Attempts are counted per client address (both endpoints together) and failures per account
    address; an address with too many failures is locked for a while and its owner is emailed.
    The lock applies to unknown addresses too, so it tells an attacker nothing. Raises
    :class:`TooManyAttempts` or :class:`AccountError`.
    """
    check_rate(
        "signin-ip",
        throttle.client_address(),
        "LOGIN_RATE_LIMIT",
        _("Too many sign-in attempts from your network."),
    )
    address = normalise_email(email)
    lockout = current_app.config["ACCOUNT_LOCKOUT_LIMIT"]
    locked = throttle.over("signin-account", address, lockout)
    if locked is not None:
        spend_password_check_time(password)
        raise TooManyAttempts(_locked_message(locked.retry_after), locked.retry_after, "email")
    user = user_by_email(address)
    if user is None:
        spend_password_check_time(password)
    if user is None or not check_password(user, password):
        throttle.hit("signin-account", address, lockout)
        locked = throttle.over("signin-account", address, lockout)
        if locked is not None and user is not None:
            _mail_account_locked(user, locked.retry_after)  # this failure started the lock
        raise AccountError(_("Wrong email or password."), "password")
    if not user.active:
        raise AccountError(
            _("This account has been deactivated. Contact PSEB if you think this is a mistake."),
            "email",
        )
    return user


def _locked_message(retry_after: int) -> str:
    return _(
        "Too many failed sign-ins for this email address. Try again in "
        "%(wait)s, or reset your password.",
        wait=_wait(retry_after),
    )


def _mail_account_locked(user: User, retry_after: int) -> None:
    """Tell the owner once per lock (the dedupe key names the lock's end, to the minute)."""
    until = int((clock.now().timestamp() + retry_after) // 60)
    with force_locale(mail_language(user)):
        queue_mail(
            user.email,
            _("Sign-in to your PSEB Engage account is paused"),
            "account_locked",
            dedupe_key=f"account-locked:{user.id}:{until}",
            user=user,
            failures=throttle.parse(current_app.config["ACCOUNT_LOCKOUT_LIMIT"]).amount,
            minutes=max(1, math.ceil(retry_after / 60)),
            link=external_url("auth.forgot_password"),
        )


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str,
    password: str,
    role: Role,
    *,
    name: str = "",
    org_name: str | None = None,
    verified: bool = False,
    check_strength: bool = True,
    country: str | None = None,
) -> User:
    """Create a user (and, for company/startup roles with ``org_name``, their organisation as owner)."""
    email = normalise_email(email)
    if problem := email_problem(email):
        raise AccountError(problem, "email")
    if problem := single_line_problem(name):
        raise AccountError(problem, "name")
    if user_by_email(email) is not None:
        raise AccountError(_("An account with this email already exists."), "email", "email_taken")
    if check_strength and (problem := password_problem(password, email)):
        raise AccountError(problem, "password")
    user = User(
        email=email,
        name=name.strip() or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        security_stamp=secrets.token_hex(16),
        calendar_token=secrets.token_urlsafe(32),
        email_verified_at=clock.now() if verified else None,
    )
    db.session.add(user)
    if role == Role.PARTNER:
        if not org_name:
            raise AccountError(_("A partner account needs its overseas entity (--org)."), "org")
        user.overseas_entity = _overseas_entity(org_name, country)
        user.timezone = user.overseas_entity.timezone  # the partner's default zone
    elif org_name:
        kind = {Role.COMPANY: OrganisationKind.COMPANY, Role.STARTUP: OrganisationKind.STARTUP}.get(
            role, OrganisationKind.PSEB
        )
        organisation = Organisation(name=org_name.strip(), kind=kind)
        db.session.add(organisation)
        db.session.add(Membership(user=user, organisation=organisation, role=MembershipRole.OWNER))
        _create_profile(organisation, role)
    db.session.flush()
    return user


def _overseas_entity(name: str, country: str | None):
    """The directory's overseas entity a partner speaks for (created when missing)."""
    from engagement.directory.services import DirectoryError, find_or_create_overseas_entity

    try:
        return find_or_create_overseas_entity(name, country)
    except DirectoryError as error:
        raise AccountError(str(error), error.field or "org") from error


def _create_profile(organisation: Organisation, role: Role) -> None:
    """A company or startup user gets a directory profile for their organisation."""
    from engagement.directory.models import Company, Startup

    if role == Role.COMPANY:
        db.session.add(Company(organisation=organisation, legal_name=organisation.name))
    elif role == Role.STARTUP:
        db.session.add(Startup(organisation=organisation, name=organisation.name))


def set_password(user: User, password: str, *, keep_current_session: bool = False) -> None:
    """Change the password: voids reset links, revokes every API token and ends every session
    (but this request's, with ``keep_current_session``)."""
    if problem := password_problem(password, user.email):
        raise AccountError(problem, "password")
    user.password_hash = hash_password(password)
    user.security_stamp = secrets.token_hex(16)
    sessions.end_sessions(user, keep_current=keep_current_session)
    sessions.revoke_api_tokens(user)


def record_login(user: User) -> None:
    user.last_login_at = clock.now()


# --- Signed email tokens ----------------------------------------------------------------------


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_verification_token(user: User) -> str:
    return _serializer("verify-email").dumps({"id": user.id, "email": user.email})


def verify_email_token(token: str) -> User:
    """Mark the user's email verified; raises AccountError when the link is bad or expired."""
    try:
        data = _serializer("verify-email").loads(
            token, max_age=current_app.config["EMAIL_TOKEN_MAX_AGE"]
        )
    except SignatureExpired as error:
        raise AccountError(
            _("This verification link has expired. Sign in to get a new one.")
        ) from error
    except BadSignature as error:
        raise AccountError(_("This verification link is not valid.")) from error
    user = db.session.get(User, data.get("id"))
    if user is None or user.email != data.get("email"):
        raise AccountError(_("This verification link is not valid."))
    if user.email_verified_at is not None:
        # Single use: a link seen again (a forwarded mail, a proxy log) confirms nothing more.
        raise AccountError(_("This verification link has already been used; sign in as usual."))
    user.email_verified_at = clock.now()
    return user


def send_verification_email(user: User) -> None:
    link = external_url("auth.verify_email", token=make_verification_token(user))
    with force_locale(mail_language(user)):
        queue_mail(
            user.email,
            _("Confirm your email for PSEB Engage"),
            "verify_email",
            user=user,
            link=link,
        )


def make_reset_token(user: User) -> str:
    # The stamp changes when the password does, so a used link cannot be used again.
    return _serializer("reset-password").dumps({"id": user.id, "stamp": user.security_stamp})


def user_for_reset_token(token: str) -> User:
    try:
        data = _serializer("reset-password").loads(
            token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"]
        )
    except SignatureExpired as error:
        raise AccountError(_("This reset link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise AccountError(_("This reset link is not valid.")) from error
    user = db.session.get(User, data.get("id"))
    if user is None or user.security_stamp != data.get("stamp") or not user.active:
        raise AccountError(_("This reset link has already been used or is no longer valid."))
    return user


def send_password_reset(email: str) -> None:
    """Email a reset link if the account exists (the caller says the same either way)."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    link = external_url("auth.reset_password", token=make_reset_token(user))
    with force_locale(mail_language(user)):
        queue_mail(
            user.email, _("Reset your PSEB Engage password"), "reset_password", user=user, link=link
        )


# --- Organisations and invitations ------------------------------------------------------------


def invite_colleague(owner: User, email: str) -> Invitation:
    membership = owner.membership
    if membership is None or membership.role != MembershipRole.OWNER:
        raise AccountError(_("Only an organisation owner can invite colleagues."))
    email = normalise_email(email)
    if problem := email_problem(email):
        raise AccountError(problem, "email")
    existing = user_by_email(email)
    if existing is not None and existing.membership is not None:
        raise AccountError(_("This person already belongs to an organisation."), "email")
    invitation = db.session.scalar(
        sa.select(Invitation).where(
            Invitation.organisation_id == membership.organisation_id, Invitation.email == email
        )
    )
    if invitation is None:
        invitation = Invitation(
            organisation_id=membership.organisation_id, email=email, invited_by=owner
        )
        db.session.add(invitation)
        db.session.flush()
    link = external_url(
        "auth.accept_invitation", token=_serializer("invite").dumps({"id": invitation.id})
    )
    # In the invitee's language when they have an account, else in the inviting owner's.
    with force_locale(mail_language(existing if existing is not None else owner)):
        queue_mail(
            email,
            _(
                "%(owner)s invites you to %(organisation)s on PSEB Engage",
                owner=owner.name,
                organisation=membership.organisation.name,
            ),
            "invitation",
            invitation=invitation,
            owner=owner,
            link=link,
        )
    return invitation


def invitation_for_token(token: str) -> Invitation:
    try:
        data = _serializer("invite").loads(token, max_age=14 * 24 * 3600)
    except (BadSignature, SignatureExpired) as error:
        raise AccountError(_("This invitation link is not valid or has expired.")) from error
    invitation = db.session.get(Invitation, data.get("id"))
    if invitation is None or invitation.accepted_at is not None:
        raise AccountError(_("This invitation has already been used."))
    return invitation


def role_for_organisation(organisation: Organisation) -> Role:
    """The account role of an organisation's members."""
    return {OrganisationKind.COMPANY: Role.COMPANY, OrganisationKind.STARTUP: Role.STARTUP}.get(
        organisation.kind, Role.STAFF
    )


def accept_invitation(invitation: Invitation, user: User) -> None:
    """``user`` joins the inviting organisation as a member; the invitation is used up."""
    if user.email != invitation.email:
        raise AccountError(_("This invitation was sent to another email address."))
    if user.membership is not None:
        raise AccountError(_("You already belong to an organisation."))
    if user.role != role_for_organisation(invitation.organisation):
        raise AccountError(
            _(
                "Your account is a %(role)s account; it cannot join a %(kind)s.",
                role=ROLE_NAMES[user.role],
                kind=ORGANISATION_KIND_NAMES.get(
                    invitation.organisation.kind, invitation.organisation.kind.value
                ),
            )
        )
    db.session.add(
        Membership(
            user=user, organisation_id=invitation.organisation_id, role=MembershipRole.MEMBER
        )
    )
    invitation.accepted_at = clock.now()
    db.session.flush()


@dataclass(frozen=True)
class OrganisationOverview:
    """What the account page shows about the viewer's organisation."""

    organisation: Organisation
    is_owner: bool
    members: list[Membership]
    pending_invitations: list[Invitation]


def organisation_overview(user: User) -> OrganisationOverview | None:
    """The user's organisation with its members (and, for owners, open invitations)."""
    membership = user.membership
    if membership is None:
        return None
    members = list(
        db.session.scalars(
            sa.select(Membership)
            .join(Membership.user)
            .where(Membership.organisation_id == membership.organisation_id)
            .options(selectinload(Membership.user))
            .order_by(Membership.role.desc(), User.name)  # owners first
        )
    )
    is_owner = membership.role == MembershipRole.OWNER
    pending = []
    if is_owner:
        pending = list(
            db.session.scalars(
                sa.select(Invitation)
                .where(
                    Invitation.organisation_id == membership.organisation_id,
                    Invitation.accepted_at.is_(None),
                )
                .order_by(Invitation.created_at)
            )
        )
    return OrganisationOverview(membership.organisation, is_owner, members, pending)


def set_active(user: User, active: bool) -> None:
    user.active = active
    if not active:
        user.security_stamp = secrets.token_hex(16)
        sessions.end_sessions(user)


# --- API tokens -------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


#: Every token expires; its owner picks when, up to a year.
API_TOKEN_MAX_LIFETIME = timedelta(days=365)
#: ``last_used_at`` is written at most this often (SQLite has one writer at a time).
API_TOKEN_USE_INTERVAL = timedelta(minutes=1)


def issue_api_token(
    user: User, name: str, lifetime: timedelta = timedelta(days=30)
) -> tuple[ApiToken, str]:
    """Create a token; returns the row and the secret, which is shown once and never stored."""
    require_confirmed_email(user, _("create API tokens"))
    if not timedelta(0) < lifetime <= API_TOKEN_MAX_LIFETIME:
        raise AccountError(_("A token lives from one day up to a year."), "lifetime")
    secret = "pse_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        token_hash=_hash_token(secret),
        expires_at=clock.now() + lifetime,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def user_for_api_token(secret: str) -> User | None:
    token = (
        db.session.execute(
            sa.select(ApiToken)
            .where(ApiToken.token_hash == _hash_token(secret))
            .options(
                joinedload(ApiToken.user)
                .joinedload(User.memberships)
                .joinedload(Membership.organisation)
            )
        )
        .unique()
        .scalar_one_or_none()
    )
    now = clock.now()
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at is None  # from before tokens expired: revoked by the migration
        or token.expires_at <= now
    ):
        return None
    if not token.user.active:
        return None
    if token.last_used_at is None or token.last_used_at <= now - API_TOKEN_USE_INTERVAL:
        token.last_used_at = now
    return token.user


def revoke_api_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise AccountError(_("No such token."))
    token.revoked_at = token.revoked_at or clock.now()


# --- Staff administration: invitations, deactivation, roles, audit ----------------------------

#: How long a staff invitation link works.
STAFF_INVITATION_MAX_AGE = 7 * 24 * 3600
STAFF_ROLES = (Role.STAFF, Role.ADMIN)


def record_account_event(actor: User | None, user: User, action: str, detail: str = "") -> None:
    """One audit row about ``user``'s account (shown on the admin pages)."""
    db.session.add(
        AccountEvent(
            actor_id=actor.id if actor is not None else None,
            user_id=user.id,
            action=action,
            detail=detail,
            created_at=clock.now(),
        )
    )
    db.session.flush()


def recent_account_events(limit: int = 20) -> list[AccountEvent]:
    return list(
        db.session.scalars(
            sa.select(AccountEvent)
            .options(selectinload(AccountEvent.actor), selectinload(AccountEvent.user))
            .order_by(AccountEvent.created_at.desc(), AccountEvent.id.desc())
            .limit(limit)
        )
    )


def _staff_role(role: Role | str) -> Role:
    try:
        value = Role(role)
    except ValueError:
        value = None
    if value not in STAFF_ROLES:
        raise AccountError(_("Choose Staff or Admin."), "role")
    return value


def _send_staff_invitation(admin: User, user: User) -> None:
    token = _serializer("staff-invite").dumps({"id": user.id, "stamp": user.security_stamp})
    # The new account has no language yet: the inviting admin's, until the person chooses.
    with force_locale(mail_language(user if user.language else admin)):
        queue_mail(
            user.email,
            _(
                "%(admin)s invites you to PSEB Engage as %(role)s",
                admin=admin.name,
                role=ROLE_NAMES[user.role],
            ),
            "staff_invitation",
            user=user,
            admin=admin,
            link=external_url("auth.accept_staff_invitation", token=token),
            days=STAFF_INVITATION_MAX_AGE // 86400,
        )


def invite_staff(admin: User, email: str, name: str, role: Role | str) -> User:
    """Create a staff (or admin) account without a usable password and email a single-use link
    to set one. Nobody invents or passes on a password."""
    staff_role = _staff_role(role)
    user = create_user(
        email,
        secrets.token_urlsafe(32),  # never told to anyone: the link sets the real one
        staff_role,
        name=name,
        check_strength=False,
    )
    _send_staff_invitation(admin, user)
    record_account_event(admin, user, "invited", f"Invited as {staff_role.value}.")
    return user


def pending_invitation(user: User) -> bool:
    """A staff account whose invitation has not been accepted (never signed in)."""
    return user.is_staff and user.last_login_at is None and user.email_verified_at is None


def resend_staff_invitation(admin: User, user: User) -> None:
    if not pending_invitation(user):
        raise AccountError(_("This person has already accepted the invitation."))
    user.security_stamp = secrets.token_hex(16)  # the previous link stops working
    _send_staff_invitation(admin, user)
    record_account_event(admin, user, "invited", "Invitation sent again.")


def user_for_staff_invitation(token: str) -> User:
    """The invited user; the link is single-use (setting the password changes the stamp)."""
    try:
        data = _serializer("staff-invite").loads(token, max_age=STAFF_INVITATION_MAX_AGE)
    except SignatureExpired as error:
        raise AccountError(
            _("This invitation link has expired. Ask a PSEB administrator to send a new one.")
        ) from error
    except BadSignature as error:
        raise AccountError(_("This invitation link is not valid.")) from error
    user = db.session.get(User, data.get("id"))
    if user is None or user.security_stamp != data.get("stamp") or not user.active:
        raise AccountError(_("This invitation link has already been used or is no longer valid."))
    return user


def accept_staff_invitation(user: User, name: str, password: str) -> None:
    """Set the invited person's name and password; the link arrived, so the email is confirmed."""
    set_password(user, password)
    user.name = name.strip() or user.name
    user.email_verified_at = user.email_verified_at or clock.now()
    record_account_event(None, user, "invitation_accepted", "Password set from the invitation.")


@dataclass(frozen=True)
class OpenWork:
    """Work a feature assigns to staff, so deactivating someone can warn and hand it over."""

    label: str  #: e.g. "open facilitation requests"
    items: Callable[[User], list[tuple[str, str]]]  #: (title, url) of the user's open items
    reassign: Callable[[User, User | None, User], int]  #: (from, to or nobody, by) -> moved


#: Registered by features at import (auth knows no feature).
OPEN_WORK: list[OpenWork] = []


def register_open_work(work: OpenWork) -> None:
    if all(existing.label != work.label for existing in OPEN_WORK):
        OPEN_WORK.append(work)


def open_work_of(user: User) -> list[tuple[OpenWork, list[tuple[str, str]]]]:
    """Each kind of open work assigned to ``user`` with its items (kinds without items left out)."""
    found = []
    for work in OPEN_WORK:
        items = work.items(user)
        if items:
            found.append((work, items))
    return found


def _active_admins() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True))
    )


def deactivate_user(admin: User, user: User, reassign_to_id: object = None) -> int:
    """Deactivate ``user``, handing their open work to another staff member (or nobody).

    Returns how many items were reassigned. Audited.
    """
    if user.id == admin.id:
        raise AccountError(_("You cannot deactivate your own account."))
    if not user.active:
        raise AccountError(_("%(email)s is already deactivated.", email=user.email))
    if user.role == Role.ADMIN and _active_admins() <= 1:
        raise AccountError(_("This is the last active admin; make someone else admin first."))
    successor = None
    if reassign_to_id not in (None, "", "none"):
        try:
            successor = db.session.get(User, int(reassign_to_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            successor = None
        if successor is None or not successor.is_staff or not successor.active or successor is user:
            raise AccountError(_("Choose an active staff member to take over."), "reassign_to")
    moved = 0
    for work, _items in open_work_of(user):
        count = work.reassign(user, successor, admin)
        moved += count
        record_account_event(
            admin,
            user,
            "work_reassigned",
            f"{count} {work.label} "
            + (f"reassigned to {successor.name}." if successor else "left unassigned."),
        )
    set_active(user, False)
    record_account_event(admin, user, "deactivated", "Account deactivated.")
    return moved


def reactivate_user(admin: User, user: User) -> None:
    if user.active:
        return
    set_active(user, True)
    record_account_event(admin, user, "reactivated", "Account reactivated.")


def change_role(admin: User, user: User, role: Role | str) -> None:
    """Make a staff member admin or the other way round (audited)."""
    if user.id == admin.id:
        raise AccountError(_("You cannot change your own role."), "role")
    if not user.is_staff:
        raise AccountError(
            _("Company and startup accounts keep their role; invite staff separately."), "role"
        )
    new_role = _staff_role(role)
    if new_role == user.role:
        return
    if user.role == Role.ADMIN and user.active and _active_admins() <= 1:
        raise AccountError(
            _("This is the last active admin; make someone else admin first."), "role"
        )
    old = user.role
    user.role = new_role  # read on every request: the new rights apply at once
    record_account_event(
        admin, user, "role_changed", f"Role changed from {old.value} to {new_role.value}."
    )
