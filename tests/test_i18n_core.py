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
