"""Users, organisations and memberships."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement.db import TimestampMixin, enum_type
from engagement.extensions import db


class Role(enum.StrEnum):
    """What a user is to the platform; access rules are written against these."""

    COMPANY = "company"
    STARTUP = "startup"
    STAFF = "staff"
    ADMIN = "admin"
    #: A contact person of an overseas entity (engagement.partners).
    PARTNER = "partner"


class MembershipRole(enum.StrEnum):
    OWNER = "owner"
    MEMBER = "member"


class OrganisationKind(enum.StrEnum):
    COMPANY = "company"
    STARTUP = "startup"
    PSEB = "pseb"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in. Email is stored normalised (lower case)."""

    __tablename__ = "user"
    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lower"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"), index=True)
    #: False once an admin deactivates the account; such a user cannot sign in.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    email_verified_at: Mapped[datetime | None]
    #: IANA zone for showing times; None means the browser's or Asia/Karachi.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    #: Changes on password change/reset: invalidates reset links and remember-me cookies.
    security_stamp: Mapped[str] = mapped_column(sa.String(32))
    #: Secret part of the user's private iCalendar feed URL.
    calendar_token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    last_login_at: Mapped[datetime | None]
    #: Interface and mail language (``en`` or ``ur``); None: the browser's choice.
    language: Mapped[str | None] = mapped_column(sa.String(8))
    #: Partner accounts: the overseas entity the person speaks for.
    overseas_entity_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("overseas_entity.id", ondelete="SET NULL"), index=True
    )

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: "<user id>:<server-side session key>"
        return f"{self.id}:{getattr(self, 'session_key', '')}"

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    overseas_entity = relationship("OverseasEntity")

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER

    @property
    def organisation(self) -> Organisation | None:
        """The user's organisation (a user belongs to at most one)."""
        return self.memberships[0].organisation if self.memberships else None

    @property
    def membership(self) -> Membership | None:
        return self.memberships[0] if self.memberships else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class Organisation(TimestampMixin, db.Model):
    """A company, startup or PSEB itself: the unit that holds seats and profiles."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[OrganisationKind] = mapped_column(enum_type(OrganisationKind, "organisation_kind"))

    memberships: Mapped[list[Membership]] = relationship(back_populates="organisation")


class Membership(TimestampMixin, db.Model):
    """A user's place in an organisation. One organisation per user."""

    __tablename__ = "membership"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_type(MembershipRole, "membership_role"))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(back_populates="memberships")


class Invitation(TimestampMixin, db.Model):
    """An owner's invitation of a colleague (by email) into the organisation."""

    __tablename__ = "invitation"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.UniqueConstraint("organisation_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    accepted_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped[User] = relationship()


class ApiToken(TimestampMixin, db.Model):
    """A bearer token for the JSON API; only its SHA-256 hash is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AccountEvent(db.Model):
    """Audit of account administration: invitations, (de)activation, role and supervisor changes."""

    __tablename__ = "account_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Who did it (None: the system, or the person themselves accepting an invitation).
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: Whose account it concerns.
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: A short stable word: invited, invitation_accepted, deactivated, reactivated, role_changed,
    #: supervisor_changed, work_reassigned.
    action: Mapped[str] = mapped_column(sa.String(40))
    #: What changed, in a sentence for people.
    detail: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(default=lambda: _now(), index=True)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])


def _now() -> datetime:
    from engagement import clock

    return clock.now()


class UserSession(TimestampMixin, db.Model):
    """One signed-in browser or device. Its key rides in the session and remember-me cookies;
    revoking the row signs that browser out on the server, whatever cookies it still holds."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the random key in the cookies (the key itself is never stored).
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The browser's User-Agent at sign-in, shortened; shown on the account page.
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Client address at sign-in (after ProxyFix, when configured).
    ip_address: Mapped[str] = mapped_column(sa.String(45), default="")
    #: True when the user ticked "keep me signed in" (a remember-me cookie exists).
    remember: Mapped[bool] = mapped_column(default=False)
    #: Written at most once a minute while the session is used.
    last_seen_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class RateCounter(db.Model):
    """Attempts counted in one fixed time window, shared by every worker (the embedded default;
    with ``RATELIMIT_STORAGE_URI=redis://…`` the counts live in Redis instead)."""

    __tablename__ = "rate_counter"

    #: "<limit name>:<who>:<window start, epoch seconds>", e.g. "signin-ip:203.0.113.9:1796..."
    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    hits: Mapped[int] = mapped_column(default=0)
    #: End of the window; the row means nothing afterwards and is pruned.
    expires_at: Mapped[datetime] = mapped_column(index=True)
