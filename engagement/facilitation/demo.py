"""Demo funding channels and facilitation requests in several states (idempotent)."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import sqlalchemy as sa

from engagement import clock
from engagement.auth.services import user_by_email
from engagement.directory.models import City, Sector
from engagement.extensions import db
from engagement.facilitation import services
from engagement.facilitation.models import FacilitationRequest, FundingChannel, RequestState

CHANNELS = [
    {
        "name": "Karachi Angels Network",
        "kind": "angel_network",
        "stages": ["pre_seed", "seed"],
        "sectors": ["agritech", "fintech", "edtech"],
        "ticket_min": "2000000",
        "ticket_max": "30000000",
        "currency": "PKR",
        "contact_name": "Farah Siddiqui",
        "contact_email": "deals@karachiangels.demo",
    },
    {
        "name": "Indus Valley Ventures",
        "kind": "vc",
        "stages": ["seed", "series_a_plus"],
        "sectors": ["fintech", "ecommerce", "ai-data"],
        "ticket_min": "250000",
        "ticket_max": "3000000",
        "currency": "USD",
        "contact_name": "Omar Rashid",
        "contact_email": "hello@indusvalley.demo",
    },
    {
        "name": "Ignite National Technology Fund",
        "kind": "government",
        "stages": ["idea", "pre_seed"],
        "sectors": [],
        "ticket_min": "500000",
        "ticket_max": "10000000",
        "currency": "PKR",
        "contact_name": "Programme office",
        "contact_email": "startups@ignite.demo",
    },
    {
        "name": "Green Growth Donor Facility",
        "kind": "donor",
        "stages": ["pre_seed", "seed"],
        "sectors": ["agritech"],
        "ticket_min": "20000",
        "ticket_max": "150000",
        "currency": "USD",
        "contact_name": "Grants desk",
        "contact_email": "grants@greengrowth.demo",
    },
    {
        "name": "SME Bank Startup Finance",
        "kind": "bank",
        "stages": ["seed", "series_a_plus"],
        "sectors": [],
        "ticket_min": "1000000",
        "ticket_max": "50000000",
        "currency": "PKR",
        "contact_name": "SME desk",
        "contact_email": "sme@bank.demo",
    },
]


def _sector_ids(slugs: list[str]) -> list[str]:
    if not slugs:
        return []
    return [str(i) for i in db.session.scalars(sa.select(Sector.id).where(Sector.slug.in_(slugs)))]


def _city_id(slug: str) -> int | None:
    return db.session.scalar(sa.select(City.id).where(City.slug == slug))


def seed_demo() -> list[str]:
    """Create demo channels and, for the demo startups, requests in various states."""
    for spec in CHANNELS:
        exists = db.session.scalar(
            sa.select(FundingChannel.id).where(FundingChannel.name == spec["name"])
        )
        if not exists:
            values = {k: v for k, v in spec.items() if k != "sectors"}
            services.save_channel(None, sector_ids=_sector_ids(spec["sectors"]), **values)

    gilgit = user_by_email("founder@gilgitgrowth.demo")
    swat = user_by_email("founder@swatagri.demo")
    staff = user_by_email("staff@pseb.demo") or user_by_email("admin@pseb.demo")
    if gilgit is None or swat is None or staff is None or gilgit.membership is None:
        return ["facilitation: demo startups or staff missing; no demo requests"]
    already = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FacilitationRequest)
        .where(FacilitationRequest.organisation_id == gilgit.membership.organisation_id)
    )
    if already:
        return ["facilitation: demo requests already present"]

    now = clock.now()

    def days_ago(days: float) -> contextlib.AbstractContextManager[None]:
        """Backdate what happens inside, so the queue and report show realistic ages."""
        return clock.frozen(now - timedelta(days=days))

    agritech = _sector_ids(["agritech"])
    with days_ago(9):
        capital = services.create_request(
            swat,
            "capital_availability",
            "Seed round for our crop-advice app",
            "We need PKR 15 million to expand our SMS crop-advice service to 20,000 farmers in Swat and Malakand.",
            details="Pilot with 1,200 farmers in 2026; partnership talks with two seed distributors.",
            submit=True,
            stage="seed",
            amount_sought="15000000",
            currency="PKR",
            use_of_funds="Field agents, SMS costs, Pashto voice content.",
            traction="1,200 paying farmers, PKR 350,000 monthly revenue.",
            sector_id=agritech[0] if agritech else None,
            city_id=_city_id("mingora"),
        )
    with days_ago(8):
        services.assign(capital, staff.id, staff)
        services.transition(capital, RequestState.IN_REVIEW, staff)

    with days_ago(12):
        space = services.create_request(
            gilgit,
            "infrastructure",
            "Six seats at STP Gilgit",
            "Our remote team of six needs desks and reliable internet in Gilgit.",
            submit=True,
            city_id=_city_id("gilgit"),
            seats_needed=6,
            needed_from="2027-01-04",
        )
    with days_ago(10):
        services.transition(
            space,
            RequestState.NEEDS_INFORMATION,
            staff,
            comment="Please share your PSEB registration number and expected hours of use.",
        )

    with days_ago(6):
        services.create_request(
            gilgit,
            "marketing",
            "Stall at ITCN Asia",
            "We would like a subsidised stall in the PSEB pavilion at ITCN Asia.",
            submit=True,
            city_id=_city_id("gilgit"),
        )
    services.create_request(gilgit, "hr", "Interns for summer", "", submit=False)
    with days_ago(20):
        policy = services.create_request(
            swat,
            "policy_consulting",
            "Export remittance tax question",
            "How do we register for the reduced tax rate on IT export remittances?",
            submit=True,
            city_id=_city_id("mingora"),
        )
    with days_ago(19):
        services.transition(policy, RequestState.IN_REVIEW, staff)
        services.add_message(
            policy,
            staff,
            "Registering with PSEB is the first step; we have sent you the FBR guidance.",
            internal=False,
        )
    with days_ago(16):
        services.transition(
            policy,
            RequestState.RESOLVED,
            staff,
            outcome="advice_given",
            outcome_note="FBR guidance shared",
        )
    return [f"facilitation: {len(CHANNELS)} funding channels, 5 demo requests"]
