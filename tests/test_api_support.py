"""Helpers for the API tests (imported by tests/test_api_*.py; holds no tests itself)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from engagement.extensions import db


@dataclass
class Caller:
    """A test client that sends one user's bearer token with every request."""

    client: Any
    token: str
    user_id: int
    email: str

    def _headers(self, headers: dict | None) -> dict:
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        return self.client.post(
            path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    def patch(self, path: str, json: Any = None, **kwargs: Any):
        return self.client.patch(
            path, json=json, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )

    def delete(self, path: str, **kwargs: Any):
        return self.client.delete(
            path, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )


def issue_token(app, user_id: int) -> str:
    from engagement.auth import services
    from engagement.auth.models import User

    with app.app_context(), app.test_request_context():
        user = db.session.get(User, user_id)
        _, secret = services.issue_api_token(user, "test")
        db.session.commit()
        return secret


@pytest.fixture
def api_as(app, make_user):
    """``api_as("staff")`` → a :class:`Caller` for a new user of that role."""

    def make(role: str, **kwargs: Any) -> Caller:
        from engagement.auth.models import User

        user_id = make_user(role, **kwargs)
        with app.app_context():
            email = db.session.get(User, user_id).email
        return Caller(app.test_client(), issue_token(app, user_id), user_id, email)

    return make


def assert_problem(response, status: int, *fields: str) -> dict:
    """The response is a problem+json document with ``status`` naming each of ``fields``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json", response.mimetype
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    for field in fields:
        assert field in body.get("errors", {}), body
    return body
