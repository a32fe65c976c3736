"""The main navigation: one list, filtered by the viewer's role and by which pages exist."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from engagement.auth.models import Role

ANYONE, SIGNED_IN = "anyone", "signed_in"
STAFF = frozenset({Role.STAFF, Role.ADMIN})

NAV: list[tuple[str, object, object]] = [
    ("webinars.index", _l("Webinars"), ANYONE),
    ("roadmap.public", _l("Meetups"), ANYONE),
    ("partners.showcase", _l("Companies"), ANYONE),
    ("events.my_registrations", _l("My registrations"), SIGNED_IN),
    ("partners.meetings", _l("Meetings"), frozenset({Role.PARTNER, Role.COMPANY})),
    ("partners.partner_home", _l("Our page"), frozenset({Role.PARTNER})),
    ("facilitation.my_requests", _l("Facilitation"), frozenset({Role.STARTUP})),
    ("directory.my_profile", _l("My profile"), frozenset({Role.COMPANY, Role.STARTUP})),
    ("dashboard.index", _l("Dashboard"), STAFF),
    ("events.staff_index", _l("Events"), STAFF),
    ("roadmap.board", _l("Roadmap board"), STAFF),
    ("facilitation.queue", _l("Requests"), STAFF),
    ("partners.staff_meetings", _l("B2B meetings"), STAFF),
    ("directory.companies", _l("Directory"), STAFF),
    ("auth.admin_users", _l("Users"), frozenset({Role.ADMIN})),
]


def main_nav() -> list[tuple[str, str]]:
    """(endpoint, label) pairs the current viewer may open."""
    items = []
    for endpoint, label, audience in NAV:
        if endpoint not in current_app.view_functions:
            continue
        if audience == ANYONE:
            items.append((endpoint, label))
        elif not current_user.is_authenticated:
            continue
        elif audience == SIGNED_IN or current_user.role in audience:  # type: ignore[operator]
            items.append((endpoint, label))
    return items


def is_staff_tool(audience: object) -> bool:
    """Items only staff or admins see go in the "Manage" menu (new staff items land there too)."""
    return isinstance(audience, frozenset) and audience <= STAFF


def nav_sections() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(items shown in the bar, items in the "Manage" menu) for the current viewer."""
    tools = {endpoint for endpoint, _label, audience in NAV if is_staff_tool(audience)}
    items = main_nav()
    return (
        [item for item in items if item[0] not in tools],
        [item for item in items if item[0] in tools],
    )
