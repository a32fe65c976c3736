"""Factories for the facilitation tests (imported by the test_facilitation_* modules).

Requests are built through the real services, so every state is reached by legal moves.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from engagement import clock
from engagement.auth.models import User
from engagement.directory.models import City, Sector
from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import FacilitationRequest, FundingChannel, RequestState

#: How to reach each state from a fresh draft: (target, actor) steps; actor "owner" or "staff".
PATHS: dict[RequestState, list[tuple[RequestState, str]]] = {
    RequestState.DRAFT: [],
    RequestState.SUBMITTED: [(RequestState.SUBMITTED, "owner")],
    RequestState.IN_REVIEW: [(RequestState.SUBMITTED, "owner"), (RequestState.IN_REVIEW, "staff")],
    RequestState.NEEDS_INFORMATION: [
        (RequestState.SUBMITTED, "owner"),
        (RequestState.NEEDS_INFORMATION, "staff"),
    ],
    RequestState.REFERRED: [
        (RequestState.SUBMITTED, "owner"),
        (RequestState.IN_REVIEW, "staff"),
        (RequestState.REFERRED, "staff"),
    ],
    RequestState.RESOLVED: [
        (RequestState.SUBMITTED, "owner"),
        (RequestState.IN_REVIEW, "staff"),
        (RequestState.RESOLVED, "staff"),
    ],
    RequestState.DECLINED: [(RequestState.SUBMITTED, "owner"), (RequestState.DECLINED, "staff")],
    RequestState.WITHDRAWN: [(RequestState.SUBMITTED, "owner"), (RequestState.WITHDRAWN, "owner")],
}

#: Extra input that satisfies every move's needs.
EVERYTHING = {
    "comment": "Please send your latest accounts.",
    "reason": "Out of scope",
    "outcome": "other",
    # Referring names a channel: here one not in the registry, added as kind "other".
    "channel_id": "other",
    "other_name": "Factory Ventures",
}

MONDAY_NOON_PKT = datetime(2026, 11, 2, 7, 0, tzinfo=UTC)  # Mon 2 Nov 2026, 12:00 in Karachi


def city(slug: str = "gilgit") -> City:
    return db.session.scalar(sa.select(City).where(City.slug == slug))


def sector(slug: str = "agritech") -> Sector:
    return db.session.scalar(sa.select(Sector).where(Sector.slug == slug))


def capital_fields(**overrides: Any) -> dict[str, Any]:
    values = {
        "stage": "seed",
        "amount_sought": "15000000",
        "currency": "PKR",
        "use_of_funds": "Field agents and SMS costs",
        "traction": "1,200 paying farmers",
        "sector_id": sector().id,
        "city_id": city("mingora").id,
    }
    values.update(overrides)
    return values


def make_request(
    owner: User,
    staff: User,
    state: RequestState = RequestState.SUBMITTED,
    *,
    sphere: str = "capital_availability",
    title: str = "Seed round for our crop-advice app",
    **fields: Any,
) -> FacilitationRequest:
    """A request of ``owner``'s startup brought to ``state`` through legal moves."""
    if sphere == "capital_availability" and not fields:
        fields = capital_fields()
    request = services.create_request(
        owner, sphere, title, "We need funding to grow.", details="Details.", **fields
    )
    for target, who in PATHS[state]:
        services.transition(request, target, owner if who == "owner" else staff, **EVERYTHING)
    assert request.state == state
    return request


def make_channel(name: str = "Karachi Angels", **overrides: Any) -> FundingChannel:
    values = {
        "kind": "angel_network",
        "stages": ["seed"],
        "sector_ids": [str(sector().id)],
        "ticket_min": "1000000",
        "ticket_max": "30000000",
        "currency": "PKR",
        "contact_email": "deals@angels.test",
    }
    values.update(overrides)
    return services.save_channel(None, name=name, **values)


def user(user_id: int) -> User:
    return db.session.get(User, user_id)


_HASHES: dict[str, str] = {}


def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash each test password once per session (argon2 is slow on a shared machine).

    The hash is a real argon2 hash, so signing in still verifies it for real.
    """
    from engagement.auth import services as auth_services

    real = auth_services.hash_password

    def cached(password: str) -> str:
        if password not in _HASHES:
            _HASHES[password] = real(password)
        return _HASHES[password]

    monkeypatch.setattr(auth_services, "hash_password", cached)


@pytest.fixture(name="people")
def people_fixture(make_user, monkeypatch):
    """Ids of two startups' owners, staff, an admin and a company user."""
    quick_hashes(monkeypatch)
    ids = {
        "owner": make_user("startup", email="owner@alpha.test", org="Alpha Labs"),
        "other": make_user("startup", email="owner@beta.test", org="Beta Labs"),
        "staff": make_user("staff", email="staff@pseb.test", org=None, name="Bilal Staff"),
        "admin": make_user("admin", email="admin@pseb.test", org=None, name="Ayesha Admin"),
        "company": make_user("company", email="rep@company.test", org="Some Company"),
    }
    return ids


def freeze(moment: datetime) -> None:
    clock.freeze(moment)
