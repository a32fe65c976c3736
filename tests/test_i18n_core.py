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


def test_a_signed_in_post_in_urdu_starts_its_transaction_as_a_writer(app, login_as):
    """The language hook loads the signed-in user before the view; on SQLite that first read
    must already be inside ``BEGIN IMMEDIATE`` (a reader's transaction cannot take the write
    lock later while another request holds it: "database is locked" at once, a 503)."""
    import pytest
    import sqlalchemy as sa

    from engagement.extensions import db

    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's transaction modes")
    staff = login_as("staff")
    begins: list[str] = []

    def record(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        if statement.startswith("BEGIN"):
            begins.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        staff.post("/logout?lang=ur")
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert begins and begins[0] == "BEGIN IMMEDIATE", begins
