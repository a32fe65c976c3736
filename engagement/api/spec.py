"""The OpenAPI description, generated from the views and schemas by flask-smorest.

Each resource module makes its blueprint with :func:`api_blueprint`; :func:`init_api` (run once
per application when the ``api`` blueprint is registered) creates the ``Api`` and registers the
resource blueprints under ``/api/v1`` so their operations land in the spec.
"""

from __future__ import annotations

import http
import json
from typing import Any

import flask
import flask_smorest
from flask import Flask
from flask_smorest.utils import prepare_response
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from engagement.api.auth import authenticate_api_request
from engagement.api.errors import ApiProblem, problem_for_exception, problem_for_http_exception
from engagement.api.schemas import ProblemSchema, UTCDateTime
from engagement.core.jsonbody import load_json

URL_PREFIX = "/api/v1"
PROBLEM_CONTENT_TYPE = "application/problem+json"

DESCRIPTION = """\
JSON API of PSEB Engage (Pakistan Software Export Board): events (webinars and meetups),
registrations, the meetup roadmap, facilitation requests and the directory.

Authenticate with `POST /api/v1/tokens` (email and password) and send the token as
`Authorization: Bearer <token>`; personal tokens can also be created on the account page.
Errors are `application/problem+json` (RFC 9457); `errors` names each bad field
(`attendees[0].email`). Times are UTC, ISO 8601 with `Z`.

Input rules (each refused with 422 naming the field):
- Text fields are one line unless they are descriptions, summaries, details, comments or
  reasons: no line breaks, tabs or other control characters, and no text-direction controls
  (U+202A-U+202E, U+2066-U+2069) anywhere; the `pattern` of each field states it.
- Emails follow one rule everywhere (the same as the sign-in and sign-up forms).
- Country codes are ISO 3166-1 alpha-2 (either case); dates and times lie between 1970 and 2200
  and times carry a zone.
- Ids are 1 to 2147483647; `page` is 1 to 100000 and `per_page` 1 to 100.
- Rules across fields, which a schema cannot state: a meetup needs a `city` and a webinar has
  none; `registration_closes_at` comes after `registration_opens_at` and before the end; the
  roadmap's `to` is not before `from`; a submitted facilitation request needs a `summary` and
  the fields its sphere asks for; a transition may need a `comment`, `reason` or `channel_id`.
- `PATCH /api/v1/events/{event_id}` needs at least one field (422 "Nothing to change").
"""


class EngageApi(flask_smorest.Api):
    """flask-smorest's Api with problem+json errors and the site's own error handlers kept."""

    ERROR_SCHEMA = ProblemSchema
    DEFAULT_ERROR_RESPONSE_NAME = None  # every operation lists its own error responses

    def _register_error_handlers(self) -> None:
        # The API blueprints carry their own handlers (api_blueprint); the site's HTML error
        # pages must stay as they are, so nothing is registered on the application.
        pass

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, Any] = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, PROBLEM_CONTENT_TYPE)
            else:
                prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)


class ApiArgumentsParser(FlaskParser):
    """webargs' parser reading JSON bodies with the app's one JSON reader (deep nesting: 400)."""

    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return missing
        data = req.get_data(cache=True)
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise json.JSONDecodeError(f"Bytes decoding error: {error.reason}", "", 0) from error
        return load_json(data)


class ApiBlueprint(flask_smorest.Blueprint):
    """A resource blueprint: its tag on every operation, documented error responses."""

    ARGUMENTS_PARSER = ApiArgumentsParser()

    def __init__(self, name: str, import_name: str, *, tag: str, description: str = "") -> None:
        super().__init__(name, import_name, url_prefix=URL_PREFIX, description=description)
        self.tag = tag
        self.before_request(authenticate_api_request)
        self.register_error_handler(ApiProblem, problem_for_exception)
        self.register_error_handler(HTTPException, problem_for_http_exception)

    def route(self, rule: str, *, parameters: Any = None, tags: Any = None, **options: Any):  # type: ignore[override]
        return super().route(rule, parameters=parameters, tags=tags or [self.tag], **options)

    def arguments(self, schema: Any, *, location: str = "json", **kwargs: Any):  # type: ignore[no-untyped-def,override]
        """Parse and document arguments; a JSON body may also be refused as malformed (400)."""
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse

        def decorate(func):  # type: ignore[no-untyped-def]
            return self.alt_response(400, response="BAD_REQUEST")(parse(func))

        return decorate

    def errors(self, *statuses: int):  # type: ignore[no-untyped-def]
        """Document problem+json responses for ``statuses`` on an operation."""

        def decorate(func):  # type: ignore[no-untyped-def]
            for status in statuses:
                func = self.alt_response(status, response=http.HTTPStatus(status).name)(func)
            return func

        return decorate


def api_blueprint(name: str, import_name: str, tag: str, description: str = "") -> ApiBlueprint:
    return ApiBlueprint(f"api_{name}", import_name, tag=tag, description=description)


def init_api(app: Flask, blueprints: list[ApiBlueprint]) -> EngageApi:
    """Create the Api for ``app`` and register the resource blueprints (routes and spec)."""
    from engagement.extensions import csrf

    api = EngageApi(
        spec_kwargs={
            "title": "PSEB Engage API",
            "version": "1.0.0",
            "openapi_version": "3.0.3",
            "info": {"description": DESCRIPTION},
            "servers": [{"url": "/"}],
            "security": [{"bearerAuth": []}],
        }
    )
    api.init_app(app)
    api.register_field(UTCDateTime, "string", "date-time")
    api.spec.components.security_scheme(
        "bearerAuth",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A token from POST /api/v1/tokens or the account page.",
        },
    )
    registry = app.extensions["flask-smorest"]["blp_name_to_api"]
    for blueprint in blueprints:
        csrf.exempt(blueprint)
        registry[blueprint.name] = api
        app.register_blueprint(blueprint)
        blueprint.register_views_in_doc(api, app, api.spec, name=blueprint.name, parameters=None)
        api.spec.tag({"name": blueprint.tag, "description": blueprint.description})
    _document_schema_rules(api)
    app.extensions["engagement_api"] = api
    return api


def _document_schema_rules(api: EngageApi) -> None:
    """Rules a schema enforces on the whole body, which marshmallow cannot describe itself:
    ``Meta.min_properties`` becomes ``minProperties``."""
    for key, name in api.ma_plugin.converter.refs.items():
        minimum = getattr(getattr(key[0], "Meta", None), "min_properties", None)
        if minimum:
            api.spec.components.schemas[name]["minProperties"] = minimum
