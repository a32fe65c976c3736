"""Who may open which view: one decorator per view, recorded on the view for the access test.

Every view function carries ``access_rule``: ``"public"``, ``"authenticated"`` or a frozenset of
roles. ``tests/test_access.py`` walks ``app.url_map`` and fails for a view without one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask, current_app, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import Forbidden

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
                raise refusal(allowed)
            return view(*args, **kwargs)

        wrapper.access_rule = allowed  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


staff_required = roles_required(Role.STAFF)
admin_required = roles_required(Role.ADMIN)


# --- Telling a refused user why, and what to do instead ----------------------------------------

#: Who a role is, in a sentence ("This page is for startups").
AUDIENCES = {
    Role.COMPANY: _l("companies"),
    Role.STARTUP: _l("startups"),
    Role.STAFF: _l("PSEB staff"),
    Role.ADMIN: _l("PSEB administrators"),
    Role.PARTNER: _l("overseas partners"),
}
#: A role's name as shown to people ("company", "staff"): the value, in the viewer's language.
ROLE_NAMES = {
    Role.COMPANY: _l("company"),
    Role.STARTUP: _l("startup"),
    Role.STAFF: _l("staff"),
    Role.ADMIN: _l("admin"),
    Role.PARTNER: _l("partner"),
}
#: What the viewer is, in a sentence ("You are signed in as a company representative").
VIEWERS = {
    Role.COMPANY: _l("a company representative"),
    Role.STARTUP: _l("a startup founder"),
    Role.STAFF: _l("PSEB staff"),
    Role.ADMIN: _l("a PSEB administrator"),
    Role.PARTNER: _l("an overseas partner"),
}

ADVICE_KEY = "engagement.access_advice"


@dataclass(frozen=True)
class Advice:
    """What a refused role may do instead: a sentence and links (label, endpoint)."""

    text: str
    links: tuple[tuple[str, str], ...] = ()


class Refused(Forbidden):
    """A 403 that says who the page is for and, when its feature says so, what to do instead."""

    def __init__(self, description: str, advice: Advice | None = None) -> None:
        super().__init__(description)
        self.advice = advice


def add_access_advice(app: Flask, blueprint: str, advice: dict[Role, Advice]) -> None:
    """A feature registers what each refused role should do instead on its pages."""
    app.extensions.setdefault(ADVICE_KEY, {})[blueprint] = advice


def _audience(allowed: frozenset[Role]) -> str:
    names = [str(AUDIENCES[role]) for role in Role if role in allowed and role != Role.ADMIN]
    if not names:
        names = [str(AUDIENCES[Role.ADMIN])]
    if len(names) == 1:
        return names[0]
    return _("%(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def refusal(allowed: frozenset[Role]) -> Refused:
    """The 403 for the current user on a page for ``allowed`` roles."""
    role = current_user.role
    description = _(
        "This page is for %(audience)s. You are signed in as %(viewer)s.",
        audience=_audience(allowed),
        viewer=VIEWERS[role],
    )
    by_role = current_app.extensions.get(ADVICE_KEY, {}).get(request.blueprint or "", {})
    return Refused(description, by_role.get(role))
