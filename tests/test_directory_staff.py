"""Staff create and edit overseas entities, stakeholder bodies and their contacts; demo data."""

from __future__ import annotations

import re

import sqlalchemy as sa

from engagement.directory.models import (
    Company,
    Contact,
    OverseasEntity,
    OverseasEntityType,
    Sector,
    StakeholderBody,
    StakeholderKind,
    Startup,
)
from engagement.extensions import db


def errors(response) -> list[str]:
    return re.findall(r'class="error-text"[^>]*>([^<]*)<', response.get_data(as_text=True))


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_create_and_edit_overseas_entity(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        fintech = db.session.scalar(sa.select(Sector.id).where(Sector.slug == "fintech"))
    assert staff.get("/directory/overseas/new").status_code == 200
    data = {
        "name": "Hudson Valley Ventures",
        "entity_type": "investor",
        "country_code": "US",
        "timezone": "America/New_York",
        "sectors": [str(fintech)],
        "website": "https://hudson.example.com",
        "description": "Seed investor.",
    }
    response = staff.post("/directory/overseas/new", data=data)
    assert response.status_code == 302
    with app.app_context():
        entity = db.session.scalar(sa.select(OverseasEntity))
        assert (entity.country_code, entity.timezone) == ("US", "America/New_York")
        assert entity.entity_type == OverseasEntityType.INVESTOR
        assert [s.slug for s in entity.sectors] == ["fintech"]
        entity_id = entity.id
    assert response.location.endswith(f"/directory/overseas/{entity_id}")

    edit = staff.get(f"/directory/overseas/{entity_id}/edit").get_data(as_text=True)
    assert 'value="America/New_York"' in edit
    response = staff.post(
        f"/directory/overseas/{entity_id}/edit",
        data={**data, "timezone": "America/Chicago", "entity_type": "company"},
    )
    assert response.status_code == 302
    with app.app_context():
        entity = db.session.get(OverseasEntity, entity_id)
        assert entity.timezone == "America/Chicago"
        assert entity.entity_type == OverseasEntityType.COMPANY

    # Same name in the same country is a duplicate.
    duplicate = staff.post("/directory/overseas/new", data=data)
    assert duplicate.status_code == 422
    assert "An entity with this name already exists in that country." in errors(duplicate)
    assert count(app, OverseasEntity) == 1


def test_overseas_entity_country_and_timezone_are_validated(app, login_as):
    staff = login_as("staff")
    data = {
        "name": "Nowhere Inc",
        "entity_type": "company",
        "country_code": "XX",
        "timezone": "Europe/Atlantis",
    }
    response = staff.post("/directory/overseas/new", data=data)
    assert response.status_code == 422
    found = errors(response)
    assert "Not a valid choice." in found
    assert "Unknown time zone; use an IANA name such as Europe/Berlin." in found
    assert 'value="Europe/Atlantis"' in response.get_data(as_text=True)
    bad_type = staff.post(
        "/directory/overseas/new",
        data={**data, "country_code": "DE", "timezone": "Europe/Berlin", "entity_type": "pirate"},
    )
    assert bad_type.status_code == 422
    assert count(app, OverseasEntity) == 0


def test_stakeholder_bodies_and_contacts(app, login_as):
    staff = login_as("staff")
    with app.app_context():
        from engagement.directory.models import Province

        sindh = db.session.scalar(sa.select(Province.id).where(Province.name == "Sindh"))
    response = staff.post(
        "/directory/bodies/new",
        data={"name": "Sindh IT Board", "kind": "provincial_it_board", "province": str(sindh)},
    )
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalar(sa.select(StakeholderBody))
        body_id = body.id
        assert body.kind == StakeholderKind.PROVINCIAL_IT_BOARD and body.province_id == sindh

    duplicate = staff.post(
        "/directory/bodies/new", data={"name": "sindh it board", "kind": "association"}
    )
    assert duplicate.status_code == 422
    assert "A stakeholder body with this name already exists." in errors(duplicate)

    contact = staff.post(
        f"/directory/bodies/{body_id}/contacts",
        data={
            "name": "Rashid Memon",
            "position": "Deputy Director",
            "email": "Rashid@SITB.example.com",
            "phone": "+92 21 99200000",
        },
    )
    assert contact.status_code == 302
    bad = staff.post(f"/directory/bodies/{body_id}/contacts", data={"name": "", "email": "nope"})
    assert bad.status_code == 422
    found = errors(bad)
    assert "Enter a valid email address." in found and "This field is required." in found
    with app.app_context():
        [saved] = db.session.scalars(sa.select(Contact)).all()
        assert saved.email == "rashid@sitb.example.com"
        contact_id = saved.id
    page = staff.get(f"/directory/bodies/{body_id}").get_data(as_text=True)
    assert "Rashid Memon" in page and "Deputy Director" in page

    edited = staff.post(
        f"/directory/contacts/{contact_id}/edit",
        data={"name": "Rashid Memon", "position": "Director", "email": "", "phone": ""},
    )
    assert edited.status_code == 302
    with app.app_context():
        saved = db.session.get(Contact, contact_id)
        assert saved.position == "Director" and saved.email is None

    response = staff.post(
        f"/directory/bodies/{body_id}/edit",
        data={"name": "Sindh Information Technology Board", "kind": "public_body", "province": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        body = db.session.get(StakeholderBody, body_id)
        assert body.name == "Sindh Information Technology Board" and body.province_id is None

    assert staff.post(f"/directory/contacts/{contact_id}/delete").status_code == 302
    assert count(app, Contact) == 0


def test_demo_directory_is_idempotent(app):
    from engagement.auth.demo import seed_demo as seed_users
    from engagement.directory.demo import seed_demo as seed_directory

    with app.app_context(), app.test_request_context():
        seed_users()
        seed_directory()
        db.session.commit()
        counts = [
            count(app, m) for m in (Company, Startup, OverseasEntity, StakeholderBody, Contact)
        ]
        assert seed_directory() == [
            "Directory: 0 demo entries added (companies, startups, overseas, bodies)."
        ]
        db.session.commit()
    assert [
        count(app, m) for m in (Company, Startup, OverseasEntity, StakeholderBody, Contact)
    ] == counts
    assert counts[0] >= 12 and counts[2] >= 5 and counts[3] >= 5
    with app.app_context():
        zones = set(db.session.scalars(sa.select(OverseasEntity.timezone)))
        assert {
            "Europe/Berlin",
            "America/New_York",
            "Asia/Dubai",
            "Asia/Tokyo",
            "Europe/London",
        } <= zones
        # The demo company user's own profile was filled in, not duplicated.
        techlogix = db.session.scalars(
            sa.select(Company).where(Company.legal_name == "Techlogix Solutions (Pvt) Ltd")
        ).all()
        assert len(techlogix) == 1 and techlogix[0].organisation_id is not None
        assert techlogix[0].verified and techlogix[0].city.name == "Lahore"
        bodies = set(db.session.scalars(sa.select(StakeholderBody.name)))
        assert any("P@SHA" in name for name in bodies) and any("KPITB" in name for name in bodies)
