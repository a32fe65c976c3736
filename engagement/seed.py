"""``flask seed reference|demo``: reference data from data/reference, idempotent demo data."""

from __future__ import annotations

import csv
import importlib
import re
from decimal import Decimal
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import AppGroup

from engagement import ROOT
from engagement.core.context import offline_request_context
from engagement.directory.models import SECTORS, City, District, Province, Sector
from engagement.extensions import db

REFERENCE_DIR = ROOT / "data" / "reference"

#: Features that contribute demo data: each module has ``seed_demo() -> list[str]`` (lines to print).
DEMO_MODULES = [
    "engagement.auth.demo",
    "engagement.directory.demo",
    "engagement.webinars.demo",
    "engagement.meetups.demo",
    "engagement.facilitation.demo",
    "engagement.dashboard.demo",
    "engagement.partners.demo",
]

seed = AppGroup("seed", help="Load reference and demo data.")


def city_slug(name: str) -> str:
    """``Mingora (Swat)`` → ``mingora``; ``Dera Ghazi Khan`` → ``dera-ghazi-khan`` (roadmap ids)."""
    base = re.sub(r"\(.*?\)", "", name).strip().lower()
    return re.sub(r"[^a-z0-9]+", "-", base).strip("-")


def _rows(name: str, folder: Path) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_reference(folder: Path = REFERENCE_DIR) -> dict[str, int]:
    """Insert or update provinces, districts, cities and sectors; safe to run again."""
    from engagement.roadmap.priority import suggested_priority

    provinces = {p.name: p for p in db.session.scalars(sa.select(Province))}

    def province(name: str) -> Province:
        if name not in provinces:
            provinces[name] = Province(name=name)
            db.session.add(provinces[name])
        return provinces[name]

    districts = {(d.province.name, d.name): d for d in db.session.scalars(sa.select(District))}
    for row in _rows("district_poverty.csv", folder):
        key = (row["province"], row["district"])
        district = districts.get(key)
        if district is None:
            district = districts[key] = District(
                province=province(row["province"]), name=row["district"]
            )
            db.session.add(district)
        district.division = row["division"] or None
        district.population = int(row["population"]) if row["population"] else None
        district.poverty_rate = Decimal(row["poverty_rate"]) if row["poverty_rate"] else None

    cities = {c.name: c for c in db.session.scalars(sa.select(City))}
    for row in _rows("cities.csv", folder):
        city = cities.get(row["city"])
        district = districts.get((row["province"], row["district"])) if row["district"] else None
        focus = row["pseb_focus"].strip().lower() in {"yes", "true", "1"}
        if city is None:
            city = City(name=row["city"], slug=city_slug(row["city"]))
            city.meetup_priority = suggested_priority(
                district.poverty_rate if district else None, focus
            )[0]
            db.session.add(city)
            cities[row["city"]] = city
        city.province = province(row["province"])
        city.district = district
        city.latitude = Decimal(row["latitude"])
        city.longitude = Decimal(row["longitude"])
        city.pseb_focus = focus

    existing = {s.slug for s in db.session.scalars(sa.select(Sector))}
    for slug, name in SECTORS:
        if slug not in existing:
            db.session.add(Sector(slug=slug, name=name))
    db.session.flush()
    return {
        "provinces": len(provinces),
        "districts": len(districts),
        "cities": len(cities),
        "sectors": len(SECTORS),
    }


def database_is_empty() -> bool:
    from engagement.auth.models import User

    return db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@seed.command("reference")
def reference_command() -> None:
    """Load provinces, districts (poverty rates), cities and sectors."""
    counts = load_reference()
    db.session.commit()
    click.echo("reference data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def seed_demo() -> list[str]:
    """Run every feature's demo seeder; returns printable lines (logins first)."""
    load_reference()
    lines: list[str] = []
    for module in DEMO_MODULES:
        try:
            seeder = importlib.import_module(module)
        except ModuleNotFoundError as error:
            if error.name == module:
                continue
            raise
        lines.extend(seeder.seed_demo())
        db.session.flush()
    return lines


def _more_login_lines() -> list[str]:
    """Login lines of the features other than auth that add demo accounts (``login_lines()``)."""
    lines: list[str] = []
    for module in DEMO_MODULES[1:]:
        seeder = importlib.import_module(module)
        lines.extend(getattr(seeder, "login_lines", list)())
    return lines


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing unless the database has no users.")
def demo_command(if_empty: bool) -> None:
    """Load idempotent demo data and print the demo logins."""
    if if_empty and not database_is_empty():
        from engagement.auth.demo import login_lines

        click.echo("database already has data; demo data not loaded")
        for line in login_lines() + _more_login_lines():
            click.echo(line)
        return
    with offline_request_context():
        lines = seed_demo()
    db.session.commit()
    for line in lines:
        click.echo(line)


@seed.command("logins")
def logins_command() -> None:
    """Print the demo logins that exist in this database (scripts/run repeats them at start-up)."""
    from engagement.auth.demo import login_lines

    for line in login_lines():
        click.echo(line)
