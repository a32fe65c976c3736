"""The app starts, serves its pages in the layout and sends the security headers."""


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"PSEB Engage" in response.data
    csp = response.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
        and "unsafe-inline" not in csp
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert response.headers["X-Request-ID"]


def test_404_in_layout_and_json(client):
    page = client.get("/no-such-page")
    assert page.status_code == 404 and b"Not found" in page.data and b"site-header" in page.data
    api = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json["status"] == 404 and api.json["title"] == "Not found"


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok"}
