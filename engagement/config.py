"""Configuration: defaults, then ``ENGAGEMENT_*`` environment variables, then test overrides."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "TIMEZONE": "Asia/Karachi",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Secure cookies: set ENGAGEMENT_SESSION_COOKIE_SECURE=true behind HTTPS; the remember-me
    # cookie follows it unless ENGAGEMENT_REMEMBER_COOKIE_SECURE is set too.
    "REMEMBER_COOKIE_SECURE": None,
    "REMEMBER_COOKIE_NAME": "remember_token",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    # A signed-in session (server-side row) unused for this many days ends.
    "SESSION_IDLE_DAYS": 30,
    "WTF_CSRF_TIME_LIMIT": None,
    # Mail: without SMTP_HOST, mails are written as .eml files under instance/outbox.
    "SMTP_HOST": None,
    "SMTP_PORT": 25,
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_STARTTLS": False,
    "MAIL_FROM": "PSEB Engage <no-reply@engage.pseb.org.pk>",
    "BASE_URL": "http://127.0.0.1:5000",
    # Host names the app answers to (others get 400). None: the host of BASE_URL (and, when that
    # is a loopback name, localhost/127.0.0.1/::1 too, for development and tests).
    "TRUSTED_HOSTS": None,
    # Behind a reverse proxy: how many proxies in front set X-Forwarded-For/-Proto (0: none, the
    # client address is the socket's). Only set it when a proxy you run overwrites those headers.
    "PROXY_FIX": 0,
    # Strict-Transport-Security max-age, sent only when SESSION_COOKIE_SECURE is true.
    "HSTS_MAX_AGE": 31536000,
    # Rate limiting: memory:// per process; set redis://... or memcached://... for several workers.
    "RATELIMIT_STORAGE_URI": "memory://",
    # Sign-in attempts per client address, /login and POST /api/v1/tokens together.
    "LOGIN_RATE_LIMIT": "10 per minute",
    # Failed sign-ins per email address before it is locked for the rest of the window.
    "ACCOUNT_LOCKOUT_LIMIT": "10 per 15 minutes",
    # Per client address: password-reset requests, sign-ups, anonymous meetup registrations.
    "PASSWORD_RESET_RATE_LIMIT": "5 per 15 minutes",
    "SIGNUP_RATE_LIMIT": "10 per hour",
    "ANONYMOUS_REGISTRATION_RATE_LIMIT": "20 per hour",
    # Per account: current-password checks at /account/password, verification-mail resends.
    "PASSWORD_CHECK_RATE_LIMIT": "5 per 15 minutes",
    "VERIFICATION_RESEND_RATE_LIMIT": "3 per hour",
    "EMAIL_TOKEN_MAX_AGE": 3 * 24 * 3600,
    "PASSWORD_RESET_MAX_AGE": 3600,
    "PER_PAGE": 25,
    #: Page counts stop this many rows past the current page ("more than N"); issue 13.
    "PAGINATION_COUNT_AHEAD": 1000,
    #: Seconds another worker may show reference lists from before a staff change; 0: no cache.
    "REFERENCE_CACHE_SECONDS": 60,
    #: Seconds the impact dashboard's figures are reused per period and language (0: never).
    "DASHBOARD_CACHE_SECONDS": 300,
    # Events
    "REMINDER_OFFSETS_HOURS": [24, 1],
    "JOIN_URL_VISIBLE_MINUTES": 30,
    # Check-in opens this many hours before an event's start and closes at its end.
    "CHECK_IN_OPENS_HOURS_BEFORE": 2,
    # Facilitation
    "SLA_FIRST_RESPONSE_DAYS": 3,
    "NEEDS_INFO_REMINDER_DAYS": 5,
    "UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    # Anonymous public pages are cached per process for this many seconds (CACHE_TYPE NullCache: off).
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 10,
    "CACHE_THRESHOLD": 2000,
    # Scheduler
    "SCHEDULER_LEASE_SECONDS": 120,
}

# Environment variables with these names (after the ENGAGEMENT_ prefix) map to other keys.
ALIASES = {
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "RATELIMIT_STORAGE_URL": "RATELIMIT_STORAGE_URI",
}


def load_config(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Fill ``app.config`` from defaults, the environment and ``overrides``, in that order."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("ENGAGEMENT")
    for alias, key in ALIASES.items():
        if alias in app.config:
            app.config[key] = app.config.pop(alias)
    if overrides:
        app.config.update(overrides)
    if app.config["TRUSTED_HOSTS"] is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts_for(app.config["BASE_URL"])
    if app.config["REMEMBER_COOKIE_SECURE"] is None:
        app.config["REMEMBER_COOKIE_SECURE"] = bool(app.config["SESSION_COOKIE_SECURE"])

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    app.config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{instance / 'engagement.sqlite3'}")
    app.config.setdefault("UPLOAD_FOLDER", str(instance / "uploads"))
    app.config.setdefault("OUTBOX_FOLDER", str(instance / "outbox"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(instance)


LOOPBACK_HOSTS = ["localhost", "127.0.0.1", "::1"]


def trusted_hosts_for(base_url: str) -> list[str]:
    """The Host names to accept: BASE_URL's, and every loopback name when that is loopback."""
    host = (urlsplit(base_url).hostname or "").lower()
    if not host or host in LOOPBACK_HOSTS:
        return list(LOOPBACK_HOSTS)
    return [host]


def _instance_secret(instance: Path) -> str:
    """Generate a secret key once and keep it in the instance folder (mode 600)."""
    path = instance / "secret_key"
    if not path.exists():
        # Write aside, then link into place: atomic, and safe when two processes start at once.
        tmp = instance / f".secret_key.{os.getpid()}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()
