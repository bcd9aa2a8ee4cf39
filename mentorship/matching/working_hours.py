"""Working hours in common between two time zones, on a given day (so summer time is taken into account)."""

from __future__ import annotations

import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import numpy as np

UTC = datetime.UTC


@lru_cache(maxsize=1024)
def zone(timezone: str) -> ZoneInfo:
    """The zone, loaded once: ZoneInfo's own cache keeps only a few zones alive."""
    try:
        return ZoneInfo(timezone)
    except (ValueError, KeyError, OSError) as error:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {timezone!r}") from error


@lru_cache(maxsize=4096)
def _window(timezone: str, day: datetime.date, start: float, end: float) -> tuple[float, float]:
    """Local working hours of `day` as UTC hours since midnight UTC of `day`."""
    zone_ = zone(timezone)
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=UTC)

    def utc_hours(hour: float) -> float:
        local = datetime.datetime.combine(day, datetime.time()) + datetime.timedelta(hours=hour)
        # Attach the zone to the wall-clock time, so the offset is the one in force at that hour.
        local = local.replace(tzinfo=zone_)
        return (local.astimezone(UTC) - midnight).total_seconds() / 3600

    return utc_hours(start), utc_hours(end)


def common_hours(a: str, b: str, day: datetime.date, start: float = 9.0, end: float = 18.0) -> float:
    """Hours when both are at work, counting b's previous and next days (for zones far apart)."""
    a_start, a_end = _window(a, day, start, end)
    total = 0.0
    for shift in (-1, 0, 1):
        b_start, b_end = _window(b, day + datetime.timedelta(days=shift), start, end)
        b_start, b_end = b_start + 24 * shift, b_end + 24 * shift
        total += max(0.0, min(a_end, b_end) - max(a_start, b_start))
    return total


@lru_cache(maxsize=4096)
def utc_offset_hours(timezone: str, day: datetime.date) -> float:
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone(timezone))
    return noon.utcoffset().total_seconds() / 3600


def hours_apart(a: str, b: str, day: datetime.date) -> float:
    """Difference of the clocks at noon on `day`, the short way round (Auckland and Honolulu: 1 hour)."""
    difference = abs(utc_offset_hours(a, day) - utc_offset_hours(b, day)) % 24
    return min(difference, 24 - difference)


def common_hours_matrix(
    zones_a: list[str], zones_b: list[str], day: datetime.date, start: float, end: float
) -> np.ndarray:
    return np.array([[common_hours(a, b, day, start, end) for b in zones_b] for a in zones_a]).reshape(
        len(zones_a), len(zones_b)
    )


def check_timezone(timezone: str) -> None:
    """Raise ValueError for a name that is not an IANA time zone."""
    zone(timezone)
