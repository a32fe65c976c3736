"""The one place HTML lists read ``page`` from the query string and fetch that page.

Flask-SQLAlchemy reads ``page`` and ``per_page`` unbounded, so ``?page=99999999999999999999``
overflowed the OFFSET (a 500). Here the page number is clamped to 1..MAX_PAGE, ``per_page`` is
never read from the URL, and a page past the end is answered as the last page.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from engagement.extensions import db

#: Highest page number a list accepts (the API bounds ``page`` the same way).
MAX_PAGE = 100_000


def requested_page() -> int:
    """``?page=`` as a number from 1 to MAX_PAGE; anything unreadable is page 1."""
    try:
        number = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return min(max(number, 1), MAX_PAGE)


def paginate_list(statement: Any, per_page: int | None = None) -> Pagination:
    """The requested page of ``statement``; past the end, the last page."""
    size = int(per_page or current_app.config["PER_PAGE"])
    page = db.paginate(statement, page=requested_page(), per_page=size, error_out=False)
    if page.page > 1 and page.page > page.pages:
        page = db.paginate(statement, page=max(page.pages, 1), per_page=size, error_out=False)
    return page
