"""URL converters installed on every application (HTML pages and the API alike)."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map, UnicodeConverter

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


class SegmentConverter(UnicodeConverter):
    """``<token>``, ``<slug>``: a path segment without control characters, else a 404.

    PostgreSQL refuses even to compare text holding a NUL, so ``/tickets/%00`` was a 500.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]")


def register_converters(url_map: Map) -> None:
    """Replace werkzeug's unbounded ``int`` and its ``string`` (before any route is added)."""
    url_map.converters["int"] = IdConverter
    url_map.converters["default"] = url_map.converters["string"] = SegmentConverter
