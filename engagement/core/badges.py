"""The coloured badge of a state (registration, request, event, outbox...), for every template.

One function, not a template macro: the macro built its table of 21 translated names on every
call, so a list page of 25 rows asked for ~500 translations (issue 13: about a third of the
facilitation queue's render). Here the table is built once and a badge asks for one.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup

#: Badge colour per state value (the same value means the same colour in every feature).
COLOURS = {
    **dict.fromkeys(
        ("confirmed", "published", "resolved", "attended", "checked_in", "sent", "made"), "green"
    ),
    "operating": "green",
    **dict.fromkeys(("waitlisted", "needs_information", "pending", "registration_closed"), "amber"),
    **dict.fromkeys(("draft", "submitted", "in_review", "referred"), "blue"),
    **dict.fromkeys(("cancelled", "declined", "no_show", "withdrawn", "failed"), "red"),
}

#: The words a badge shows for the common states; any other shows its enum's label.
NAMES = {
    "confirmed": _l("confirmed"),
    "published": _l("published"),
    "resolved": _l("resolved"),
    "attended": _l("attended"),
    "checked_in": _l("checked in"),
    "sent": _l("sent"),
    "made": _l("made"),
    "operating": _l("operating"),
    "waitlisted": _l("waitlisted"),
    "needs_information": _l("needs information"),
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "in_review": _l("in review"),
    "referred": _l("referred"),
    "pending": _l("pending"),
    "registration_closed": _l("registration closed"),
    "cancelled": _l("cancelled"),
    "declined": _l("declined"),
    "no_show": _l("no show"),
    "withdrawn": _l("withdrawn"),
    "failed": _l("failed"),
}


def state_badge(state: Any) -> Markup:
    """``<span class="badge badge-green">confirmed</span>`` in the page's language; a state
    this table does not name shows its enum's translated label, never the raw value."""
    value = getattr(state, "value", state)
    name = NAMES.get(value)
    if name is not None:
        label = str(name)
    elif hasattr(state, "label"):
        label = str(state.label).lower()
    else:
        label = str(value).replace("_", " ")
    return Markup('<span class="badge badge-{}">{}</span>').format(
        COLOURS.get(value, "none"), label
    )
