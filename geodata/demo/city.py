"""The real Dongguan the demo stands on: 33 towns with their 2020 census, the city outline, named hazard facts and
OSM power plants (all shipped in geodata/data), plus a 500 m grid and a sampler that drops points inside a town.

Everything here is deterministic; randomness comes in only through the `rng` the callers pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CITY_CODE = "441900"
METRIC_CRS = "EPSG:32649"  # UTM 49N: metres for the grid, distances and areas
CELL_M = 500.0
# Sampling areas are the town ∩ city outline shrunk by ~0.1 m, so that what we generate stays strictly inside both
# in PostGIS as well, whatever rounding an overlay or a reprojection adds.
INSET_DEG = 1e-6
_MAX_DRAWS = 30


@dataclass(frozen=True)
class TownProfile:
    """What makes a town different in the demo: English name, how industrial, low-lying, hilly and chemical it is."""

    name_en: str
    industry: float  # relative density of enterprises per resident
    lowland: float  # 0–1: share of flood black-spots
    hilly: float  # 0–1: geohazards and forest
    hazchem: float  # base probability that a firm handles hazardous chemicals
    specialties: dict[str, float] = field(default_factory=dict)  # industry → weight multiplier


PROFILES: dict[str, TownProfile] = {
    "东城街道": TownProfile("Dongcheng Subdistrict", 0.8, 1.0, 0.6, 0.03),
    "南城街道": TownProfile("Nancheng Subdistrict", 0.6, 1.0, 0.3, 0.02, {"logistics": 1.5}),
    "万江街道": TownProfile("Wanjiang Subdistrict", 0.7, 1.0, 0.0, 0.03),
    "莞城街道": TownProfile("Guancheng Subdistrict", 0.3, 1.0, 0.0, 0.01, {"food": 2.0}),
    "石碣镇": TownProfile("Shijie Town", 1.3, 0.5, 0.0, 0.04, {"electronics": 3.0}),
    "石龙镇": TownProfile("Shilong Town", 0.8, 1.0, 0.0, 0.03, {"electronics": 2.0}),
    "茶山镇": TownProfile("Chashan Town", 1.0, 0.4, 0.1, 0.04, {"food": 2.0}),
    "石排镇": TownProfile("Shipai Town", 1.0, 0.3, 0.2, 0.04),
    "企石镇": TownProfile("Qishi Town", 0.9, 0.3, 0.3, 0.04),
    "横沥镇": TownProfile("Hengli Town", 1.3, 0.3, 0.1, 0.05, {"machinery": 2.5, "metal": 1.5}),
    "桥头镇": TownProfile("Qiaotou Town", 1.0, 0.3, 0.4, 0.04, {"paper": 2.0}),
    "谢岗镇": TownProfile("Xiegang Town", 0.9, 0.1, 1.0, 0.05),
    "东坑镇": TownProfile("Dongkeng Town", 1.2, 0.2, 0.3, 0.04, {"electronics": 1.5}),
    "常平镇": TownProfile("Changping Town", 1.2, 0.3, 0.6, 0.05, {"logistics": 3.0}),
    "寮步镇": TownProfile("Liaobu Town", 1.4, 0.3, 0.5, 0.05, {"electronics": 1.5}),
    "樟木头镇": TownProfile("Zhangmutou Town", 0.9, 0.2, 1.0, 0.04),
    "大朗镇": TownProfile("Dalang Town", 1.4, 0.2, 0.8, 0.04, {"textile": 4.0}),
    "黄江镇": TownProfile("Huangjiang Town", 1.4, 0.2, 0.9, 0.05, {"electronics": 2.0}),
    "清溪镇": TownProfile("Qingxi Town", 1.4, 0.2, 1.0, 0.05, {"electronics": 3.0}),
    "塘厦镇": TownProfile("Tangxia Town", 1.5, 0.6, 0.9, 0.05, {"electronics": 2.0}),
    "凤岗镇": TownProfile("Fenggang Town", 1.4, 0.3, 0.9, 0.05, {"electronics": 2.0}),
    "大岭山镇": TownProfile("Dalingshan Town", 1.4, 0.2, 0.8, 0.05, {"furniture": 3.0}),
    "长安镇": TownProfile("Chang'an Town", 1.6, 0.7, 0.4, 0.05, {"electronics": 2.0, "metal": 2.0, "machinery": 2.0}),
    "虎门镇": TownProfile("Humen Town", 1.3, 0.8, 0.4, 0.05, {"textile": 3.0}),
    "厚街镇": TownProfile("Houjie Town", 1.4, 0.7, 0.4, 0.04, {"furniture": 4.0}),
    "沙田镇": TownProfile("Shatian Town", 1.0, 0.9, 0.0, 0.30, {"chemical": 5.0, "logistics": 2.0}),
    "道滘镇": TownProfile("Daojiao Town", 0.8, 1.0, 0.0, 0.04, {"food": 2.0}),
    "洪梅镇": TownProfile("Hongmei Town", 0.8, 1.0, 0.0, 0.15, {"paper": 3.0, "chemical": 2.0}),
    "麻涌镇": TownProfile("Machong Town", 1.0, 1.0, 0.0, 0.15, {"paper": 3.0, "chemical": 2.0, "food": 2.0}),
    "望牛墩镇": TownProfile("Wangniudun Town", 0.7, 1.0, 0.0, 0.04),
    "中堂镇": TownProfile("Zhongtang Town", 1.0, 1.0, 0.0, 0.06, {"paper": 4.0}),
    "高埗镇": TownProfile("Gaobu Town", 0.9, 1.0, 0.0, 0.04),
    "松山湖管委会": TownProfile("Songshan Lake", 1.5, 0.1, 0.5, 0.03, {"electronics": 4.0}),
}

_TO_LONLAT = Transformer.from_crs(METRIC_CRS, "EPSG:4326", always_xy=True)
_TO_METRIC = Transformer.from_crs("EPSG:4326", METRIC_CRS, always_xy=True)


def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _TO_LONLAT.transform(x, y)


def to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _TO_METRIC.transform(lon, lat)


def metric_to_lonlat(geometry):
    """A shapely geometry (or array) from UTM metres to lon/lat."""
    return shapely.transform(geometry, lambda xy: np.column_stack(to_lonlat(xy[:, 0], xy[:, 1])))


def lonlat_to_metric(geometry):
    return shapely.transform(geometry, lambda xy: np.column_stack(to_metric(xy[:, 0], xy[:, 1])))


def short_name(name: str) -> str:
    """东城街道 → 东城, 虎门镇 → 虎门, 松山湖管委会 → 松山湖: how people say a town's name."""
    for suffix in ("街道", "管委会", "镇"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass(frozen=True)
class City:
    """Towns (row i = town i everywhere below), the outline and the 500 m grid with each cell's town."""

    towns: gpd.GeoDataFrame
    outline: shapely.MultiPolygon
    interiors: np.ndarray  # per town: town ∩ outline, inset; prepared for fast point tests
    cell_x: np.ndarray  # UTM centre of each cell
    cell_y: np.ndarray
    cell_lon: np.ndarray  # the same centre in lon/lat (the cell's centroid column)
    cell_lat: np.ndarray
    cell_town: np.ndarray  # index into towns
    facts: pd.DataFrame
    plants: gpd.GeoDataFrame

    def cells_of(self, town: int) -> np.ndarray:
        return np.flatnonzero(self.cell_town == town)

    def inside(self, town: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point lies strictly inside the sampling area of its town."""
        ok = np.zeros(len(lon), dtype=bool)
        for t in np.unique(town):
            rows = town == t
            ok[rows] = shapely.contains_xy(self.interiors[t], lon[rows], lat[rows])
        return ok

    def points_in_cells(self, rng: np.random.Generator, cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One uniform point per given cell, redrawn until it falls inside the cell's town (centroid as last resort)."""
        lon, lat = self.cell_lon[cells].copy(), self.cell_lat[cells].copy()
        todo = np.arange(len(cells))
        for _ in range(_MAX_DRAWS):
            if not len(todo):
                break
            half = CELL_M / 2
            x = self.cell_x[cells[todo]] + rng.uniform(-half, half, len(todo))
            y = self.cell_y[cells[todo]] + rng.uniform(-half, half, len(todo))
            lo, la = to_lonlat(x, y)
            ok = self.inside(self.cell_town[cells[todo]], lo, la)
            lon[todo[ok]], lat[todo[ok]] = lo[ok], la[ok]
            todo = todo[~ok]
        return lon, lat

    def distance_to_label(self) -> np.ndarray:
        """Metres from each cell centre to its town's label point (a stand-in for the town centre)."""
        lx, ly = to_metric(self.towns["label_lon"].to_numpy(), self.towns["label_lat"].to_numpy())
        return np.hypot(self.cell_x - lx[self.cell_town], self.cell_y - ly[self.cell_town])


@cache
def load_city() -> City:
    """Read the shipped files once and lay the grid: 500 m squares in UTM, each owned by the town holding its centre."""
    towns = gpd.read_file(DATA_DIR / "dongguan_towns_wgs84.geojson")
    census = pd.read_csv(DATA_DIR / "dongguan_town_population_2020.csv", dtype={"code": str})
    towns = towns.drop(columns="pop2020").merge(census[["code", "pop2020_census"]], on="code", validate="1:1")
    towns = towns.rename(columns={"pop2020_census": "population"}).sort_values("code", ignore_index=True)
    towns["short"] = towns["name"].map(short_name)
    outline = gpd.read_file(DATA_DIR / "dongguan_outline_wgs84.geojson").geometry.iloc[0]
    interiors = shapely.buffer(shapely.intersection(towns.geometry.to_numpy(), outline), -INSET_DEG)
    shapely.prepare(interiors)

    x0, y0, x1, y1 = lonlat_to_metric(outline).bounds
    xs = np.arange(np.floor(x0 / CELL_M), np.ceil(x1 / CELL_M)) * CELL_M + CELL_M / 2
    ys = np.arange(np.floor(y0 / CELL_M), np.ceil(y1 / CELL_M)) * CELL_M + CELL_M / 2
    gx, gy = (a.ravel() for a in np.meshgrid(xs, ys))
    glon, glat = to_lonlat(gx, gy)
    town = np.full(len(gx), -1)
    for t, area in enumerate(interiors):
        town[(town < 0) & shapely.contains_xy(area, glon, glat)] = t
    # A town too small or thin to hold a cell centre still gets one cell, centred on its label point.
    for t in sorted(set(range(len(towns))) - set(town[town >= 0])):
        lon, lat = towns.loc[t, ["label_lon", "label_lat"]].to_numpy(float)
        lx, ly = to_metric(lon, lat)
        gx, gy, glon, glat = (np.append(a, v) for a, v in ((gx, lx), (gy, ly), (glon, lon), (glat, lat)))
        town = np.append(town, t)
    kept = town >= 0

    facts = pd.read_csv(DATA_DIR / "dongguan_named_hazard_facts.csv", dtype=str).fillna("")
    plants = gpd.read_file(DATA_DIR / "dongguan_osm_power_polygons_wgs84.geojson")
    return City(
        towns=towns,
        outline=outline,
        interiors=interiors,
        cell_x=gx[kept],
        cell_y=gy[kept],
        cell_lon=glon[kept],
        cell_lat=glat[kept],
        cell_town=town[kept],
        facts=facts,
        plants=plants[plants["osm_power"] == "plant"].reset_index(drop=True),
    )
