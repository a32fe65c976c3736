"""Directory rules: the filters, searches and CSV exports of the staff lists, own-profile edits,
registration verification, and staff edits of overseas entities, stakeholder bodies and contacts.

Pages and the JSON API share these functions; the filters live in one place
(:class:`DirectoryFilters`, parsed from request arguments).
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry
import sqlalchemy as sa
from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.exceptions import NotFound

from engagement import clock
from engagement.auth.models import Membership, MembershipRole, Organisation, Role, User
from engagement.core.timefmt import valid_timezone
from engagement.core.validation import csv_cell
from engagement.directory import reference
from engagement.directory.models import (
    CERTIFICATIONS,
    REGISTRATION_NUMBER_PATTERN,
    City,
    Company,
    CompanyRename,
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

SORTS = ("name", "city", "newest")


class DirectoryError(ValueError):
    """A directory rule was broken; ``field`` names the form field."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# --- Validation rules shared by forms, services and the API -------------------------------------


def registration_number_problem(number: str) -> str | None:
    """Why ``number`` is not a PSEB registration number, or None."""
    if not re.fullmatch(REGISTRATION_NUMBER_PATTERN, number):
        return _("Use the format PSEB/YYYY/NNNN, for example PSEB/2021/0457.")
    return None


def normalise_website(value: str | None) -> str | None:
    """``example.pk`` → ``https://example.pk``; blank → None; an address with a scheme is kept."""
    text = (value or "").strip()
    if not text:
        return None
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "https://" + text.lstrip("/")
    return text


def _language() -> str:
    return str(get_locale() or "en")


@functools.cache
def _territories(language: str) -> Mapping[str, str]:
    """Babel's country names in ``language`` (CLDR), e.g. جرمنی for DE in Urdu; none for English,
    which keeps pycountry's common names."""
    return {} if language == "en" else dict(Locale.parse(language).territories)


def country_name(code: str) -> str | None:
    """The name of an ISO 3166-1 alpha-2 code in the viewer's language (English: pycountry's
    common name), or None when there is no such country."""
    if not code or len(code) != 2 or not code.isalpha():
        return None
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None
    english = getattr(country, "common_name", None) or country.name
    return _territories(_language()).get(country.alpha_2, english)


