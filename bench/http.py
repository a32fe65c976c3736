"""HTTP benchmark: PSEB Engage at scale against a bare Flask app, on the same machine, same run.

    python bench/http.py [--duration S] [--connections C] [--quick]

Starts a throwaway PostgreSQL, migrates it (``flask db upgrade``; ``create_all`` if the migration
is behind the models, said so in the output), loads the scale data (``flask seed scale``), starts
gunicorn with sync workers (cores + 1) for the app and for ``bench/hello.py``, and drives each
page with ``wrk`` (one thread, C connections, fixed time, loopback only). Prints a table of
requests/s, p50, p99, ratio to the baseline, SQL statements per request and peak RSS per worker,
then checks that no event is overbooked. Everything it started is stopped on exit, also on error.
See bench/README.md for the choices and a sample output.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package: take its folder off the path
# before anything imports ``http.client``.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import contextlib  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import timedelta  # noqa: E402
from http.cookiejar import CookieJar  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgserver import PostgresServer  # noqa: E402
from tests.servers import free_port, server_env, wait_for  # noqa: E402

FULL = {
    "companies": 10_000,
    "startups": 2_000,
    "events": 2_000,
    "registrations": 200_000,
    "requests": 20_000,
}
QUICK = {key: max(1, value // 10) for key, value in FULL.items()}
#: Seats of the event the registration load goes to: the rest of the load is waitlisted.
BENCH_CAPACITY = 300
#: Events the "spread" registration load goes to, round robin (many events open at once).
SPREAD_EVENTS = 20
#: Targets from issue 7 (registrations, RSS) and issue 13 (ratios: public pages served from the
#: page cache keep >= 0.4 of the baseline; signed-in pages and the API reach >= 0.1).
TARGET_RATIO = 0.4
TARGET_SIGNED_IN_RATIO = 0.1
TARGET_P99_MS = 100.0
TARGET_REGISTRATIONS = 300.0
TARGET_RSS_MB = 200.0
#: Issue 13: pages measured by their in-process render time (median), not under load.
TARGET_RENDER_MS = 50.0


def say(message: str) -> None:
    print(message, flush=True)


# --- pages --------------------------------------------------------------------------------------


@dataclass
class Page:
    """One line of the table: where to send load, and as whom."""

    label: str
    #: Endpoint names to try in order (the first one the app has wins) ...
    endpoints: tuple[str, ...] = ()
    #: ... or a literal path.
    path: str | None = None
    args: dict[str, object] = field(default_factory=dict)
    staff: bool = False
    api: bool = False
    post: bool = False
    #: POSTs go round robin to SPREAD_EVENTS events instead of one popular event.
    spread: bool = False
    #: Which bearer token of ``prepare()``'s fixtures an API page sends.
    token: str = "token"

    @property
    def ratio_target(self) -> float:
        return TARGET_SIGNED_IN_RATIO if (self.staff or self.api) else TARGET_RATIO

    url: str | None = None  # resolved path with query string
    skipped: str | None = None


def pages() -> list[Page]:
    return [
        Page("home", ("core.home",)),
        Page("upcoming webinars", ("webinars.index", "webinars.upcoming", "webinars.list")),
        Page("event page", ("webinars.detail", "meetups.detail"), args={"event_id": None}),
        Page(
            "public roadmap",
            ("roadmap.public", "roadmap.public_roadmap", "roadmap.index", "meetups.roadmap"),
        ),
        Page("directory search (staff)", ("directory.companies",), args={"q": "indus"}, staff=True),
        Page(
            "request queue (staff)",
            ("facilitation.queue", "facilitation.staff_queue", "facilitation.staff_index"),
            staff=True,
        ),
        Page("impact dashboard (staff)", ("dashboard.index",), staff=True),
        Page("GET /api/v1/events", path="/api/v1/events", api=True),
        Page(
            "GET /api/v1/registrations",
            path="/api/v1/registrations",
            api=True,
            token="registrant_token",
        ),
        Page("registration POST", path="/api/v1/events/{event_id}/registrations", post=True),
        Page(
            f"registration POST, {SPREAD_EVENTS} events",
            path="/api/v1/events/{event_id}/registrations",
            post=True,
            spread=True,
        ),
    ]


@dataclass
class RenderPage:
    """A page measured by its in-process render time (issue 13: < TARGET_RENDER_MS)."""

    label: str
    endpoint: str
    #: "staff" (the bench staff login) or "registrant" (the account with most registrations).
    viewer: str


#: One entry per page (others add theirs on their own line).
RENDER_PAGES = [
    RenderPage("my registrations", "events.my_registrations", "registrant"),
    RenderPage("roadmap board (staff)", "roadmap.board", "staff"),
]


def wanted(label: str, only: list[str] | None) -> bool:
    """Whether ``--only`` keeps this row (no ``--only``: every row)."""
    return not only or any(text.lower() in label.lower() for text in only)


#: Ratio target of each load row, by label.
RATIO_TARGETS = {page.label: page.ratio_target for page in pages()}


# --- processes ----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("wrk is missing and we are not root: apt-get install wrk")
    say("==> installing wrk (Debian)")
    subprocess.run(["apt-get", "update", "-qq"], check=False)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("wrk") or sys.exit("wrk still missing")


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int) -> Iterator[tuple[str, int]]:
    """gunicorn with ``workers`` sync workers on a free port: yields (base URL, master pid)."""
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--timeout",
            "60",
            "--graceful-timeout",
            "2",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env={**env, "ENGAGEMENT_BASE_URL": f"http://127.0.0.1:{port}"},
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz", timeout=180, process=process)
        yield base, process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def worker_pids(master: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            text = status.read_text()
            if re.search(rf"^PPid:\s+{master}$", text, re.M):
                pids.append(int(status.parent.name))
    return pids


def peak_rss_mb(master: int) -> float:
    """Largest VmHWM (peak resident set) among the master's workers, in MB."""
    peaks = []
    for pid in worker_pids(master):
        with contextlib.suppress(OSError):
            match = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
            if match:
                peaks.append(int(match.group(1)) / 1024)
    return max(peaks, default=0.0)


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


