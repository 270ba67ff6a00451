"""The demo typhoon: seeded, plausible, red somewhere, replayable hour by hour; it drives the live levels."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient

from app.risk.flood import live_flood_spot_tier
from geodata.demo.typhoon import DEMO_HOURS, typhoon_hours, typhoon_rainfall
from tests.storm.conftest import PEAK

LON, LAT = np.linspace(113.55, 114.2, 60), np.linspace(22.7, 23.1, 60)


def test_the_typhoon_is_seeded_and_within_the_ingest_limits() -> None:
    rain = typhoon_rainfall(LON, LAT)
    assert rain.shape == (DEMO_HOURS, 60) and (rain == typhoon_rainfall(LON, LAT)).all()
    assert rain.min() >= 0 and rain.max() <= 300
    three_hours = np.lib.stride_tricks.sliding_window_view(rain, 3, axis=0).sum(axis=-1)
    assert three_hours.max() >= 100  # red-warning intensity somewhere
    assert len(typhoon_hours()) == DEMO_HOURS


def test_replay_reaches_red_and_lists_what_turned_red(storm_client: TestClient, typhoon: dict) -> None:
    status = storm_client.get("/api/storm/status").json()
    assert "demo-typhoon" in [e["event"] for e in status["events"]]
    seen_red, turned_red = set(), []
    for hour in range(20, 44):
        params = {"event": "demo-typhoon", "at": typhoon_hours()[hour].isoformat()}
        warnings = storm_client.get("/api/storm/warnings", params=params).json()
        seen_red |= {f["properties"]["level"] for f in warnings["areas"]["features"]}
        turned_red += [
            t for t in storm_client.get("/api/storm/changes", params=params).json()["turned"] if t["level"] == "red"
        ]
    assert "red" in seen_red
    assert turned_red and {t["previous"] for t in turned_red} <= {"none", "blue", "yellow", "orange"}


def test_surface_replay_and_window(storm_client: TestClient, typhoon: dict) -> None:
    params = {"event": "demo-typhoon", "at": PEAK}
    one = storm_client.get("/api/storm/surface", params=params | {"window": 1}).json()
    day = storm_client.get("/api/storm/surface", params=params | {"window": 24}).json()
    assert day["max_mm"] >= one["max_mm"] > 0
    assert len(day["gauges"]) == 120 and day["grid"]["cell_m"] == 250
    assert storm_client.get("/api/storm/surface", params=params | {"window": 2}).status_code == 400
    outside = storm_client.get("/api/storm/surface", params={"event": "demo-typhoon", "at": "2019-01-01T00:00:00Z"})
    assert outside.status_code == 400 and outside.json()["field"] == "at"


def test_loading_the_demo_writes_live_levels_and_tiers(storm_client: TestClient, auth: dict, db) -> None:
    loaded = storm_client.post("/api/storm/demo", headers=auth["commander"])
    assert loaded.status_code == 200
    levels = dict(db.execute("SELECT warning_level, count(*) FROM flood_spot GROUP BY 1").fetchall())
    assert set(levels) - {"none"}, levels  # the storm's last hour still has warnings
    for base, warning, tier in db.execute("SELECT base_tier, warning_level, tier FROM flood_spot").fetchall():
        assert tier == live_flood_spot_tier(base, warning).tier.value
    causes = db.execute("SELECT count(*) FROM tier_history WHERE cause LIKE '%demo-typhoon%'").fetchone()[0]
    assert causes > 0
