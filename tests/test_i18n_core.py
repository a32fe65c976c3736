"""The core slice in Urdu: an account made on an Urdu page keeps Urdu (its first mails too)."""

from __future__ import annotations

from tests.test_auth_flows import signup, user


def test_signup_on_an_urdu_page_keeps_urdu(app, client):
    client.get("/signup?lang=ur")
    assert signup(client, email="founder@zarai.test").status_code == 302
    assert user(app, "founder@zarai.test").language == "ur"


def test_signup_in_english_leaves_the_choice_to_the_browser(app, client):
    assert signup(client, email="rep@acme.test").status_code == 302
    assert user(app, "rep@acme.test").language is None


def test_the_stock_error_texts_are_werkzeugs_own_in_english(app):
    from werkzeug.exceptions import InternalServerError, ServiceUnavailable

    from engagement.core.web import STOCK_DETAILS

    with app.test_request_context("/"):
        assert str(STOCK_DETAILS[500]) == InternalServerError.description
        assert str(STOCK_DETAILS[503]) == ServiceUnavailable.description
