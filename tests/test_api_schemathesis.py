"""Schemathesis against the generated OpenAPI description, with a token for each role.

Bounded: a few examples per operation and role, and a time budget for the whole run. Checks:
all of Schemathesis' built-in checks (as ``schemathesis run --checks all``): no 5xx, every
response (status, content type, headers, body) one the description allows, authentication
enforced, schema-valid input accepted and invalid input refused.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import positive_data_acceptance

from engagement.extensions import db
from tests.test_api_support import issue_token

ROLES = ("staff", "startup", "company", "admin", "partner")
MAX_EXAMPLES = 5
#: Past this, the remaining role/operation pairs are skipped (staff, first, always runs all).
TIME_BUDGET_SECONDS = 75
#: Operations with rules across fields that OpenAPI 3.0 cannot state (they are listed in the
#: description's "Input rules"): a schema-valid body may still be refused there with a 422, so
#: "positive data acceptance" is the one check they skip. Every other check runs on them.
CROSS_FIELD_RULES = frozenset(
    {
        "POST /api/v1/events",  # a meetup needs a city; registration closes after it opens
        "PATCH /api/v1/events/{event_id}",  # registration closes after it opens
        "GET /api/v1/roadmap",  # to is not before from
        "GET /api/v1/metrics",  # from and to come together, to is not before from
        # the other side by the caller's side; 2-5 slots inside both sides' business hours
        "POST /api/v1/meeting-requests",
        "POST /api/v1/meeting-requests/{request_id}/accept",  # one of the proposed slots
        "POST /api/v1/facilitation-requests",  # a submitted request needs its sphere's fields
        "POST /api/v1/facilitation-requests/{request_id}/transitions",  # comment/reason/channel
    }
)


def _seed(app, make_user) -> dict[str, str]:
    """A token per role and a little data, so some generated ids hit real rows."""
    from engagement.directory.models import OverseasEntity, OverseasEntityType
    from engagement.events import services as events

    tokens = {role: issue_token(app, make_user(role)) for role in ROLES}
    with app.app_context(), app.test_request_context():
        db.session.add(
            OverseasEntity(
                name="Dubai Chamber",
                country_code="AE",
                timezone="Asia/Dubai",
                entity_type=OverseasEntityType.CHAMBER,
            )
        )
        for n in range(3):
            events.create_event(
                "webinar",
                f"Webinar {n}",
                datetime.now(UTC) + timedelta(days=5 + n),
                duration_minutes=60,
                capacity=2,
                state="published",
            )
        db.session.commit()
    return tokens


def _fuzz(operation, token: str, label: str, calls: dict[str, int]):
    """A Hypothesis test of one operation as one role."""

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def run(case) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        response = case.call(headers=headers)
        calls[label] = calls.get(label, 0) + 1
        excluded = [positive_data_acceptance] if operation.label in CROSS_FIELD_RULES else []
        # checks=None: every built-in check; the headers tell the auth checks what was sent.
        case.validate_response(response, headers=headers, excluded_checks=excluded)

    return run


@pytest.mark.slow
def test_api_conforms_to_its_description(app, make_user):
    tokens = _seed(app, make_user)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    started = time.monotonic()
    calls: dict[str, int] = {}

    skipped: list[str] = []
    for role, token in tokens.items():
        for operation in operations:
            label = f"{role} {operation.label}"
            if role != ROLES[0] and time.monotonic() - started > TIME_BUDGET_SECONDS:
                skipped.append(label)
                continue
            _fuzz(operation, token, label, calls)()

    print(f"schemathesis: {sum(calls.values())} calls; skipped for time: {skipped}")
    assert all(calls.get(f"{ROLES[0]} {operation.label}") for operation in operations)
