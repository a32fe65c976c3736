"""``flask seed scale``: fill a database with realistic data at scale, fast and repeatably.

Rows are built as plain dicts and written in bulk: on PostgreSQL with ``COPY`` (ids, where they
are needed, drawn from the table's sequence first), elsewhere with SQLAlchemy Core ``insert()``
in chunks. 200,000 registrations take seconds, not minutes.

Deterministic: row *i* of each kind comes from a random generator seeded with (seed, kind, i), and
times are relative to today (midnight UTC), so the same sizes give the same data on the same day.
Idempotent per size: every kind is counted first (scale rows are recognised by their users'
``@scale.engage.example`` addresses) and only the missing rows are added, so running twice with the
same sizes adds nothing, and a larger size adds just the difference.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from engagement import clock
from engagement.auth.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from engagement.directory.models import (
    City,
    Company,
    EmployeeBand,
    OverseasEntity,
    OverseasEntityType,
    Sector,
    StakeholderBody,
    StakeholderKind,
    Startup,
    StartupStage,
    company_sector,
    overseas_entity_sector,
    startup_sector,
)
from engagement.extensions import db

DOMAIN = "scale.engage.example"
#: Password of every generated account (hashed once with argon2, the hash reused).
SCALE_PASSWORD = "scale-pass-2026"
BENCH_STAFF_EMAIL = f"staff.00@{DOMAIN}"
CHUNK = 5000

FIRST_NAMES = [
    "Ahmed",
    "Ali",
    "Ayesha",
    "Bilal",
    "Danish",
    "Fatima",
    "Farhan",
    "Hamza",
    "Hina",
    "Imran",
    "Iqra",
    "Kamran",
    "Mahnoor",
    "Maryam",
    "Nadia",
    "Naveed",
    "Omar",
    "Rabia",
    "Saad",
    "Sadia",
    "Salman",
    "Sana",
    "Shahid",
    "Sidra",
    "Tahir",
    "Usman",
    "Waqas",
    "Zainab",
    "Zara",
    "Asad",
    "Bushra",
    "Faisal",
    "Ghulam",
    "Haris",
    "Javeria",
    "Junaid",
    "Khadija",
    "Mehwish",
    "Noman",
    "Qasim",
    "Rizwan",
    "Saima",
]
LAST_NAMES = [
    "Khan",
    "Ahmed",
    "Ali",
    "Butt",
    "Chaudhry",
    "Malik",
    "Qureshi",
    "Sheikh",
    "Siddiqui",
    "Raza",
    "Hussain",
    "Shah",
    "Baloch",
    "Memon",
    "Abbasi",
    "Awan",
    "Bhatti",
    "Durrani",
    "Gill",
    "Hashmi",
    "Jatoi",
    "Kazmi",
    "Lodhi",
    "Mirza",
    "Niazi",
    "Rana",
    "Soomro",
    "Tareen",
    "Yousafzai",
]
NAME_PARTS = [
    "Techlogix",
    "Indus",
    "Cloud",
    "Crescent",
    "Nexus",
    "Pixel",
    "Orbit",
    "Vertex",
    "Saffron",
    "Karakoram",
    "Ravi",
    "Margalla",
    "Bolan",
    "Zaiqa",
    "Sindh",
    "Quantum",
    "Falcon",
    "Cedar",
    "Lotus",
    "Summit",
    "Apex",
    "Meridian",
    "Horizon",
    "Beacon",
    "Arcadia",
    "Kestrel",
    "Mehran",
    "Chenab",
    "Jhelum",
    "Hunza",
    "Nanga",
    "Tharpark",
    "Shalimar",
    "Data",
    "Byte",
    "Code",
    "Logic",
    "Soft",
    "Net",
]
NAME_SUFFIXES = (
    "Solutions",
    "Technologies",
    "Systems",
    "Labs",
    "Digital",
    "Software House",
    "Innovations",
    "Consulting",
    "Networks",
    "Analytics",
)
#: Relative weight of a city for companies and startups (others 1): the big IT hubs dominate.
CITY_WEIGHTS = {
    "Lahore": 30,
    "Karachi": 30,
    "Islamabad": 28,
    "Rawalpindi": 8,
    "Peshawar": 6,
    "Faisalabad": 5,
    "Multan": 4,
    "Hyderabad": 3,
    "Quetta": 3,
    "Sialkot": 3,
    "Abbottabad": 2,
    "Gujranwala": 2,
}
#: Partner countries of PSEB's overseas entities with one of their time zones.
COUNTRIES = [
    ("US", "America/New_York"),
    ("US", "America/Los_Angeles"),
    ("US", "America/Chicago"),
    ("CA", "America/Toronto"),
    ("GB", "Europe/London"),
    ("DE", "Europe/Berlin"),
    ("NL", "Europe/Amsterdam"),
    ("FR", "Europe/Paris"),
    ("SE", "Europe/Stockholm"),
    ("AE", "Asia/Dubai"),
    ("SA", "Asia/Riyadh"),
    ("QA", "Asia/Qatar"),
    ("TR", "Europe/Istanbul"),
    ("CN", "Asia/Shanghai"),
    ("JP", "Asia/Tokyo"),
    ("KR", "Asia/Seoul"),
    ("SG", "Asia/Singapore"),
    ("MY", "Asia/Kuala_Lumpur"),
    ("AU", "Australia/Sydney"),
    ("NZ", "Pacific/Auckland"),
    ("KZ", "Asia/Almaty"),
    ("UZ", "Asia/Tashkent"),
    ("EG", "Africa/Cairo"),
    ("KE", "Africa/Nairobi"),
    ("BR", "America/Sao_Paulo"),
]
MARKETS = ["US", "GB", "AE", "SA", "DE", "CA", "AU", "NL", "QA", "SG", "CN", "MY", "TR", "SE"]
EVENT_TOPICS = [
    "Export opportunities in {m}",
    "Meeting {m} buyers: IT services",
    "Cloud and DevOps outsourcing to {m}",
    "Fintech partnerships with {m}",
    "Data protection rules for {m} clients",
    "Pitching to {m} investors",
    "Freelancers and digital services for {m}",
    "Healthtech collaboration with {m}",
    "Gaming and animation co-production with {m}",
    "Cybersecurity market in {m}",
]


@dataclass(frozen=True)
class Sizes:
    """How many of each kind to have; overseas entities, bodies and staff (0: derived from the
    number of companies) can be given too."""

    companies: int = 10_000
    startups: int = 2_000
    events: int = 2_000
    registrations: int = 200_000
    requests: int = 20_000
    overseas: int = 0
    bodies: int = 0
    staff: int = 0

    def __post_init__(self) -> None:
        derived = {
            "overseas": max(20, self.companies // 25),
            "bodies": max(10, min(300, self.companies // 50)),
            "staff": max(5, min(50, self.companies // 500)),
        }
        for name, value in derived.items():
            if not getattr(self, name):
                object.__setattr__(self, name, value)


# --- small deterministic helpers ---------------------------------------------------------------


def _rng(seed: int, kind: str, index: int) -> random.Random:
    digest = hashlib.blake2b(f"{seed}:{kind}:{index}".encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(digest, "big"))


def _token(*parts: object, length: int = 43) -> str:
    raw = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:length]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _person(rng: random.Random) -> tuple[str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", f"{first}.{last}".lower()


def _org_name(rng: random.Random, index: int) -> str:
    # The index keeps names unique however large the size.
    return f"{rng.choice(NAME_PARTS)} {rng.choice(NAME_PARTS)} {rng.choice(NAME_SUFFIXES)} {index}"


def _insert(table: sa.Table, rows: Sequence[dict[str, Any]], returning: bool = False) -> list[int]:
    """Insert ``rows`` in chunks; with ``returning``, the new ids in the order of ``rows``."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name == "postgresql":
        ids: list[int] = []
        if returning:
            # Take ids from the table's sequence first, then COPY with them: much faster than a
            # multi-row INSERT ... RETURNING, and safe beside other writers.
            ids = list(
                db.session.scalars(
                    sa.text(
                        "SELECT nextval(pg_get_serial_sequence(:table, 'id')) "
                        "FROM generate_series(1, :n)"
                    ),
                    {"table": f'"{table.name}"', "n": len(rows)},
                )
            )
            rows = [{"id": new_id, **row} for new_id, row in zip(ids, rows, strict=True)]
        _copy(table, rows)
        return ids
    ids = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning:
            statement = sa.insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids.extend(db.session.execute(statement, chunk).scalars())
        else:
            db.session.execute(sa.insert(table), chunk)
    return ids


