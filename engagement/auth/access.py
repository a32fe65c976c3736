"""Who may open which view: one decorator per view, recorded on the view for the access test.

Every view function carries ``access_rule``: ``"public"``, ``"authenticated"`` or a frozenset of
roles. ``tests/test_access.py`` walks ``app.url_map`` and fails for a view without one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from engagement.auth.models import Role
from engagement.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])

STAFF_ROLES = frozenset({Role.STAFF, Role.ADMIN})


def public(view: F) -> F:
    """Anyone, signed in or not."""
    view.access_rule = "public"  # type: ignore[attr-defined]
    return view


def login_required(view: F) -> F:
    """Any signed-in user."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return view(*args, **kwargs)

    wrapper.access_rule = "authenticated"  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed-in users with one of ``roles``; others get 403. Admins count as staff."""
    allowed = frozenset(roles)
    if Role.STAFF in allowed:
        allowed |= {Role.ADMIN}

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper.access_rule = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


staff_required = roles_required(Role.STAFF)
admin_required = roles_required(Role.ADMIN)