# --- set-up -------------------------------------------------------------------------------------


def build_schema(env: dict[str, str], app) -> str:  # type: ignore[no-untyped-def]
    """``flask db upgrade``; falls back to ``create_all`` when the migration is behind."""
    import sqlalchemy as sa
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from engagement.extensions import db

    result = flask(env, "db", "upgrade")
    with app.app_context():
        if result.returncode == 0:
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
            if not diff:
                return "schema: flask db upgrade (migration current)"
            reason = f"migration behind the models ({len(diff)} differences)"
        else:
            errors = [
                line for line in result.stderr.splitlines() if re.match(r"^\w+(\.\w+)*Error", line)
            ]
            reason = "flask db upgrade failed: " + (errors or ["?"])[-1][:200]
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        db.create_all()
        return f"schema: {reason}; fell back to create_all"


def prepare(app, sizes: dict[str, int]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """A bench event with room for the registration load, an API token, an event to show."""
    import sqlalchemy as sa

    from engagement import clock
    from engagement.auth.models import Role, User
    from engagement.auth.services import issue_api_token
    from engagement.events.models import Event, EventKind, EventState, Registration
    from engagement.extensions import db
    from engagement.scale import BENCH_STAFF_EMAIL

    with app.app_context():
        staff = db.session.scalar(sa.select(User).where(User.email == BENCH_STAFF_EMAIL))
        rep = db.session.scalar(
            sa.select(User).where(User.role == Role.COMPANY).order_by(User.id).limit(1)
        )
        now = clock.now()
        bench_ids = []
        for n in range(1 + SPREAD_EVENTS):
            bench = Event(
                kind=EventKind.WEBINAR,
                title="Bench: registration load" + (f" {n}" if n else ""),
                description="Registrations from bench/http.py.",
                state=EventState.PUBLISHED,
                starts_at=now + timedelta(days=30),
                ends_at=now + timedelta(days=30, hours=1),
                capacity=BENCH_CAPACITY,
                waitlist_enabled=True,
                created_by_id=staff.id,
            )
            db.session.add(bench)
            db.session.flush()
            bench_ids.append(bench.id)
            if "webinar" in db.metadata.tables:
                db.session.execute(
                    sa.insert(db.metadata.tables["webinar"]).values(
                        event_id=bench.id,
                        speakers="",
                        platform="Zoom",
                        created_at=now,
                        updated_at=now,
                    )
                )
        _, token = issue_api_token(rep, "bench")
        # The account with the most registrations: "my registrations" in the API and the page.
        busiest = db.session.scalar(
            sa.select(Registration.user_id)
            .where(Registration.user_id.is_not(None))
            .group_by(Registration.user_id)
            .order_by(sa.func.count().desc(), Registration.user_id)
            .limit(1)
        )
        registrant = db.session.get(User, busiest) if busiest else rep
        _, registrant_token = issue_api_token(registrant, "bench registrant")
        # The pages to show: the upcoming published event of each kind with most registrations.
        shown = {}
        for kind in EventKind:
            shown[kind.value] = db.session.scalar(
                sa.select(Event.id)
                .join(Registration, Registration.event_id == Event.id)
                .where(
                    Event.state == EventState.PUBLISHED,
                    Event.kind == kind,
                    Event.starts_at > now,
                    Event.created_by_id == staff.id,
                )
                .group_by(Event.id)
                .order_by(sa.func.count().desc(), Event.id)
                .limit(1)
            )
        db.session.commit()
        return {
            "bench_event": bench_ids[0],
            "spread_events": bench_ids[1:],
            "token": token,
            "webinar": shown["webinar"],
            "meetup": shown["meetup"],
            "rep_email": rep.email,
            "registrant_token": registrant_token,
            "registrant_email": registrant.email,
        }


def resolve(app, page: Page, fixtures: dict[str, object]) -> None:  # type: ignore[no-untyped-def]
    """Fill ``page.url`` from the app's URL map, or mark the page as not built yet."""
    from flask import url_for

    if page.path:
        path = page.path.format(event_id=fixtures["bench_event"])
        adapter = app.url_map.bind("127.0.0.1")
        try:
            adapter.match(path, method="POST" if page.post else "GET")
        except Exception:  # noqa: BLE001 - NotFound / MethodNotAllowed: not built yet
            page.skipped = "not built yet"
            return
        page.url = path
        return
    endpoint = next((e for e in page.endpoints if e in app.view_functions), None)
    if endpoint is None:
        page.skipped = "not built yet (" + " | ".join(page.endpoints) + ")"
        return
    kind = "meetup" if endpoint.startswith("meetups.") else "webinar"
    args = {k: (fixtures[kind] if v is None else v) for k, v in page.args.items()}
    with app.test_request_context():
        page.url = url_for(endpoint, **args)


def count_queries(app, page: Page, fixtures: dict[str, object]) -> int | None:  # type: ignore[no-untyped-def]
    """SQL statements one request of ``page`` runs, measured in-process on the same database."""
    import sqlalchemy as sa

    from engagement.extensions import db

    client = app.test_client()
    headers = {}
    if page.staff:
        from engagement.scale import BENCH_STAFF_EMAIL, SCALE_PASSWORD

        client.post("/login", data={"email": BENCH_STAFF_EMAIL, "password": SCALE_PASSWORD})
    if page.api or page.post:
        headers["Authorization"] = f"Bearer {fixtures[page.token]}"
    statements: list[tuple[float, str]] = []
    with app.app_context():
        engine = db.engine
    started: list[float] = []

    def before(_conn, _cursor, _statement, *_args: object) -> None:  # type: ignore[no-untyped-def]
        started.append(time.perf_counter())

    def after(_conn, _cursor, statement, *_args: object) -> None:  # type: ignore[no-untyped-def]
        statements.append(((time.perf_counter() - started.pop()) * 1000, statement))

    def one(n: int) -> object:
        if page.post:
            domain = str(fixtures["rep_email"]).rpartition("@")[2]
            email = f"count-{page.spread:d}-{n}@{domain}"
            body = {"attendees": [{"name": "Count", "email": email}]}
            return client.post(page.url, json=body, headers=headers)
        return client.get(page.url, headers=headers)

    one(0)  # warm: first-request work (caches, lazy imports) is not what we measure
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        statements.clear()
        began = time.perf_counter()
        response = one(1)
        total_ms = (time.perf_counter() - began) * 1000
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    if response.status_code not in (200, 201):  # type: ignore[attr-defined]
        say(f"    note: {page.label} answered {response.status_code} in-process")  # type: ignore[attr-defined]
    sql_ms = sum(ms for ms, _ in statements)
    slowest = max(statements, default=(0.0, ""))
    say(
        f"    {page.label:28} {len(statements):3d} statements, {sql_ms:7.1f} ms in SQL of "
        f"{total_ms:7.1f} ms; slowest {slowest[0]:.1f} ms: " + " ".join(slowest[1].split())[:160]
    )
    return len(statements)


def render_times(
    app, fixtures: dict[str, object], repeat: int = 10, only: list[str] | None = None
) -> list[tuple[str, float | None, int, str]]:  # type: ignore[no-untyped-def]
    """(label, median ms, SQL statements, note) of each RENDER_PAGES page, in-process."""
    import statistics

    import sqlalchemy as sa
    from flask import url_for

    from engagement.extensions import db
    from engagement.scale import BENCH_STAFF_EMAIL, SCALE_PASSWORD

    with app.app_context():
        engine = db.engine
    emails = {"staff": BENCH_STAFF_EMAIL, "registrant": fixtures["registrant_email"]}
    out: list[tuple[str, float | None, int, str]] = []
    for page in RENDER_PAGES:
        if not wanted(page.label, only):
            continue
        if page.endpoint not in app.view_functions:
            out.append((page.label, None, 0, f"not built yet ({page.endpoint})"))
            continue
        with app.test_request_context():
            path = url_for(page.endpoint)
        client = app.test_client()
        client.post("/login", data={"email": emails[page.viewer], "password": SCALE_PASSWORD})
        status = client.get(path).status_code  # warm: per-process caches, lazy imports
        if status != 200:
            out.append((page.label, None, 0, f"answered {status}"))
            continue
        count = 0

        def listener(*_args: object) -> None:
            nonlocal count
            count += 1

        times = []
        for _ in range(repeat):
            count = 0
            sa.event.listen(engine, "before_cursor_execute", listener)
            began = time.perf_counter()
            client.get(path)
            times.append((time.perf_counter() - began) * 1000)
            sa.event.remove(engine, "before_cursor_execute", listener)
        out.append((page.label, statistics.median(times), count, path))
    return out


def staff_cookie(base: str) -> str:
    """Sign the bench staff user in over HTTP (CSRF and all); returns the Cookie header."""
    from engagement.scale import BENCH_STAFF_EMAIL, SCALE_PASSWORD

    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(f"{base}/login", timeout=10).read().decode()
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    data = {"email": BENCH_STAFF_EMAIL, "password": SCALE_PASSWORD}
    if match:
        data["csrf_token"] = match.group(1)
    response = opener.open(f"{base}/login", urllib.parse.urlencode(data).encode(), timeout=10)
    response.read()
    if response.url.rstrip("/").endswith("/login"):
        raise RuntimeError("the bench staff user could not sign in over HTTP")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def status_of(url: str, headers: dict[str, str]) -> int:
    """The status of one GET, redirects not followed (a 302 to /login is not a page)."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


# --- load ---------------------------------------------------------------------------------------

POST_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(token)s"
local paths = {%(paths)s}
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"attendees": [{"name": "Bench %%d", "email": "bench-%(run)s-%%d@%(domain)s"}]}', n, n)
  return wrk.format(nil, paths[(n %% #paths) + 1], nil, body)
end
"""


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    binary: str,
    url: str,
    seconds: float,
    connections: int,
    headers: dict[str, str],
    script: Path | None = None,
) -> Result:
    command = [
        binary,
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", str(script)]
    completed = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60
    )
    output = completed.stdout
    if "Requests/sec" not in output:
        raise RuntimeError(f"wrk failed on {url}: {output} {completed.stderr}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Result(rps, p50, p99, total, errors)


# --- the run ------------------------------------------------------------------------------------


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)  # type: ignore[union-attr]
    mem = "?"
    with contextlib.suppress(OSError):
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} cores ({cpu}), {mem} RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; load average {load}"
    )


