"""Rainfall surface: gauge accumulations over 1/3/6/12/24 h interpolated on the grid (IDW), and warning levels.

Pure numpy over plain arrays; the database side lives in app.storm.live. The warning criteria are read from the risk
engine's signal (app.risk.standards), never re-declared: `warning_levels` applies them to whole arrays and
app.risk.flood.rainfall_warning applies them to one place (a test checks they agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import shapely
from scipy.spatial import cKDTree

from app.risk.standards import NATIONAL_RAINSTORM_SIGNAL, RainstormSignal
from app.storm.grid import Grid, to_metric
from layers.styles import WARNING_LEVELS

WINDOWS_H = (1, 3, 6, 12, 24)
LEVELS = ("none", *WARNING_LEVELS)  # the index is the level's code: 0 none … 4 red
LEVEL_CODE = {name: code for code, name in enumerate(LEVELS)}


@dataclass(frozen=True)
class IdwParams:
    """Inverse-distance weighting: the `neighbours` nearest gauges within `radius_m`, weights 1/d^power.

    A cell with no gauge within the radius has no value (NaN): an honest gap, not a guess.
    """

    power: float = 2.0
    neighbours: int = 8
    radius_m: float = 15_000.0


IDW = IdwParams()


def accumulate(hours_before: np.ndarray, gauge: np.ndarray, rain_mm: np.ndarray, gauges: int) -> np.ndarray:
    """Sum hourly amounts into (gauges × WINDOWS_H) totals; `hours_before` is 0 for the hour ending at T.

    A missing hour counts as dry: a gauge that reports at all in the last 24 h is taken as reporting.
    """
    by_hour = np.zeros((gauges, max(WINDOWS_H)))
    np.add.at(by_hour, (gauge, hours_before), rain_mm)
    running = np.cumsum(by_hour, axis=1)
    return running[:, [h - 1 for h in WINDOWS_H]]


def interpolate(
    grid: Grid, gauge_lon: np.ndarray, gauge_lat: np.ndarray, amounts: np.ndarray, params: IdwParams = IDW
) -> np.ndarray:
    """(cells × windows) IDW estimate; the cell holding a gauge takes that gauge's reading (mean of several)."""
    if len(gauge_lon) == 0:
        return np.full((grid.size, amounts.shape[1]), np.nan)
    tree = cKDTree(np.column_stack(to_metric(gauge_lon, gauge_lat)))
    k = min(params.neighbours, len(gauge_lon))
    distance, index = tree.query(grid.metric_centres, k=k, distance_upper_bound=params.radius_m)
    distance, index = distance.reshape(grid.size, k), index.reshape(grid.size, k)
    found = np.isfinite(distance)
    weight = np.where(found, 1.0 / np.maximum(distance, 1.0) ** params.power, 0.0)
    padded = np.vstack([amounts, np.zeros((1, amounts.shape[1]))])  # index == n marks "no neighbour"
    total = np.column_stack([(weight * padded[index, w]).sum(axis=1) for w in range(amounts.shape[1])])
    norm = weight.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        surface = np.where(norm > 0, total / norm, np.nan)
    own = grid.cell_of(gauge_lon, gauge_lat)
    sums, counts = np.zeros_like(surface), np.zeros(grid.size)
    np.add.at(sums, own, amounts)
    np.add.at(counts, own, 1)
    held = counts > 0
    surface[held] = sums[held] / counts[held, None]
    return surface


def warning_levels(amounts: np.ndarray, signal: RainstormSignal = NATIONAL_RAINSTORM_SIGNAL) -> np.ndarray:
    """The gravest signal met in each row of (places × WINDOWS_H) amounts, as LEVEL_CODE; NaN meets nothing."""
    levels = np.zeros(len(amounts), dtype=np.int8)
    for criterion in signal.criteria:
        met = amounts[:, WINDOWS_H.index(criterion.window_h)] >= criterion.threshold_mm
        levels = np.where(met, np.maximum(levels, LEVEL_CODE[criterion.level]), levels)
    return levels


@dataclass(frozen=True, eq=False)
class Surface:
    """Accumulations and warning levels of every grid cell at one time."""

    grid: Grid
    amounts: np.ndarray  # cells × WINDOWS_H, mm
    levels: np.ndarray  # cells, LEVEL_CODE

    def window(self, hours: int) -> np.ndarray:
        return self.amounts[:, WINDOWS_H.index(hours)]

    def at(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Amounts and level codes of the cells holding the points."""
        cells = self.grid.cell_of(lon, lat)
        return self.amounts[cells], self.levels[cells]

    def town_levels(self) -> list[dict[str, object]]:
        """Per town: the gravest level of any of its cells, and the share of its area at each level."""
        towns = len(self.grid.town_codes)
        inside = self.grid.inside
        counts = np.zeros((towns, len(LEVELS)))
        np.add.at(counts, (self.grid.town[inside], self.levels[inside]), 1)
        rows = []
        for t in range(towns):
            cells = counts[t].sum()
            shares = {LEVELS[c]: round(float(counts[t, c] / cells), 4) for c in range(1, len(LEVELS))} if cells else {}
            worst = int(np.flatnonzero(counts[t])[-1]) if cells else 0
            rows.append(
                {
                    "code": self.grid.town_codes[t],
                    "name": self.grid.town_names[t],
                    "level": LEVELS[worst],
                    "shares": shares,
                    "max_3h_mm": _rounded_max(self.window(3)[inside][self.grid.town[inside] == t]),
                    "max_24h_mm": _rounded_max(self.window(24)[inside][self.grid.town[inside] == t]),
                }
            )
        return rows

    @cached_property
    def warning_areas(self) -> dict[str, shapely.Geometry]:
        """Per level, the cells at exactly that level dissolved and clipped to the city (empty when none)."""
        return {LEVELS[code]: self._dissolve(self.levels == code) for code in range(1, len(LEVELS))}

    def area_at_least(self, level: str) -> shapely.Geometry:
        """The warning area of `level` or graver: what an orange warning covers includes its red core."""
        return self._dissolve(self.levels >= LEVEL_CODE[level])

    def _dissolve(self, selected: np.ndarray) -> shapely.Geometry:
        return self.grid.dissolve(np.flatnonzero(self.grid.inside & selected))


def _rounded_max(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return round(float(finite.max()), 1) if len(finite) else None


def compute_surface(
    grid: Grid,
    gauge_lon: np.ndarray,
    gauge_lat: np.ndarray,
    amounts: np.ndarray,
    params: IdwParams = IDW,
    signal: RainstormSignal = NATIONAL_RAINSTORM_SIGNAL,
) -> Surface:
    values = interpolate(grid, gauge_lon, gauge_lat, amounts, params)
    return Surface(grid, values, warning_levels(values, signal))
