"""Every list page runs the same number of SQL statements whatever the amount of data.

Each page is requested at two data sizes (the scale generator, a few rows and then ten times
more, enough to fill a page of ``PER_PAGE``) and the statements are counted with a
``before_cursor_execute`` listener. A list that lazy-loads per row (N+1) shows up as a
difference. Pages whose feature is not built yet are skipped by name, so the test grows as
features land.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa

from engagement.extensions import db
from engagement.scale import BENCH_STAFF_EMAIL, SCALE_PASSWORD, Sizes, seed_scale

SMALL = Sizes(
    companies=6, startups=6, events=10, registrations=60, requests=8, overseas=6, bodies=5
)
LARGE = Sizes(
    companies=60, startups=60, events=100, registrations=900, requests=80, overseas=60, bodies=50
)

#: (label, endpoint name or literal path, viewer)
PAGES = [
    ("webinars index", "webinars.index", None),
    ("past webinars", "webinars.past", None),
    ("meetups index", "meetups.index", None),
    ("my registrations", "events.my_registrations", "registrant"),
    ("staff events list", "events.staff_index", "staff"),
    ("directory companies", "directory.companies", "staff"),
    ("directory startups", "directory.startups", "staff"),
    ("directory overseas entities", "directory.overseas", "staff"),
    ("directory stakeholder bodies", "directory.bodies", "staff"),
    ("facilitation queue", "facilitation.queue", "staff"),
    ("my facilitation requests", "facilitation.my_requests", "requester"),
    ("staff B2B meetings", "partners.staff_meetings", "staff"),
    ("public company showcase", "partners.showcase", None),
    ("public roadmap", "roadmap.public", None),
    ("API events list", "/api/v1/events", "api"),
    ("API my registrations", "/api/v1/registrations", "api-registrant"),
    ("API facilitation requests", "/api/v1/facilitation-requests", "api"),
    ("impact dashboard", "dashboard.index", "staff"),
    ("API metrics", "/api/v1/metrics", "api"),
    ("roadmap board", "roadmap.board", "staff"),
]


def _url(app, target: str) -> str | None:  # type: ignore[no-untyped-def]
    if target.startswith("/"):
        try:
            app.url_map.bind("localhost").match(target, method="GET")
        except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed: not built yet
            return None
        return target
    if target not in app.view_functions:
        return None
    from flask import url_for

    with app.test_request_context():
        return url_for(target)


def _busiest(column: sa.Column) -> str:
    """The email of the user with the most rows in ``column``'s table (ties: lowest id)."""
    from engagement.auth.models import User

    user_id = db.session.scalar(
        sa.select(column)
        .where(column.is_not(None))
        .group_by(column)
        .order_by(sa.func.count().desc(), column)
        .limit(1)
    )
    return db.session.get(User, user_id).email


def _viewer_email(viewer: str) -> str:
    if viewer in ("staff", "api"):
        return BENCH_STAFF_EMAIL
    if viewer in ("registrant", "api-registrant"):
        return _busiest(db.metadata.tables["registration"].c.user_id)
    if viewer == "requester":
        return _busiest(db.metadata.tables["facilitation_request"].c.created_by_id)
    raise ValueError(viewer)


def _client_for(app, viewer: str | None):  # type: ignore[no-untyped-def]
    client = app.test_client()
    headers: dict[str, str] = {}
    if viewer is None:
        return client, headers
    with app.app_context():
        email = _viewer_email(viewer)
        if viewer.startswith("api"):
            from engagement.auth.services import issue_api_token, user_by_email

            _, secret = issue_api_token(user_by_email(email), "query-count test")
            db.session.commit()
            headers["Authorization"] = f"Bearer {secret}"
            return client, headers
    response = client.post("/login", data={"email": email, "password": SCALE_PASSWORD})
    assert response.status_code == 302, f"{viewer} {email} could not sign in"
    return client, headers


def _statements(app, get: Callable[[], object]) -> tuple[int, object]:  # type: ignore[no-untyped-def]
    with app.app_context():
        engine = db.engine
    count = 0

    def listener(*_args: object) -> None:
        nonlocal count
        count += 1

    get()  # warm: per-process caches are filled by the first request
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = get()
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return count, response


def _seed(app, sizes: Sizes) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        seed_scale(sizes, echo=lambda _line: None)
        db.session.commit()


def _rows_shown(html: str) -> int:
    return html.count("<tr") + html.count('class="card')


@pytest.mark.parametrize(("label", "target", "viewer"), PAGES, ids=[p[0] for p in PAGES])
def test_statements_per_request_do_not_grow_with_data(app, label, target, viewer):
    url = _url(app, target)
    if url is None:
        pytest.skip(f"{target} is not built yet")
    counts = []
    for sizes in (SMALL, LARGE):
        _seed(app, sizes)  # adds only what is missing: LARGE grows the SMALL data
        client, headers = _client_for(app, viewer)
        count, response = _statements(app, lambda c=client, h=headers: c.get(url, headers=h))
        assert response.status_code == 200, f"{label}: {response.status_code}"
        counts.append((count, _rows_shown(response.get_data(as_text=True))))
    (small, small_rows), (large, large_rows) = counts
    assert small == large, (
        f"{label} ({url}): {small} SQL statements with the small data ({small_rows} rows shown), "
        f"{large} with ten times more ({large_rows} rows shown): a query per row?"
    )


def test_the_large_size_fills_more_than_a_page(app):
    """The sizes really differ on the lists (else the test above proves nothing)."""
    _seed(app, LARGE)
    per_page = app.config["PER_PAGE"]
    with app.app_context():
        from engagement.directory.models import Company

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Company)) > per_page
        if "registration" in db.metadata.tables:
            registrations = db.metadata.tables["registration"]
            total = db.session.scalar(sa.select(sa.func.count()).select_from(registrations))
            assert total > per_page


def test_bench_staff_user_exists_after_seeding(app):
    _seed(app, SMALL)
    with app.app_context():
        from engagement.auth.services import user_by_email

        assert user_by_email(BENCH_STAFF_EMAIL).is_staff
