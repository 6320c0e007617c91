"""Possible clones (T3, T9): scans of one code in places or at speeds that one unit cannot be.

A printed code can be copied onto counterfeit units; every copy then scans as the genuine code.
Two signs give a copy away without any secret in the label:

- **impossible travel**: two scans farther apart than ``MIN_DISTANCE_KM`` within less time than
  a vehicle needs at ``MAX_SPEED_KMH`` (faster than high-speed rail's 350 km/h over a whole
  journey would be needed; scans record only an approximate region, so nearby places prove
  nothing);
- **too many places after sale**: a unit sold to a consumer stays with its buyer; consumer scans
  from more than ``MAX_CITIES_AFTER_SALE`` different cities mean more than one unit carries it.

Pure and clock-free: the caller passes the scans (time, approximate position, city code).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

MAX_SPEED_KMH: Final = 300.0
MIN_DISTANCE_KM: Final = 80.0
MAX_CITIES_AFTER_SALE: Final = 3
MAX_SCANS_COMPARED: Final = 50  # the newest scans; enough to see a pattern, bounded work
EARTH_RADIUS_KM: Final = 6371.0


@dataclass(frozen=True, slots=True)
class ScanPoint:
    at: datetime
    lat: float
    lng: float
    city: str  # four-digit city part of the region code, e.g. "3304" for Jiaxing
    by_consumer: bool = True


@dataclass(frozen=True, slots=True)
class CloneVerdict:
    possible_clone: bool
    reason: str | None = None  # "impossible_travel" | "too_many_places"
    detail: dict[str, object] = field(default_factory=dict)


def distance_km(a: ScanPoint, b: ScanPoint) -> float:
    """Great-circle distance (haversine) between two scan positions."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlng = lat2 - lat1, math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def judge(scans: Sequence[ScanPoint], *, sold_at: datetime | None = None) -> CloneVerdict:
    """Whether the scans of one code could come from one unit; the first sign found wins."""
    recent = sorted(scans, key=lambda s: s.at)[-MAX_SCANS_COMPARED:]
    for i, first in enumerate(recent):
        for second in recent[i + 1 :]:
            km = distance_km(first, second)
            if km < MIN_DISTANCE_KM:
                continue
            hours = (second.at - first.at).total_seconds() / 3600
            if hours <= 0 or km / hours > MAX_SPEED_KMH:
                return CloneVerdict(
                    True,
                    "impossible_travel",
                    {
                        "km": round(km),
                        "minutes": round(hours * 60),
                        "cities": [first.city, second.city],
                    },
                )
    if sold_at is not None:
        cities = sorted({s.city for s in recent if s.by_consumer and s.at >= sold_at})
        if len(cities) > MAX_CITIES_AFTER_SALE:
            return CloneVerdict(True, "too_many_places", {"cities": cities})
    return CloneVerdict(False)
