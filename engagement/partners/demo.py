"""Demo partners: a German chamber and a UAE investor with logins, showcase companies, and
meeting requests in each state. Every slot goes through the platform's own slot check
(``services.request_meeting``), so the demo never proposes a weekend, holiday or night."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from engagement import clock
from engagement.auth import services as accounts
from engagement.auth.demo import DEMO_PASSWORD
from engagement.auth.models import Organisation, Role, User
from engagement.directory import services as directory
from engagement.directory.models import Company, OverseasEntity, OverseasEntityType
from engagement.extensions import db
from engagement.partners import services
from engagement.partners.models import MeetingOutcome, MeetingRequest

#: email, name, entity name, country, zone, type
PARTNERS = [
    (
        "partner@gpcci.demo",
        "Katrin Weber",
        "German-Pakistani Chamber of Commerce and Industry",
        "DE",
        "Europe/Berlin",
        OverseasEntityType.CHAMBER,
    ),
    (
        "investor@gulfhorizon.demo",
        "Omar Al Mansoori",
        "Gulf Horizon Capital",
        "AE",
        "Asia/Dubai",
        OverseasEntityType.INVESTOR,
    ),
]

#: legal name → services, certifications, founded, pitch (verified demo companies only)
SHOWCASE = {
    "Techlogix Solutions (Pvt) Ltd": (
        "Custom software, Cloud migration, QA and testing",
        "iso27001,iso9001,cmmi3",
        1996,
        "Enterprise software and cloud teams for banks, telecoms and retailers in 20 countries.",
    ),
    "Karachi Fintech Labs (Pvt) Ltd": (
        "Payments, Core banking integration, Fraud analytics",
        "iso27001",
        2016,
        "Payment and fraud-analytics products for banks in the Gulf and the UK.",
    ),
    "Margalla Data Systems": (
        "Data engineering, Machine learning, Dashboards",
        "",
        2014,
        "A small senior team building data platforms and ML models.",
    ),
    "Multan Health Informatics": (
        "Hospital information systems, Telemedicine",
        "iso9001",
        2019,
        "Health software for clinics and hospitals in Pakistan and the Gulf.",
    ),
    "Sialkot Commerce Cloud": (
        "E-commerce platforms, Marketplace integration",
        "",
        2018,
        "Online stores and marketplace integrations for exporters and European retailers.",
    ),
}

MEETING_COMPANY = "Techlogix Solutions (Pvt) Ltd"
MEETING_REP = "company@techlogix.demo"


def _entity(name: str, country: str, zone: str, kind: OverseasEntityType) -> OverseasEntity:
    entity = db.session.scalar(sa.select(OverseasEntity).where(OverseasEntity.name == name))
    if entity is None:
        entity = directory.save_overseas_entity(
            None,
            name=name,
            country_code=country,
            timezone=zone,
            entity_type=kind.value,
            description="Demo partner: looks for software and IT-enabled services partners.",
        )
    return entity


def _showcase() -> int:
    listed = 0
    for name, (offered, certs, founded, pitch) in SHOWCASE.items():
        company = db.session.scalar(sa.select(Company).where(Company.legal_name == name))
        if company is None or not company.verified or company.showcase_opt_in:
            continue
        directory.update_company_showcase(
            company,
            opt_in=True,
            services=offered,
            certifications=[c for c in certs.split(",") if c],
            certifications_other="",
            founded_year=founded,
            pitch=pitch,
        )
        listed += 1
    return listed


def _meetings(partners: list[User], rep: User, organisation: Organisation) -> None:
    """One meeting request in each state between the demo partners and Techlogix."""
    german, gulf = partners

    def ask(partner: User, message: str, count: int = 3) -> MeetingRequest:
        offer = services.offered_slots(organisation, partner.overseas_entity)
        return services.request_meeting(
            partner,
            organisation_id=organisation.id,
            message=message,
            slots=offer.slots[2 : 2 + count],
        )

    # Held, with an outcome: asked and accepted two weeks ago.
    with clock.frozen(clock.now() - timedelta(days=14)):
        held = ask(german, "Our members look for cloud migration partners; can we talk?")
        services.accept_meeting(rep, held, held.slots[0].starts_at, "https://meet.example.com/gp1")
    services.record_outcome(german, held, MeetingOutcome.FOLLOW_UP.value)
    # Accepted, upcoming.
    upcoming = ask(gulf, "We invest in Pakistani SaaS companies selling into the Gulf.")
    services.accept_meeting(rep, upcoming, upcoming.slots[0].starts_at)
    # Requested, waiting for Techlogix.
    ask(german, "A Mittelstand retailer asked us for a QA partner; would you meet them with us?")
    # Declined.
    declined = ask(gulf, "Would you consider a minority investment this year?")
    services.decline_meeting(rep, declined, "Not raising this year; happy to talk in 2028.")
    # Cancelled.
    cancelled = ask(german, "Trade fair follow-up: shall we meet before Hannover Messe?")
    services.accept_meeting(rep, cancelled, cancelled.slots[0].starts_at)
    services.cancel_meeting(german, cancelled)


def login_lines() -> list[str]:
    lines = []
    for email, _name, entity, *_ in PARTNERS:
        if accounts.user_by_email(email) is not None:
            lines.append(f"  {'partner':8} {email:28} {entity}")
    return lines


def seed_demo() -> list[str]:
    """Create the demo partners, showcase entries and meetings if missing (idempotent)."""
    partners: list[User] = []
    for email, name, entity_name, country, zone, kind in PARTNERS:
        entity = _entity(entity_name, country, zone, kind)
        user = accounts.user_by_email(email)
        if user is None:
            user = accounts.create_user(
                email,
                DEMO_PASSWORD,
                Role.PARTNER,
                name=name,
                org_name=entity.name,
                country=entity.country_code,
                verified=True,
                check_strength=False,
            )
        partners.append(user)
    listed = _showcase()
    rep = accounts.user_by_email(MEETING_REP)
    company = db.session.scalar(sa.select(Company).where(Company.legal_name == MEETING_COMPANY))
    has_meetings = db.session.scalar(
        sa.select(MeetingRequest.id).where(
            MeetingRequest.overseas_entity_id.in_([p.overseas_entity_id for p in partners])
        )
    )
    if rep is not None and company is not None and company.showcased and not has_meetings:
        _meetings(partners, rep, rep.organisation)
    db.session.flush()
    return [
        f"Partner logins (password {DEMO_PASSWORD}):",
        *login_lines(),
        f"Showcase: {listed} companies newly listed at /companies/",
    ]
