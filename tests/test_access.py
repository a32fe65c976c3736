"""Access control for every route: walks ``app.url_map`` so a new view without a rule, or with a
rule its behaviour does not match, fails here with the endpoint's name.

Each view carries ``access_rule`` (set by the decorators in ``engagement.auth.access``):
``"public"``, ``"authenticated"`` or a frozenset of roles. For every GET endpoint and every role
the test asserts the outcome the rule promises; for POST-only endpoints it asserts that the
anonymous and the wrong roles are turned away (CSRF is off in the test app).
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for
from werkzeug.routing import AnyConverter, FloatConverter, IntegerConverter, Rule, UUIDConverter

from engagement.auth.models import Role

ROLES = ["anonymous", "company", "startup", "staff", "admin", "partner"]


def view_rules(app) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"),
        key=lambda rule: (rule.endpoint, rule.rule),
    )


def dummy_url(app, rule: Rule) -> str:
    """The rule's URL with ints → 999999 and strings → "x" (other converters: a valid dummy)."""
    values: dict[str, object] = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)  # werkzeug has no public accessor
        if isinstance(converter, IntegerConverter):
            values[name] = 999999
        elif isinstance(converter, FloatConverter):
            values[name] = 999999.0
        elif isinstance(converter, UUIDConverter):
            values[name] = "00000000-0000-4000-8000-000000000000"
        elif isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = "x"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303, 307, 308):
        return False
    return urlsplit(response.location).path == "/login"


def is_denial_redirect(response) -> bool:
    """The redirect Flask-Login's unauthorized handler makes for a GET: /login?next=..."""
    return is_login_redirect(response) and "next" in parse_qs(urlsplit(response.location).query)


def anonymous_turned_away(path: str, response) -> bool:
    if path.startswith("/api/"):
        return response.status_code == 401
    return is_login_redirect(response) or response.status_code == 401


def describe(rule_value) -> str:
    if isinstance(rule_value, frozenset):
        return "roles " + ",".join(sorted(role.value for role in rule_value))
    return str(rule_value)


def test_every_view_has_an_access_rule(app):
    missing = [
        f"{rule.endpoint} ({rule.rule})"
        for rule in view_rules(app)
        if not hasattr(app.view_functions[rule.endpoint], "access_rule")
    ]
    assert not missing, (
        "These views have no access decorator (@public, @login_required, @roles_required, "
        "@staff_required or @admin_required, placed below @bp.route):\n  " + "\n  ".join(missing)
    )


def test_every_rule_is_known(app):
    odd = []
    for rule in view_rules(app):
        access = getattr(app.view_functions[rule.endpoint], "access_rule", None)
        if access is None:
            continue  # reported by the test above
        if access not in ("public", "authenticated") and not (
            isinstance(access, frozenset) and access and access <= set(Role)
        ):
            odd.append(f"{rule.endpoint}: {access!r}")
    assert not odd, "Unknown access rules:\n  " + "\n  ".join(odd)


class RoleClient:
    """A signed-in test client that also sends the user's bearer token to /api/ paths (the API
    takes writes only with a token)."""

    def __init__(self, client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def _headers(self, path: str) -> dict[str, str]:
        return self.headers if path.startswith("/api/") else {}

    def get(self, path: str, **kwargs):
        return self.client.get(path, headers=self._headers(path), **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(path, headers=self._headers(path), **kwargs)


@pytest.fixture
def clients(app, login_as):
    from engagement.auth import services
    from engagement.auth.models import User
    from engagement.extensions import db

    made = {"anonymous": RoleClient(app.test_client(), None)}
    for role in ROLES[1:]:
        client = login_as(role)
        with app.app_context(), app.test_request_context():
            _, secret = services.issue_api_token(db.session.get(User, client.user_id), "access")
            db.session.commit()
        made[role] = RoleClient(client, secret)
    return made


def check_get(path: str, access, role: str, response) -> str | None:
    """Why ``response`` breaks ``access`` for ``role``, or None when it is as promised."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if access == "public":
        if is_denial_redirect(response) or status in (401, 403):
            return f"public view answered {status} {response.location or ''}".strip()
        return None
    if role == "anonymous":
        if not anonymous_turned_away(path, response):
            return f"anonymous got {status} {response.location or ''}, expected sign-in".strip()
        return None
    allowed = access == "authenticated" or Role(role) in access
    if allowed and (status in (401, 403) or is_denial_redirect(response)):
        return f"allowed role got {status}"
    if not allowed and status != 403:
        return f"role outside {describe(access)} got {status}, expected 403"
    return None


def test_get_endpoints_for_every_role(app, clients):
    failures = []
    checked = 0
    for rule in view_rules(app):
        view = app.view_functions[rule.endpoint]
        access = getattr(view, "access_rule", None)
        if access is None or "GET" not in (rule.methods or ()):
            continue
        path = dummy_url(app, rule)
        for role in ROLES:
            response = clients[role].get(path, buffered=True)
            problem = check_get(path, access, role, response)
            if problem:
                failures.append(
                    f"{rule.endpoint} GET {path} as {role} [{describe(access)}]: {problem}"
                )
            checked += 1
    assert checked > 0
    assert not failures, "Access rules broken:\n  " + "\n  ".join(failures)


def test_post_only_endpoints_turn_away_anonymous_and_wrong_roles(app, clients):
    failures = []
    for rule in view_rules(app):
        access = getattr(app.view_functions[rule.endpoint], "access_rule", None)
        methods = rule.methods or set()
        if access in (None, "public") or "GET" in methods or "POST" not in methods:
            continue
        path = dummy_url(app, rule)
        for role in ROLES:
            if role != "anonymous" and (access == "authenticated" or Role(role) in access):
                continue
            response = clients[role].post(path, data={}, buffered=True)
            status = response.status_code
            if role == "anonymous":
                ok = anonymous_turned_away(path, response)
                expected = "sign-in (redirect to /login or 401)"
            else:
                ok = status == 403
                expected = "403"
            if not ok:
                failures.append(
                    f"{rule.endpoint} POST {path} as {role} [{describe(access)}]: "
                    f"got {status} {response.location or ''}, expected {expected}"
                )
    assert not failures, "Access rules broken:\n  " + "\n  ".join(failures)


def test_the_walk_sees_the_foundation_routes(app):
    endpoints = {rule.endpoint for rule in view_rules(app)}
    assert {
        "auth.login",
        "auth.account",
        "directory.companies",
        "directory.my_profile",
    } <= endpoints
