"""The 250 m rainfall grid over the city.

Cells are steps of longitude and latitude equal to 250 m at the city's middle latitude (Dongguan spans 0.5° of
latitude, so cells stay within 0.4 % of 250 m): a lon/lat grid lines up with the map, its cells are exact rectangles
in EPSG:4326 and a cell is found from a point by two divisions. Distances between cells and gauges are measured in
UTM 49N metres.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from pyproj import Geod, Transformer

CELL_M = 250.0
METRIC_SRID = 32649  # UTM 49N: metres over Dongguan
_TO_METRIC = Transformer.from_crs(4326, METRIC_SRID, always_xy=True)
_TO_LONLAT = Transformer.from_crs(METRIC_SRID, 4326, always_xy=True)
_GEOD = Geod(ellps="WGS84")


def to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _TO_METRIC.transform(np.asarray(lon, float), np.asarray(lat, float))


def shape_to_metric(shape: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: np.column_stack(_TO_METRIC.transform(xy[:, 0], xy[:, 1])))


def shape_to_lonlat(shape: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(shape, lambda xy: np.column_stack(_TO_LONLAT.transform(xy[:, 0], xy[:, 1])))


def area_km2(shape: shapely.Geometry) -> float:
    return round(shape_to_metric(shape).area / 1e6, 3)


@dataclass(frozen=True, eq=False)
class Grid:
    """A rectangle of nx × ny cells from the south-west corner (lon0, lat0); cell i is row i // nx, column i % nx.

    `town[i]` indexes `town_codes` for cells whose centre lies in a town, -1 outside the city; cells outside still
    carry rainfall, so a point just across the boundary gets a value.
    """

    lon0: float
    lat0: float
    dlon: float
    dlat: float
    nx: int
    ny: int
    town: np.ndarray
    town_codes: tuple[str, ...]
    town_names: tuple[str, ...]
    outline: shapely.Geometry

    @property
    def size(self) -> int:
        return self.nx * self.ny

    @cached_property
    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Lon/lat of every cell centre."""
        col, row = np.arange(self.size) % self.nx, np.arange(self.size) // self.nx
        return self.lon0 + (col + 0.5) * self.dlon, self.lat0 + (row + 0.5) * self.dlat

    @cached_property
    def metric_centres(self) -> np.ndarray:
        return np.column_stack(to_metric(*self.centres))

    @property
    def inside(self) -> np.ndarray:
        return self.town >= 0

    def cell_of(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """The cell holding each point; points beyond the rectangle take the nearest edge cell."""
        col = np.clip(np.floor((np.asarray(lon, float) - self.lon0) / self.dlon), 0, self.nx - 1).astype(np.int64)
        row = np.clip(np.floor((np.asarray(lat, float) - self.lat0) / self.dlat), 0, self.ny - 1).astype(np.int64)
        return row * self.nx + col

    @cached_property
    def outline_in_cells(self) -> shapely.Geometry:
        """The city outline in cell units (column, row): dissolving unit squares there is exact and fast."""
        outline = shapely.transform(self.outline, lambda xy: (xy - [self.lon0, self.lat0]) / [self.dlon, self.dlat])
        shapely.prepare(outline)
        return outline

    def dissolve(self, cells: np.ndarray) -> shapely.Geometry:
        """The cells as one (multi)polygon clipped to the city, in lon/lat rounded to 1e-6° (0.1 m)."""
        if not len(cells):
            return shapely.Polygon()
        col, row = cells % self.nx, cells // self.nx
        union = shapely.simplify(shapely.coverage_union_all(shapely.box(col, row, col + 1, row + 1)), 0)
        clipped = shapely.intersection(union, self.outline_in_cells)
        scale, origin = [self.dlon, self.dlat], [self.lon0, self.lat0]
        return shapely.transform(clipped, lambda xy: np.round(xy * scale + origin, 6))

    def describe(self) -> dict[str, float | int]:
        """What a client needs to draw the grid from a flat array of values."""
        return {
            "lon0": self.lon0,
            "lat0": self.lat0,
            "dlon": self.dlon,
            "dlat": self.dlat,
            "nx": self.nx,
            "ny": self.ny,
            "cell_m": CELL_M,
        }


def build_grid(town_codes: list[str], town_names: list[str], town_geoms: list[shapely.Geometry]) -> Grid:
    """Lay the grid over the towns' bounding box and give each cell the town holding its centre."""
    outline = shapely.union_all(town_geoms)
    west, south, east, north = outline.bounds
    middle = (south + north) / 2
    dlon = CELL_M / _GEOD.inv(west, middle, west + 1.0, middle)[2]
    dlat = CELL_M / _GEOD.inv(west, middle - 0.5, west, middle + 0.5)[2]
    nx, ny = int(np.ceil((east - west) / dlon)), int(np.ceil((north - south) / dlat))
    grid = Grid(west, south, dlon, dlat, nx, ny, np.full(nx * ny, -1), tuple(town_codes), tuple(town_names), outline)
    lon, lat = grid.centres
    for index, geom in enumerate(town_geoms):
        shapely.prepare(geom)
        grid.town[(grid.town < 0) & shapely.contains_xy(geom, lon, lat)] = index
    shapely.prepare(outline)
    return grid
