"""Server-side sign-in sessions: what makes a session or remember-me cookie worth anything.

Signing in creates a :class:`UserSession` row with a random key; Flask-Login's user id (in the
session cookie and the remember-me cookie) is ``"<user id>:<key>"``. Every request looks the key up,
so signing out, "sign out everywhere", a password change or reset, and deactivation end sessions on
the server: a cookie captured before sign-out is worthless afterwards.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from engagement import clock
from engagement.auth.models import ApiToken, Membership, User, UserSession
from engagement.extensions import db, login_manager

#: ``last_seen_at`` is written at most this often (SQLite has one writer at a time).
SEEN_INTERVAL = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _idle_limit() -> timedelta:
    """A session unused for this long is over (even with a remember-me cookie replayed)."""
    return timedelta(days=float(current_app.config["SESSION_IDLE_DAYS"]))


def start_session(user: User, remember: bool = False) -> UserSession:
    """Record a new signed-in browser for ``user``; call before ``login_user``."""
    key = secrets.token_urlsafe(32)
    agent = request.headers.get("User-Agent", "") if has_request_context() else ""
    address = (request.remote_addr or "") if has_request_context() else ""
    row = UserSession(
        user=user,
        key_hash=_hash(key),
        user_agent=agent[:200],
        ip_address=address[:45],
        remember=remember,
        last_seen_at=clock.now(),
    )
    db.session.add(row)
    db.session.flush()
    user.session_key = key  # type: ignore[attr-defined]  # read by User.get_id()
    return row


def log_in(user: User, remember: bool = False) -> UserSession:
    """Sign ``user`` in on this browser: a new server-side session, then Flask-Login's cookie.
    The one way pages sign someone in (sign-in, sign-up, invitations)."""
    from flask_login import login_user

    row = start_session(user, remember=remember)
    login_user(user, remember=remember)
    return row


def current_session(user: User) -> UserSession | None:
    key = getattr(user, "session_key", None)
    if not key:
        return None
    return db.session.scalar(sa.select(UserSession).where(UserSession.key_hash == _hash(key)))


def end_session(user: User) -> None:
    """Revoke the session of this request (sign-out)."""
    row = current_session(user)
    if row is not None and row.revoked_at is None:
        row.revoked_at = clock.now()


def end_sessions(user: User, *, keep_current: bool = False) -> int:
    """Revoke every session of ``user`` (but this request's one with ``keep_current``)."""
    query = sa.update(UserSession).where(
        UserSession.user_id == user.id, UserSession.revoked_at.is_(None)
    )
    current = current_session(user) if keep_current else None
    if current is not None:
        query = query.where(UserSession.id != current.id)
    result = db.session.execute(query.values(revoked_at=clock.now()))
    return result.rowcount or 0


def revoke_api_tokens(user: User) -> int:
    """Revoke every API token of ``user`` (password change, reset, sign out everywhere)."""
    result = db.session.execute(
        sa.update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
    return result.rowcount or 0


def sign_out_everywhere(user: User) -> None:
    """End every session, this one included, and revoke every API token."""
    end_sessions(user)
    revoke_api_tokens(user)


def active_sessions(user: User) -> list[UserSession]:
    """The user's sessions that still work, most recently used first."""
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.revoked_at.is_(None),
                UserSession.last_seen_at > clock.now() - _idle_limit(),
            )
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def revoke_session(user: User, session_id: int) -> bool:
    """Revoke one of the user's own sessions; False when there is no such session of theirs."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id:
        return False
    row.revoked_at = row.revoked_at or clock.now()
    return True


_BROWSERS = [("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome")]
_BROWSERS += [("Safari/", "Safari"), ("curl/", "curl"), ("python", "a script")]
_SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows")]
_SYSTEMS += [("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]


def device_label(user_agent: str) -> str:
    """A short "Chrome on Windows" from a User-Agent string (for the account page)."""
    browser = next((name for mark, name in _BROWSERS if mark.lower() in user_agent.lower()), "")
    system = next((name for mark, name in _SYSTEMS if re.search(re.escape(mark), user_agent)), "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Flask-Login: the user of a live server-side session, else nobody."""
    user_id, _, key = session_id.partition(":")
    if not user_id.isdigit() or not key:
        return None
    row = db.session.scalar(
        sa.select(UserSession)
        .where(UserSession.key_hash == _hash(key), UserSession.user_id == int(user_id))
        # The user with its organisation in the same statement: most pages ask for it (issue 13).
        .options(
            joinedload(UserSession.user)
            .joinedload(User.memberships)
            .joinedload(Membership.organisation)
        )
    )
    now = clock.now()
    if row is None or row.revoked_at is not None:
        return None
    if row.last_seen_at is not None and row.last_seen_at <= now - _idle_limit():
        return None
    user = row.user
    if not user.active:
        return None
    if row.last_seen_at is None or row.last_seen_at <= now - SEEN_INTERVAL:
        row.last_seen_at = now
    user.session_key = key  # type: ignore[attr-defined]
    return user
