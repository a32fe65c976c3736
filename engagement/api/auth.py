"""Who is calling the API: ``Authorization: Bearer <token>``, honoured only under ``/api/``.

Rules (one place):
- A bearer token, when sent, decides the user (an invalid one means anonymous, so 401), even if a
  session cookie is present too.
- Without a token, a signed-in browser session may *read* the API (the docs page's "try it out").
- API writes need a bearer token: a session cookie alone counts as anonymous for unsafe methods.
  That is why the API blueprints are exempt from CSRF: a cross-site page cannot set the header.
"""

from __future__ import annotations

from flask import Request, g, request

from engagement.auth.models import User
from engagement.auth.services import user_for_api_token
from engagement.extensions import login_manager

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def bearer_secret(req: Request) -> str | None:
    """The token sent as ``Authorization: Bearer <token>``, if any ('' for a malformed one)."""
    header = req.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return secret.strip()


@login_manager.request_loader
def load_user_from_bearer(req: Request) -> User | None:
    """Flask-Login fallback (no session): a valid bearer token under ``/api/``."""
    if not req.path.startswith("/api/"):
        return None
    secret = bearer_secret(req)
    return user_for_api_token(secret) if secret else None


def authenticate_api_request() -> None:
    """``before_request`` of the API blueprints: apply the rules above to ``current_user``."""
    secret = bearer_secret(request)
    user: User | None = None
    if secret:
        user = user_for_api_token(secret)
    elif secret is None and request.method not in UNSAFE_METHODS:
        return  # a session may read; Flask-Login loads it lazily
    # Flask-Login keeps the request's user in g._login_user; setting it skips the session.
    g._login_user = user if user is not None else login_manager.anonymous_user()
