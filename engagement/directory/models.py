"""Reference data and directory entries."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engagement import clock
from engagement.db import TimestampMixin, enum_type
from engagement.extensions import db

# --- Reference data: rows with stable ids, loaded by `flask seed reference` -----------------


class Province(db.Model):
    """A province or territory of Pakistan."""

    __tablename__ = "province"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)


class District(db.Model):
    """A district with its consumption-poverty estimate (World Bank Data4Pakistan, 2018)."""

    __tablename__ = "district"
    __table_args__ = (
        sa.UniqueConstraint("province_id", "name"),
        sa.CheckConstraint(
            "poverty_rate IS NULL OR (poverty_rate >= 0 AND poverty_rate <= 100)",
            name="poverty_rate_percent",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("province.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    division: Mapped[str | None] = mapped_column(sa.String(80))
    population: Mapped[int | None]
    #: Percent of the population under the poverty line.
    poverty_rate: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))

    province: Mapped[Province] = relationship()


class City(db.Model):
    """A city where PSEB may hold meetups; ``slug`` is the stable id used in roadmap files."""

    __tablename__ = "city"
    __table_args__ = (
        sa.CheckConstraint("meetup_priority >= 1 AND meetup_priority <= 10", name="priority_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    province_id: Mapped[int] = mapped_column(sa.ForeignKey("province.id"), index=True)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("district.id"), index=True)
    latitude: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    longitude: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    #: PSEB's flag for relatively underdeveloped areas named for Software Technology Parks.
    pseb_focus: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Staff-set meetup priority (1 = least need, 10 = most); see roadmap.priority for the suggestion.
    meetup_priority: Mapped[int] = mapped_column(default=1, server_default="1")

    province: Mapped[Province] = relationship(lazy="joined")
    district: Mapped[District | None] = relationship()


class Sector(db.Model):
    """An IT/ITeS sector; the one list used everywhere (companies, startups, events)."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True)


#: The sectors, in display order. `flask seed reference` loads them; ids never change.
SECTORS = [
    ("software-development", "Software development"),
    ("it-enabled-services", "IT-enabled services (ITeS/BPO)"),
    ("fintech", "Fintech"),
    ("healthtech", "Healthtech"),
    ("edtech", "Edtech"),
    ("agritech", "Agritech"),
    ("ecommerce", "E-commerce"),
    ("ai-data", "AI and data science"),
    ("cybersecurity", "Cybersecurity"),
    ("cloud-devops", "Cloud and DevOps"),
    ("gaming-animation", "Gaming and animation"),
    ("telecom", "Telecom and IoT"),
    ("freelancing", "Freelancing and digital services"),
    ("blockchain", "Blockchain"),
]


def _sector_table(name: str, owner: str) -> sa.Table:
    return sa.Table(
        name,
        db.metadata,
        sa.Column(
            f"{owner}_id", sa.ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("sector_id", sa.ForeignKey("sector.id"), primary_key=True, index=True),
    )


company_sector = _sector_table("company_sector", "company")
startup_sector = _sector_table("startup_sector", "startup")
overseas_entity_sector = _sector_table("overseas_entity_sector", "overseas_entity")


# --- Directory -------------------------------------------------------------------------------


class EmployeeBand(enum.StrEnum):
    B1_10 = "1-10"
    B11_50 = "11-50"
    B51_250 = "51-250"
    B251_1000 = "251-1000"
    B1000_PLUS = "1000+"


class StartupStage(enum.StrEnum):
    IDEA = "idea"
    PRE_SEED = "pre_seed"
    SEED = "seed"
    SERIES_A_PLUS = "series_a_plus"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self.value]  # type: ignore[return-value]


#: What people read for each value (the stored value stays the enum's); translated when shown.
STAGE_LABELS = {
    "idea": _l("Idea"),
    "pre_seed": _l("Pre-seed"),
    "seed": _l("Seed"),
    "series_a_plus": _l("Series A+"),
}


class OverseasEntityType(enum.StrEnum):
    CHAMBER = "chamber"
    COMPANY = "company"
    GOVERNMENT = "government"
    INVESTOR = "investor"
    UNIVERSITY = "university"
    TRADE_BODY = "trade_body"

    @property
    def label(self) -> str:
        return ENTITY_TYPE_LABELS[self.value]  # type: ignore[return-value]


