"""Demo accounts, one or more per role, with printed passwords."""

from __future__ import annotations

from engagement.auth import services
from engagement.auth.models import Role

DEMO_PASSWORD = "demo-pass-2026"

#: email, role, name, organisation
DEMO_USERS = [
    ("admin@pseb.demo", Role.ADMIN, "Ayesha Admin", None),
    ("staff@pseb.demo", Role.STAFF, "Bilal Staff", None),
    ("staff2@pseb.demo", Role.STAFF, "Sana Supervisor", None),
    ("company@techlogix.demo", Role.COMPANY, "Kamran Company", "Techlogix Solutions (Pvt) Ltd"),
    ("colleague@techlogix.demo", Role.COMPANY, "Hina Colleague", None),
    ("company@indus.demo", Role.COMPANY, "Imran Indus", "Indus Cloudworks"),
    ("founder@gilgitgrowth.demo", Role.STARTUP, "Zara Founder", "Gilgit Growth Labs"),
    ("founder@swatagri.demo", Role.STARTUP, "Usman Founder", "Swat AgriTech"),
]


def login_lines() -> list[str]:
    """The demo logins that exist in this database."""
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, role, _name, org in DEMO_USERS:
        if services.user_by_email(email) is not None:
            lines.append(f"  {role.value:8} {email:28} {org or ''}")
    return lines


def seed_demo() -> list[str]:
    """Create the demo users if missing; the colleague joins Techlogix as a member."""
    from engagement.auth.models import Membership, MembershipRole
    from engagement.extensions import db

    for email, role, name, org in DEMO_USERS:
        if services.user_by_email(email) is None:
            services.create_user(
                email,
                DEMO_PASSWORD,
                role,
                name=name,
                org_name=org,
                verified=True,
                check_strength=False,
            )
    colleague = services.user_by_email("colleague@techlogix.demo")
    owner = services.user_by_email("company@techlogix.demo")
    if colleague and owner and colleague.membership is None and owner.organisation:
        db.session.add(
            Membership(user=colleague, organisation=owner.organisation, role=MembershipRole.MEMBER)
        )
        db.session.flush()
    return login_lines()
