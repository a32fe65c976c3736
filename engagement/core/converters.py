"""URL converters installed on every application (HTML pages and the API alike)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

#: Largest id a URL or an API body accepts; larger ones cannot exist (32-bit keys).
MAX_ID = 2_147_483_647


class IdConverter(IntegerConverter):
    """``<int:...>`` everywhere: an id from 1 to MAX_ID, so any other number is a 404.

    Without the bound ``/webinars/99999999999999999999`` reached the database and overflowed.
    """

    def __init__(
        self, map: Map, fixed_digits: int = 0, min: int = 1, max: int = MAX_ID, **kwargs: Any
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, **kwargs)


def register_converters(url_map: Map) -> None:
    """Replace werkzeug's unbounded ``int`` (before any route is added)."""
    url_map.converters["int"] = IdConverter
