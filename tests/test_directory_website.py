"""A website typed without https:// is accepted and stored with it, on every directory form."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from engagement.auth.models import User
from engagement.directory.models import Company, OverseasEntity, StakeholderBody, Startup
from engagement.directory.services import normalise_website
from engagement.extensions import db


def errors(response) -> list[str]:
    return re.findall(r'class="error-text"[^>]*>([^<]*)<', response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("example.pk", "https://example.pk"),
        ("  www.example.pk/about  ", "https://www.example.pk/about"),
        ("http://example.pk", "http://example.pk"),
        ("HTTPS://Example.pk", "HTTPS://Example.pk"),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_normalise_website(typed, stored):
    assert normalise_website(typed) == stored


def own(app, user_id: int, model):
    with app.app_context():
        user = db.session.get(User, user_id)
        return db.session.scalar(
            sa.select(model.website).where(model.organisation_id == user.organisation.id)
        )


def test_company_and_startup_profiles_accept_a_bare_domain(app, login_as):
    company = login_as("company", org="Arfa Soft")
    response = company.post(
        "/directory/profile", data={"legal_name": "Arfa Soft", "website": "example.pk"}
    )
    assert response.status_code == 302, errors(response)
    assert own(app, company.user_id, Company) == "https://example.pk"
    assert 'value="https://example.pk"' in company.get("/directory/profile").get_data(as_text=True)

    startup = login_as("startup", org="Gilgit Labs")
    response = startup.post(
        "/directory/profile", data={"name": "Gilgit Labs", "website": "gilgitlabs.pk"}
    )
    assert response.status_code == 302, errors(response)
    assert own(app, startup.user_id, Startup) == "https://gilgitlabs.pk"


def test_not_an_address_is_still_refused_with_the_field_named(app, login_as):
    company = login_as("company", org="Arfa Soft")
    response = company.post(
        "/directory/profile", data={"legal_name": "Arfa Soft", "website": "not an address"}
    )
    assert response.status_code == 422
    assert "Enter a web address such as example.pk or https://example.pk." in errors(response)


def test_staff_forms_accept_a_bare_domain(app, login_as):
    staff = login_as("staff")
    response = staff.post(
        "/directory/overseas/new",
        data={
            "name": "Dubai Chamber",
            "entity_type": "chamber",
            "country_code": "AE",
            "timezone": "Asia/Dubai",
            "website": "dubaichamber.com",
        },
    )
    assert response.status_code == 302, errors(response)
    response = staff.post(
        "/directory/bodies/new",
        data={"name": "Punjab IT Board", "kind": "provincial_it_board", "website": "pitb.gov.pk"},
    )
    assert response.status_code == 302, errors(response)
    with app.app_context():
        assert db.session.scalar(sa.select(OverseasEntity.website)) == "https://dubaichamber.com"
        assert db.session.scalar(sa.select(StakeholderBody.website)) == "https://pitb.gov.pk"
