"""Links that leave the request (mail, .ics, API fields, feeds) and a request context for jobs.

Every absolute URL is built from ``BASE_URL``, never from the request's Host header: a forged
Host must not be able to put its own name into a password-reset mail.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from flask import current_app, has_request_context, url_for


def external_url(target: str, **values: Any) -> str:
    """Absolute URL on ``BASE_URL`` for an endpoint name (with its values) or a site path."""
    if target.startswith(("http://", "https://")):
        return target
    path = target if target.startswith("/") else url_for(target, **values)
    return current_app.config["BASE_URL"].rstrip("/") + path


@contextlib.contextmanager
def offline_request_context() -> Iterator[None]:
    """Push a request context for ``BASE_URL`` unless one is active (jobs, CLI commands)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield
