"""The demo typhoon ("demo-typhoon"): 48 hourly rain amounts per gauge from a rain band crossing Dongguan SE → NW.

Synthetic, seeded and pure (coordinates in, amounts out). A wide band brings steady rain, convective cells embedded in
it bring the bursts: at least one cell passes over gauges hard enough for a red signal (≥ 100 mm in 3 h). The event is
set in a fixed past window so that it never collides with live observations of the same gauge and hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

DEMO_EVENT = "demo-typhoon"
DEMO_SEED = 20180916
DEMO_HOURS = 48
BEIJING = timezone(timedelta(hours=8))
DEMO_START = datetime(2018, 9, 15, 20, tzinfo=BEIJING)  # the first amount is for the hour ending 21:00

CENTRE_LON, CENTRE_LAT = 113.85, 22.90
KM_PER_DEG_LAT = 110.75
HEADING = np.array([-0.6, 0.8])  # unit vector of the band's motion, towards the north-north-west
BAND_START_KM, BAND_SPEED_KMH = -100.0, 3.0  # band axis position along HEADING at hour 0, and its speed
BAND_HALF_WIDTH_KM, BAND_RATE_MMH = 12.0, 7.0
TRAILING_RATE_MMH, TRAILING_DECAY_KM = 1.5, 40.0
MAX_HOURLY_MM = 200.0  # well inside the 300 mm/h plausibility limit of the ingest


@dataclass(frozen=True)
class ConvectiveCell:
    """A burst riding on the band: across-band offset, radius, peak rate and the hour and spread of its life."""

    offset_km: float
    radius_km: float
    peak_mmh: float
    peak_hour: float
    life_h: float


def _cells(rng: np.random.Generator) -> list[ConvectiveCell]:
    """One strong cell that crosses the city's middle (the red one), and a few weaker ones around it."""
    strong = ConvectiveCell(offset_km=rng.uniform(-8, 8), radius_km=5.0, peak_mmh=46.0, peak_hour=34.0, life_h=4.0)
    others = [
        ConvectiveCell(
            offset_km=rng.uniform(-30, 30),
            radius_km=rng.uniform(4, 7),
            peak_mmh=rng.uniform(12, 26),
            peak_hour=rng.uniform(22, 44),
            life_h=rng.uniform(2.5, 4.5),
        )
        for _ in range(5)
    ]
    return [strong, *others]


def _local_km(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equirectangular kilometres around the city centre: ample for a synthetic storm."""
    x = (np.asarray(lon, float) - CENTRE_LON) * KM_PER_DEG_LAT * np.cos(np.radians(CENTRE_LAT))
    y = (np.asarray(lat, float) - CENTRE_LAT) * KM_PER_DEG_LAT
    return x, y


def typhoon_rainfall(lon: np.ndarray, lat: np.ndarray, *, hours: int = DEMO_HOURS, seed: int = DEMO_SEED) -> np.ndarray:
    """Rain (mm, 0.1 mm steps) in each hour (rows) at each gauge (columns)."""
    rng = np.random.default_rng(seed)
    x, y = _local_km(lon, lat)
    along = x * HEADING[0] + y * HEADING[1]  # position along the motion
    across = -x * HEADING[1] + y * HEADING[0]
    hour = np.arange(1, hours + 1, dtype=float)[:, None]
    band_axis = BAND_START_KM + BAND_SPEED_KMH * hour
    behind = band_axis - along  # > 0 once the band has passed
    rate = BAND_RATE_MMH * np.exp(-0.5 * (behind / BAND_HALF_WIDTH_KM) ** 2)
    rate += TRAILING_RATE_MMH * np.where(behind > 0, np.exp(-behind / TRAILING_DECAY_KM), 0.0)
    for cell in _cells(rng):
        distance2 = behind**2 + (across - cell.offset_km) ** 2
        life = np.exp(-0.5 * ((hour - cell.peak_hour) / cell.life_h) ** 2)
        rate += cell.peak_mmh * life * np.exp(-0.5 * distance2 / cell.radius_km**2)
    noise = rng.lognormal(mean=0.0, sigma=0.25, size=rate.shape)
    return np.round(np.clip(rate * noise, 0.0, MAX_HOURLY_MM), 1)


def typhoon_hours(start: datetime = DEMO_START, hours: int = DEMO_HOURS) -> list[datetime]:
    """The end of each observed hour (rain_observation.observed_at)."""
    return [start + timedelta(hours=h) for h in range(1, hours + 1)]
