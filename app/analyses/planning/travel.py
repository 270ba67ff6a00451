"""Distances in metres, never degrees, and the travel model that turns them into a service cost.

Points are projected to CGCS2000 / 3-degree Gauss–Krüger zone 38 (EPSG:4526, central meridian 114°E): across
Dongguan (113.5–114.3°E) its scale error stays below 4e-5, 2 cm in 500 m, so a k-d tree on projected points
gives the geodesic answer. A road network (pgRouting over a `road` table) plugs in as another `TravelModel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from pyproj import Transformer
from scipy import sparse
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

METRIC_CRS = "EPSG:4526"
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def to_metric(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """WGS-84 lon/lat → an (n, 2) array of EPSG:4526 metres."""
    x, y = _TO_METRIC.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.column_stack([x, y]).reshape(-1, 2)


class TravelModel(Protocol):
    """Service cost from demand points to sites, in `unit`; every argument is an (n, 2) array of metres."""

    @property
    def unit(self) -> str: ...

    def reach(self, origins: np.ndarray, sites: np.ndarray, limit: float | np.ndarray) -> sparse.csr_array:
        """origins × sites, 1 where the cost is ≤ the limit (one for all, or one per site): a coverage model's pairs."""
        ...

    def nearest(self, origins: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cost to the cheapest site and its index, per origin (inf and -1 with no sites)."""
        ...

    def costs(self, origins: np.ndarray, sites: np.ndarray) -> np.ndarray:
        """The dense origins × sites cost matrix (p-median, p-center, the spopt reference)."""
        ...

    def describe(self) -> dict[str, object]: ...


@dataclass(frozen=True)
class StraightLine:
    """Straight-line metres × a detour factor, ÷ a speed when given (cost in hours), else metres.

    Shelter service radii are straight-line in GB 50413 (detour 1, no speed); depots use 1.3 and 40 km/h
    (docs/planning.md) until roads are loaded.
    """

    detour: float = 1.0
    speed_kmh: float | None = None

    @property
    def unit(self) -> str:
        return "h" if self.speed_kmh else "m"

    def _cost(self, metres: np.ndarray) -> np.ndarray:
        road_metres = metres * self.detour
        return road_metres / (self.speed_kmh * 1000.0) if self.speed_kmh else road_metres

    @property
    def metres_per_unit(self) -> float:
        """The straight-line distance that costs one unit (an hour, or a metre)."""
        return (self.speed_kmh * 1000.0 if self.speed_kmh else 1.0) / self.detour

    def reach(self, origins: np.ndarray, sites: np.ndarray, limit: float | np.ndarray) -> sparse.csr_array:
        shape = (len(origins), len(sites))
        if not len(origins) or not len(sites):
            return sparse.csr_array(shape, dtype=np.int8)
        radius_m = np.broadcast_to(limit, len(sites)) * self.metres_per_unit
        pairs = cKDTree(origins).sparse_distance_matrix(cKDTree(sites), radius_m.max(), output_type="ndarray")
        pairs = pairs[pairs["v"] <= radius_m[pairs["j"]]]
        ones = np.ones(len(pairs), dtype=np.int8)
        return sparse.csr_array((ones, (pairs["i"], pairs["j"])), shape=shape)

    def nearest(self, origins: np.ndarray, sites: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if not len(sites):
            return np.full(len(origins), np.inf), np.full(len(origins), -1)
        metres, index = cKDTree(sites).query(origins)
        return self._cost(metres), index

    def costs(self, origins: np.ndarray, sites: np.ndarray) -> np.ndarray:
        return self._cost(cdist(origins, sites))

    def describe(self) -> dict[str, object]:
        return {"kind": "straight_line", "detour_factor": self.detour, "speed_kmh": self.speed_kmh, "unit": self.unit}
