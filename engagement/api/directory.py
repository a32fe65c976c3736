"""Directory reads for staff: companies, startups, overseas entities, with the pages' filters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import request
from marshmallow import fields, validate

from engagement.api.errors import fail
from engagement.api.schemas import CountryCode, PageArgs, Strict, Text, page_of, paginated
from engagement.api.spec import api_blueprint
from engagement.auth.access import staff_required
from engagement.directory import services
from engagement.directory.models import OverseasEntityType, StartupStage
from engagement.directory.services import DirectoryFilters
from engagement.extensions import db

blp = api_blueprint(
    "directory",
    __name__,
    "Directory",
    "Staff: companies, startups and overseas entities, filtered as on the directory pages.",
)


class DirectoryQuery(PageArgs):
    """The directory pages' filters (engagement.directory.services.DirectoryFilters)."""

    q = Text(validate=validate.Length(max=100), metadata={"description": "In the name"})
    city = fields.Integer(
        validate=validate.Range(min=0, max=999_999_999), metadata={"description": "City id"}
    )
    province = fields.Integer(validate=validate.Range(min=0, max=999_999_999))
    sector = fields.Integer(validate=validate.Range(min=0, max=999_999_999))
    sort = Text(validate=validate.OneOf(services.SORTS))


class CompanyQuery(DirectoryQuery):
    verified = Text(validate=validate.OneOf(["yes", "no"]))


class StartupQuery(DirectoryQuery):
    kind = Text(
        validate=validate.OneOf([s.value for s in StartupStage]), metadata={"description": "Stage"}
    )


class OverseasQuery(DirectoryQuery):
    kind = Text(
        validate=validate.OneOf([t.value for t in OverseasEntityType]),
        metadata={"description": "Entity type"},
    )
    country = CountryCode(metadata={"description": "ISO code"})


class SectorSchema(Strict):
    id = fields.Integer(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)


class PlaceSchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class CompanySchema(Strict):
    id = fields.Integer(required=True)
    legal_name = fields.String(required=True)
    registration_number = fields.String(required=True, allow_none=True)
    verified = fields.Boolean(required=True)
    city = fields.Nested(PlaceSchema, required=True, allow_none=True)
    employee_band = fields.String(required=True, allow_none=True)
    export_markets = fields.List(fields.String(), required=True)
    website = fields.String(required=True, allow_none=True)
    sectors = fields.List(fields.Nested(SectorSchema), required=True)


class StartupSchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    founding_year = fields.Integer(required=True, allow_none=True)
    stage = fields.String(required=True, allow_none=True)
    city = fields.Nested(PlaceSchema, required=True, allow_none=True)
    website = fields.String(required=True, allow_none=True)
    sectors = fields.List(fields.Nested(SectorSchema), required=True)


class OverseasEntitySchema(Strict):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    country_code = fields.String(required=True)
    timezone = fields.String(required=True)
    entity_type = fields.String(required=True)
    website = fields.String(required=True, allow_none=True)
    sectors = fields.List(fields.Nested(SectorSchema), required=True)


def _sectors(entry: Any) -> list[dict[str, Any]]:
    return [{"id": s.id, "slug": s.slug, "name": s.name} for s in entry.sectors]


def _city(entry: Any) -> dict[str, Any] | None:
    return {"id": entry.city.id, "name": entry.city.name} if entry.city else None


def _company(company: Any) -> dict[str, Any]:
    return {
        "id": company.id,
        "legal_name": company.legal_name,
        "registration_number": company.registration_number,
        "verified": company.verified,
        "city": _city(company),
        "employee_band": company.employee_band.value if company.employee_band else None,
        "export_markets": [c for c in (company.export_markets or "").split(",") if c],
        "website": company.website,
        "sectors": _sectors(company),
    }


def _startup(startup: Any) -> dict[str, Any]:
    return {
        "id": startup.id,
        "name": startup.name,
        "founding_year": startup.founding_year,
        "stage": startup.stage.value if startup.stage else None,
        "city": _city(startup),
        "website": startup.website,
        "sectors": _sectors(startup),
    }


def _overseas(entity: Any) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "country_code": entity.country_code,
        "timezone": entity.timezone,
        "entity_type": entity.entity_type.value,
        "website": entity.website,
        "sectors": _sectors(entity),
    }


def _search(
    args: dict,
    kinds: list[str],
    search: Callable[[DirectoryFilters], sa.Select],
    present: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    """Parse the filters the way the pages do; what they would ignore is a 422 here."""
    filters = DirectoryFilters.from_args(request.args, kinds)
    if filters.invalid:
        fail(
            422,
            "Some filters were not understood.",
            errors={name: ["Not a valid value."] for name in filters.invalid},
        )
    page = db.paginate(
        search(filters), page=args["page"], per_page=args["per_page"], error_out=False
    )
    return {**paginated(page), "items": [present(entry) for entry in page.items]}


@blp.route("/directory/companies", methods=["GET"])
@staff_required
@blp.arguments(CompanyQuery, location="query")
@blp.response(200, page_of(CompanySchema, "CompanyPage"))
@blp.errors(401, 403, 422)
def companies(args: dict):
    """Companies (staff)."""
    return _search(args, [], services.search_companies, _company)


@blp.route("/directory/startups", methods=["GET"])
@staff_required
@blp.arguments(StartupQuery, location="query")
@blp.response(200, page_of(StartupSchema, "StartupPage"))
@blp.errors(401, 403, 422)
def startups(args: dict):
    """Startups (staff); ``kind`` is the stage."""
    return _search(args, [s.value for s in StartupStage], services.search_startups, _startup)


@blp.route("/directory/overseas-entities", methods=["GET"])
@staff_required
@blp.arguments(OverseasQuery, location="query")
@blp.response(200, page_of(OverseasEntitySchema, "OverseasEntityPage"))
@blp.errors(401, 403, 422)
def overseas_entities(args: dict):
    """Overseas entities (staff); ``kind`` is the entity type."""
    return _search(
        args, [t.value for t in OverseasEntityType], services.search_overseas_entities, _overseas
    )
