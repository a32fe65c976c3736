"""A map without tiles: Pakistan's provinces (Natural Earth, ``data/geo/``) and city points
placed by latitude and longitude, drawn as inline SVG."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from engagement import ROOT
from engagement.directory.models import City

#: The box around Pakistan (degrees) and the drawing size (SVG user units).
WEST, EAST, SOUTH, NORTH = 60.5, 77.9, 23.4, 37.2
WIDTH = 520.0
MARGIN = 24.0
LABEL_HEIGHT = 18.0


@dataclass(frozen=True)
class Point:
    city: City
    x: float
    y: float
    meetups: int
    #: Baseline of the city's label, moved down when it would overlap another label.
    label_y: float = 0.0

    @property
    def radius(self) -> float:
        return 5.0 if self.meetups == 0 else 8.0 + 2 * min(self.meetups, 3)

    @property
    def label_left(self) -> bool:
        """Cities near the east edge get their label on the left so it stays in the picture."""
        return self.x > WIDTH - 140


def height() -> float:
    # Equirectangular with the cosine of the middle latitude keeps shapes roughly right.
    import math

    scale = WIDTH / (EAST - WEST)
    return (NORTH - SOUTH) * scale / math.cos(math.radians((NORTH + SOUTH) / 2)) * 0.82


def project(latitude: Decimal | float, longitude: Decimal | float) -> tuple[float, float]:
    """Degrees → (x, y) in the drawing (north up)."""
    x = (float(longitude) - WEST) / (EAST - WEST) * WIDTH
    y = (NORTH - float(latitude)) / (NORTH - SOUTH) * height()
    return round(x + MARGIN, 1), round(y + MARGIN, 1)


def city_points(cities: list[City], meetups_by_city: dict[int, int]) -> list[Point]:
    """One point per city; cities with meetups are drawn last so they sit on top."""
    points = [
        Point(city, *project(city.latitude, city.longitude), meetups_by_city.get(city.id, 0))
        for city in cities
    ]
    placed: list[tuple[float, float, float]] = []  # (left, right, baseline) of each label
    labelled = []
    for point in sorted((p for p in points if p.meetups), key=lambda p: (p.y, p.x)):
        width = 9.5 * len(point.city.name)
        left = (
            point.x - point.radius - 3 - width if point.label_left else point.x + point.radius + 3
        )
        baseline = point.y + 6
        while any(
            abs(baseline - y) < LABEL_HEIGHT and left < hi and lo < left + width
            for lo, hi, y in placed
        ):
            baseline += LABEL_HEIGHT
        placed.append((left, left + width, baseline))
        labelled.append(replace(point, label_y=round(baseline, 1)))
    others = [p for p in points if not p.meetups]
    return sorted(others, key=lambda p: p.city.name) + sorted(labelled, key=lambda p: p.city.name)


def view_box() -> str:
    return f"0 0 {WIDTH + 2 * MARGIN:.0f} {height() + 2 * MARGIN:.0f}"


#: Simplified Natural Earth admin-1 boundaries of Pakistan (public domain; data/geo/README.md).
PROVINCES_FILE = ROOT / "data" / "geo" / "pakistan-provinces.geojson"
#: Natural Earth's admin-1 names → the names of our reference provinces.
PROVINCE_NAMES = {"Azad Kashmir": "Azad Jammu and Kashmir"}


@dataclass(frozen=True)
class Province:
    """One province or territory as an SVG path (former FATA drawn as part of KP)."""

    code: str
    name: str
    path: str
    #: Natural Earth lists it apart, but it is part of another unit (``code`` of that unit).
    part_of: str | None = None


def _path(polygons: list) -> str:
    parts = []
    for polygon in polygons:
        for ring in polygon:
            points = [project(lat, lon) for lon, lat in ring]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points) + " Z")
    return " ".join(parts)


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    """Pakistan's provinces and territories, projected like the city points (read once)."""
    data = json.loads(PROVINCES_FILE.read_text(encoding="utf-8"))
    out = []
    for feature in data["features"]:
        props = feature["properties"]
        out.append(
            Province(
                code=props["iso_3166_2"],
                name=PROVINCE_NAMES.get(props["name"], props["name"]),
                path=_path(feature["geometry"]["coordinates"]),
                part_of=props.get("part_of"),
            )
        )
    return tuple(out)
