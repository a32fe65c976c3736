"""Forms: one error summary at the top linking to each field; the duplicate-email sign-up error
offers signing in and resetting the password right there."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _test_domain(monkeypatch):
    monkeypatch.setattr("email_validator.TEST_ENVIRONMENT", True)


def signup(client, **overrides):
    data = {
        "role": "startup",
        "name": "Sara Founder",
        "org_name": "Gilgit Growth",
        "email": "sara@example.test",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    data.update(overrides)
    return client.post("/signup", data=data)


def summary_of(page: str) -> str:
    start = page.index('class="error-summary"')
    return page[start : page.index("</div>", start)]


def test_signup_shows_an_error_summary_linking_to_each_field(client):
    response = signup(client, name="", email="nope", confirm="different")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = summary_of(page)
    assert 'role="alert"' in page and "There is a problem" in summary
    for field_id in ("name", "email", "confirm"):
        assert f'href="#{field_id}"' in summary
        assert f'id="{field_id}"' in page
    assert (
        summary.index('href="#name"')
        < summary.index('href="#email"')
        < summary.index('href="#confirm"')
    )
    assert "data-error-summary" in page  # app.js moves focus here


def test_no_summary_on_a_fresh_form(client):
    assert 'class="error-summary"' not in client.get("/signup").get_data(as_text=True)


def test_duplicate_email_offers_sign_in_and_password_reset(client, make_user):
    make_user("startup", email="sara@example.test")
    response = signup(client)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error = page[page.index('id="email-error"') :]
    error = error[: error.index("</p>")]
    assert "An account with this email already exists." in error
    assert 'href="/login">Sign in</a>' in error
    assert 'href="/password/forgot">reset your password</a>' in error
    # The summary entry is itself a link: the words only, no nested links.
    assert '<a href="/login"' not in summary_of(page)
