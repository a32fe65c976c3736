"""Short-lived caching of public pages for anonymous visitors (Flask-Caching).

Only visitors without a session or remember-me cookie and without an Authorization header are
served from the cache, so flash messages, CSRF tokens and personal content are never shared. A
page whose rendering touched the session (for example a CSRF token) is not stored. The key is the
full path plus the browser time-zone cookie and the language, since times are shown in the
viewer's zone and pages in the viewer's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, request, session

from engagement.core.i18n import current_language
from engagement.extensions import cache

F = TypeVar("F", bound=Callable[..., Any])

PERSONAL_COOKIES = ("session", "remember_token")


def _personal(*_args: Any, **_kwargs: Any) -> bool:
    return (
        request.method != "GET"
        or "Authorization" in request.headers
        or any(name in request.cookies for name in PERSONAL_COOKIES)
    )


def _key() -> str:
    from engagement.core.timefmt import browser_timezone

    return f"anon-page:{request.full_path}|tz={browser_timezone() or ''}|lang={current_language()}"


def _storable(response: Any) -> bool:
    if session.modified:
        return False
    if isinstance(response, Response):
        return response.status_code == 200 and "Set-Cookie" not in response.headers
    return True


def anonymous_page(view: F) -> F:
    """Cache ``view``'s page for anonymous visitors for ``CACHE_DEFAULT_TIMEOUT`` seconds."""
    return cache.cached(key_prefix=_key, unless=_personal, response_filter=_storable)(view)  # type: ignore[return-value]
