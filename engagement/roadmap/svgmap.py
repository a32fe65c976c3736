"""A map-like overview without tiles: city points placed by latitude and longitude."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from engagement.directory.models import City

#: The box around Pakistan (degrees) and the drawing size (SVG user units).
WEST, EAST, SOUTH, NORTH = 60.5, 77.9, 23.4, 37.2
WIDTH = 520.0
MARGIN = 24.0


@dataclass(frozen=True)
class Point:
    city: City
    x: float
    y: float
    meetups: int

    @property
    def radius(self) -> float:
        return 4.0 if self.meetups == 0 else 6.0 + min(self.meetups, 4)

    @property
    def label_left(self) -> bool:
        """Cities near the east edge get their label on the left so it stays in the picture."""
        return self.x > WIDTH - 110


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
    return sorted(points, key=lambda p: (p.meetups > 0, p.city.name))


def view_box() -> str:
    return f"0 0 {WIDTH + 2 * MARGIN:.0f} {height() + 2 * MARGIN:.0f}"
