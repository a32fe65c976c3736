"""gunicorn settings shared by scripts/run, the tests' servers and production (``gunicorn wsgi:app``
reads ./gunicorn.conf.py by default; pass ``-c gunicorn.conf.py`` when started elsewhere)."""

from gunicorn.http import wsgi as _gunicorn_wsgi

# No "Server: gunicorn" banner: it tells a prober which server (and so which bugs) to try.
_default_headers = _gunicorn_wsgi.Response.default_headers


def _headers_without_server(self):  # type: ignore[no-untyped-def]
    return [h for h in _default_headers(self) if not h.lower().startswith("server:")]


_gunicorn_wsgi.Response.default_headers = _headers_without_server
