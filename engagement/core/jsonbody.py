"""Reading JSON sent by clients: one function, so every reader refuses the same bodies.

``json.loads`` raises RecursionError (not a JSONDecodeError) on a few thousand nested brackets,
which every caller answered as a 500. Here it is a JSONDecodeError like any other malformed body.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider


class NestedTooDeeply(json.JSONDecodeError):
    """The document nests arrays or objects deeper than the parser can follow."""

    def __init__(self, document: str | bytes) -> None:
        text = document if isinstance(document, str) else ""
        super().__init__("JSON nested too deeply", text, 0)


def load_json(document: str | bytes | bytearray, **kwargs: Any) -> Any:
    """``json.loads``, with too-deep nesting reported as malformed JSON."""
    try:
        return json.loads(document, **kwargs)
    except RecursionError:
        raise NestedTooDeeply(document if isinstance(document, str) else "") from None


class ClientJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider (``request.get_json``) with :func:`load_json`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return load_json(s, **kwargs)
