"""Planning defaults from the published standards (docs/planning.md cites each); every one can be overridden per
request. Shelter classes are ordered: a higher class also serves the lower levels (a fixed shelter is an emergency
refuge for its neighbours), so coverage at a level counts the shelters of that class and above.
"""

from __future__ import annotations

from typing import Literal

ShelterLevel = Literal["emergency", "fixed", "central"]
SHELTER_LEVELS: tuple[ShelterLevel, ...] = ("emergency", "fixed", "central")

# GB 50413-2007 §8.2: 紧急 500 m; 固定 2–3 km (the midpoint). 中心 has no radius there: a central shelter serves
# ≤ 50 km² (the later general code, §4.2), the area of a circle of about 4 km.
SERVICE_RADIUS_M: dict[ShelterLevel, float] = {"emergency": 500.0, "fixed": 2500.0, "central": 4000.0}
# GB 50413-2007: ≥ 1 m² (紧急), ≥ 2 m² (固定); 中心 has none and is taken as 固定. GB 21734-2008 §5.4 asks > 1.5 m².
PER_CAPITA_M2: dict[ShelterLevel, float] = {"emergency": 1.0, "fixed": 2.0, "central": 2.0}
GB21734_MIN_PER_CAPITA_M2 = 1.5
# GB 50413-2007 minimum sites (0.1 / 1 / 50 hm²): the effective area assumed for a new site with none given.
MIN_SITE_AREA_M2: dict[ShelterLevel, float] = {"emergency": 1_000.0, "fixed": 10_000.0, "central": 500_000.0}

# 2024 national guidance: the first batch arrives within 6 h (county), 8 h (city), 10 h (province). Dongguan has no
# counties: its towns report to the city directly and take the county's 6 h, as do village depots.
DEPOT_HOURS: dict[str, float] = {"village": 6.0, "town": 6.0, "city": 8.0}
# Until a road network is loaded: straight-line distance × detour factor ÷ speed (see travel.py).
DETOUR_FACTOR = 1.3
ROAD_SPEED_KMH = 40.0

CITY_CODE = "441900"  # admin_area code of the city: uploaded candidate sites must lie inside it
