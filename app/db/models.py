"""The schema of record (SQLAlchemy 2 + GeoAlchemy2); Alembic migrations are generated from it.

Every geometry is SRID 4326 with a GiST index; CHECK constraints refuse impossible values so that bad data cannot
enter by any path (API, import, psql). Generated demo rows carry `is_demo = true` ("演示数据").
"""

from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.auth.roles import Role
from layers.styles import TIER_ORDER
from layers.vocab import (
    DEPOT_LEVELS,
    FLOOD_AFFECTS,
    FOREST_TYPES,
    GEOHAZARD_KINDS,
    HAZARD_TAGS,
    HIDDEN_DANGER_LEVELS,
    HIDDEN_DANGER_STATUSES,
    RESCUE_TEAM_TYPES,
    SHELTER_CLASSES,
    SHELTER_STATUSES,
    VULNERABLE_KINDS,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
TIERS = tuple(t.value for t in TIER_ORDER)


def one_of(column: str, values: object, name: str | None = None) -> CheckConstraint:
    """CHECK column IN (…) from a vocabulary; NULL passes (use nullable=False to forbid it)."""
    quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)  # type: ignore[union-attr]
    return CheckConstraint(f"{column} IN ({quoted})", name=name or f"{column}_valid")


def all_of(column: str, values: object) -> CheckConstraint:
    """CHECK column <@ ARRAY[…]: every element of a text[] comes from the vocabulary."""
    quoted = ", ".join("'" + str(v) + "'" for v in values)  # type: ignore[union-attr]
    return CheckConstraint(f"{column} <@ ARRAY[{quoted}]::text[]", name=f"{column}_valid")


def point(*, spatial_index: bool = True) -> Mapped:
    return mapped_column(Geometry("POINT", srid=4326, spatial_index=spatial_index), nullable=False)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class TieredMixin:
    """Columns every tiered layer shares: the tier, why, and when it last changed."""

    tier: Mapped[str | None] = mapped_column(String(6))
    tier_reasons: Mapped[list | None] = mapped_column(JSONB)
    tier_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AdminArea(Base):
    """City → town/street (镇街) → village/grid, with official NBS codes and census population."""

    __tablename__ = "admin_area"
    __table_args__ = (
        one_of("level", ("city", "town", "village")),
        CheckConstraint("population >= 0", name="population_nonnegative"),
        CheckConstraint("ST_IsValid(geom)", name="geom_valid"),
    )
    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    name_en: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    kind: Mapped[str | None] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"))
    population: Mapped[int | None] = mapped_column(Integer)
    area_km2: Mapped[float | None] = mapped_column(Float)
    label_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
    tier: Mapped[str | None] = mapped_column(String(6))
    risk_index: Mapped[float | None] = mapped_column(Float)
    tier_reasons: Mapped[list | None] = mapped_column(JSONB)
    tier_updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    source: Mapped[str | None] = mapped_column(Text)


