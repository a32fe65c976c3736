"""Bytes a browser downloads per first and repeat visit: ``python bench/static.py``.

Builds the app on a throwaway SQLite database with the demo data, then for a few public pages
fetches the page and every stylesheet, script and icon it links, as a browser would:

- *before*: no compression, plain file names revalidated on every visit (a 304 per asset);
- *gzip* / *br*: the page compressed by Flask-Compress, assets pre-compressed and
  fingerprinted with a year's ``immutable`` cache, so a repeat visit fetches only the page.

A first visit is the page plus each asset; a repeat visit is the page plus each asset the cache
may not reuse unchecked (its request still costs a round trip when it answers 304).
"""

from __future__ import annotations

import re
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "bench":
    sys.path[0] = str(ROOT)
else:
    sys.path.insert(0, str(ROOT))

from engagement import create_app  # noqa: E402
from engagement.extensions import db  # noqa: E402

PAGES = ["/", "/webinars/", "/meetups/", "/login", "/signup"]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
FINGERPRINT = re.compile(r"\.[0-9a-f]{10}(\.[A-Za-z0-9]+)$")


def build(folder: Path):
    warnings.filterwarnings("ignore", message="Flask-Caching: CACHE_TYPE is set to NullCache")
    app = create_app(
        {
            "INSTANCE_PATH": str(folder),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "SERVER_NAME": "localhost",
            "BASE_URL": "http://localhost",
            "CACHE_TYPE": "NullCache",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        from engagement.seed import load_reference, seed_demo

        db.create_all()
        load_reference()
        seed_demo()
        db.session.commit()
    return app


def visit(client, path: str, encoding: str, fingerprinted: bool) -> tuple[int, int, int, int]:
    """(first-visit bytes, requests, repeat-visit bytes, requests) of ``path``."""
    headers = {"Accept-Encoding": encoding} if encoding else {}
    page = client.get(path, headers=headers)
    html = client.get(path).get_data(as_text=True)  # uncompressed, to find the assets
    first_bytes, first_requests = len(page.data), 1
    repeat_bytes, repeat_requests = len(page.data), 1
    for asset in dict.fromkeys(ASSET.findall(html)):
        if not fingerprinted:
            asset = FINGERPRINT.sub(r"\1", asset)  # the plain name, as before fingerprinting
        response = client.get(asset, headers=headers)
        assert response.status_code == 200, (asset, response.status_code)
        first_bytes += len(response.data)
        first_requests += 1
        if "immutable" in response.headers.get("Cache-Control", ""):
            continue
        again = client.get(asset, headers={**headers, "If-None-Match": response.headers["ETag"]})
        repeat_bytes += len(again.data)
        repeat_requests += 1
    return first_bytes, first_requests, repeat_bytes, repeat_requests


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = build(Path(tmp))
        client = app.test_client()
        modes = [("before", "", False), ("gzip", "gzip", True), ("br", "br, gzip", True)]
        print(f"{'page':<12}{'mode':<8}{'first visit':>22}{'repeat visit':>22}")
        totals = {name: [0, 0, 0, 0] for name, _, _ in modes}
        for path in PAGES:
            for name, encoding, fingerprinted in modes:
                figures = visit(client, path, encoding, fingerprinted)
                for i, value in enumerate(figures):
                    totals[name][i] += value
                fb, fr, rb, rr = figures
                print(f"{path:<12}{name:<8}{fb:>12,} B {fr:>2} req{rb:>12,} B {rr:>2} req")
        print()
        base = totals["before"]
        for name, _, _ in modes:
            fb, fr, rb, rr = totals[name]
            print(
                f"all pages {name:<7} first {fb:>8,} B in {fr:>2} requests ({fb / base[0]:.0%}), "
                f"repeat {rb:>8,} B in {rr:>2} requests ({rb / base[2]:.0%})"
            )


if __name__ == "__main__":
    main()
