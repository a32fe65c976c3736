"""A request context for work outside HTTP, so ``url_for(..., _external=True)`` uses BASE_URL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from flask import current_app, has_request_context


@contextlib.contextmanager
def offline_request_context() -> Iterator[None]:
    """Push a request context for ``BASE_URL`` unless one is active (jobs, CLI commands)."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield
