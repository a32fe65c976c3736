"""Request lifecycle: one transaction per request, security headers, errors, template helpers."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import (
    HTTPException,
    SecurityError,
)

from engagement import clock
from engagement.core import timefmt
from engagement.db import write_intent
from engagement.extensions import db

log = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'; frame-ancestors 'none'"
)


def wants_json() -> bool:
    """True for API calls and clients that prefer JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def keep_changes_on_error() -> None:
    """Commit this request's changes even if it answers an error: only for a counter of failed
    attempts (a wrong password answers 401/429 and its count must still be kept)."""
    g.keep_changes_on_error = True


def problem(
    status: int, title: str, detail: str = "", errors: dict[str, Any] | None = None
) -> Response:
    """An RFC 9457 problem document."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": str(title),  # a lazy translation (TITLES) becomes its text
        "status": status,
        "detail": str(detail or title),
    }
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def init_app(app: Flask) -> None:
    """Install the request hooks, error handlers and template helpers."""

    def mark_write_intent() -> None:
        g.write_intent_token = write_intent.set(request.method in UNSAFE_METHODS)

    # First of all the hooks: one that reads the database before it (the language hook loads
    # the signed-in user) would open a SQLite transaction as a reader, and its later write would
    # fail at once with "database is locked" when another request holds the write lock.
    app.before_request_funcs.setdefault(None, []).insert(0, mark_write_intent)

    @app.after_request
    def commit_or_roll_back(response: Response) -> Response:
        # The one transaction boundary: services flush, the request commits once on success.
        if response.status_code < 400 or g.get("keep_changes_on_error"):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def reset_write_intent(exc: BaseException | None) -> None:
        token = g.pop("write_intent_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["SESSION_COOKIE_SECURE"] and int(app.config["HSTS_MAX_AGE"]) > 0:
            # Served over HTTPS (cookies say so): browsers must never try plain HTTP again.
            headers.setdefault(
                "Strict-Transport-Security", f"max-age={int(app.config['HSTS_MAX_AGE'])}"
            )
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        return render_error(
            400,
            _(
                "The form expired or was sent without its security token. Please go back, reload the page and try again."
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(error: SecurityError):  # type: ignore[no-untyped-def]
        # A Host header outside TRUSTED_HOSTS: no URL can be built, so no layout; a plain 400.
        return Response("Bad request: unknown host.\n", 400, mimetype="text/plain")

    @app.errorhandler(OperationalError)
    def database_unavailable(error: OperationalError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.error("database error: %s", error.orig)
        return render_error(503, STOCK_DETAILS[503])

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        if error.code is None or error.code < 400:
            return error
        if isinstance(getattr(error, "original_exception", None), OperationalError):
            # The database went away at commit (after_request): Flask reports it as a 500.
            return database_unavailable(error.original_exception)  # type: ignore[union-attr]
        detail = error.description or ""
        if detail == type(error).description:  # the framework's stock text: say it plainly
            detail = PLAIN_DETAILS.get(error.code, STOCK_DETAILS.get(error.code, detail))
        advice = getattr(error, "advice", None)
        response = make_response(render_error(error.code, detail, advice))
        for key, value in error.get_headers():
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        log.exception("unhandled error")
        return render_error(500, STOCK_DETAILS[500])

    app.jinja_env.filters["localtime"] = timefmt.localtime
    app.jinja_env.filters["datetime"] = timefmt.format_datetime
    app.jinja_env.filters["date"] = timefmt.format_date
    app.jinja_env.globals["viewer_timezone"] = timefmt.viewer_timezone
    from engagement.core.forms import form_errors

    app.jinja_env.globals["form_errors"] = form_errors
    app.jinja_env.globals["viewer_timezone_source"] = timefmt.viewer_timezone_source
    app.jinja_env.filters["datetime_both"] = timefmt.format_datetime_both
    app.jinja_env.globals["now"] = clock.now
    app.jinja_env.globals["url_for_page"] = url_for_page
    from engagement.core.context import external_url

    app.jinja_env.globals["external_url"] = external_url
    from engagement.core.badges import state_badge

    app.jinja_env.globals["state_badge_html"] = state_badge


TITLES = {
    400: _l("Bad request"),
    401: _l("Sign in required"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Too large"),
    422: _l("Invalid input"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Service unavailable"),
}


#: Said instead of Werkzeug's stock descriptions ("read-protected or not readable by the server").
PLAIN_DETAILS = {
    403: _l("Your account cannot open this page."),
    404: _l(
        "There is no page at this address. The link may be mistyped or out of date, or what it "
        "pointed to was removed. Pages of a registration or request open only for the account "
        "that made it."
    ),
    405: _l("This address cannot be used that way. Go back and use the page's own buttons."),
    400: _l("The request could not be understood. Go back, reload the page and try again."),
}


#: Werkzeug's own words, kept as they are in English and marked so they are said in Urdu too.
STOCK_DETAILS = {
    500: _l(
        "The server encountered an internal error and was unable to complete your request. "
        "Either the server is overloaded or there is an error in the application."
    ),
    503: _l(
        "The server is temporarily unable to service your request due to maintenance downtime "
        "or capacity problems. Please try again later."
    ),
}


def render_error(status: int, detail: str, advice: Any = None) -> tuple[Any, int]:
    """Answer an error as problem+json for JSON clients, else as a page in the site layout;
    ``advice`` (text and links) says what to do instead."""
    title = str(TITLES.get(status, _l("Error")))
    if detail and not isinstance(detail, str):  # a lazy translation: the text in this language
        detail = str(detail)
    if status == 413:
        detail = _(
            "The request is larger than the server accepts. Files may be at most 10 MB each."
        )
    if wants_json():
        return problem(status, title, detail), status
    return render_template(
        "errors/error.html", status=status, title=title, detail=detail, advice=advice
    ), status


def url_for_page(page: int) -> str:
    """The current URL with ``page`` replaced, keeping every filter in the query string."""
    from flask import url_for

    args = request.args.to_dict(flat=False)
    args["page"] = [str(page)]
    return url_for(request.endpoint or "core.home", **(request.view_args or {}), **args)