@functools.cache
def _countries(language: str) -> tuple[tuple[str, str], ...]:
    local = _territories(language)
    pairs = [
        (c.alpha_2, local.get(c.alpha_2) or getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    ]
    return tuple(sorted(pairs, key=lambda pair: pair[1]))


def country_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for every ISO 3166-1 country, sorted by name in the viewer's language
    (built once per process and language)."""
    return list(_countries(_language()))


def country_names() -> dict[str, str]:
    """ISO 3166-1 code -> name in the viewer's language."""
    return dict(_countries(_language()))


def parse_country_codes(text: str) -> list[str]:
    """``"us, gb ae"`` → ``["US", "GB", "AE"]``; raises DirectoryError naming the unknown codes."""
    codes: list[str] = []
    for code in re.split(r"[\s,;]+", text.strip().upper()):
        if code and code not in codes:
            codes.append(code)
    unknown = [code for code in codes if country_name(code) is None]
    if unknown:
        raise DirectoryError(
            _(
                "Unknown country code: %(codes)s. Use two-letter ISO codes such as US, GB, AE.",
                codes=", ".join(unknown),
            ),
            "export_markets",
        )
    return codes


# --- Filters ------------------------------------------------------------------------------------


def int_arg(args: Mapping[str, str], name: str, invalid: list[str]) -> int | None:
    """A whole-number filter from a query string; anything else is named in ``invalid``."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    if value.isdigit() and len(value) < 10:
        return int(value)
    invalid.append(name)
    return None


@dataclass(frozen=True)
class DirectoryFilters:
    """What a staff list is filtered and sorted by; ``from_args`` reads it from a query string.

    Values that make no sense are dropped and named in ``invalid`` (the page says so) rather than
    causing an error.
    """

    q: str = ""
    city_id: int | None = None
    province_id: int | None = None
    sector_id: int | None = None
    #: Companies: verified registration or not.
    verified: bool | None = None
    #: Startup stage, overseas entity type or stakeholder body kind (value of the enum).
    kind: str | None = None
    #: Overseas entities: ISO alpha-2 country code.
    country: str | None = None
    sort: str = "name"
    invalid: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def from_args(cls, args: Mapping[str, str], kinds: Iterable[str] = ()) -> DirectoryFilters:
        invalid: list[str] = []
        verified = {"yes": True, "no": False, "": None}.get((args.get("verified") or "").lower())
        if verified is None and args.get("verified"):
            invalid.append("verified")
        kind = (args.get("kind") or "").strip() or None
        if kind is not None and kind not in set(kinds):
            invalid.append("kind")
            kind = None
        country = (args.get("country") or "").strip().upper() or None
        if country is not None and country_name(country) is None:
            invalid.append("country")
            country = None
        sort = args.get("sort") or "name"
        if sort not in SORTS:
            invalid.append("sort")
            sort = "name"
        return cls(
            q=(args.get("q") or "").strip()[:100],
            city_id=int_arg(args, "city", invalid),
            province_id=int_arg(args, "province", invalid),
            sector_id=int_arg(args, "sector", invalid),
            verified=verified,
            kind=kind,
            country=country,
            sort=sort,
            invalid=tuple(invalid),
        )

    def as_args(self) -> dict[str, str]:
        """The filters as query-string arguments (for links such as the CSV export)."""
        args = {
            "q": self.q,
            "city": self.city_id,
            "province": self.province_id,
            "sector": self.sector_id,
            "verified": {True: "yes", False: "no"}.get(self.verified),  # type: ignore[arg-type]
            "kind": self.kind,
            "country": self.country,
            "sort": self.sort if self.sort != "name" else None,
        }
        return {key: str(value) for key, value in args.items() if value not in (None, "")}


def _name_matches(column: Any, text: str) -> Any:
    """Case-insensitive substring match, wildcards escaped: ``ILIKE`` on PostgreSQL (served by the
    trigram indexes, ``models.TRIGRAM_INDEXES``), ``lower(column) LIKE lower(text)`` elsewhere."""
    return column.icontains(text, autoescape=True)


def _located(statement: sa.Select, model: Any, filters: DirectoryFilters) -> sa.Select:
    """City/province filters and the sort for a model with a ``city``."""
    statement = statement.outerjoin(City, model.city_id == City.id)
    if filters.city_id is not None:
        statement = statement.where(model.city_id == filters.city_id)
    if filters.province_id is not None:
        statement = statement.where(City.province_id == filters.province_id)
    return statement


def _sorted(statement: sa.Select, model: Any, name: Any, filters: DirectoryFilters) -> sa.Select:
    if filters.sort == "newest":
        return statement.order_by(model.created_at.desc(), model.id.desc())
    if filters.sort == "city":
        return statement.order_by(City.name.is_(None), City.name, sa.func.lower(name), model.id)
    return statement.order_by(sa.func.lower(name), model.id)


def search_companies(filters: DirectoryFilters) -> sa.Select:
    """Companies matching ``filters``, sorted, with city and sectors eager-loaded."""
    statement = sa.select(Company).options(
        selectinload(Company.sectors), selectinload(Company.city)
    )
    statement = _located(statement, Company, filters)
    if filters.q:
        statement = statement.where(
            sa.or_(
                _name_matches(Company.legal_name, filters.q),
                _name_matches(Company.registration_number, filters.q),
            )
        )
    if filters.sector_id is not None:
        statement = statement.where(Company.sectors.any(Sector.id == filters.sector_id))
    if filters.verified is True:
        statement = statement.where(Company.registration_verified_at.is_not(None))
    elif filters.verified is False:
        statement = statement.where(Company.registration_verified_at.is_(None))
    return _sorted(statement, Company, Company.legal_name, filters)


def search_startups(filters: DirectoryFilters) -> sa.Select:
    """Startups matching ``filters`` (``kind`` is the stage), sorted, eager-loaded."""
    statement = sa.select(Startup).options(
        selectinload(Startup.sectors), selectinload(Startup.city)
    )
    statement = _located(statement, Startup, filters)
    if filters.q:
        statement = statement.where(_name_matches(Startup.name, filters.q))
    if filters.sector_id is not None:
        statement = statement.where(Startup.sectors.any(Sector.id == filters.sector_id))
    if filters.kind:
        statement = statement.where(Startup.stage == StartupStage(filters.kind))
    return _sorted(statement, Startup, Startup.name, filters)


def search_overseas_entities(filters: DirectoryFilters) -> sa.Select:
    """Overseas entities matching ``filters`` (``kind`` is the type); "city" sorts by country."""
    statement = sa.select(OverseasEntity).options(selectinload(OverseasEntity.sectors))
    if filters.q:
        statement = statement.where(_name_matches(OverseasEntity.name, filters.q))
    if filters.country:
        statement = statement.where(OverseasEntity.country_code == filters.country)
    if filters.sector_id is not None:
        statement = statement.where(OverseasEntity.sectors.any(Sector.id == filters.sector_id))
    if filters.kind:
        statement = statement.where(OverseasEntity.entity_type == OverseasEntityType(filters.kind))
    if filters.sort == "newest":
        return statement.order_by(OverseasEntity.created_at.desc(), OverseasEntity.id.desc())
    if filters.sort == "city":
        return statement.order_by(
            OverseasEntity.country_code, sa.func.lower(OverseasEntity.name), OverseasEntity.id
        )
    return statement.order_by(sa.func.lower(OverseasEntity.name), OverseasEntity.id)


def search_stakeholder_bodies(filters: DirectoryFilters) -> sa.Select:
    """Stakeholder bodies matching ``filters`` (``kind``, province), contacts eager-loaded."""
    statement = sa.select(StakeholderBody).options(
        selectinload(StakeholderBody.contacts), selectinload(StakeholderBody.province)
    )
    if filters.q:
        statement = statement.where(
            sa.or_(
                _name_matches(StakeholderBody.name, filters.q),
                StakeholderBody.contacts.any(_name_matches(Contact.name, filters.q)),
            )
        )
    if filters.province_id is not None:
        statement = statement.where(StakeholderBody.province_id == filters.province_id)
    if filters.kind:
        statement = statement.where(StakeholderBody.kind == StakeholderKind(filters.kind))
    if filters.sort == "newest":
        return statement.order_by(StakeholderBody.created_at.desc(), StakeholderBody.id.desc())
    if filters.sort == "city":
        statement = statement.outerjoin(Province, StakeholderBody.province_id == Province.id)
        return statement.order_by(
            Province.name.is_(None), Province.name, sa.func.lower(StakeholderBody.name)
        )
    return statement.order_by(sa.func.lower(StakeholderBody.name), StakeholderBody.id)


# --- Loading one entry with the viewer's access -------------------------------------------------


def _staff_get(model: type, viewer: User, entry_id: int) -> Any:
    if not viewer.is_staff:
        raise NotFound()
    entry = db.session.get(model, entry_id)
    if entry is None:
        raise NotFound()
    return entry


def get_company_for(viewer: User, company_id: int) -> Company:
    """A company for staff, or the viewer's own company; 404 otherwise."""
    own = own_profile(viewer)
    if isinstance(own, Company) and own.id == company_id:
        return own
    return _staff_get(Company, viewer, company_id)


def get_startup_for(viewer: User, startup_id: int) -> Startup:
    """A startup for staff, or the viewer's own startup; 404 otherwise."""
    own = own_profile(viewer)
    if isinstance(own, Startup) and own.id == startup_id:
        return own
    return _staff_get(Startup, viewer, startup_id)


def get_overseas_entity_for(viewer: User, entity_id: int) -> OverseasEntity:
    return _staff_get(OverseasEntity, viewer, entity_id)


def get_stakeholder_body_for(viewer: User, body_id: int) -> StakeholderBody:
    return _staff_get(StakeholderBody, viewer, body_id)


def get_contact_for(viewer: User, contact_id: int) -> Contact:
    return _staff_get(Contact, viewer, contact_id)


def own_profile(user: User) -> Company | Startup | None:
    """The directory entry of the user's organisation (company or startup), if any."""
    if user.role not in (Role.COMPANY, Role.STARTUP) or user.membership is None:
        return None
    model = Company if user.role == Role.COMPANY else Startup
    return db.session.scalar(
        sa.select(model).where(model.organisation_id == user.membership.organisation_id)
    )


# --- Reference choices --------------------------------------------------------------------------


def all_sectors() -> tuple[reference.SectorRef, ...]:
    """Every sector (a per-process cached snapshot, see ``engagement.directory.reference``)."""
    return reference.sectors_list()


def all_cities() -> tuple[reference.CityRef, ...]:
    """Every city with its province, by name (cached snapshot)."""
    return reference.cities_list()


def all_provinces() -> tuple[reference.ProvinceRef, ...]:
    """Every province, by name (cached snapshot)."""
    return reference.provinces_list()


def sectors_by_ids(ids: Iterable[int]) -> list[Sector]:
    ids = set(ids)
    if not ids:
        return []
    sectors = list(db.session.scalars(sa.select(Sector).where(Sector.id.in_(ids))))
    if len(sectors) != len(ids):
        raise DirectoryError(_("Choose sectors from the list."), "sectors")
    return sorted(sectors, key=lambda s: s.id)


def city_by_id(city_id: int | None) -> City | None:
    if city_id is None:
        return None
    city = db.session.get(City, city_id)
    if city is None:
        raise DirectoryError(_("Choose a city from the list."), "city")
    return city


# --- Own profile --------------------------------------------------------------------------------


def _registration_taken(number: str, company: Company) -> bool:
    return (
        db.session.scalar(
            sa.select(Company.id).where(
                Company.registration_number == number, Company.id != company.id
            )
        )
        is not None
    )


def _check_registration_number(company: Company, number: str) -> str:
    number = number.strip().upper()
    if problem := registration_number_problem(number):
        raise DirectoryError(problem, "registration_number")
    if _registration_taken(number, company):
        raise DirectoryError(
            _("Another company is already registered with this number. Check it, or contact PSEB."),
            "registration_number",
        )
    return number


def update_company_profile(
    company: Company,
    editor: User,
    *,
    legal_name: str,
    registration_number: str | None,
    sector_ids: Iterable[int],
    city_id: int | None,
    employee_band: str | None,
    export_markets: str,
    website: str | None,
    description: str,
) -> Company:
    """Save a company's own profile. Once staff verified the registration number, only staff
    may change it; a change by staff keeps it verified, any other change needs verifying again."""
    legal_name = legal_name.strip()
    if not legal_name:
        raise DirectoryError(_("Enter the company's legal name."), "legal_name")
    number = (registration_number or "").strip().upper() or None
    if number != company.registration_number:
        if company.verified and not editor.is_staff:
            raise DirectoryError(
                _("The registration number is verified; ask PSEB staff to change it."),
                "registration_number",
            )
        if number is None:
            if company.verified:
                raise DirectoryError(
                    _("A verified company keeps its registration number."), "registration_number"
                )
        else:
            number = _check_registration_number(company, number)
    sectors = sectors_by_ids(sector_ids)
    city = city_by_id(city_id)
    markets = parse_country_codes(export_markets)
    if legal_name != company.legal_name and company.verified:
        _record_verified_rename(company, editor, legal_name)
    company.legal_name = legal_name
    if company.organisation is not None:  # the account pages show the organisation's name
        company.organisation.name = legal_name
    company.registration_number = number
    company.sectors = sectors
    company.city = city
    company.employee_band = EmployeeBand(employee_band) if employee_band else None
    company.export_markets = ",".join(markets)
    company.website = normalise_website(website)
    company.description = description.strip()
    db.session.flush()
    return company


def update_company_showcase(
    company: Company,
    *,
    opt_in: bool,
    services: str,
    certifications: Iterable[str],
    certifications_other: str,
    founded_year: int | None,
    pitch: str,
) -> Company:
    """Save the company's public showcase entry (listed only once the registration is verified)."""
    codes = [code for code in certifications if code]
    unknown = [code for code in codes if code not in CERTIFICATIONS]
    if unknown:
        raise DirectoryError(_("Choose certifications from the list."), "certifications")
    if founded_year is not None and not 1900 <= founded_year <= clock.now().year:
        raise DirectoryError(_("Enter the year the company was founded."), "founded_year")
    items = [item.strip() for item in (services or "").split(",") if item.strip()]
    company.showcase_opt_in = bool(opt_in)
    company.services = ", ".join(items)[:500]
    company.certifications = ",".join(code for code in CERTIFICATIONS if code in codes)
    company.certifications_other = (certifications_other or "").strip()[:300]
    company.founded_year = founded_year
    company.pitch = (pitch or "").strip()[:500]
    db.session.flush()
    return company


def may_rename_verified_company(user: User, company: Company) -> bool:
    """A verified company's name is changed only by PSEB staff or one of its owners."""
    if user.is_staff:
        return True
    membership = user.membership
    return (
        membership is not None
        and membership.organisation_id == company.organisation_id
        and membership.role == MembershipRole.OWNER
    )


def _record_verified_rename(company: Company, editor: User, new_name: str) -> None:
    if not may_rename_verified_company(editor, company):
        raise DirectoryError(
            _("This company is verified: only its owner or PSEB staff can change its name."),
            "legal_name",
        )
    db.session.add(
        CompanyRename(
            company_id=company.id,
            old_name=company.legal_name,
            new_name=new_name,
            changed_by_id=editor.id,
        )
    )


def company_renames(company: Company) -> list[CompanyRename]:
    """The audit of the company's verified-name changes, newest first."""
    return list(
        db.session.scalars(
            sa.select(CompanyRename)
            .where(CompanyRename.company_id == company.id)
            .options(selectinload(CompanyRename.changed_by))
            .order_by(CompanyRename.changed_at.desc(), CompanyRename.id.desc())
        )
    )


def update_startup_profile(
    startup: Startup,
    *,
    name: str,
    founding_year: int | None,
    stage: str | None,
    sector_ids: Iterable[int],
    city_id: int | None,
    founders: str,
    website: str | None,
    description: str = "",
) -> Startup:
    """Save a startup's own profile."""
    name = name.strip()
    if not name:
        raise DirectoryError(_("Enter the startup's name."), "name")
    this_year = clock.now().year
    if founding_year is not None and not 1990 <= founding_year <= this_year:
        raise DirectoryError(
            _("Enter a year between 1990 and %(year)s.", year=this_year), "founding_year"
        )
    sectors = sectors_by_ids(sector_ids)
    city = city_by_id(city_id)
    startup.name = name
    if startup.organisation is not None:
        startup.organisation.name = name
    startup.founding_year = founding_year
    startup.stage = StartupStage(stage) if stage else None
    startup.sectors = sectors
    startup.city = city
    startup.founders = "\n".join(line.strip() for line in founders.splitlines() if line.strip())
    startup.website = normalise_website(website)
    startup.description = description.strip()
    db.session.flush()
    return startup


def _audit_verification(
    company: Company, staff: User, action: VerificationAction, reason: str | None = None
) -> CompanyVerificationEvent:
    event = CompanyVerificationEvent(
        company_id=company.id,
        action=action,
        registration_number=company.registration_number or "",
        reason=reason,
        actor_id=staff.id,
    )
    db.session.add(event)
    return event


def verify_registration(company: Company, staff: User, number: str) -> Company:
    """Staff confirm (or correct) a company's PSEB registration number and mark it verified;
    audited (who, when, which number)."""
    if not staff.is_staff:
        raise DirectoryError(_("Only PSEB staff can verify registrations."))
    company.registration_number = _check_registration_number(company, number)
    company.registration_verified_at = clock.now()
    company.verified_by_id = staff.id
    _audit_verification(company, staff, VerificationAction.VERIFIED)
    db.session.flush()
    return company


def revoke_verification(company: Company, staff: User, reason: str) -> Company:
    """Staff withdraw a verification, giving a reason (the number stays, unverified); audited."""
    if not staff.is_staff:
        raise DirectoryError(_("Only PSEB staff can change verifications."))
    reason = (reason or "").strip()
    if not reason:
        raise DirectoryError(_("Say why the verification is withdrawn."), "reason")
    if not company.verified:
        raise DirectoryError(_("This registration is not verified."))
    company.registration_verified_at = None
    company.verified_by_id = None
    _audit_verification(company, staff, VerificationAction.REVOKED, reason)
    db.session.flush()
    return company


def verification_history(company: Company) -> list[CompanyVerificationEvent]:
    """The company's verification audit, newest first, with each actor loaded (one query)."""
    return list(
        db.session.scalars(
            sa.select(CompanyVerificationEvent)
            .where(CompanyVerificationEvent.company_id == company.id)
            .options(joinedload(CompanyVerificationEvent.actor))
            .order_by(
                CompanyVerificationEvent.created_at.desc(), CompanyVerificationEvent.id.desc()
            )
        )
    )


# --- Overseas entities, stakeholder bodies, contacts (staff) -----------------------------------


def save_overseas_entity(
    entity: OverseasEntity | None,
    *,
    name: str,
    country_code: str,
    timezone: str,
    entity_type: str,
    sector_ids: Iterable[int] = (),
    website: str | None = None,
    description: str = "",
) -> OverseasEntity:
    """Create (``entity`` None) or update an overseas entity; validates country and time zone."""
    name = name.strip()
    code = country_code.strip().upper()
    if not name:
        raise DirectoryError(_("Enter a name."), "name")
    if country_name(code) is None:
        raise DirectoryError(_("Choose a country (ISO 3166 two-letter code)."), "country_code")
    if not valid_timezone(timezone.strip()):
        raise DirectoryError(
            _("Unknown time zone; use an IANA name such as Europe/Berlin."), "timezone"
        )
    try:
        kind = OverseasEntityType(entity_type)
    except ValueError as error:
        raise DirectoryError(_("Choose a type from the list."), "entity_type") from error
    duplicate = db.session.scalar(
        sa.select(OverseasEntity.id).where(
            OverseasEntity.name == name,
            OverseasEntity.country_code == code,
            OverseasEntity.id != (entity.id if entity and entity.id else -1),
        )
    )
    if duplicate is not None:
        raise DirectoryError(_("An entity with this name already exists in that country."), "name")
    sectors = sectors_by_ids(sector_ids)
    if entity is None:
        entity = OverseasEntity()
        db.session.add(entity)
    entity.name = name
    entity.country_code = code
    entity.timezone = timezone.strip()
    entity.entity_type = kind
    entity.sectors = sectors
    entity.website = normalise_website(website)
    entity.description = description.strip()
    db.session.flush()
    return entity


@functools.lru_cache(maxsize=1)
def _country_zones() -> dict[str, str]:
    """First zone listed per country in the tz database's zone.tab (e.g. DE → Europe/Berlin)."""
    zones: dict[str, str] = {}
    candidates = [Path("/usr/share/zoneinfo/zone.tab")]
    try:
        import tzdata

        candidates.insert(0, Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:  # pragma: no cover - the system database is used instead
        pass
    for path in candidates:
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line and not line.startswith("#"):
                    code, _coords, zone, *_ = line.split("\t")
                    zones.setdefault(code, zone)
            break
    return zones


def country_timezone(code: str) -> str:
    """The main IANA zone of a country (its first entry in zone.tab); UTC when unknown."""
    return _country_zones().get(code.upper(), "UTC")


def find_or_create_overseas_entity(name: str, country_code: str | None = None) -> OverseasEntity:
    """The overseas entity called ``name`` (in ``country_code`` when given), created if missing
    (as a company, in the country's main time zone)."""
    name = name.strip()
    query = sa.select(OverseasEntity).where(OverseasEntity.name == name)
    if country_code:
        query = query.where(OverseasEntity.country_code == country_code.strip().upper())
    entity = db.session.scalars(query.order_by(OverseasEntity.id)).first()
    if entity is not None:
        return entity
    if not country_code:
        raise DirectoryError(
            _(
                "No overseas entity is called %(name)s; give its country to create it.",
                name=repr(name),
            ),
            "country",
        )
    code = country_code.strip().upper()
    return save_overseas_entity(
        None,
        name=name,
        country_code=code,
        timezone=country_timezone(code),
        entity_type=OverseasEntityType.COMPANY.value,
    )


def save_stakeholder_body(
    body: StakeholderBody | None,
    *,
    name: str,
    kind: str,
    province_id: int | None = None,
    website: str | None = None,
) -> StakeholderBody:
    """Create (``body`` None) or update a stakeholder body; names are unique."""
    name = name.strip()
    if not name:
        raise DirectoryError(_("Enter a name."), "name")
    try:
        body_kind = StakeholderKind(kind)
    except ValueError as error:
        raise DirectoryError(_("Choose a kind from the list."), "kind") from error
    if province_id is not None and db.session.get(Province, province_id) is None:
        raise DirectoryError(_("Choose a province from the list."), "province")
    duplicate = db.session.scalar(
        sa.select(StakeholderBody.id).where(
            sa.func.lower(StakeholderBody.name) == name.lower(),
            StakeholderBody.id != (body.id if body and body.id else -1),
        )
    )
    if duplicate is not None:
        raise DirectoryError(_("A stakeholder body with this name already exists."), "name")
    if body is None:
        body = StakeholderBody()
        db.session.add(body)
    body.name = name
    body.kind = body_kind
    body.province_id = province_id
    body.website = normalise_website(website)
    db.session.flush()
    return body


def save_contact(
    body: StakeholderBody,
    contact: Contact | None,
    *,
    name: str,
    position: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> Contact:
    """Add a contact to ``body`` (``contact`` None) or update one."""
    name = name.strip()
    if not name:
        raise DirectoryError(_("Enter the contact's name."), "name")
    if contact is None:
        contact = Contact(body=body)
        db.session.add(contact)
    contact.name = name
    contact.position = (position or "").strip() or None
    contact.email = (email or "").strip().lower() or None
    contact.phone = (phone or "").strip() or None
    db.session.flush()
    return contact


def delete_contact(contact: Contact) -> None:
    db.session.delete(contact)
    db.session.flush()


# --- CSV export ---------------------------------------------------------------------------------


def _names(items: Iterable[Any]) -> str:
    return "; ".join(item.name for item in items)


def _city(entry: Any) -> tuple[str, str]:
    return (entry.city.name, entry.city.province.name) if entry.city else ("", "")


def _market_names(codes: str) -> str:
    """``"US,GB"`` → ``"United States; United Kingdom"``, the names the pages show."""
    return "; ".join(country_name(code) or code for code in codes.split(",") if code)


def _representatives(entry: Company | Startup) -> list[User]:
    """The organisation's people, owners first (the staff contact columns)."""
    if entry.organisation is None:
        return []
    memberships = sorted(
        entry.organisation.memberships,
        key=lambda m: (m.role != MembershipRole.OWNER, m.id),
    )
    return [m.user for m in memberships if m.user.is_active]


def _contact_cells(entry: Company | Startup) -> list[object]:
    people = _representatives(entry)
    first = people[0] if people else None
    return [
        first.name if first else "",
        first.email if first else "",
        "; ".join(f"{p.name} <{p.email}>" for p in people[1:]),
    ]


CONTACT_HEADER = ["contact_name", "contact_email", "other_contacts"]


def _with_people(model: Any) -> Any:
    """Eager-load an entry's organisation, memberships and users (constant queries per batch)."""
    return (
        selectinload(model.organisation)
        .selectinload(Organisation.memberships)
        .selectinload(Membership.user)
    )


def _company_row(company: Company) -> list[object]:
    city, province = _city(company)
    return [
        company.id,
        company.legal_name,
        company.registration_number,
        "yes" if company.verified else "no",
        city,
        province,
        _names(company.sectors),
        company.employee_band.value if company.employee_band else "",
        _market_names(company.export_markets),
        company.website,
        company.created_at.date().isoformat(),
        *_contact_cells(company),
    ]


def _startup_row(startup: Startup) -> list[object]:
    city, province = _city(startup)
    return [
        startup.id,
        startup.name,
        startup.founding_year,
        str(startup.stage.label) if startup.stage else "",
        city,
        province,
        _names(startup.sectors),
        "; ".join(startup.founders.splitlines()),
        startup.website,
        startup.created_at.date().isoformat(),
        *_contact_cells(startup),
    ]


def _overseas_row(entity: OverseasEntity) -> list[object]:
    return [
        entity.id,
        entity.name,
        entity.entity_type.value,
        entity.country_code,
        country_name(entity.country_code),
        entity.timezone,
        _names(entity.sectors),
        entity.website,
    ]


def _body_row(body: StakeholderBody) -> list[object]:
    return [
        body.id,
        body.name,
        body.kind.value,
        body.province.name if body.province else "",
        body.website,
        "; ".join(
            ", ".join(filter(None, [c.name, c.position, c.email, c.phone])) for c in body.contacts
        ),
    ]


@dataclass(frozen=True)
class Export:
    """How one list becomes CSV: its search, header, row function and extra eager loads."""

    search: Callable[[DirectoryFilters], sa.Select]
    header: list[str]
    row: Callable[[Any], list[object]]
    options: tuple[Any, ...] = ()


EXPORTS: dict[str, Export] = {
    "companies": Export(
        search_companies,
        [
            "id",
            "legal_name",
            "registration_number",
            "verified",
            "city",
            "province",
            "sectors",
            "employee_band",
            "export_markets",
            "website",
            "created",
            *CONTACT_HEADER,
        ],
        _company_row,
        (_with_people(Company),),
    ),
    "startups": Export(
        search_startups,
        [
            "id",
            "name",
            "founding_year",
            "stage",
            "city",
            "province",
            "sectors",
            "founders",
            "website",
            "created",
            *CONTACT_HEADER,
        ],
        _startup_row,
        (_with_people(Startup),),
    ),
    "overseas": Export(
        search_overseas_entities,
        ["id", "name", "type", "country_code", "country", "timezone", "sectors", "website"],
        _overseas_row,
    ),
    "bodies": Export(
        search_stakeholder_bodies,
        ["id", "name", "kind", "province", "website", "contacts"],
        _body_row,
    ),
}

EXPORT_BATCH = 500


def export_csv(kind: str, filters: DirectoryFilters) -> Iterator[str]:
    """Stream the filtered list as CSV text, in batches of ``EXPORT_BATCH`` rows (a fixed number
    of queries per batch, however long the list)."""
    export = EXPORTS[kind]
    statement = export.search(filters).options(*export.options)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(export.header)
    yield flush()
    offset = 0
    while True:
        batch = db.session.scalars(statement.limit(EXPORT_BATCH).offset(offset)).all()
        for entry in batch:
            writer.writerow([csv_cell(value) for value in export.row(entry)])
        if batch:
            yield flush()
        if len(batch) < EXPORT_BATCH:
            return
        offset += EXPORT_BATCH
        db.session.expunge_all()


# --- Reference data -------------------------------------------------------------------------------

#: How reference data gets into a database (migrations create the tables, not the rows).
LOAD_REFERENCE_HINT = (
    "An administrator loads the reference data (provinces, districts, cities and sectors) "
    "with `flask seed reference`."
)


def reference_data_problem(model: type, plural: str) -> str | None:
    """A message when ``model``'s reference table is empty (a database before `flask seed reference`)."""
    if db.session.scalar(sa.select(model.id).limit(1)) is None:
        return f"No {plural} are loaded in this database yet. {LOAD_REFERENCE_HINT}"
    return None