ENTITY_TYPE_LABELS = {
    "chamber": _l("Chamber"),
    "company": _l("Company"),
    "government": _l("Government"),
    "investor": _l("Investor"),
    "university": _l("University"),
    "trade_body": _l("Trade body"),
}


class StakeholderKind(enum.StrEnum):
    PROVINCIAL_IT_BOARD = "provincial_it_board"
    MINISTRY = "ministry"
    ASSOCIATION = "association"
    PUBLIC_BODY = "public_body"
    PRIVATE_BODY = "private_body"

    @property
    def label(self) -> str:
        return STAKEHOLDER_KIND_LABELS[self.value]  # type: ignore[return-value]


STAKEHOLDER_KIND_LABELS = {
    "provincial_it_board": _l("Provincial IT board"),
    "ministry": _l("Ministry"),
    "association": _l("Association"),
    "public_body": _l("Public body"),
    "private_body": _l("Private body"),
}


#: PSEB registration numbers look like ``PSEB/2020/1234`` (year, then 1 to 6 digits).
REGISTRATION_NUMBER_PATTERN = r"^PSEB/(19|20)\d{2}/\d{1,6}$"


class Company(TimestampMixin, db.Model):
    """A PSEB-registered (or registering) IT/ITeS company."""

    __tablename__ = "company"
    __table_args__ = (
        sa.CheckConstraint(
            "registration_number IS NULL OR registration_number LIKE 'PSEB/%'",
            name="registration_number_prefix",
        ),
        sa.CheckConstraint(
            "registration_verified_at IS NULL OR registration_number IS NOT NULL",
            name="verified_has_number",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), unique=True
    )
    legal_name: Mapped[str] = mapped_column(sa.String(200), index=True)
    #: PSEB registration number, unique; optional until staff verify it.
    registration_number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    registration_verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"), index=True)
    employee_band: Mapped[EmployeeBand | None] = mapped_column(
        enum_type(EmployeeBand, "employee_band")
    )
    #: ISO 3166 alpha-2 codes, comma-separated (e.g. ``US,GB,AE``).
    export_markets: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    website: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Public showcase (/companies/): shown only when opted in and the registration is verified.
    #: The company asked to be listed in the public showcase.
    showcase_opt_in: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: Services offered, comma-separated free text ("Custom software, QA, DevOps").
    services: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    #: Certification codes from CERTIFICATIONS, comma-separated.
    certifications: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    #: Other certifications, free text.
    certifications_other: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    founded_year: Mapped[int | None]
    #: A buyer-facing pitch of a sentence or two.
    pitch: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")

    city: Mapped[City | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=company_sector, order_by=Sector.id)
    organisation = relationship("Organisation")
    verified_by = relationship("User", foreign_keys=[verified_by_id])

    @property
    def verified(self) -> bool:
        return self.registration_verified_at is not None

    @property
    def showcased(self) -> bool:
        return self.showcase_opt_in and self.verified

    @property
    def service_list(self) -> list[str]:
        return [item.strip() for item in (self.services or "").split(",") if item.strip()]

    @property
    def certification_list(self) -> list[str]:
        codes = [c for c in (self.certifications or "").split(",") if c]
        labels = [CERTIFICATIONS.get(code, code) for code in codes]
        if self.certifications_other:
            labels.append(self.certifications_other)
        return labels

    @property
    def export_market_list(self) -> list[str]:
        return [c for c in (self.export_markets or "").split(",") if c]


#: Certifications a buyer asks about (code → label); more go in ``certifications_other``.
CERTIFICATIONS = {
    "iso27001": "ISO 27001",
    "iso9001": "ISO 9001",
    "cmmi3": _l("CMMI level 3"),
    "cmmi5": _l("CMMI level 5"),
}


class Startup(TimestampMixin, db.Model):
    """A startup, usually represented by its founders."""

    __tablename__ = "startup"
    __table_args__ = (
        sa.CheckConstraint("founding_year BETWEEN 1990 AND 2100", name="founding_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id"), unique=True
    )
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    founding_year: Mapped[int | None]
    stage: Mapped[StartupStage | None] = mapped_column(enum_type(StartupStage, "startup_stage"))
    city_id: Mapped[int | None] = mapped_column(sa.ForeignKey("city.id"), index=True)
    #: Founders' names, one per line.
    founders: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    website: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    city: Mapped[City | None] = relationship()
    sectors: Mapped[list[Sector]] = relationship(secondary=startup_sector, order_by=Sector.id)
    organisation = relationship("Organisation")