def overbooking(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(events checked, events with more seats taken than capacity)."""
    import sqlalchemy as sa

    from engagement.events.models import SEAT_STATES, Event, Registration
    from engagement.extensions import db

    with app.app_context():
        taken = (
            sa.select(Registration.event_id, sa.func.count().label("seats"))
            .where(Registration.state.in_(SEAT_STATES))
            .group_by(Registration.event_id)
            .subquery()
        )
        over = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Event)
            .join(taken, taken.c.event_id == Event.id)
            .where(taken.c.seats > Event.capacity)
        )
        events = db.session.scalar(sa.select(sa.func.count()).select_from(Event))
        return events or 0, over or 0


def bench_registrations(app, event_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    import sqlalchemy as sa

    from engagement.events.models import Registration
    from engagement.extensions import db

    with app.app_context():
        rows = db.session.execute(
            sa.select(Registration.state, sa.func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.state)
        ).all()
        return {str(state): n for state, n in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) + 1)
    parser.add_argument("--quick", action="store_true", help="a tenth of the data")
    for key, value in FULL.items():
        parser.add_argument(f"--{key}", type=int, default=None, help=f"default {value:,}")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="measure only the rows whose label contains TEXT (repeatable), e.g. 'registration'",
    )
    options = parser.parse_args()
    sizes = {key: getattr(options, key) or (QUICK if options.quick else FULL)[key] for key in FULL}
    binary = ensure_wrk()
    say(machine())
    started = time.perf_counter()
    instance = Path(tempfile.mkdtemp(prefix="engagement-bench."))
    pg = PostgresServer()
    try:
        pg.init()
        pg.start()
        url = pg.createdb("engagement_bench")
        say(f"==> PostgreSQL {pg.port}; data: " + ", ".join(f"{v:,} {k}" for k, v in sizes.items()))
        # The load server runs as in production: anonymous public pages cached for 10 s per worker.
        env = server_env(
            url, instance, ENGAGEMENT_LOG_LEVEL="ERROR", ENGAGEMENT_CACHE_TYPE="SimpleCache"
        )
        from engagement import create_app

        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(instance),
                "SECRET_KEY": env["ENGAGEMENT_SECRET_KEY"],
                "WTF_CSRF_ENABLED": False,  # in-process query counting only
                "CACHE_TYPE": "NullCache",  # count what a page costs to render, not a cache hit
                "RATELIMIT_ENABLED": False,
            }
        )
        say("==> " + build_schema(env, app))
        seeded = time.perf_counter()
        result = flask(env, "seed", "scale", *[f"--{k}={v}" for k, v in sizes.items()])
        if result.returncode != 0:
            say(result.stdout + result.stderr)
            return 1
        for line in result.stdout.strip().splitlines():
            say("    " + line)
        say(f"==> seeded in {time.perf_counter() - seeded:.1f} s")
        fixtures = prepare(app, sizes)
        targets = [p for p in pages() if wanted(p.label, options.only)]
        for page in targets:
            resolve(app, page, fixtures)
            say(f"    {page.label:28} {page.url or page.skipped}")
        say("==> SQL statements per request (in-process, same database)")
        queries: dict[str, int | None] = {}
        for page in targets:
            if page.url:
                queries[page.label] = count_queries(app, page, fixtures)
        say(f"==> in-process render time (median of 10, target < {TARGET_RENDER_MS:.0f} ms)")
        renders = render_times(app, fixtures, only=options.only)
        for label, ms, statements, note in renders:
            figure = f"{ms:7.1f} ms, {statements:3d} statements" if ms is not None else "-"
            say(f"    {label:28} {figure}  {note}")
        rows: list[tuple[str, Result | None, int | None, str]] = []
        run_id = hashlib.sha1(str(time.time()).encode()).hexdigest()[:8]
        script = instance / "post.lua"
        with (
            gunicorn("bench.hello:app", env, options.workers) as (hello_base, hello_pid),
            gunicorn("wsgi:app", env, options.workers) as (base, app_pid),
        ):
            cookie = staff_cookie(base)
            say(
                f"==> load: wrk, 1 thread, {options.connections} connections, {options.duration:g} s per page, {options.workers} sync workers each"
            )
            wrk(binary, f"{hello_base}/", 2, options.connections, {})  # warm-up
            baseline = wrk(binary, f"{hello_base}/", options.duration, options.connections, {})
            rows.append(("baseline: bare Flask hello", baseline, 0, ""))
            for page in targets:
                if not page.url:
                    rows.append((page.label, None, None, page.skipped or ""))
                    continue
                headers = {}
                if page.staff:
                    headers["Cookie"] = cookie
                if page.api:
                    headers["Authorization"] = f"Bearer {fixtures[page.token]}"
                lua = None
                if page.post:
                    ids = fixtures["spread_events"] if page.spread else [fixtures["bench_event"]]
                    paths = ", ".join(
                        f'"{page.path.format(event_id=i)}"'  # type: ignore[union-attr]
                        for i in ids  # type: ignore[attr-defined]
                    )
                    script.write_text(
                        POST_LUA
                        % {
                            "token": fixtures["token"],
                            # Colleagues in the representative's own domain hold a seat at
                            # once (another domain would only be asked to confirm by link).
                            "domain": str(fixtures["rep_email"]).rpartition("@")[2],
                            "paths": paths,
                            "run": f"{run_id}{page.spread:d}",
                        }
                    )
                    lua = script
                else:
                    status = status_of(base + page.url, headers)
                    if status != 200:
                        rows.append(
                            (page.label, None, queries.get(page.label), f"answered {status}")
                        )
                        continue
                    wrk(binary, base + page.url, 2, options.connections, headers)  # warm-up
                measured = wrk(
                    binary, base + page.url, options.duration, options.connections, headers, lua
                )
                rows.append((page.label, measured, queries.get(page.label), ""))
            rss = peak_rss_mb(app_pid)
            hello_rss = peak_rss_mb(hello_pid)
        checked, over = overbooking(app)
        registered = bench_registrations(app, fixtures["bench_event"])  # type: ignore[arg-type]
    finally:
        pg.destroy()
        shutil.rmtree(instance, ignore_errors=True)

    report = table(rows, baseline.rps, rss, hello_rss)
    say("")
    say(report)
    say("")
    say(
        f"overbooking: {over} of {checked:,} events over capacity; bench event "
        f"(capacity {BENCH_CAPACITY}): "
        + ", ".join(f"{n} {s}" for s, n in sorted(registered.items()))
    )
    say(verdict(rows, baseline.rps, rss, over, renders))
    say(machine())
    say(f"total time {time.perf_counter() - started:.0f} s")
    if options.json:
        options.json.parent.mkdir(parents=True, exist_ok=True)
        options.json.write_text(
            json.dumps(
                {
                    "sizes": sizes,
                    "rows": [
                        {"page": label, "queries": q, "note": note, **(vars(r) if r else {})}
                        for label, r, q, note in rows
                    ],
                    "renders": [
                        {"page": label, "ms": ms, "queries": q, "note": note}
                        for label, ms, q, note in renders
                    ],
                    "rss_mb": rss,
                    "overbooked_events": over,
                },
                indent=2,
            )
        )
    return 0


def table(rows, baseline_rps: float, rss: float, hello_rss: float) -> str:  # type: ignore[no-untyped-def]
    lines = [
        f"{'page':30} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'target':>6} {'SQL/req':>7} {'errors':>6}",
        "-" * 87,
    ]
    for label, result, queries, note in rows:
        if label.startswith("baseline"):
            target = "-"
        elif label.startswith("registration"):
            target = f"{TARGET_REGISTRATIONS:.0f}/s"
        else:
            target = f">={RATIO_TARGETS.get(label, TARGET_RATIO):g}"
        if result is None:
            lines.append(
                f"{label:30} {'-':>8} {'-':>8} {'-':>8} {'-':>6} {target:>6} {'-':>7} {'-':>6}  {note}"
            )
            continue
        lines.append(
            f"{label:30} {result.rps:8.0f} {result.p50_ms:8.1f} {result.p99_ms:8.1f} "
            f"{result.rps / baseline_rps:6.2f} {target:>6} {queries if queries is not None else '-':>7} "
            f"{result.errors:6d}"
        )
    lines.append("-" * 87)
    lines.append(f"peak RSS per worker (VmHWM): app {rss:.0f} MB, hello {hello_rss:.0f} MB")
    return "\n".join(lines)


def verdict(rows, baseline_rps: float, rss: float, over: int, renders=()) -> str:  # type: ignore[no-untyped-def]
    missed = []
    for label, ms, _statements, _note in renders:
        if ms is not None and ms > TARGET_RENDER_MS:
            missed.append(f"{label}: rendered in {ms:.0f} ms > {TARGET_RENDER_MS:.0f} ms")
    for label, result, _queries, _note in rows:
        if result is None or label.startswith("baseline"):
            continue
        if label.startswith("registration POST"):
            if result.rps < TARGET_REGISTRATIONS:
                missed.append(f"{label}: {result.rps:.0f}/s < {TARGET_REGISTRATIONS:.0f}/s")
            continue
        target = RATIO_TARGETS.get(label, TARGET_RATIO)
        if result.rps < baseline_rps * target:
            missed.append(f"{label}: ratio {result.rps / baseline_rps:.2f} < {target:g}")
        if result.p99_ms > TARGET_P99_MS:
            missed.append(f"{label}: p99 {result.p99_ms:.0f} ms > {TARGET_P99_MS:.0f} ms")
        if result.errors:
            missed.append(f"{label}: {result.errors} error responses")
    if rss > TARGET_RSS_MB:
        missed.append(f"worker RSS {rss:.0f} MB > {TARGET_RSS_MB:.0f} MB")
    if over:
        missed.append(f"{over} events overbooked")
    return "targets: all met" if not missed else "targets missed: " + "; ".join(missed)


if __name__ == "__main__":
    sys.exit(main())
