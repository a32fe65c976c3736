"""Static files: fingerprinted names cached for a year, sent pre-compressed; pages compressed.

``url_for("static", filename="css/app.css")`` gives ``/static/css/app.3f2a1b9c0d.css`` (the first
ten hex digits of the file's SHA-256), so a browser may keep it for a year (``immutable``): a
changed file gets a new name. The plain name still works and is revalidated on each use (an ETag),
as is an outdated fingerprint after a deploy (the current file, not a 404).

Text assets are compressed once per process and file version (brotli, else gzip, by the
browser's ``Accept-Encoding``) instead of on every request; HTML and JSON responses are
compressed by Flask-Compress (``COMPRESS_*`` settings).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import mimetypes
import re
from pathlib import Path

import brotli
from flask import Flask, Response, abort, current_app, request
from flask_compress import Compress
from werkzeug.security import safe_join

compress = Compress()

FINGERPRINTED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{10})(?P<ext>\.[A-Za-z0-9]+)$")
#: A year, the most browsers honour; "immutable" skips revalidation on reload too.
LONG_CACHE = "public, max-age=31536000, immutable"
#: Files served under their plain or an outdated name: reuse only after checking the ETag.
REVALIDATE = "no-cache"
COMPRESSIBLE = frozenset(
    {"text/css", "text/javascript", "application/javascript", "image/svg+xml", "application/json",
     "text/plain", "application/manifest+json"}
)  # fmt: skip
MIN_COMPRESS_SIZE = 500


#: ``url(...)`` in a stylesheet naming a file of ours by a relative path (not data:, http:, /).
CSS_URL = re.compile(r"""url\((?P<q>["']?)(?![a-z]+:|/|#)(?P<ref>[^"')?#]+)(?P=q)\)""")


@functools.lru_cache(maxsize=512)
def _content(path: str, mtime_ns: int, size: int) -> bytes:
    """The file as served: a stylesheet names the files it uses (fonts, images) by their
    fingerprinted names, so they too are cached for a year instead of revalidated on every
    page (a round trip each on a slow mobile link)."""
    data = Path(path).read_bytes()
    if not path.endswith(".css"):
        return data
    folder = Path(path).parent

    def fingerprint(match: re.Match[str]) -> str:
        ref = match["ref"]
        static = Path(current_app.static_folder or "").resolve()
        target = (folder / ref).resolve()
        if not target.is_relative_to(static) or not target.is_file():
            return match[0]
        name = fingerprinted(target.relative_to(static).as_posix())
        head, _, _ = ref.rpartition("/")
        return f"url({match['q']}{head + '/' if head else ''}{name.rpartition('/')[2]}{match['q']})"

    return CSS_URL.sub(fingerprint, data.decode("utf-8")).encode("utf-8")


@functools.lru_cache(maxsize=512)
def _digest(path: str, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(_content(path, mtime_ns, size)).hexdigest()[:10]


def _file(filename: str) -> Path | None:
    folder = current_app.static_folder
    joined = safe_join(folder, filename) if folder else None
    if joined is None:
        return None
    path = Path(joined)
    return path if path.is_file() else None


def fingerprinted(filename: str) -> str:
    """``css/app.css`` → ``css/app.<digest>.css`` (unchanged when the file does not exist)."""
    path = _file(filename)
    if path is None:
        return filename
    stat = path.stat()
    digest = _digest(str(path), stat.st_mtime_ns, stat.st_size)
    stem, dot, ext = filename.rpartition(".")
    return f"{stem}.{digest}.{ext}" if dot else f"{filename}.{digest}"


@functools.lru_cache(maxsize=256)
def _encoded(path: str, mtime_ns: int, size: int, encoding: str) -> bytes:
    data = _content(path, mtime_ns, size)
    if encoding == "br":
        return brotli.compress(data, quality=9)
    if encoding == "gzip":
        return gzip.compress(data, compresslevel=9, mtime=0)
    return data


def _encoding_for(mimetype: str, size: int) -> str:
    if mimetype not in COMPRESSIBLE or size < MIN_COMPRESS_SIZE:
        return "identity"
    accepted = request.accept_encodings
    if accepted["br"]:
        return "br"
    if accepted["gzip"]:
        return "gzip"
    return "identity"


def serve_static(filename: str) -> Response:
    """The static view: a fingerprinted name is cached for a year, anything else revalidated."""
    real_name, cache_control = filename, REVALIDATE
    match = FINGERPRINTED.match(filename)
    if match and _file(filename) is None:
        real_name = f"{match['stem']}{match['ext']}"
        if fingerprinted(real_name) == filename:
            cache_control = LONG_CACHE
    path = _file(real_name)
    if path is None:
        abort(404)
    stat = path.stat()
    mimetype = mimetypes.guess_type(real_name)[0] or "application/octet-stream"
    encoding = _encoding_for(mimetype, stat.st_size)
    body = _encoded(str(path), stat.st_mtime_ns, stat.st_size, encoding)
    response = Response(body, mimetype=mimetype)
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = cache_control
    digest = _digest(str(path), stat.st_mtime_ns, stat.st_size)
    response.set_etag(f"{digest}-{encoding}")
    return response.make_conditional(request)


def init_app(app: Flask) -> None:
    """Fingerprint ``url_for('static', ...)``, serve static files ourselves, compress pages."""
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
    app.config.setdefault("COMPRESS_STREAMS", False)
    # Pages and assets; not the JSON API (small paginated bodies, and clients that do not ask).
    app.config.setdefault(
        "COMPRESS_MIMETYPES", ["text/html", "text/css", "text/javascript", "image/svg+xml"]
    )
    compress.init_app(app)

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict) -> None:  # type: ignore[type-arg]
        if endpoint == "static" and "filename" in values:
            values["filename"] = fingerprinted(values["filename"])

    if "static" in app.view_functions:
        app.view_functions["static"] = serve_static
