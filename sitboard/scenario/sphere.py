"""Distances and bearings on the mean sphere: what a scenario's "5 km north of Homs" means.

The scenario layer needs them to place a point given as an offset from a town;
the map (``sitboard.geo``) uses them for scale bars and radii.
"""

from __future__ import annotations

import math

__all__ = ["EARTH_RADIUS_KM", "destination_point", "haversine_km"]

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius, for great-circle distances


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points on the mean sphere."""
    lat1, lon1 = math.radians(a[0]), math.radians(a[1])
    lat2, lon2 = math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def destination_point(lat: float, lon: float, km: float, bearing: float) -> tuple[float, float]:
    """The (lat, lon) `km` along the great circle leaving (lat, lon) at `bearing` degrees from north.

    The longitude is brought back into -180..180 and the latitude kept within
    -90..90, so the point is always a valid position whatever rounding does.
    """
    phi1, lam1 = math.radians(lat), math.radians(lon)
    theta, delta = math.radians(bearing), km / EARTH_RADIUS_KM
    sin_phi2 = math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
    phi2 = math.asin(max(-1.0, min(1.0, sin_phi2)))
    lam2 = lam1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi1), math.cos(delta) - math.sin(phi1) * math.sin(phi2)
    )
    lon2 = (math.degrees(lam2) + 540.0) % 360.0 - 180.0
    return max(-90.0, min(90.0, math.degrees(phi2))), max(-180.0, min(180.0, lon2))
