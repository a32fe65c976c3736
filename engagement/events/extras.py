"""Additions other features make to the registration form, without the engine knowing them.

A feature registers a :class:`RegistrationExtra` at import: a template snippet rendered inside
the registration form when ``applies(event, user)``, and ``on_registered`` called with the
submitted form once the registration succeeded (in the same transaction). The webinar
"share my company profile with this webinar's partners" checkbox is one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["RegistrationExtra", "register_extra", "extras_for"]


@dataclass(frozen=True)
class RegistrationExtra:
    name: str
    applies: Callable[[Any, Any], bool]
    template: str
    on_registered: Callable[[Any, Any, Mapping[str, str]], None]


_EXTRAS: dict[str, RegistrationExtra] = {}


def register_extra(extra: RegistrationExtra) -> None:
    """Add (or replace, by name) a registration-form extra."""
    _EXTRAS[extra.name] = extra


def extras_for(event: Any, user: Any) -> list[RegistrationExtra]:
    return [extra for extra in _EXTRAS.values() if extra.applies(event, user)]
