"""The rainfall surface: a gauge's own cell gets its reading, IDW in between, levels exactly at the thresholds."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from pyproj import Geod

from app.risk.flood import rainfall_warning
from app.risk.standards import NATIONAL_RAINSTORM_SIGNAL
from app.storm.grid import build_grid
from app.storm.surface import LEVELS, WINDOWS_H, IdwParams, accumulate, compute_surface, warning_levels

TOWNS = [shapely.box(113.70, 22.90, 113.75, 22.95), shapely.box(113.75, 22.90, 113.80, 22.95)]


@pytest.fixture(scope="module")
def grid():
    return build_grid(["A", "B"], ["甲镇", "乙镇"], TOWNS)


def amounts(mm: float) -> np.ndarray:
    return np.full((1, len(WINDOWS_H)), mm)


def test_the_grid_is_250_m_and_every_cell_has_its_town(grid) -> None:
    geod = Geod(ellps="WGS84")
    middle = grid.lat0 + grid.ny * grid.dlat / 2
    assert geod.inv(113.7, middle, 113.7 + grid.dlon, middle)[2] == pytest.approx(250, abs=0.5)
    assert geod.inv(113.7, middle, 113.7, middle + grid.dlat)[2] == pytest.approx(250, abs=0.5)
    lon, lat = grid.centres
    inside = shapely.contains_xy(shapely.union_all(TOWNS), lon, lat)
    assert (grid.inside == inside).all()
    assert set(grid.town[inside & (lon < 113.75)]) == {0} and set(grid.town[inside & (lon > 113.75)]) == {1}


def test_a_gauge_cell_gets_the_gauge_value_and_idw_lies_between(grid) -> None:
    lon, lat = np.array([113.7123, 113.7871]), np.array([22.9137, 22.9412])
    values = np.vstack([amounts(10.0), amounts(90.0)])
    surface = compute_surface(grid, lon, lat, values)
    at_gauges, _ = surface.at(lon, lat)
    assert at_gauges[:, 0].tolist() == [10.0, 90.0]
    assert np.nanmin(surface.amounts) == 10.0 and np.nanmax(surface.amounts) == 90.0
    middle, _ = surface.at(np.array([113.75]), np.array([22.9275]))
    assert 10.0 < middle[0, 0] < 90.0


def test_cells_beyond_the_search_radius_have_no_value(grid) -> None:
    surface = compute_surface(grid, np.array([113.7]), np.array([22.9]), amounts(60.0), IdwParams(radius_m=1000))
    assert np.isnan(surface.amounts).any() and not np.isnan(surface.amounts).all()
    assert (surface.levels[np.isnan(surface.amounts[:, 0])] == 0).all()


def test_accumulate_sums_the_hours_of_each_window() -> None:
    hours_before = np.arange(24)
    totals = accumulate(hours_before, np.zeros(24, int), np.ones(24), gauges=1)
    assert totals.tolist() == [list(map(float, WINDOWS_H))]


@pytest.mark.parametrize(
    ("h3", "h6", "h12", "level"),
    [
        (0, 0, 49.9, "none"),
        (0, 0, 50, "blue"),
        (0, 50, 50, "yellow"),
        (49.9, 50, 50, "yellow"),
        (50, 50, 50, "orange"),
        (99.9, 99.9, 99.9, "orange"),
        (100, 100, 100, "red"),
    ],
)
def test_levels_at_the_exact_thresholds_agree_with_the_risk_engine(h3, h6, h12, level) -> None:
    row = np.array([[0.0, h3, h6, h12, h12]])
    assert LEVELS[warning_levels(row)[0]] == level
    assert rainfall_warning(0.0, h3, h6, h12).level == level


def test_the_vectorised_levels_are_the_risk_engine_levels_everywhere() -> None:
    rng = np.random.default_rng(7)
    hourly = rng.gamma(0.6, 12.0, size=(2000, 24))
    totals = accumulate(np.tile(np.arange(24), 2000), np.repeat(np.arange(2000), 24), hourly.ravel(), 2000)
    levels = warning_levels(totals, NATIONAL_RAINSTORM_SIGNAL)
    expected = [rainfall_warning(*row[:4]).level for row in totals]
    assert [LEVELS[c] for c in levels] == expected
    assert len(set(expected)) == len(LEVELS)  # the sample reaches every level


def test_warning_areas_are_the_cells_clipped_to_the_city(grid) -> None:
    surface = compute_surface(
        grid, np.array([113.70, 113.80]), np.array([22.90, 22.95]), np.vstack([amounts(120), amounts(0)])
    )
    red = surface.warning_areas["red"]
    assert not red.is_empty and shapely.union_all(TOWNS).buffer(1e-9).contains(red)
    assert surface.area_at_least("blue").contains(red)
    assert [town["level"] for town in surface.town_levels()][0] == "red"