class Enterprise(TieredMixin, Base):
    """A supervised enterprise (监管对象, “一企一档”)."""

    __tablename__ = "enterprise"
    __table_args__ = (
        one_of("tier", TIERS),
        all_of("hazard_tags", HAZARD_TAGS),
        CheckConstraint("employees >= 0", name="employees_nonnegative"),
        CheckConstraint("assessment_score BETWEEN 0 AND 120", name="score_range"),
        CheckConstraint("exposed_people >= 0", name="exposed_nonnegative"),
        CheckConstraint("major_hazard_grade BETWEEN 1 AND 4", name="grade_range"),
        CheckConstraint("credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'", name="credit_code_format"),
        Index("ix_enterprise_town_tier", "town_code", "tier"),
        Index("ix_enterprise_hazard_tags", "hazard_tags", postgresql_using="gin"),
        Index("ix_enterprise_geom_tier", "geom", "tier", postgresql_using="gist"),  # migration 0008 (btree_gist)
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    credit_code: Mapped[str | None] = mapped_column(String(18), unique=True)
    address: Mapped[str | None] = mapped_column(Text)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"))
    industry: Mapped[str | None] = mapped_column(Text)
    hazard_tags: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    employees: Mapped[int | None] = mapped_column(Integer)
    contact_name: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    assessment_score: Mapped[float | None] = mapped_column(Float)
    assessed_on: Mapped[date | None] = mapped_column(Date)
    direct_red: Mapped[dict] = mapped_column(JSONB, nullable=False, server_default="{}")
    exposed_people: Mapped[int | None] = mapped_column(Integer)
    major_hazard_grade: Mapped[int | None] = mapped_column(SmallInteger)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point(spatial_index=False)  # indexed with the tier, above


class EnterpriseUnit(Base):
    """A production or storage unit (生产单元/储存单元): GB 18218 identifies and grades per unit."""

    __tablename__ = "enterprise_unit"
    __table_args__ = (one_of("kind", ("production", "storage")),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    s_value: Mapped[float | None] = mapped_column(Float)
    r_value: Mapped[float | None] = mapped_column(Float)
    major_hazard_grade: Mapped[int | None] = mapped_column(SmallInteger)


class ChemicalInventory(Base):
    """Design maximum quantity of one chemical in one unit (GB 18218-2018 4.2.2)."""

    __tablename__ = "chemical_inventory"
    __table_args__ = (CheckConstraint("quantity_t >= 0 AND quantity_t < 1e7", name="quantity_range"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("enterprise_unit.id", ondelete="CASCADE"), index=True)
    chemical: Mapped[str] = mapped_column(Text, nullable=False)
    cas: Mapped[str | None] = mapped_column(String(12))
    hazard_category: Mapped[str | None] = mapped_column(String(6))
    quantity_t: Mapped[float] = mapped_column(Float, nullable=False)


class HiddenDanger(Base):
    """A defect found by inspection (隐患), tracked to closure (隐患闭环)."""

    __tablename__ = "hidden_danger"
    __table_args__ = (
        one_of("level", HIDDEN_DANGER_LEVELS),
        one_of("status", HIDDEN_DANGER_STATUSES),
        CheckConstraint("due_on >= found_on", name="due_after_found"),
        CheckConstraint("rectified_on IS NULL OR rectified_on >= found_on", name="rectified_after_found"),
        Index("ix_hidden_danger_open", "enterprise_id", postgresql_where="status <> 'verified'"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprise.id", ondelete="CASCADE"), nullable=False)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, server_default="reported")
    found_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    verified_on: Mapped[date | None] = mapped_column(Date)
    reported_by: Mapped[str | None] = mapped_column(Text)
    assignee: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")


class FloodSpot(TieredMixin, Base):
    """Urban flood black-spot (内涝黑点): a point, line or polygon."""

    __tablename__ = "flood_spot"
    __table_args__ = (
        one_of("tier", TIERS),
        one_of("base_tier", TIERS),
        one_of("warning_level", ("none", "blue", "yellow", "orange", "red")),
        all_of("affects", FLOOD_AFFECTS),
        CheckConstraint("max_depth_m >= 0 AND max_depth_m <= 10", name="depth_range"),
        CheckConstraint("residents_nearby >= 0", name="residents_nonnegative"),
        CheckConstraint("GeometryType(geom) IN ('POINT','LINESTRING','POLYGON')", name="geom_kind"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    max_depth_m: Mapped[float | None] = mapped_column(Float)
    affects: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    residents_nearby: Mapped[int | None] = mapped_column(Integer)
    responsible_person: Mapped[str | None] = mapped_column(Text)
    responsible_phone: Mapped[str | None] = mapped_column(Text)
    base_tier: Mapped[str | None] = mapped_column(String(6))
    warning_level: Mapped[str] = mapped_column(String(6), nullable=False, server_default="none")
    location_note: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=True), nullable=False)


class Geohazard(TieredMixin, Base):
    """Geohazard point (地质灾害隐患点) with the people it threatens."""

    __tablename__ = "geohazard"
    __table_args__ = (
        one_of("tier", TIERS),
        one_of("kind", GEOHAZARD_KINDS),
        one_of("warning_level", ("none", "blue", "yellow", "orange", "red")),
        CheckConstraint("threatened_people >= 0", name="people_nonnegative"),
        CheckConstraint("threatened_households >= 0", name="households_nonnegative"),
        CheckConstraint("potential_loss_wan >= 0", name="loss_nonnegative"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    threatened_people: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    threatened_households: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    potential_loss_wan: Mapped[float] = mapped_column(Float, nullable=False, server_default="0")
    grade: Mapped[str | None] = mapped_column(Text)
    monitor_person: Mapped[str | None] = mapped_column(Text)
    monitor_phone: Mapped[str | None] = mapped_column(Text)
    warning_level: Mapped[str] = mapped_column(String(6), nullable=False, server_default="none")
    location_note: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class ForestZone(TieredMixin, Base):
    """Forest zone (林区) with its fire danger level."""

    __tablename__ = "forest_zone"
    __table_args__ = (
        one_of("tier", TIERS),
        one_of("forest_type", FOREST_TYPES),
        CheckConstraint("area_ha > 0", name="area_positive"),
        CheckConstraint("fire_level BETWEEN 1 AND 5", name="fire_level_range"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    forest_type: Mapped[str | None] = mapped_column(Text)
    area_ha: Mapped[float | None] = mapped_column(Float)
    nearest_water_source: Mapped[str | None] = mapped_column(Text)
    fire_level: Mapped[int | None] = mapped_column(SmallInteger)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)


class Shelter(Base):
    """Emergency shelter (应急避难场所): capacity = effective area ÷ per-capita area."""

    __tablename__ = "shelter"
    __table_args__ = (
        one_of("shelter_class", SHELTER_CLASSES),
        one_of("status", SHELTER_STATUSES),
        CheckConstraint("effective_area_m2 > 0", name="area_positive"),
        CheckConstraint("capacity >= 0", name="capacity_nonnegative"),
        CheckConstraint("occupancy >= 0 AND occupancy <= capacity", name="occupancy_within_capacity"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    shelter_class: Mapped[str] = mapped_column(String(10), nullable=False)
    indoor: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    effective_area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    capacity: Mapped[int] = mapped_column(Integer, nullable=False)
    occupancy: Mapped[int] = mapped_column(Integer, nullable=False, server_default="0")
    status: Mapped[str] = mapped_column(String(8), nullable=False, server_default="open")
    facilities: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    manager: Mapped[str | None] = mapped_column(Text)
    manager_phone: Mapped[str | None] = mapped_column(Text)
    location_note: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class Depot(Base):
    """Emergency material depot (应急物资储备库)."""

    __tablename__ = "depot"
    __table_args__ = (
        one_of("level", DEPOT_LEVELS),
        CheckConstraint("floor_area_m2 > 0", name="area_positive"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    floor_area_m2: Mapped[float | None] = mapped_column(Float)
    manager: Mapped[str | None] = mapped_column(Text)
    manager_phone: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class DepotStock(Base):
    """Stock of one key item in one depot."""

    __tablename__ = "depot_stock"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_nonnegative"),)
    depot_id: Mapped[int] = mapped_column(ForeignKey("depot.id", ondelete="CASCADE"), primary_key=True)
    item: Mapped[str] = mapped_column(String(20), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)


class RescueTeam(Base):
    """Rescue team (救援队伍): type, members and equipment."""

    __tablename__ = "rescue_team"
    __table_args__ = (
        one_of("team_type", RESCUE_TEAM_TYPES),
        CheckConstraint("members > 0", name="members_positive"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    team_type: Mapped[str] = mapped_column(String(10), nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    members: Mapped[int] = mapped_column(Integer, nullable=False)
    equipment: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    leader: Mapped[str | None] = mapped_column(Text)
    leader_phone: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class VulnerableSite(Base):
    """School, kindergarten, hospital or nursing home, with its occupants."""

    __tablename__ = "vulnerable_site"
    __table_args__ = (
        one_of("kind", VULNERABLE_KINDS),
        CheckConstraint("occupants >= 0", name="occupants_nonnegative"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    external_id: Mapped[str | None] = mapped_column(Text, unique=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    kind: Mapped[str] = mapped_column(String(14), nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    occupants: Mapped[int] = mapped_column(Integer, nullable=False)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class RainGauge(Base):
    """Automatic rain gauge (自动雨量站)."""

    __tablename__ = "rain_gauge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    town_code: Mapped[str | None] = mapped_column(ForeignKey("admin_area.code"), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    geom = point()


class RainObservation(Base):
    """Rainfall in the hour ending at `observed_at` at one gauge."""

    __tablename__ = "rain_observation"
    __table_args__ = (CheckConstraint("rain_mm >= 0 AND rain_mm <= 300", name="rain_range"),)
    gauge_id: Mapped[int] = mapped_column(ForeignKey("rain_gauge.id", ondelete="CASCADE"), primary_key=True)
    observed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    rain_mm: Mapped[float] = mapped_column(Float, nullable=False)
    event: Mapped[str | None] = mapped_column(Text, index=True)


class PopulationCell(Base):
    """A population grid cell; the cells of a town sum to its census population."""

    __tablename__ = "population_cell"
    __table_args__ = (CheckConstraint("population >= 0", name="population_nonnegative"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    town_code: Mapped[str] = mapped_column(ForeignKey("admin_area.code"), index=True, nullable=False)
    population: Mapped[int] = mapped_column(Integer, nullable=False)
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    centroid = point()
    geom = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=True), nullable=False)


class TierHistory(Base):
    """One tier change of one entity: old → new, why, when, what caused it."""

    __tablename__ = "tier_history"
    __table_args__ = (
        one_of("old_tier", TIERS),
        one_of("new_tier", TIERS),
        Index("ix_tier_history_entity", "entity_type", "entity_id", "changed_at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(16), nullable=False)
    entity_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    old_tier: Mapped[str | None] = mapped_column(String(6))
    new_tier: Mapped[str] = mapped_column(String(6), nullable=False)
    reasons: Mapped[list] = mapped_column(JSONB, nullable=False)
    cause: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class DatasetInfo(Base):
    """What is loaded: the demo's seed and size, so `make run` loads it once and the UI can say 演示数据."""

    __tablename__ = "dataset_info"
    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[dict] = mapped_column(JSONB, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class LayerChange(Base):
    """A version per layer table, bumped by a statement-level trigger (migration 0002): tile ETags never go stale."""

    __tablename__ = "layer_change"
    table_name: Mapped[str] = mapped_column(Text, primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class TileGrid(Base):
    """Level-17 cells of a dense point layer per town, with point count, Web Mercator sums and counts per tier, kept
    by a statement-level trigger (migration 0007): low-zoom grid tiles are sums of these cells."""

    __tablename__ = "tile_grid"
    table_name: Mapped[str] = mapped_column(Text, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    town_code: Mapped[str] = mapped_column(Text, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    sum_x: Mapped[float] = mapped_column(Float, nullable=False)
    sum_y: Mapped[float] = mapped_column(Float, nullable=False)
    red: Mapped[int] = mapped_column(Integer, nullable=False)
    orange: Mapped[int] = mapped_column(Integer, nullable=False)
    yellow: Mapped[int] = mapped_column(Integer, nullable=False)
    blue: Mapped[int] = mapped_column(Integer, nullable=False)


class RainIngest(Base):
    """One accepted batch of rain observations: its id is the version the storm page polls to refresh."""

    __tablename__ = "rain_ingest"
    __table_args__ = (
        one_of("source", ("api", "csv", "demo")),
        CheckConstraint("accepted >= 0 AND rejected >= 0", name="counts_nonnegative"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event: Mapped[str] = mapped_column(Text, nullable=False)
    source: Mapped[str] = mapped_column(String(8), nullable=False)
    accepted: Mapped[int] = mapped_column(Integer, nullable=False)
    rejected: Mapped[int] = mapped_column(Integer, nullable=False)
    first_observed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_observed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class CalloutAck(Base):
    """Who confirmed a 临灾叫应 call for one entity at one warning level of one event, and when."""

    __tablename__ = "callout_ack"
    __table_args__ = (
        one_of("entity_type", ("flood_spot", "geohazard", "enterprise")),
        one_of("warning_level", ("blue", "yellow", "orange", "red")),
        CheckConstraint("length(btrim(acknowledged_by)) > 0", name="acknowledged_by_present"),
        Index("uq_callout_ack_call", "event", "entity_type", "entity_id", "warning_level", unique=True),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event: Mapped[str] = mapped_column(Text, nullable=False)
    entity_type: Mapped[str] = mapped_column(String(16), nullable=False)
    entity_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    warning_level: Mapped[str] = mapped_column(String(6), nullable=False)
    acknowledged_by: Mapped[str] = mapped_column(Text, nullable=False)
    acknowledged_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, server_default=func.now()
    )
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_rain_observation_event_time", RainObservation.event, RainObservation.observed_at)


class AppUser(Base):
    """A person who logs in. `towns` limits what they see (row-level security); inspectors always have some."""

    __tablename__ = "app_user"
    __table_args__ = (
        one_of("role", tuple(Role)),
        CheckConstraint("username ~ '^[a-z0-9][a-z0-9_.-]{1,39}$'", name="username_format"),
        CheckConstraint("role <> 'inspector' OR cardinality(towns) > 0", name="inspector_has_towns"),
        CheckConstraint("role <> 'admin' OR cardinality(towns) = 0", name="admin_unscoped"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(Text, unique=True, nullable=False)
    display_name: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10), nullable=False)
    towns: Mapped[list[str]] = mapped_column(ARRAY(Text), nullable=False, server_default="{}")
    password_hash: Mapped[str] = mapped_column(Text, nullable=False)
    password_is_default: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    disabled: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")
    session_version: Mapped[int] = mapped_column(Integer, nullable=False, server_default="1")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class ApiToken(Base):
    """A bearer token for scripts; only its SHA-256 is stored, so a database leak does not leak tokens."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    revoked: Mapped[bool] = mapped_column(Boolean, nullable=False, server_default="false")


class AuditLog(Base):
    """Append-only record of every change to the data tables, written by a trigger (migration 0005)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        one_of("action", ("insert", "update", "delete", "truncate")),
        Index("ix_audit_log_row", "table_name", "row_id"),
        Index("ix_audit_log_at", "at"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    action: Mapped[str] = mapped_column(String(8), nullable=False)
    table_name: Mapped[str] = mapped_column(Text, nullable=False)
    row_id: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict | None] = mapped_column(JSONB)
    after: Mapped[dict | None] = mapped_column(JSONB)


class HiddenDangerEvent(Base):
    """One step of a hidden danger's closed loop (隐患闭环): who moved it from which status to which, and why."""

    __tablename__ = "hidden_danger_event"
    __table_args__ = (
        one_of("action", ("report", "assign", "rectify", "verify", "reject")),
        one_of("to_status", HIDDEN_DANGER_STATUSES),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hidden_danger_id: Mapped[int] = mapped_column(
        ForeignKey("hidden_danger.id", ondelete="CASCADE"), index=True, nullable=False
    )
    action: Mapped[str] = mapped_column(String(8), nullable=False)
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10), nullable=False)
    actor: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    photo_path: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class RoadNode(Base):
    """A road-graph vertex: an OSM node where ways meet or end (ids are OSM node ids)."""

    __tablename__ = "road_node"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    geom = point()


class RoadEdge(Base):
    """A road segment between two nodes, for pgRouting: costs in metres and seconds; -1 means no way back."""

    __tablename__ = "road_edge"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    osm_id: Mapped[int] = mapped_column(BigInteger, nullable=False)
    source: Mapped[int] = mapped_column(BigInteger, index=True, nullable=False)
    target: Mapped[int] = mapped_column(BigInteger, index=True, nullable=False)
    highway: Mapped[str] = mapped_column(Text, nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    length_m: Mapped[float] = mapped_column(Float, nullable=False)
    cost: Mapped[float] = mapped_column(Float, nullable=False)
    reverse_cost: Mapped[float] = mapped_column(Float, nullable=False)
    cost_s: Mapped[float] = mapped_column(Float, nullable=False)
    reverse_cost_s: Mapped[float] = mapped_column(Float, nullable=False)
    geom = mapped_column(Geometry("LINESTRING", srid=4326, spatial_index=True), nullable=False)


class PlanningScenario(Base):
    """A saved siting run (规划方案): the request as posted, its outcome, and its sites in planning_scenario_site."""

    __tablename__ = "planning_scenario"
    __table_args__ = (
        one_of("facility", ("shelter", "depot")),
        one_of("model", ("mclp", "lscp", "p_median", "p_center")),
        one_of("status", ("optimal", "time_limit")),
        CheckConstraint("covered_before >= 0 AND covered_after >= 0", name="covered_nonnegative"),
        CheckConstraint("new_sites >= 0", name="new_sites_nonnegative"),
        CheckConstraint("unit_cost_wan >= 0", name="unit_cost_nonnegative"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    name: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str | None] = mapped_column(Text)
    facility: Mapped[str] = mapped_column(String(8), nullable=False)
    model: Mapped[str] = mapped_column(String(10), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    request: Mapped[dict] = mapped_column(JSONB, nullable=False)
    outcome: Mapped[dict] = mapped_column(JSONB, nullable=False)
    population: Mapped[int] = mapped_column(BigInteger, nullable=False)
    covered_before: Mapped[int] = mapped_column(BigInteger, nullable=False)
    covered_after: Mapped[int] = mapped_column(BigInteger, nullable=False)
    new_sites: Mapped[int] = mapped_column(Integer, nullable=False)
    unit_cost_wan: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False, server_default=func.now())


class PlanningScenarioSite(Base):
    """One selected site of a scenario: an existing site kept, or a new one (is_new) with where it came from."""

    __tablename__ = "planning_scenario_site"
    __table_args__ = (
        one_of("source", ("shelter", "depot", "upload", "grid_cell", *VULNERABLE_KINDS)),
        CheckConstraint("covered_population >= 0", name="covered_nonnegative"),
    )
    scenario_id: Mapped[int] = mapped_column(ForeignKey("planning_scenario.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_new: Mapped[bool] = mapped_column(Boolean, nullable=False)
    source: Mapped[str] = mapped_column(String(14), nullable=False)
    source_id: Mapped[str | None] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    capacity: Mapped[int | None] = mapped_column(Integer)
    covered_population: Mapped[int] = mapped_column(BigInteger, nullable=False)
    geom = point()