class OverseasEntity(TimestampMixin, db.Model):
    """A foreign chamber, company, government body, investor, university or trade body."""

    __tablename__ = "overseas_entity"
    __table_args__ = (
        sa.CheckConstraint("length(country_code) = 2", name="country_code_alpha2"),
        sa.CheckConstraint("country_code = upper(country_code)", name="country_code_upper"),
        sa.UniqueConstraint("name", "country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    #: ISO 3166-1 alpha-2, upper case.
    country_code: Mapped[str] = mapped_column(sa.String(2), index=True)
    #: IANA time zone, e.g. ``Europe/Berlin``.
    timezone: Mapped[str] = mapped_column(sa.String(64))
    entity_type: Mapped[OverseasEntityType] = mapped_column(
        enum_type(OverseasEntityType, "overseas_entity_type")
    )
    website: Mapped[str | None] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    sectors: Mapped[list[Sector]] = relationship(
        secondary=overseas_entity_sector, order_by=Sector.id
    )


class StakeholderBody(TimestampMixin, db.Model):
    """A public or private stakeholder body: provincial IT boards, ministries, associations."""

    __tablename__ = "stakeholder_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    kind: Mapped[StakeholderKind] = mapped_column(enum_type(StakeholderKind, "stakeholder_kind"))
    province_id: Mapped[int | None] = mapped_column(sa.ForeignKey("province.id"), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(300))

    province: Mapped[Province | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(back_populates="body", order_by="Contact.name")


class Contact(TimestampMixin, db.Model):
    """A person to reach at a stakeholder body."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("stakeholder_body.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    position: Mapped[str | None] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(40))

    body: Mapped[StakeholderBody] = relationship(back_populates="contacts")


class VerificationAction(enum.StrEnum):
    VERIFIED = "verified"
    REVOKED = "revoked"


class CompanyVerificationEvent(db.Model):
    """One line of a company's verification audit: who verified or revoked which number, when,
    and (for a revocation) why. Rows are only ever added."""

    __tablename__ = "company_verification_event"
    __table_args__ = (
        sa.CheckConstraint(
            "action <> 'revoked' OR reason IS NOT NULL", name="revocation_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("company.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[VerificationAction] = mapped_column(
        enum_type(VerificationAction, "verification_action")
    )
    #: The registration number as verified (or as it stood when revoked).
    registration_number: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())

    actor = relationship("User")


class CompanyRename(db.Model):
    """Audit of a verified company's name change: who, when, from what to what."""

    __tablename__ = "company_rename"

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(
        sa.ForeignKey("company.id", ondelete="CASCADE"), index=True
    )
    old_name: Mapped[str] = mapped_column(sa.String(200))
    new_name: Mapped[str] = mapped_column(sa.String(200))
    changed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(default=lambda: clock.now())

    changed_by = relationship("User")


# --- Trigram indexes for the name search (migration b3f1c2d4e5a6) ---------------------------------


def _trigram_index(name: str, column: sa.Column) -> sa.Index:
    """On PostgreSQL a GIN ``gin_trgm_ops`` index: serves ``column ILIKE '%text%'`` (3+ chars).

    Elsewhere (SQLite) the same name is a plain index on the column, so that migrations and
    models agree on every database; SQLite's substring search does not use it.
    """
    return sa.Index(
        name, column, postgresql_using="gin", postgresql_ops={column.name: "gin_trgm_ops"}
    )


TRIGRAM_INDEXES = [
    _trigram_index("ix_company_legal_name_trgm", Company.__table__.c.legal_name),
    _trigram_index("ix_company_registration_number_trgm", Company.__table__.c.registration_number),
    _trigram_index("ix_startup_name_trgm", Startup.__table__.c.name),
    _trigram_index("ix_overseas_entity_name_trgm", OverseasEntity.__table__.c.name),
    _trigram_index("ix_stakeholder_body_name_trgm", StakeholderBody.__table__.c.name),
    _trigram_index("ix_contact_name_trgm", Contact.__table__.c.name),
]


@sa.event.listens_for(db.metadata, "before_create")
def _create_pg_trgm(_metadata: sa.MetaData, connection: sa.Connection, **_kw: object) -> None:
    # ``create_all`` (tests, the bench's fallback) needs the extension before the indexes above.
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
