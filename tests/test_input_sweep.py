"""The outside probe of issue 14, kept in the suite: every route, every role, bad input, no 500.

Walks ``app.url_map``: each route is called with every method it accepts, anonymously and as
each role, with huge, negative, zero and non-numeric ids (and odd strings for string parts),
with huge and odd page numbers, with junk form fields; every JSON endpoint also gets nested,
huge, malformed and wrongly typed bodies. Whatever the answer (200, 302, 400, 404, 422, ...),
it must never be a 500.
"""

from __future__ import annotations

import re

import pytest

from tests import test_api_support as support
from tests.test_api_support import issue_token

api_as = support.api_as  # fixture

HUGE = "99999999999999999999"
BAD_IDS = (HUGE, "-1", "0", "abc")
BAD_STRINGS = ("x" * 300, "..", "%00", "%E2%80%AE")
PAGES = (
    f"?page={HUGE}&per_page={HUGE}&id={HUGE}&event_id=-1&city=%00&q=%0d%0a&age_days={HUGE}"
    f"&city_id={HUGE}&province_id={HUGE}&assignee_id={HUGE}&from=99999-01-01&month=99999-99"
)
NUMBER_FIELDS = [
    "page",
    "id",
    "capacity",
    "seat_limit_per_org",
    "duration_minutes",
    "seats_needed",
    "founding_year",
    "ticket_min",
    "ticket_max",
    "max_per_week",
    "min_gap_days",
    "min_per_city",
    "max_per_city",
    "horizon_weeks",
    "city_id",
    "assignee_id",
    "channel_id",
    "venue_id",
    "team_id",
    "partners",
    "sectors",
    "sector_id",
]
FORM = {name: HUGE for name in NUMBER_FIELDS} | {"title": "x\r\nBcc: a@b.c", "email": "@"}
JSON_BODIES = (
    ("nested", "[" * 3000 + "]" * 3000),
    ("nested-object", '{"a":' * 3000 + "1" + "}" * 3000),
    ("malformed", '{"title": "x",'),
    ("huge", '{"title": "' + "x" * 1_000_000 + '"}'),
    ("wrong-type", '["not", "an", "object"]'),
    ("numbers", f'{{"capacity": {HUGE}, "title": 1e999, "attendees": {{}}, "to": null}}'),
    ("not-utf8", b'{"title": "\xff\xfe"}'),
)
ROLES = ("company", "startup", "staff", "admin")
METHODS = ("GET", "POST", "PATCH", "DELETE")
SKIP = {"static"}
ARGUMENT = re.compile(r"<(?:([a-z]+)(?:\([^)]*\))?:)?([a-z_]+)>")


def rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint not in SKIP),
        key=lambda rule: rule.rule,
    )


def bad_paths(rule) -> list[str]:
    """The rule's path with every argument replaced by bad values (one path per value)."""
    if not rule.arguments:
        return [rule.rule]
    paths = []
    int_values = BAD_IDS
    text_values = BAD_STRINGS
    for index in range(max(len(int_values), len(text_values))):

        def fill(match: re.Match, index=index) -> str:
            values = int_values if match.group(1) == "int" else text_values
            return values[index % len(values)]

        paths.append(ARGUMENT.sub(fill, rule.rule))
    return paths


def sweep(app, client, headers: dict[str, str] | None = None) -> list[str]:
    """Every route with bad ids, pages and form fields; returns the requests that gave 500."""
    failures = []
    for rule in rules(app):
        methods = [method for method in METHODS if method in rule.methods]
        for path in bad_paths(rule):
            for method in methods:
                if method == "GET":
                    response = client.get(path + PAGES, headers=headers)
                elif rule.rule.startswith("/api/"):
                    response = client.open(path, method=method, json={}, headers=headers)
                else:
                    response = client.open(path, method=method, data=FORM, headers=headers)
                if response.status_code >= 500:
                    failures.append(f"{method} {path} -> {response.status_code}")
                response.close()
    return failures


def test_sweep_anonymous(app):
    assert sweep(app, app.test_client()) == []


@pytest.mark.parametrize("role", ROLES)
def test_sweep_signed_in(app, login_as, role):
    assert sweep(app, login_as(role)) == []


@pytest.mark.parametrize("role", ("staff", "startup", "company"))
def test_sweep_json_bodies(app, make_user, role):
    token = issue_token(app, make_user(role))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    failures = sweep(app, client, headers)
    for rule in rules(app):
        if not rule.rule.startswith("/api/"):
            continue
        for method in ("POST", "PATCH", "DELETE"):
            if method not in rule.methods:
                continue
            path = ARGUMENT.sub("1", rule.rule)
            for name, body in JSON_BODIES:
                response = client.open(
                    path,
                    method=method,
                    data=body,
                    content_type="application/json",
                    headers=headers,
                )
                if response.status_code >= 500:
                    failures.append(f"{method} {path} [{name}] -> {response.status_code}")
                response.close()
    assert failures == []


@pytest.fixture
def real_ids(app, api_as):
    """A webinar with a registration and a facilitation request, so ids reach real rows."""
    from datetime import UTC, datetime, timedelta

    from engagement.webinars import services as webinars

    with app.app_context(), app.test_request_context():
        webinar = webinars.create_webinar(
            title="Sweep webinar",
            starts_at=datetime.now(UTC) + timedelta(days=20),
            duration_minutes=60,
            capacity=5,
            publish=True,
            description="",
            join_url="",
            platform="Zoom",
            partners=[],
            sectors=[],
            created_by=None,
        )
        from engagement.extensions import db

        db.session.commit()
        event_id = webinar.event_id
    company = api_as("company", org="Sweep Co")
    registration = company.post(
        f"/api/v1/events/{event_id}/registrations",
        json={"attendees": [{"name": "Sweep", "email": "sweep@sweep.test"}]},
    )
    startup = api_as("startup", org="Sweep Labs")
    request = startup.post(
        "/api/v1/facilitation-requests",
        json={"sphere": "hr", "title": "Hiring", "summary": "We need people.", "submit": False},
    )
    assert registration.status_code == 201 and request.status_code == 201, request.json
    return {
        "event_id": str(event_id),
        "registration_id": str(registration.json["registrations"][0]["id"]),
        "request_id": str(request.json["id"]),
    }


@pytest.mark.parametrize("role", ("staff", "company", "startup"))
def test_sweep_real_objects_with_junk_input(app, login_as, make_user, real_ids, role):
    """Ids that exist, with junk query strings, form fields and JSON bodies."""
    client = login_as(role)
    headers = {"Authorization": f"Bearer {issue_token(app, client.user_id)}"}
    failures = []
    for rule in rules(app):
        if not any(c == "int" for c, _ in ARGUMENT.findall(rule.rule)):
            continue
        path = ARGUMENT.sub(lambda m: real_ids.get(m.group(2), "1"), rule.rule)
        api = rule.rule.startswith("/api/")
        for method in [method for method in METHODS if method in rule.methods]:
            if method == "GET":
                attempts = [client.get(path + PAGES, headers=headers if api else None)]
            elif api:
                attempts = [
                    client.open(
                        path,
                        method=method,
                        data=body,
                        content_type="application/json",
                        headers=headers,
                    )
                    for _, body in JSON_BODIES
                ]
            else:
                attempts = [client.open(path, method=method, data=FORM)]
            for response in attempts:
                if response.status_code >= 500:
                    failures.append(f"{method} {path} -> {response.status_code}")
                response.close()
    assert failures == []
