"""Anonymous page caching: shared only between visitors with nothing personal."""

from flask import session

from engagement import create_app
from engagement.auth.access import public
from engagement.core.cache import anonymous_page


def make_app(tmp_path):
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path),
            "SECRET_KEY": "cache-test",
            "CACHE_TYPE": "SimpleCache",
            "RATELIMIT_ENABLED": False,
        }
    )
    calls = {"plain": 0, "touches_session": 0}

    @public
    @anonymous_page
    def plain():
        calls["plain"] += 1
        return f"rendered {calls['plain']}"

    @public
    @anonymous_page
    def touches_session():
        calls["touches_session"] += 1
        session["seen"] = True
        return f"rendered {calls['touches_session']}"

    app.add_url_rule("/probe", view_func=plain)
    app.add_url_rule("/probe-session", view_func=touches_session)
    return app, calls


def test_anonymous_visitors_share_the_page_per_url_and_zone(tmp_path):
    app, calls = make_app(tmp_path)
    client = app.test_client()
    assert client.get("/probe").get_data(as_text=True) == "rendered 1"
    assert client.get("/probe").get_data(as_text=True) == "rendered 1"
    assert client.get("/probe?page=2").get_data(as_text=True) == "rendered 2"
    client.set_cookie("tz", "Europe/Berlin")
    assert client.get("/probe").get_data(as_text=True) == "rendered 3"
    assert calls["plain"] == 3


def test_visitors_with_a_session_or_token_are_never_served_from_cache(tmp_path):
    app, calls = make_app(tmp_path)
    anonymous = app.test_client()
    anonymous.get("/probe")
    personal = app.test_client()
    personal.set_cookie("session", "something")
    assert personal.get("/probe").get_data(as_text=True) == "rendered 2"
    assert personal.get("/probe").get_data(as_text=True) == "rendered 3"
    bearer = app.test_client().get("/probe", headers={"Authorization": "Bearer x"})
    assert bearer.get_data(as_text=True) == "rendered 4"


def test_a_page_that_touched_the_session_is_not_stored(tmp_path):
    app, calls = make_app(tmp_path)
    assert app.test_client().get("/probe-session").get_data(as_text=True) == "rendered 1"
    assert app.test_client().get("/probe-session").get_data(as_text=True) == "rendered 2"


def test_the_page_cache_keys_on_the_language(tmp_path):
    app, calls = make_app(tmp_path)
    client = app.test_client()
    assert client.get("/probe").get_data(as_text=True) == "rendered 1"
    client.set_cookie("lang", "ur")
    assert client.get("/probe").get_data(as_text=True) == "rendered 2"
    assert client.get("/probe").get_data(as_text=True) == "rendered 2"
    other = app.test_client()
    assert other.get("/probe", headers={"Accept-Language": "ur"}).get_data(as_text=True) == (
        "rendered 2"
    )
    assert calls["plain"] == 2
