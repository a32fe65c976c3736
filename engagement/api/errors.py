"""Errors as ``application/problem+json`` (RFC 9457) with ``errors`` naming each bad field.

The API holds no rule: services raise their own exceptions and this module only maps them to a
status and a problem document. Validation messages from marshmallow/webargs are flattened to
field paths such as ``attendees[0].email``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from flask import Response
from werkzeug.exceptions import HTTPException

from engagement.core.web import TITLES, problem

#: Request locations webargs puts at the top of its messages; they are not part of a field path.
LOCATIONS = frozenset({"json", "query", "querystring", "form", "view_args", "headers", "files"})


class ApiProblem(Exception):
    """Raised inside API views: becomes a problem document with this status."""

    def __init__(
        self,
        status: int,
        detail: str = "",
        errors: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = dict(errors) if errors else None
        self.headers = dict(headers) if headers else {}


def fail(
    status: int,
    detail: str = "",
    field: str | None = None,
    errors: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> NoReturn:
    """Stop the view with a problem; ``field`` names the one bad input, if any."""
    if field and errors is None:
        errors = {field: [detail]}
    raise ApiProblem(status, detail, errors, headers)


def _path(prefix: str, key: Any) -> str:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{prefix}[{key}]"
    if key == "_schema":
        return prefix
    return f"{prefix}.{key}" if prefix else str(key)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """``{"attendees": {0: {"email": ["bad"]}}}`` → ``{"attendees[0].email": ["bad"]}``."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            path = "" if not prefix and key in LOCATIONS else _path(prefix, key)
            for name, texts in flatten_messages(value, path).items():
                flat.setdefault(name, []).extend(texts)
    elif isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            flat.setdefault(prefix or "body", []).extend(messages)
        else:
            for item in messages:
                for name, texts in flatten_messages(item, prefix).items():
                    flat.setdefault(name, []).extend(texts)
    elif messages is not None:
        flat.setdefault(prefix or "body", []).append(str(messages))
    return flat


def problem_for_exception(error: ApiProblem) -> Response:
    response = problem(
        error.status, TITLES.get(error.status, "Error"), error.detail, errors=error.errors
    )
    response.headers.update(error.headers)
    return response


def problem_for_http_exception(error: HTTPException) -> Response:
    """Any HTTP error raised in an API view, including webargs' validation errors."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = None
    detail = error.description or ""
    if "messages" in data:
        errors = flatten_messages(data["messages"])
        detail = "Some fields are missing or invalid."
        if status == 400:
            detail = "The request body is not valid JSON."
    response = problem(status, TITLES.get(status, "Error"), detail, errors=errors)
    for key, value in error.get_headers():
        if key.lower() not in ("content-type", "content-length"):
            response.headers[key] = value
    for key, value in (data.get("headers") or {}).items():
        response.headers[key] = value
    return response
