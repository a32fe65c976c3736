"""Two staff members moving the same request at the same moment, through gunicorn: one wins,
the other gets a clear 409, and the audit trail records one move."""

from __future__ import annotations

import re
import threading

import pytest
import requests
import sqlalchemy as sa

from engagement.extensions import db
from engagement.facilitation.models import FacilitationRequest, RequestEvent, RequestState
from tests.conftest import PASSWORD
from tests.test_facilitation_factories import make_request, quick_hashes, user

pytestmark = pytest.mark.slow

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def signed_in(base_url: str, email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base_url}/login", timeout=30)
    token = TOKEN.search(page.text).group(1)
    response = session.post(
        f"{base_url}/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def test_concurrent_moves_one_wins(app, live_server, make_user, monkeypatch):
    quick_hashes(monkeypatch)
    owner_id = make_user("startup", email="founder@race-labs.pk", org="Race Labs")
    first_id = make_user("staff", email="first.officer@pseb.gov.pk", org=None)
    make_user("staff", email="second.officer@pseb.gov.pk", org=None)
    rounds = 6
    with app.app_context(), app.test_request_context():
        request_ids = [
            make_request(user(owner_id), user(first_id), RequestState.SUBMITTED).id
            for _ in range(rounds)
        ]
        db.session.commit()

    sessions = [
        signed_in(live_server, "first.officer@pseb.gov.pk"),
        signed_in(live_server, "second.officer@pseb.gov.pk"),
    ]
    first_page = f"{live_server}/facilitation/requests/{request_ids[0]}"
    tokens = [TOKEN.search(s.get(first_page, timeout=30).text).group(1) for s in sessions]

    def race(request_id: int) -> list[int]:
        """Both officers decline the same request at once, with different reasons."""
        url = f"{live_server}/facilitation/requests/{request_id}/transition"
        barrier = threading.Barrier(2)
        results: list[int] = []

        def decline(index: int) -> None:
            barrier.wait()
            response = sessions[index].post(
                url,
                data={"csrf_token": tokens[index], "to": "declined", "reason": f"reason {index}"},
                allow_redirects=False,
                timeout=60,
            )
            results.append(response.status_code)

        threads = [threading.Thread(target=decline, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return sorted(results)

    outcomes = [race(request_id) for request_id in request_ids]
    assert outcomes == [[302, 409]] * rounds
    with app.app_context():
        for request_id in request_ids:
            stored = db.session.get(FacilitationRequest, request_id)
            assert stored.state == RequestState.DECLINED
            moves = db.session.scalars(
                sa.select(RequestEvent).where(
                    RequestEvent.request_id == request_id,
                    RequestEvent.to_state == RequestState.DECLINED,
                )
            ).all()
            assert len(moves) == 1
            assert stored.decline_reason in ("reason 0", "reason 1")