def _copy(table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    """PostgreSQL ``COPY ... FROM STDIN`` in the session's transaction: the fastest bulk path."""
    columns = list(rows[0])
    names = ", ".join(f'"{name}"' for name in columns)
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            # Enum members go in as their values (what the VARCHAR + CHECK columns hold).
            copy.write_row(
                [v.value if isinstance(v, enum.Enum) else v for v in (row[c] for c in columns)]
            )


def _count(statement: sa.Select) -> int:
    return db.session.scalar(statement) or 0


def _scale_users(prefix: str) -> sa.Select:
    """Ids of generated users whose address starts with ``prefix``, in index order."""
    return (
        sa.select(User.id)
        .where(User.email.like(f"{prefix}.%@{DOMAIN}"))
        .order_by(User.email)  # zero-padded indexes: email order is index order
    )


# --- the generator -----------------------------------------------------------------------------


class ScaleSeeder:
    """Adds whatever rows are missing for ``sizes``; ``run()`` returns printable lines."""

    def __init__(self, sizes: Sizes, seed: int = 2026, echo: Callable[[str], None] = print) -> None:
        self.sizes = sizes
        self.seed = seed
        self.echo = echo
        self.today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.cities = list(db.session.execute(sa.select(City.id, City.name).order_by(City.id)))
        self.city_weights = [CITY_WEIGHTS.get(name, 1) for _id, name in self.cities]
        self.sector_ids = list(db.session.scalars(sa.select(Sector.id).order_by(Sector.id)))
        if not self.cities or not self.sector_ids:
            raise click.ClickException("no reference data: run `flask seed reference` first")
        self._password_hash: str | None = None

    @property
    def password_hash(self) -> str:
        if self._password_hash is None:
            from engagement.auth.services import hash_password

            self._password_hash = hash_password(SCALE_PASSWORD)  # argon2 once, reused
        return self._password_hash

    def _city(self, rng: random.Random) -> int:
        return rng.choices(self.cities, weights=self.city_weights)[0][0]

    def _sectors(self, rng: random.Random, most: int = 3) -> list[int]:
        return rng.sample(self.sector_ids, rng.randint(1, most))

    def _past(self, rng: random.Random, days: int) -> datetime:
        return self.today - timedelta(days=rng.uniform(1, days), minutes=rng.randint(0, 1439))

    def _user_row(self, email: str, name: str, role: Role, created: datetime) -> dict[str, Any]:
        return {
            "email": email,
            "name": name,
            "password_hash": self.password_hash,
            "role": role,
            "active": True,
            "email_verified_at": created,
            "timezone": None,
            "security_stamp": _token(email, "stamp", length=32),
            "calendar_token": _token(email, "calendar"),
            "created_at": created,
            "updated_at": created,
        }

    def run(self) -> list[str]:
        steps = [
            ("staff", self.staff),
            ("companies", self.companies),
            ("startups", self.startups),
            ("overseas entities", self.overseas),
            ("stakeholder bodies", self.bodies),
            ("events", self.events),
            ("registrations", self.registrations),
            ("facilitation requests", self.requests),
        ]
        lines = []
        for label, step in steps:
            started = time.perf_counter()
            added = step()
            db.session.flush()
            seconds = time.perf_counter() - started
            lines.append(f"{label}: {added} added ({seconds:.1f} s)")
            self.echo(lines[-1])
        lines.append(f"staff login for the bench: {BENCH_STAFF_EMAIL} / {SCALE_PASSWORD}")
        self.echo(lines[-1])
        return lines

    # --- people and organisations ---

    def staff(self) -> int:
        have = _count(sa.select(sa.func.count()).select_from(_scale_users("staff").subquery()))
        rows = []
        for i in range(have, self.sizes.staff):
            rng = _rng(self.seed, "staff", i)
            name, _ = _person(rng)
            rows.append(
                self._user_row(f"staff.{i:02d}@{DOMAIN}", name, Role.STAFF, self._past(rng, 900))
            )
        _insert(User.__table__, rows)
        return len(rows)

    def _organisations(
        self, prefix: str, kind: OrganisationKind, role: Role, total: int
    ) -> tuple[int, list[tuple[int, int, random.Random, str, datetime]]]:
        """Create missing organisations with an owner each: (have, [(org id, user id, rng, name, created)])."""
        have = _count(sa.select(sa.func.count()).select_from(_scale_users(prefix).subquery()))
        specs, orgs, users = [], [], []
        for i in range(have, total):
            rng = _rng(self.seed, prefix, i)
            org_name = _org_name(rng, i)
            person, handle = _person(rng)
            created = self._past(rng, 1500)
            specs.append((rng, org_name, created))
            orgs.append(
                {"name": org_name, "kind": kind, "created_at": created, "updated_at": created}
            )
            users.append(self._user_row(f"{prefix}.{i:06d}@{DOMAIN}", person, role, created))
        org_ids = _insert(Organisation.__table__, orgs, returning=True)
        user_ids = _insert(User.__table__, users, returning=True)
        _insert(
            Membership.__table__,
            [
                {
                    "user_id": u,
                    "organisation_id": o,
                    "role": MembershipRole.OWNER,
                    "created_at": spec[2],
                    "updated_at": spec[2],
                }
                for u, o, spec in zip(user_ids, org_ids, specs, strict=True)
            ],
        )
        return have, [
            (o, u, rng, name, created)
            for o, u, (rng, name, created) in zip(org_ids, user_ids, specs, strict=True)
        ]

    def companies(self) -> int:
        have, new = self._organisations(
            "company", OrganisationKind.COMPANY, Role.COMPANY, self.sizes.companies
        )
        rows, sectors = [], []
        bands = list(EmployeeBand)
        for n, (org_id, _user_id, rng, name, created) in enumerate(new, start=have):
            verified = rng.random() < 0.85
            rows.append(
                {
                    "organisation_id": org_id,
                    "legal_name": f"{name} (Pvt) Ltd",
                    "registration_number": f"PSEB/{rng.randint(2005, 2026)}/{n + 1}"
                    if verified or rng.random() < 0.5
                    else None,
                    "registration_verified_at": created + timedelta(days=rng.randint(1, 60))
                    if verified
                    else None,
                    "city_id": self._city(rng),
                    "employee_band": rng.choices(bands, weights=[30, 35, 20, 10, 5])[0],
                    "export_markets": ",".join(rng.sample(MARKETS, rng.randint(0, 4))),
                    "website": f"https://{_slug(name)}.example.pk",
                    "description": f"{name} builds software and IT-enabled services for clients "
                    f"in {rng.randint(1, 20)} countries.",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            sectors.append(self._sectors(rng))
        ids = _insert(Company.__table__, rows, returning=True)
        _insert(
            company_sector,
            [
                {"company_id": c, "sector_id": s}
                for c, ss in zip(ids, sectors, strict=True)
                for s in ss
            ],
        )
        return len(rows)

    def startups(self) -> int:
        have, new = self._organisations(
            "startup", OrganisationKind.STARTUP, Role.STARTUP, self.sizes.startups
        )
        rows, sectors = [], []
        stages = list(StartupStage)
        for org_id, _user_id, rng, name, created in new:
            founders = "\n".join(_person(rng)[0] for _ in range(rng.randint(1, 3)))
            rows.append(
                {
                    "organisation_id": org_id,
                    "name": name,
                    "founding_year": rng.randint(2012, 2026),
                    "stage": rng.choices(stages, weights=[20, 35, 30, 15])[0],
                    "city_id": self._city(rng),
                    "founders": founders,
                    "website": f"https://{_slug(name)}.example.pk",
                    "description": f"{name}: a startup in {rng.choice(NAME_PARTS)} valley.",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            sectors.append(self._sectors(rng, 2))
        ids = _insert(Startup.__table__, rows, returning=True)
        _insert(
            startup_sector,
            [
                {"startup_id": c, "sector_id": s}
                for c, ss in zip(ids, sectors, strict=True)
                for s in ss
            ],
        )
        return len(rows)

    def overseas(self) -> int:
        marker = f"%[{DOMAIN}]"
        have = _count(
            sa.select(sa.func.count())
            .select_from(OverseasEntity)
            .where(OverseasEntity.description.like(marker))
        )
        rows, sectors = [], []
        types = list(OverseasEntityType)
        for i in range(have, self.sizes.overseas):
            rng = _rng(self.seed, "overseas", i)
            country, zone = rng.choice(COUNTRIES)
            kind = rng.choice(types)
            name = f"{rng.choice(NAME_PARTS)} {kind.value.replace('_', ' ').title()} {country} {i}"
            created = self._past(rng, 1500)
            rows.append(
                {
                    "name": name,
                    "country_code": country,
                    "timezone": zone,
                    "entity_type": kind,
                    "website": f"https://{_slug(name)}.example.com",
                    "description": f"Partner of PSEB since {rng.randint(2015, 2026)}. [{DOMAIN}]",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            sectors.append(self._sectors(rng))
        ids = _insert(OverseasEntity.__table__, rows, returning=True)
        _insert(
            overseas_entity_sector,
            [
                {"overseas_entity_id": c, "sector_id": s}
                for c, ss in zip(ids, sectors, strict=True)
                for s in ss
            ],
        )
        return len(rows)

    def bodies(self) -> int:
        from engagement.directory.models import Contact, Province

        have = _count(
            sa.select(sa.func.count())
            .select_from(StakeholderBody)
            .where(StakeholderBody.website.like(f"%.{DOMAIN}"))
        )
        provinces = list(db.session.scalars(sa.select(Province.id).order_by(Province.id)))
        rows, contacts = [], []
        kinds = list(StakeholderKind)
        for i in range(have, self.sizes.bodies):
            rng = _rng(self.seed, "body", i)
            kind = rng.choice(kinds)
            name = f"{rng.choice(NAME_PARTS)} {kind.value.replace('_', ' ').title()} {i}"
            created = self._past(rng, 1500)
            rows.append(
                {
                    "name": name,
                    "kind": kind,
                    "province_id": rng.choice([None, *provinces]),
                    "website": f"https://{_slug(name)}.{DOMAIN}",
                    "created_at": created,
                    "updated_at": created,
                }
            )
            contacts.append(
                [
                    (person, handle, rng.choice(["Director", "Secretary", "Focal person"]))
                    for person, handle in (_person(rng) for _ in range(rng.randint(1, 3)))
                ]
            )
        ids = _insert(StakeholderBody.__table__, rows, returning=True)
        _insert(
            Contact.__table__,
            [
                {
                    "body_id": body_id,
                    "name": person,
                    "position": position,
                    "email": f"{handle}{body_id}@{DOMAIN}",
                    "phone": f"+92-51-{body_id % 10000:04d}{n}",
                    "created_at": self.today,
                    "updated_at": self.today,
                }
                for body_id, people in zip(ids, contacts, strict=True)
                for n, (person, handle, position) in enumerate(people)
            ],
        )
        return len(rows)

    # --- events and registrations ---

    def _staff_ids(self) -> list[int]:
        return list(db.session.scalars(_scale_users("staff")))

    def _scale_events(self) -> sa.Select:
        return (
            sa.select(_event_table().c.id)
            .where(_event_table().c.created_by_id.in_(_scale_users("staff").scalar_subquery()))
            .order_by(_event_table().c.id)
        )

    def events(self) -> int:
        from engagement.events.models import EventKind, EventState

        event = _event_table()
        staff = self._staff_ids()
        have = _count(sa.select(sa.func.count()).select_from(self._scale_events().subquery()))
        partners = list(
            db.session.execute(
                sa.select(OverseasEntity.id, OverseasEntity.country_code, OverseasEntity.timezone)
                .where(OverseasEntity.description.like(f"%[{DOMAIN}]"))
                .order_by(OverseasEntity.id)
            )
        )
        rows, extras = [], []
        for i in range(have, self.sizes.events):
            rng = _rng(self.seed, "event", i)
            kind = EventKind.WEBINAR if rng.random() < 0.6 else EventKind.MEETUP
            # From 18 months ago to 6 months ahead: most events are in the past, as in real life.
            starts = self.today + timedelta(
                days=rng.randint(-540, 180), hours=rng.choice(range(4, 14))
            )
            minutes = (
                rng.choice([60, 90, 120]) if kind == EventKind.WEBINAR else rng.choice([180, 240])
            )
            partner = rng.choice(partners)
            city_id = self._city(rng)
            if starts < self.today:
                state = EventState.CANCELLED if rng.random() < 0.06 else EventState.COMPLETED
            else:
                state = rng.choices(
                    [
                        EventState.PUBLISHED,
                        EventState.DRAFT,
                        EventState.REGISTRATION_CLOSED,
                        EventState.CANCELLED,
                    ],
                    weights=[85, 6, 6, 3],
                )[0]
            capacity = (
                rng.choice([100, 150, 200, 300, 500])
                if kind == EventKind.WEBINAR
                else rng.choice([30, 50, 80, 120, 150])
            )
            if kind == EventKind.WEBINAR:
                market = partner[1]
                title = rng.choice(EVENT_TOPICS).format(m=market)
            else:
                city_name = next(name for cid, name in self.cities if cid == city_id)
                title = f"PSEB industry meetup: {city_name}"
            created = starts - timedelta(days=rng.randint(14, 60))
            cancelled = state == EventState.CANCELLED
            rows.append(
                {
                    "kind": kind,
                    "title": title,
                    "description": f"**{title}**\n\nOrganised by PSEB for IT and ITeS companies.",
                    "state": state,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=minutes),
                    "timezone": partner[2] if kind == EventKind.WEBINAR else "Asia/Karachi",
                    "capacity": capacity,
                    "seat_limit_per_org": rng.choice([None, None, 2, 3, 5, 10]),
                    "registration_opens_at": created + timedelta(days=1),
                    "registration_closes_at": starts - timedelta(hours=rng.choice([1, 12, 24])),
                    "waitlist_enabled": rng.random() < 0.9,
                    "recording_url": f"https://video.example.pk/{i}"
                    if state == EventState.COMPLETED and kind == EventKind.WEBINAR
                    else None,
                    "cancelled_reason": "Speaker unavailable" if cancelled else None,
                    "cancelled_at": created + timedelta(days=3) if cancelled else None,
                    "feedback_sent_at": starts + timedelta(days=1)
                    if state == EventState.COMPLETED
                    else None,
                    "created_by_id": staff[i % len(staff)],
                    "created_at": created,
                    "updated_at": created,
                }
            )
            extras.append((rng, kind, partner, city_id, created))
        ids = _insert(event, rows, returning=True)
        self._event_extras(ids, extras)
        return len(rows)

    def _event_extras(self, ids: list[int], extras: list[tuple]) -> None:
        """The webinar and meetup features' rows for new events (when those features exist)."""
        tables = db.metadata.tables
        webinars, partners, sectors, meetups = [], [], [], []
        venues = self._venues() if "meetup" in tables else {}
        for event_id, (rng, kind, partner, city_id, created) in zip(ids, extras, strict=True):
            if kind == "webinar" and "webinar" in tables:
                speakers = "\n".join(
                    f"{_person(rng)[0]}, {rng.choice(['CEO', 'CTO', 'Director'])}"
                    for _ in range(rng.randint(1, 3))
                )
                webinars.append(
                    {
                        "event_id": event_id,
                        "speakers": speakers,
                        "platform": rng.choice(["Zoom", "Microsoft Teams", "Google Meet"]),
                        "join_url": f"https://meet.example.com/pseb-{event_id}",
                        "created_at": created,
                        "updated_at": created,
                    }
                )
                partners.append({"webinar_id": event_id, "overseas_entity_id": partner[0]})
                sectors.extend(
                    {"webinar_id": event_id, "sector_id": s} for s in self._sectors(rng, 2)
                )
            elif kind == "meetup" and "meetup" in tables:
                meetups.append(
                    {
                        "event_id": event_id,
                        "city_id": city_id,
                        "venue_id": rng.choice(venues[city_id]),
                        "team_id": None,
                        "agenda": "Welcome\nPSEB services\nPanel: exporting IT services\nNetworking",
                        "created_at": created,
                        "updated_at": created,
                    }
                )
        _insert(tables["webinar"], webinars)
        if partners:
            _insert(tables["webinar_partner"], partners)
            _insert(tables["webinar_sector"], sectors)
        if meetups:
            _insert(tables["meetup"], meetups)

    def _venues(self) -> dict[int, list[int]]:
        """Two generated venues per city (an STP and a university hall): city id → venue ids."""
        venue = db.metadata.tables["venue"]
        marker = f"%[{DOMAIN}]"
        found: dict[int, list[int]] = {}
        for city_id, venue_id in db.session.execute(
            sa.select(venue.c.city_id, venue.c.id)
            .where(venue.c.address.like(marker))
            .order_by(venue.c.id)
        ):
            found.setdefault(city_id, []).append(venue_id)
        rows = []
        for city_id, name in self.cities:
            if city_id in found:
                continue
            for kind, label, capacity in (
                ("stp", "Software Technology Park", 150),
                ("university", "University hall", 120),
            ):
                rows.append(
                    {
                        "city_id": city_id,
                        "name": f"{name} {label} (scale)",
                        "kind": kind,
                        "stp_status": "operating" if kind == "stp" else None,
                        "capacity": capacity,
                        "address": f"Main Boulevard, {name} [{DOMAIN}]",
                        "facilities": "Projector, Wi-Fi",
                        "active": True,
                        "created_at": self.today,
                        "updated_at": self.today,
                    }
                )
        ids = _insert(venue, rows, returning=True)
        for row, venue_id in zip(rows, ids, strict=True):
            found.setdefault(row["city_id"], []).append(venue_id)
        return found

    def registrations(self) -> int:
        """Spread ``sizes.registrations`` over the scale events, never beyond capacity."""
        from engagement.events.models import SEAT_STATES, EventState, RegistrationState

        event = _event_table()
        registration = db.metadata.tables["registration"]
        events = list(
            db.session.execute(
                sa.select(
                    event.c.id,
                    event.c.state,
                    event.c.capacity,
                    event.c.seat_limit_per_org,
                    event.c.waitlist_enabled,
                    event.c.starts_at,
                    event.c.registration_opens_at,
                )
                .where(event.c.id.in_(self._scale_events().scalar_subquery()))
                .order_by(event.c.id)
            )
        )
        if not events:
            return 0
        counts = dict(
            db.session.execute(
                sa.select(registration.c.event_id, sa.func.count())
                .where(registration.c.event_id.in_([e.id for e in events]))
                .group_by(registration.c.event_id)
            ).all()
        )
        seats = dict(
            db.session.execute(
                sa.select(registration.c.event_id, sa.func.count())
                .where(
                    registration.c.event_id.in_([e.id for e in events]),
                    registration.c.state.in_(SEAT_STATES),
                )
                .group_by(registration.c.event_id)
            ).all()
        )
        quotas = _quotas(
            [
                _rng(self.seed, "quota", n).uniform(0.3, 1.7) * e.capacity
                for n, e in enumerate(events)
            ],
            self.sizes.registrations,
        )
        orgs = list(
            db.session.execute(
                sa.select(Membership.organisation_id, Membership.user_id)
                .join(User, User.id == Membership.user_id)
                .where(User.email.like(f"%@{DOMAIN}"), User.role.in_([Role.COMPANY, Role.STARTUP]))
                .order_by(Membership.organisation_id)
            )
        )
        rows: list[dict[str, Any]] = []
        added = 0
        # Only the missing total is added (events keep what they have when quotas shift).
        missing = self.sizes.registrations - sum(counts.values())
        for n, (e, quota) in enumerate(zip(events, quotas, strict=True)):
            have = counts.get(e.id, 0)
            if have >= quota or missing <= 0:
                continue
            quota = have + min(quota - have, missing)
            missing -= quota - have
            # Seeded by the event's position, not its id: ids differ between databases.
            rng = _rng(self.seed, "registrations", n)
            taken = seats.get(e.id, 0)
            per_org = e.seat_limit_per_org or rng.randint(1, 4)
            offset = rng.randrange(len(orgs))
            past = e.state == EventState.COMPLETED
            for j in range(quota):
                # Each j draws the same random numbers whether or not it is added now.
                person, handle = _person(rng)
                roll, when = rng.random(), rng.uniform(0, 1)
                if j < have:
                    continue
                org_id, user_id = (None, None)
                if j % 10 != 9:  # one in ten registers as an individual
                    org_id, user_id = orgs[(offset + (j // per_org) * 7919) % len(orgs)]
                opens = e.registration_opens_at or e.starts_at - timedelta(days=30)
                registered = opens + (e.starts_at - opens) * when * 0.95
                if e.state == EventState.CANCELLED or roll < 0.05:
                    state = RegistrationState.CANCELLED
                elif taken < e.capacity:
                    if past:
                        state = (
                            RegistrationState.ATTENDED if roll < 0.8 else RegistrationState.NO_SHOW
                        )
                    else:
                        state = RegistrationState.CONFIRMED
                elif e.waitlist_enabled and not past:
                    state = RegistrationState.WAITLISTED
                else:
                    state = RegistrationState.CANCELLED
                if state in SEAT_STATES:
                    taken += 1
                rows.append(
                    {
                        "event_id": e.id,
                        "name": person,
                        "email": f"{handle}.{j}@{DOMAIN}",
                        "user_id": user_id,
                        "organisation_id": org_id,
                        "state": state,
                        "ticket_token": _token(self.seed, "ticket", e.id, j),  # unique, not shown
                        "waitlisted_at": registered
                        if state == RegistrationState.WAITLISTED
                        else None,
                        "confirmed_at": registered if state in SEAT_STATES else None,
                        "cancelled_at": registered + timedelta(hours=2)
                        if state == RegistrationState.CANCELLED
                        else None,
                        "checked_in_at": e.starts_at
                        if state == RegistrationState.ATTENDED
                        else None,
                        "checked_in_by_id": None,
                        "created_at": registered,
                        "updated_at": registered,
                    }
                )
            if len(rows) >= CHUNK * 4:
                _insert(registration, rows)
                added += len(rows)
                rows = []
        _insert(registration, rows)
        return added + len(rows)

    # --- facilitation ---

    def requests(self) -> int:
        if "facilitation_request" not in db.metadata.tables:
            return 0
        from engagement.facilitation.models import (
            CLOSED_STATES,
            Currency,
            FacilitationRequest,
            RequestEvent,
            RequestState,
            ResolutionOutcome,
            Sphere,
        )

        table = FacilitationRequest.__table__
        have = _count(
            sa.select(sa.func.count())
            .select_from(table)
            .where(table.c.created_by_id.in_(_scale_users("startup").scalar_subquery()))
        )
        founders = list(
            db.session.execute(
                sa.select(Membership.organisation_id, Membership.user_id)
                .where(Membership.user_id.in_(_scale_users("startup").scalar_subquery()))
                .order_by(Membership.user_id)
            )
        )
        if not founders:
            return 0
        staff = self._staff_ids()
        states = list(RequestState)
        weights = [5, 15, 20, 10, 10, 25, 8, 7]
        spheres = list(Sphere)
        outcomes = list(ResolutionOutcome)
        stages = list(StartupStage)
        rows, audits = [], []
        for i in range(have, self.sizes.requests):
            rng = _rng(self.seed, "request", i)
            org_id, user_id = founders[rng.randrange(len(founders))]
            sphere = rng.choice(spheres)
            state = rng.choices(states, weights=weights)[0]
            created = self._past(rng, 720)
            submitted = (
                None
                if state == RequestState.DRAFT
                else created + timedelta(hours=rng.randint(1, 72))
            )
            due = submitted + timedelta(days=rng.choice([3, 4, 5])) if submitted else None
            responded = (
                submitted + timedelta(hours=rng.randint(2, 150))
                if submitted and state not in (RequestState.SUBMITTED, RequestState.DRAFT)
                else None
            )
            closed = state in CLOSED_STATES
            closed_at = (
                (responded or submitted or created) + timedelta(days=rng.randint(1, 60))
                if closed
                else None
            )
            capital = sphere == Sphere.CAPITAL_AVAILABILITY
            currency = rng.choice(list(Currency)) if capital else None
            rows.append(
                {
                    "organisation_id": org_id,
                    "created_by_id": user_id,
                    "assignee_id": rng.choice(staff) if responded else None,
                    "sphere": sphere,
                    "state": state,
                    "title": f"{sphere.label} support for {rng.choice(NAME_PARTS)} {rng.choice(['expansion', 'launch', 'pilot', 'hiring', 'office'])}",
                    "summary": "We need PSEB's help to grow: " + rng.choice(MARKETS),
                    "details": "Details of the request. " * rng.randint(1, 8),
                    "city_id": self._city(rng),
                    "sector_id": rng.choice(self.sector_ids),
                    "stage": rng.choice(stages) if capital else None,
                    "amount_sought": Decimal(
                        rng.randint(1, 500) * (1000 if currency == Currency.USD else 100_000)
                    )
                    if capital
                    else None,
                    "currency": currency,
                    "use_of_funds": "Hiring and marketing" if capital else "",
                    "traction": f"{rng.randint(0, 5000)} paying users" if capital else "",
                    "seats_needed": rng.randint(2, 40) if sphere == Sphere.INFRASTRUCTURE else None,
                    "needed_from": (created + timedelta(days=rng.randint(14, 120))).date()
                    if sphere == Sphere.INFRASTRUCTURE
                    else None,
                    "submitted_at": submitted,
                    "first_response_due_at": due,
                    "first_response_at": responded,
                    "needs_information_at": responded
                    if state == RequestState.NEEDS_INFORMATION
                    else None,
                    "closed_at": closed_at,
                    "outcome": rng.choice(outcomes) if state == RequestState.RESOLVED else None,
                    "outcome_note": "Done." if state == RequestState.RESOLVED else "",
                    "decline_reason": "Outside PSEB's remit"
                    if state == RequestState.DECLINED
                    else None,
                    "created_at": created,
                    "updated_at": closed_at or responded or submitted or created,
                }
            )
            audits.append((state, submitted, responded, closed_at, user_id))
        ids = _insert(table, rows, returning=True)
        audit_rows = []
        for request_id, row, (state, submitted, responded, closed_at, user_id) in zip(
            ids, rows, audits, strict=True
        ):
            if submitted is None:
                continue
            audit_rows.append(
                {
                    "request_id": request_id,
                    "actor_id": user_id,
                    "kind": "state",
                    "from_state": RequestState.DRAFT,
                    "to_state": RequestState.SUBMITTED,
                    "comment": None,
                    "created_at": submitted,
                }
            )
            if state != RequestState.SUBMITTED:
                audit_rows.append(
                    {
                        "request_id": request_id,
                        "actor_id": row["assignee_id"] or user_id,
                        "kind": "state",
                        "from_state": RequestState.SUBMITTED,
                        "to_state": state,
                        "comment": None,
                        "created_at": closed_at or responded or submitted,
                    }
                )
        _insert(RequestEvent.__table__, audit_rows)
        return len(rows)


def _event_table() -> sa.Table:
    return db.metadata.tables["event"]


def _quotas(weights: Sequence[float], total: int) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainders)."""
    whole = sum(weights) or 1.0
    exact = [w * total / whole for w in weights]
    quotas = [int(x) for x in exact]
    remainders = sorted(range(len(exact)), key=lambda k: exact[k] - quotas[k], reverse=True)
    for k in remainders[: total - sum(quotas)]:
        quotas[k] += 1
    return quotas


def seed_scale(sizes: Sizes, seed: int = 2026, echo: Callable[[str], None] = print) -> list[str]:
    """Add the missing scale rows for ``sizes`` (reference data must be loaded)."""
    return ScaleSeeder(sizes, seed, echo).run()


@click.command("scale")
@with_appcontext
@click.option("--companies", default=Sizes.companies, show_default=True)
@click.option("--startups", default=Sizes.startups, show_default=True)
@click.option("--events", default=Sizes.events, show_default=True)
@click.option("--registrations", default=Sizes.registrations, show_default=True)
@click.option("--requests", default=Sizes.requests, show_default=True)
@click.option("--seed", "random_seed", default=2026, show_default=True, help="Random seed.")
def scale_command(
    companies: int, startups: int, events: int, registrations: int, requests: int, random_seed: int
) -> None:
    """Bulk-load realistic data at scale (idempotent per size; prints a staff login)."""
    from engagement.seed import load_reference

    started = time.perf_counter()
    load_reference()
    sizes = Sizes(companies, startups, events, registrations, requests)
    seed_scale(sizes, random_seed, click.echo)
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        # Fresh statistics: until autovacuum gets to them, the planner guesses on a bulk-loaded
        # table (and picks sequential scans over 200,000 registrations).
        # VACUUM as well: it sets the visibility map that index-only scans need (the
        # dashboard's seat counts), which autovacuum would do later on a live database.
        analyzed = time.perf_counter()
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        click.echo(f"VACUUM ANALYZE: {time.perf_counter() - analyzed:.1f} s")
    click.echo(f"done in {time.perf_counter() - started:.1f} s")
