"""Demo directory: companies, startups, overseas entities in several time zones, stakeholder
bodies with contacts. Idempotent: every entry is looked up by its unique name first."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from engagement import clock
from engagement.auth.models import Organisation, User
from engagement.directory.models import (
    City,
    Company,
    CompanyVerificationEvent,
    Contact,
    EmployeeBand,
    OverseasEntity,
    OverseasEntityType,
    Province,
    Sector,
    StakeholderBody,
    StakeholderKind,
    Startup,
    StartupStage,
    VerificationAction,
)
from engagement.extensions import db

#: legal name, registration number (None = not given), verified, city, sectors, band, markets
COMPANIES = [
    (
        "Techlogix Solutions (Pvt) Ltd",
        "PSEB/2012/0418",
        True,
        "Lahore",
        ["software-development", "cloud-devops"],
        EmployeeBand.B251_1000,
        "US,GB,AE",
    ),
    (
        "Indus Cloudworks",
        "PSEB/2019/1207",
        False,
        "Islamabad",
        ["cloud-devops", "cybersecurity"],
        EmployeeBand.B51_250,
        "DE,NL",
    ),
    (
        "Karachi Fintech Labs (Pvt) Ltd",
        "PSEB/2017/0933",
        True,
        "Karachi",
        ["fintech", "ai-data"],
        EmployeeBand.B51_250,
        "AE,SA,GB",
    ),
    (
        "Margalla Data Systems",
        "PSEB/2015/0702",
        True,
        "Islamabad",
        ["ai-data", "software-development"],
        EmployeeBand.B11_50,
        "US,CA",
    ),
    (
        "Peshawar BPO Services",
        None,
        False,
        "Peshawar",
        ["it-enabled-services"],
        EmployeeBand.B51_250,
        "US",
    ),
    (
        "Faisalabad Textile Tech",
        "PSEB/2021/0154",
        False,
        "Faisalabad",
        ["software-development", "ecommerce"],
        EmployeeBand.B11_50,
        "TR,CN",
    ),
    (
        "Multan Health Informatics",
        "PSEB/2020/0388",
        True,
        "Multan",
        ["healthtech"],
        EmployeeBand.B11_50,
        "SA,QA",
    ),
    (
        "Quetta Geo Analytics",
        None,
        False,
        "Quetta",
        ["ai-data", "agritech"],
        EmployeeBand.B1_10,
        "",
    ),
    (
        "Sialkot Commerce Cloud",
        "PSEB/2018/1102",
        True,
        "Sialkot",
        ["ecommerce", "cloud-devops"],
        EmployeeBand.B11_50,
        "DE,US,GB",
    ),
    (
        "Hyderabad Game Studio",
        "PSEB/2022/0067",
        False,
        "Hyderabad",
        ["gaming-animation"],
        EmployeeBand.B1_10,
        "US,JP",
    ),
    (
        "Abbottabad CyberShield",
        "PSEB/2016/0520",
        True,
        "Abbottabad",
        ["cybersecurity"],
        EmployeeBand.B11_50,
        "AE,GB",
    ),
    (
        "Rawalpindi Telecom Systems",
        "PSEB/2010/0211",
        True,
        "Rawalpindi",
        ["telecom", "software-development"],
        EmployeeBand.B1000_PLUS,
        "SA,AE,US,GB",
    ),
]

#: name, founding year, stage, city, sectors, founders
STARTUPS = [
    (
        "Gilgit Growth Labs",
        2023,
        StartupStage.PRE_SEED,
        "Gilgit",
        ["agritech", "ecommerce"],
        "Zara Hussain\nAli Baig",
    ),
    ("Swat AgriTech", 2022, StartupStage.SEED, "Mingora (Swat)", ["agritech"], "Usman Khan"),
    (
        "Lahore EdVerse",
        2021,
        StartupStage.SEED,
        "Lahore",
        ["edtech"],
        "Maryam Qureshi\nHamza Sheikh",
    ),
    ("Karachi PayFlow", 2020, StartupStage.SERIES_A_PLUS, "Karachi", ["fintech"], "Faraz Ahmed"),
    ("Gwadar Logistics AI", 2024, StartupStage.IDEA, "Gwadar", ["ai-data"], "Naveed Baloch"),
    (
        "Muzaffarabad Health Connect",
        2023,
        StartupStage.PRE_SEED,
        "Muzaffarabad",
        ["healthtech"],
        "Saima Mir",
    ),
]

#: name, country, IANA zone, type, sectors, website
OVERSEAS = [
    (
        "German-Pakistani Chamber of Commerce and Industry",
        "DE",
        "Europe/Berlin",
        OverseasEntityType.CHAMBER,
        ["software-development", "it-enabled-services"],
        "https://pakistan.ahk.de",
    ),
    (
        "Hudson Valley Ventures",
        "US",
        "America/New_York",
        OverseasEntityType.INVESTOR,
        ["fintech", "ai-data"],
        "https://example.com/hudson-valley-ventures",
    ),
    (
        "Dubai Digital Trade Council",
        "AE",
        "Asia/Dubai",
        OverseasEntityType.TRADE_BODY,
        ["ecommerce", "fintech"],
        None,
    ),
    (
        "Sakura Systems K.K.",
        "JP",
        "Asia/Tokyo",
        OverseasEntityType.COMPANY,
        ["gaming-animation", "software-development"],
        None,
    ),
    (
        "University of Northbridge",
        "GB",
        "Europe/London",
        OverseasEntityType.UNIVERSITY,
        ["ai-data", "edtech"],
        None,
    ),
    (
        "Saudi Digital Government Authority",
        "SA",
        "Asia/Riyadh",
        OverseasEntityType.GOVERNMENT,
        ["it-enabled-services"],
        None,
    ),
]

#: name, kind, province (None = federal), website, contacts (name, position, email, phone)
BODIES = [
    (
        "Punjab Information Technology Board",
        StakeholderKind.PROVINCIAL_IT_BOARD,
        "Punjab",
        "https://pitb.gov.pk",
        [("Hassan Raza", "Director, Industry Liaison", "industry@pitb.demo", "+92 42 99030000")],
    ),
    (
        "Khyber Pakhtunkhwa Information Technology Board (KPITB)",
        StakeholderKind.PROVINCIAL_IT_BOARD,
        "Khyber Pakhtunkhwa",
        "https://kpitb.gov.pk",
        [("Amna Yousafzai", "Manager, Digital Economy", "economy@kpitb.demo", None)],
    ),
    (
        "Sindh Information Technology Board",
        StakeholderKind.PROVINCIAL_IT_BOARD,
        "Sindh",
        None,
        [("Rashid Memon", "Deputy Director", "rashid.memon@sitb.demo", "+92 21 99200000")],
    ),
    (
        "Ministry of Information Technology & Telecommunication",
        StakeholderKind.MINISTRY,
        None,
        "https://moitt.gov.pk",
        [
            ("Farah Siddiqui", "Joint Secretary (IT)", "js.it@moitt.demo", None),
            ("Kashif Anwar", "Section Officer", "so.it@moitt.demo", "+92 51 9210000"),
        ],
    ),
    (
        "Pakistan Software Houses Association (P@SHA)",
        StakeholderKind.ASSOCIATION,
        None,
        "https://www.pasha.org.pk",
        [("Sadia Khan", "Secretary General", "secretariat@pasha.demo", "+92 21 35000000")],
    ),
]


def _sectors(slugs: list[str], by_slug: dict[str, Sector]) -> list[Sector]:
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def seed_demo() -> list[str]:
    """Create the demo directory entries that are missing; returns a summary line."""
    sectors = {s.slug: s for s in db.session.scalars(sa.select(Sector))}
    cities = {c.name: c for c in db.session.scalars(sa.select(City))}
    provinces = {p.name: p for p in db.session.scalars(sa.select(Province))}
    organisations = {o.name: o for o in db.session.scalars(sa.select(Organisation))}
    created = 0
    now = clock.now()
    verifier = db.session.scalar(sa.select(User).where(User.email == "staff@pseb.demo"))

    for name, number, verified, city, slugs, band, markets in COMPANIES:
        company = db.session.scalar(sa.select(Company).where(Company.legal_name == name))
        if company is None:
            company = Company(legal_name=name, organisation=organisations.get(name))
            db.session.add(company)
        elif company.city is not None or company.sectors:
            continue  # already filled in (by an earlier run, or by its owner)
        # New, or the empty profile a demo company user's sign-up made: fill it in once.
        company.registration_number = number
        company.registration_verified_at = None
        if verified:
            record_demo_verification(company, now - timedelta(days=30), verifier)
        company.city = cities.get(city)
        company.sectors = _sectors(slugs, sectors)
        company.employee_band = band
        company.export_markets = markets
        company.description = f"{name} is a demo IT company based in {city}."
        created += 1

    for name, year, stage, city, slugs, founders in STARTUPS:
        startup = db.session.scalar(sa.select(Startup).where(Startup.name == name))
        if startup is None:
            startup = Startup(name=name, organisation=organisations.get(name))
            db.session.add(startup)
        elif startup.city is not None or startup.founders:
            continue
        startup.founding_year = year
        startup.stage = stage
        startup.city = cities.get(city)
        startup.sectors = _sectors(slugs, sectors)
        startup.founders = founders
        created += 1

    for name, country, zone, kind, slugs, website in OVERSEAS:
        exists = db.session.scalar(
            sa.select(OverseasEntity.id).where(
                OverseasEntity.name == name, OverseasEntity.country_code == country
            )
        )
        if exists is None:
            db.session.add(
                OverseasEntity(
                    name=name,
                    country_code=country,
                    timezone=zone,
                    entity_type=kind,
                    sectors=_sectors(slugs, sectors),
                    website=website,
                )
            )
            created += 1

    for name, kind, province, website, contacts in BODIES:
        body = db.session.scalar(sa.select(StakeholderBody).where(StakeholderBody.name == name))
        if body is None:
            body = StakeholderBody(
                name=name,
                kind=kind,
                province=provinces.get(province) if province else None,
                website=website,
            )
            db.session.add(body)
            for contact_name, position, email, phone in contacts:
                body.contacts.append(
                    Contact(name=contact_name, position=position, email=email, phone=phone)
                )
            created += 1

    db.session.flush()
    return [f"Directory: {created} demo entries added (companies, startups, overseas, bodies)."]


def record_demo_verification(company: Company, at: datetime, verifier: User | None = None) -> None:
    """Mark a demo company's registration verified at ``at`` by the demo staff member, with its
    audit row, as a staff verification would (demo modules of other features use this too)."""
    verifier = verifier or db.session.scalar(sa.select(User).where(User.email == "staff@pseb.demo"))
    company.registration_verified_at = at
    if verifier is None:
        return
    company.verified_by_id = verifier.id
    db.session.flush()  # the company's id, for its audit row
    db.session.add(
        CompanyVerificationEvent(
            company_id=company.id,
            action=VerificationAction.VERIFIED,
            registration_number=company.registration_number,
            actor_id=verifier.id,
            created_at=at,
        )
    )
