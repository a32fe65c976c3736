"""In-process profile of the signed-in pages, on a database already filled by ``flask seed scale``.

    ENGAGEMENT_DATABASE_URL=postgresql+psycopg://... python bench/profile.py [--repeat N]
        [--cprofile LABEL] [--explain LABEL] [--top N]

For each page: median wall time of ``--repeat`` requests through the WSGI test client (after one
warm-up request), SQL statements and time spent in them. ``--cprofile LABEL`` prints the top
functions of that page by own time and by cumulative time; ``--explain LABEL`` runs
``EXPLAIN (ANALYZE, BUFFERS)`` on every statement of one request of that page (PostgreSQL).
Read-only apart from one API token per run. See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This folder holds ``http.py``, named like the standard library's package: keep it off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import cProfile  # noqa: E402
import io  # noqa: E402
import pstats  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: (label, path, viewer): viewer is "staff", "registrant" (session) or "api" (bearer token).
PAGES = [
    ("directory search (staff)", "/directory/companies?q=indus", "staff"),
    ("request queue (staff)", "/facilitation/queue", "staff"),
    ("GET /api/v1/events", "/api/v1/events", "api"),
    ("GET /api/v1/registrations", "/api/v1/registrations", "api"),
    ("my registrations", "/my/registrations", "registrant"),
    ("roadmap board (staff)", "/roadmap/board", "staff"),
    ("impact dashboard (staff)", "/dashboard/", "staff"),
]


def _clients(app):  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from engagement.auth.models import User
    from engagement.auth.services import issue_api_token
    from engagement.events.models import Registration
    from engagement.extensions import db
    from engagement.scale import BENCH_STAFF_EMAIL, SCALE_PASSWORD

    with app.app_context():
        busiest = db.session.scalar(
            sa.select(Registration.user_id)
            .where(Registration.user_id.is_not(None))
            .group_by(Registration.user_id)
            .order_by(sa.func.count().desc(), Registration.user_id)
            .limit(1)
        )
        registrant = db.session.get(User, busiest)
        _, token = issue_api_token(registrant, "bench/profile.py")
        registrant_email = registrant.email
        db.session.commit()
    clients = {}
    for viewer, email in (("staff", BENCH_STAFF_EMAIL), ("registrant", registrant_email)):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": SCALE_PASSWORD})
        assert response.status_code == 302, f"{email} could not sign in"
        clients[viewer] = (client, {})
    clients["api"] = (app.test_client(), {"Authorization": f"Bearer {token}"})
    return clients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--cprofile", action="append", default=[], metavar="LABEL")
    parser.add_argument("--explain", action="append", default=[], metavar="LABEL")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--only", help="pages whose label contains this")
    options = parser.parse_args()

    import sqlalchemy as sa

    from engagement import create_app
    from engagement.extensions import db

    app = create_app({"WTF_CSRF_ENABLED": False})
    clients = _clients(app)
    with app.app_context():
        engine = db.engine
    statements: list[tuple[float, str, object]] = []
    started: list[float] = []

    def before(_conn, _cursor, _statement, *_args: object) -> None:  # type: ignore[no-untyped-def]
        started.append(time.perf_counter())

    def after(_conn, _cursor, statement, parameters, *_args: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(((time.perf_counter() - started.pop()) * 1000, statement, parameters))

    for label, path, viewer in PAGES:
        if options.only and options.only not in label:
            continue
        client, headers = clients[viewer]
        first = client.get(path, headers=headers)  # warm: per-process caches
        if first.status_code != 200:
            print(f"{label:28} answered {first.status_code}")
            continue
        times, sql = [], []
        sa.event.listen(engine, "before_cursor_execute", before)
        sa.event.listen(engine, "after_cursor_execute", after)
        try:
            for _ in range(options.repeat):
                statements.clear()
                began = time.perf_counter()
                client.get(path, headers=headers)
                times.append((time.perf_counter() - began) * 1000)
                sql.append((len(statements), sum(ms for ms, _s, _p in statements)))
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)
            sa.event.remove(engine, "after_cursor_execute", after)
        print(
            f"{label:28} median {statistics.median(times):6.1f} ms (min {min(times):6.1f}), "
            f"{sql[-1][0]:2d} statements, {statistics.median(s for _n, s in sql):6.1f} ms in SQL"
        )
        if label in options.explain:
            with engine.connect() as connection:
                raw = connection.connection.driver_connection
                for ms, statement, parameters in list(statements):
                    with raw.cursor() as cursor:
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                        plan = "\n".join("      " + row[0] for row in cursor.fetchall())
                    print(f"    --- {ms:.1f} ms: {' '.join(statement.split())[:300]}\n{plan}")
                raw.rollback()
        if label in options.cprofile:
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(options.repeat):
                client.get(path, headers=headers)
            profile.disable()
            for order in ("tottime", "cumulative"):
                out = io.StringIO()
                pstats.Stats(profile, stream=out).sort_stats(order).print_stats(options.top)
                print(f"    --- cProfile by {order}, {options.repeat} requests")
                print("\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
