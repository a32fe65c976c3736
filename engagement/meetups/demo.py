"""Demo meetups: venues (STPs in Gilgit, Sargodha, Bannu and Swat, and in the big cities),
three staff teams, winter closures in the north, and a planned, partly published roadmap.
Idempotent: rows are looked up by their unique names first; the roadmap is planned once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from engagement.auth.models import Role, User
from engagement.directory.models import City
from engagement.extensions import db
from engagement.meetups.models import StpStatus, Venue, VenueKind
from engagement.roadmap.models import Closure, RoadmapEntry, StaffTeam, TeamAbsence

#: city slug, name, kind, STP status, capacity, address, facilities
VENUES = [
    (
        "gilgit",
        "Gilgit Software Technology Park (SCO)",
        VenueKind.STP,
        StpStatus.OPERATING,
        60,
        "SCO Complex, Jutial, Gilgit",
        "Projector, fibre internet, 20 incubation seats",
    ),
    (
        "sargodha",
        "Sargodha Software Technology Park",
        VenueKind.STP,
        StpStatus.BEING_SET_UP,
        80,
        "University Road, Sargodha",
        "Building identified; fit-out under way",
    ),
    (
        "sargodha",
        "University of Sargodha, IT Department Auditorium",
        VenueKind.UNIVERSITY,
        None,
        150,
        "University Road, Sargodha",
        "Auditorium, projector, Wi-Fi, parking",
    ),
    (
        "bannu",
        "Bannu Software Technology Park",
        VenueKind.STP,
        StpStatus.BEING_SET_UP,
        70,
        "Township, Bannu",
        "Suitable building being identified",
    ),
    (
        "bannu",
        "University of Science and Technology Bannu, Seminar Hall",
        VenueKind.UNIVERSITY,
        None,
        120,
        "Township, Bannu",
        "Seminar hall, projector, generator backup",
    ),
    (
        "mingora",
        "Swat Software Technology Park",
        VenueKind.STP,
        StpStatus.PLANNED,
        60,
        "Mingora, Swat",
        "Planned",
    ),
    (
        "mingora",
        "Swat Serena Hotel, Conference Room",
        VenueKind.HOTEL,
        None,
        90,
        "Saidu Sharif, Swat",
        "Conference room, Wi-Fi, prayer room",
    ),
    (
        "islamabad",
        "Software Technology Park, I-9 (PSEB)",
        VenueKind.STP,
        StpStatus.OPERATING,
        200,
        "Evacuee Trust Complex, Agha Khan Road, F-5/1, Islamabad",
        "Auditorium, projector, fibre internet, step-free access",
    ),
    (
        "lahore",
        "Arfa Software Technology Park",
        VenueKind.STP,
        StpStatus.OPERATING,
        250,
        "Ferozepur Road, Lahore",
        "Auditorium, breakout rooms, Wi-Fi, parking",
    ),
    (
        "karachi",
        "Karachi Software Technology Park",
        VenueKind.STP,
        StpStatus.OPERATING,
        220,
        "Shahrah-e-Faisal, Karachi",
        "Auditorium, Wi-Fi, parking, prayer room",
    ),
]

#: slug, name, home city, max per week, member emails, covered cities
TEAMS = [
    (
        "north",
        "North team",
        "islamabad",
        1,
        ["staff@pseb.demo"],
        [
            "islamabad",
            "rawalpindi",
            "gilgit",
            "skardu",
            "chitral",
            "mingora",
            "abbottabad",
            "peshawar",
            "mardan",
            "bannu",
            "kohat",
            "dera-ismail-khan",
            "muzaffarabad",
            "mirpur",
        ],
    ),
    (
        "punjab",
        "Punjab team",
        "lahore",
        1,
        ["staff2@pseb.demo"],
        [
            "lahore",
            "faisalabad",
            "multan",
            "gujranwala",
            "sialkot",
            "sargodha",
            "bahawalpur",
            "dera-ghazi-khan",
            "rawalpindi",
        ],
    ),
    (
        "south",
        "South team",
        "karachi",
        1,
        ["admin@pseb.demo"],
        [
            "karachi",
            "hyderabad",
            "sukkur",
            "larkana",
            "mirpur-khas",
            "mithi",
            "nawabshah",
            "quetta",
            "gwadar",
            "turbat",
            "khuzdar",
        ],
    ),
]

#: Winter road access in the north (seasonal: repeats every year).
WINTER = ["gilgit", "skardu", "chitral", "mingora"]


def _cities() -> dict[str, City]:
    return {c.slug: c for c in db.session.scalars(sa.select(City))}


def seed_demo() -> list[str]:
    """Venues, teams, closures, then (once) a planned roadmap with its first meetups published."""
    from engagement.roadmap import adapter

    cities = _cities()
    for slug, name, kind, status, capacity, address, facilities in VENUES:
        city = cities.get(slug)
        if city is None:
            continue
        exists = db.session.scalar(
            sa.select(Venue).where(Venue.city_id == city.id, Venue.name == name)
        )
        if exists is None:
            db.session.add(
                Venue(
                    city=city,
                    name=name,
                    kind=kind,
                    stp_status=status,
                    capacity=capacity,
                    address=address,
                    facilities=facilities,
                )
            )
    for slug, name, home, per_week, emails, covered in TEAMS:
        team = db.session.scalar(sa.select(StaffTeam).where(StaffTeam.slug == slug))
        if team is not None:
            continue
        members = list(db.session.scalars(sa.select(User).where(User.email.in_(emails))))
        team = StaffTeam(
            slug=slug,
            name=name,
            home_city=cities.get(home),
            max_per_week=per_week,
            members=[m for m in members if m.role in (Role.STAFF, Role.ADMIN)],
            cities=[cities[c] for c in covered if c in cities],
        )
        db.session.add(team)
        if slug == "south":
            team.absences.append(
                TeamAbsence(
                    starts_on=date(2027, 3, 1), ends_on=date(2027, 3, 7), reason="GITEX Africa"
                )
            )
    for slug in WINTER:
        city = cities.get(slug)
        if city is None:
            continue
        exists = db.session.scalar(sa.select(Closure).where(Closure.city_id == city.id))
        if exists is None:
            db.session.add(
                Closure(
                    city=city,
                    starts_on=date(2026, 12, 1),
                    ends_on=date(2027, 3, 15),
                    reason="winter road access",
                    every_year=True,
                )
            )
    db.session.flush()

    lines = []
    if db.session.scalar(sa.select(sa.func.count()).select_from(RoadmapEntry)) == 0:
        staff = db.session.scalar(sa.select(User).where(User.email == "staff@pseb.demo"))
        try:
            outcome = adapter.run_planner(staff, "board")
        except adapter.RoadmapError as error:
            return [f"meetups: roadmap not planned ({error.message})"]
        drafts = [
            e
            for e in adapter.active_entries()
            if e.state.value == "draft"
            and e.city.slug
            in {"gilgit", "sargodha", "bannu", "mingora", "islamabad", "lahore", "karachi"}
        ][:5]
        if drafts:
            adapter.publish_entries(drafts, staff)
        lines.append(
            f"meetups: roadmap planned ({len(outcome.added)} drafts), {len(drafts)} published"
        )
    return lines
