"""Request models of the planning API: every limit is checked here, so bad input is a 422 that names the field."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.analyses.planning.siting import Engine, Model
from app.analyses.planning.standards import (
    DEPOT_HOURS,
    DETOUR_FACTOR,
    PER_CAPITA_M2,
    ROAD_SPEED_KMH,
    SERVICE_RADIUS_M,
    ShelterLevel,
)
from app.analyses.planning.travel import StraightLine

RadiusM = Annotated[float, Field(gt=0, le=50_000, description="Service radius in metres (straight line)")]
PerCapitaM2 = Annotated[float, Field(gt=0, le=100, description="Effective shelter area per person in m²")]
Hours = Annotated[float, Field(gt=0, le=72, description="Travel-time limit in hours")]
DetourFactor = Annotated[float, Field(ge=1, le=3, description="Road distance ÷ straight-line distance")]
SpeedKmh = Annotated[float, Field(gt=0, le=120, description="Average road speed in km/h")]
DepotLevel = Literal["village", "town", "city"]
CandidateSource = Literal["schools", "vulnerable_sites", "grid_cells"]


class ShelterCoverageParams(BaseModel):
    """Service radius and per-capita area per shelter level; the defaults are GB 50413's (standards.py)."""

    emergency_radius_m: RadiusM = SERVICE_RADIUS_M["emergency"]
    fixed_radius_m: RadiusM = SERVICE_RADIUS_M["fixed"]
    central_radius_m: RadiusM = SERVICE_RADIUS_M["central"]
    emergency_per_capita_m2: PerCapitaM2 = PER_CAPITA_M2["emergency"]
    fixed_per_capita_m2: PerCapitaM2 = PER_CAPITA_M2["fixed"]
    central_per_capita_m2: PerCapitaM2 = PER_CAPITA_M2["central"]

    def radius_m(self, level: ShelterLevel) -> float:
        return getattr(self, f"{level}_radius_m")

    def per_capita_m2(self, level: ShelterLevel) -> float:
        return getattr(self, f"{level}_per_capita_m2")


class DepotCoverageParams(BaseModel):
    """Travel-time limit per depot level (2024 national guidance) and the straight-line travel model."""

    village_hours: Hours = DEPOT_HOURS["village"]
    town_hours: Hours = DEPOT_HOURS["town"]
    city_hours: Hours = DEPOT_HOURS["city"]
    detour_factor: DetourFactor = DETOUR_FACTOR
    speed_kmh: SpeedKmh = ROAD_SPEED_KMH

    def hours(self, level: str) -> float:
        return getattr(self, f"{level}_hours")

    def travel(self) -> StraightLine:
        return StraightLine(self.detour_factor, self.speed_kmh)


class PointGeometry(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(min_length=2, max_length=3, description="WGS-84 longitude, latitude (RFC 7946)")

    @field_validator("coordinates")
    @classmethod
    def _lon_lat(cls, value: list[float]) -> list[float]:
        lon, lat = value[:2]
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError("coordinates must be WGS-84 longitude, latitude in degrees")
        return value


class CandidateProperties(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str | None = None
    effective_area_m2: float | None = Field(None, gt=0, description="Used for capacity-aware shelter siting")


class CandidateFeature(BaseModel):
    type: Literal["Feature"]
    id: str | int | None = None
    geometry: PointGeometry
    properties: CandidateProperties | None = None


class CandidateCollection(BaseModel):
    """Candidate sites uploaded as a GeoJSON FeatureCollection of points."""

    type: Literal["FeatureCollection"]
    features: list[CandidateFeature] = Field(max_length=20_000)


class SitingRequest(BaseModel):
    """Choose sites for new shelters or depots; existing ones stay selected unless `keep_existing` is false."""

    model_config = ConfigDict(extra="forbid")

    facility: Literal["shelter", "depot"] = "shelter"
    model: Model = Field("mclp", description="mclp: cover most people with k new sites; lscp: fewest new sites "
                         "covering everyone within reach; p_median: least total people × cost; p_center: least "
                         "worst-case cost")  # fmt: skip
    k: int | None = Field(None, ge=1, le=10_000, description="New sites to add (not for lscp)")
    shelter_class: ShelterLevel = "emergency"
    radius_m: RadiusM | None = Field(None, description="Shelters; default by shelter_class")
    per_capita_m2: PerCapitaM2 | None = Field(None, description="Shelters, capacity-aware; default by shelter_class")
    new_site_area_m2: float | None = Field(None, gt=0, description="Effective area of a new shelter without one")
    depot_level: DepotLevel = "town"
    hours: Hours | None = Field(None, description="Depots; default by depot_level")
    detour_factor: DetourFactor = DETOUR_FACTOR
    speed_kmh: SpeedKmh = ROAD_SPEED_KMH
    candidates: CandidateCollection | None = None
    candidate_sources: list[CandidateSource] = Field(default_factory=list)
    town_codes: list[str] | None = Field(None, min_length=1, description="Study area; default the whole city")
    keep_existing: bool = True
    capacity_aware: bool = False
    engine: Engine = "auto"
    time_limit_s: float = Field(30.0, gt=0, le=600)

    @model_validator(mode="after")
    def _consistent(self) -> SitingRequest:
        if self.model == "lscp" and self.k is not None:
            raise ValueError("k does not apply to lscp: it finds the fewest sites itself")
        if self.model != "lscp" and self.k is None:
            raise ValueError(f"k (the number of new sites) is required for {self.model}")
        if self.facility == "depot" and (self.radius_m or self.per_capita_m2 or self.new_site_area_m2):
            raise ValueError("depots are sited by travel time (hours), not by radius or shelter area")
        if self.facility == "shelter" and self.hours:
            raise ValueError("shelters are sited by radius_m, not hours")
        if self.capacity_aware and (self.facility == "depot" or self.model == "p_center"):
            raise ValueError("capacity-aware siting applies to shelters with mclp, lscp or p_median")
        return self

    def travel(self) -> StraightLine:
        return StraightLine() if self.facility == "shelter" else StraightLine(self.detour_factor, self.speed_kmh)

    def limit(self) -> float:
        """Service radius (m) for shelters, travel time (h) for depots."""
        if self.facility == "shelter":
            return self.radius_m or SERVICE_RADIUS_M[self.shelter_class]
        return self.hours or DEPOT_HOURS[self.depot_level]

    def shelter_per_capita_m2(self) -> float:
        return self.per_capita_m2 or PER_CAPITA_M2[self.shelter_class]


class ScenarioCreate(BaseModel):
    """Run a siting request and save it as a named scenario (规划方案)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    note: str | None = Field(None, max_length=2_000)
    unit_cost_wan: float | None = Field(None, ge=0, description="Cost of one new site in 万元: the cost proxy")
    siting: SitingRequest
