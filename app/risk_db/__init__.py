"""Tiers in the database: gather facts with explicit SQL, tier them with the pure rules of `app.risk`, write back
only what changed, and record every tier change in `tier_history` — all inside the caller's transaction.

`retier_all(dsn)` serves the CLI and the tests; API handlers call the async functions on their own connection so that
an edit and the tiers it moves commit together (动态管控).
"""

from app.risk_db.service import (
    FIRE_WEATHER_KEY,
    retier_all,
    retier_all_async,
    retier_enterprises,
    retier_flood_spots,
    retier_forest_zones,
    retier_geohazards,
    retier_towns,
    tier_history,
)

__all__ = [
    "FIRE_WEATHER_KEY",
    "retier_all",
    "retier_all_async",
    "retier_enterprises",
    "retier_flood_spots",
    "retier_forest_zones",
    "retier_geohazards",
    "retier_towns",
    "tier_history",
]
