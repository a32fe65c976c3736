"""On the demo data, /dashboard shows every section with at least one chart; the demo is
idempotent (the history and the remittance quarters are made once)."""

from __future__ import annotations

import sqlalchemy as sa

from engagement.dashboard.models import ExportRemittance
from engagement.events.models import Event
from engagement.extensions import db


def test_demo_dashboard_shows_every_section_with_charts(app, client):
    from engagement.auth.demo import DEMO_PASSWORD
    from engagement.core.context import offline_request_context
    from engagement.seed import seed_demo

    with app.app_context():
        with offline_request_context():
            lines = seed_demo()
        db.session.commit()
        events = db.session.scalar(sa.select(sa.func.count()).select_from(Event))
        with offline_request_context():
            again = seed_demo()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == events
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportRemittance)) == 2
    assert any(line.startswith("dashboard: history added") for line in lines)
    assert not any(line.startswith("dashboard: history added") for line in again)

    response = client.post("/login", data={"email": "staff@pseb.demo", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    html = client.get("/dashboard/").get_data(as_text=True)
    sections = html.split('<section id="')[1:]
    assert [s.split('"', 1)[0] for s in sections] == [
        "companies",
        "remittances",
        "webinars",
        "meetings",
        "meetups",
        "stps",
        "facilitation",
    ]
    for section in sections:
        assert 'class="bar-chart"' in section, section.split('"', 1)[0]
    assert 'class="dot dot-on"' in html  # meetups held on the map
