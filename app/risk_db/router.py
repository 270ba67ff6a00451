"""Risk endpoints: what-if calculators for inspectors, an entity's tier with reasons and history, and the edits
that move tiers (score, inventory) — each edit re-tiers in the same transaction."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.auth.roles import WRITERS
from app.deps import PoolDep, require_role
from app.errors import NotFound, Unprocessable
from app.risk import (
    ChemicalRef,
    DirectRedFlags,
    EnterpriseFacts,
    RiskInputError,
    assess_unit,
    rainfall_warning,
    tier_enterprise,
    tier_geohazard,
)
from app.risk_db.service import TIER_TARGETS, retier_enterprises, retier_towns, tier_history
from layers.vocab import HAZARD_TAGS

router = APIRouter(prefix="/api", tags=["risk"])


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChemicalIn(Strict):
    name: str | None = Field(default=None, max_length=100, description="Chemical name (GB 18218 表1) or alias")
    cas: str | None = Field(default=None, max_length=12, pattern=r"^\d{2,7}-\d{2}-\d$")
    category: str | None = Field(default=None, max_length=6, description="GB 18218 表2 category for unlisted ones")
    quantity_t: float = Field(ge=0, le=1e7, allow_inf_nan=False, description="Design maximum quantity (t)")

    @model_validator(mode="after")
    def _named(self) -> ChemicalIn:
        if not (self.name or self.cas):
            raise ValueError("give the chemical's name or cas")
        return self

    def ref(self) -> str | ChemicalRef:
        if self.category:
            return ChemicalRef(self.name or self.cas or "", self.category)
        return self.cas or self.name or ""


class UnitIn(Strict):
    name: str | None = Field(default=None, max_length=200)
    kind: Literal["production", "storage"] = "storage"
    chemicals: list[ChemicalIn] = Field(min_length=1, max_length=200)


class MajorHazardIn(Strict):
    units: list[UnitIn] = Field(min_length=1, max_length=100)
    exposed_people: int = Field(ge=0, le=10_000_000, description="Residents within 500 m (GB 18218 表5)")


class DirectRedIn(Strict):
    new_process_without_pilot_trials: bool = False
    undesigned_plant_without_safety_diagnosis: bool = False
    special_operators_unqualified: bool = False
    major_or_worse_accidents_3y: int = Field(default=0, ge=0, le=1000)
    larger_accidents_3y: int = Field(default=0, ge=0, le=1000)
    fatal_general_accidents_1y: int = Field(default=0, ge=0, le=1000)


class EnterpriseScoreIn(Strict):
    score: float = Field(ge=0, le=120, allow_inf_nan=False)
    direct_red: DirectRedIn = DirectRedIn()


class GeohazardIn(Strict):
    threatened_people: int = Field(ge=0, le=10_000_000)
    potential_loss_wan: float = Field(ge=0, le=1e9, allow_inf_nan=False, description="Potential loss (万元)")


class RainfallIn(Strict):
    acc_1h: float = Field(ge=0, le=500, allow_inf_nan=False)
    acc_3h: float = Field(ge=0, le=1500, allow_inf_nan=False)
    acc_6h: float = Field(ge=0, le=3000, allow_inf_nan=False)
    acc_12h: float = Field(ge=0, le=6000, allow_inf_nan=False)


class EnterprisePatch(Strict):
    assessment_score: float | None = Field(default=None, ge=0, le=120, allow_inf_nan=False)
    assessed_on: date | None = None
    direct_red: DirectRedIn | None = None
    hazard_tags: list[Literal[tuple(HAZARD_TAGS)]] | None = None  # type: ignore[valid-type]


class InventoryIn(Strict):
    units: list[UnitIn] = Field(max_length=100)


def unprocessable(error: RiskInputError, prefix: str = "") -> Unprocessable:
    """The rule's own message already names the field; the prefix places it inside the request body."""
    return Unprocessable(f"{prefix}{error}", field=f"{prefix}{error.field}")


@router.post("/risk/major-hazard", operation_id="whatIfMajorHazard", summary="GB 18218-2018 S, R and grade per unit")
async def what_if_major_hazard(body: MajorHazardIn) -> dict:
    results = []
    for u, unit in enumerate(body.units):
        try:
            chemicals = [(c.ref(), c.quantity_t) for c in unit.chemicals]
            results.append(assess_unit(chemicals, body.exposed_people, unit_name=unit.name).to_dict())
        except RiskInputError as error:
            raise unprocessable(error, f"units[{u}].") from None
    return {"units": results}


@router.post(
    "/risk/enterprise-score", operation_id="whatIfEnterpriseScore", summary="应急〔2018〕19号 band + direct red"
)
async def what_if_enterprise_score(body: EnterpriseScoreIn) -> dict:
    facts = EnterpriseFacts(score=body.score, direct_red=DirectRedFlags(**body.direct_red.model_dump()))
    return tier_enterprise(facts).to_dict()


@router.post("/risk/geohazard", operation_id="whatIfGeohazard", summary="险情 grade and tier")
async def what_if_geohazard(body: GeohazardIn) -> dict:
    return tier_geohazard(body.threatened_people, body.potential_loss_wan).to_dict()


@router.post("/risk/rainfall-warning", operation_id="whatIfRainfallWarning", summary="Rainstorm warning level")
async def what_if_rainfall(body: RainfallIn) -> dict:
    try:
        return rainfall_warning(body.acc_1h, body.acc_3h, body.acc_6h, body.acc_12h).to_dict()
    except RiskInputError as error:
        raise unprocessable(error) from None


@router.get("/tiers/{entity_type}/{entity_id}", operation_id="getTier", summary="Tier, reasons and tier history")
async def get_tier(
    entity_type: Annotated[Literal[tuple(TIER_TARGETS)], Path()],  # type: ignore[valid-type]
    entity_id: Annotated[str, Path(max_length=20, pattern=r"^\d+$")],
    pool: PoolDep,
) -> dict:
    target = TIER_TARGETS[entity_type]
    table, key = target.table, target.id_column
    lookup = entity_id if target.id_type == "text" else int(entity_id)
    async with pool.acquire() as conn:
        row = await conn.fetchrow(f"SELECT tier, tier_reasons, tier_updated_at FROM {table} WHERE {key} = $1", lookup)
        if row is None:
            raise NotFound(f"no {entity_type} {entity_id}", field="entity_id")
        history = await tier_history(conn, entity_type, int(entity_id))
    return {
        "entity_type": entity_type,
        "id": entity_id,
        "tier": row["tier"],
        "reasons": row["tier_reasons"] or [],
        "tier_updated_at": row["tier_updated_at"].isoformat() if row["tier_updated_at"] else None,
        "history": history,
    }


async def _retier_one(conn, enterprise_id: int, cause: str) -> dict:
    """Re-tier the enterprise; the towns' index moves only when the enterprise's tier did."""
    if await retier_enterprises(conn, [enterprise_id], cause=cause):
        await retier_towns(conn, cause=cause)
    row = await conn.fetchrow("SELECT tier, tier_reasons FROM enterprise WHERE id = $1", enterprise_id)
    return {"id": enterprise_id, "tier": row["tier"], "reasons": row["tier_reasons"]}


@router.patch(
    "/enterprises/{enterprise_id}",
    operation_id="patchEnterprise",
    summary="Edit facts; re-tier at once",
    dependencies=[Depends(require_role(WRITERS))],
)
async def patch_enterprise(enterprise_id: int, body: EnterprisePatch, pool: PoolDep) -> dict:
    changes = body.model_dump(exclude_unset=True)
    if not changes:
        raise Unprocessable("nothing to change", field="body")
    columns = list(changes)
    values = [changes[c] for c in columns]
    assignments = ", ".join(f"{column} = ${i + 2}" for i, column in enumerate(columns))
    async with pool.acquire() as conn, conn.transaction():
        updated = await conn.fetchval(
            f"UPDATE enterprise SET {assignments} WHERE id = $1 RETURNING id", enterprise_id, *values
        )
        if updated is None:
            raise NotFound(f"no enterprise {enterprise_id}", field="enterprise_id")
        return await _retier_one(conn, enterprise_id, cause=f"edit: {', '.join(columns)}")


@router.put(
    "/enterprises/{enterprise_id}/inventory",
    operation_id="putInventory",
    summary="Replace units and chemicals",
    dependencies=[Depends(require_role(WRITERS))],
)
async def put_inventory(enterprise_id: int, body: InventoryIn, pool: PoolDep) -> dict:
    for u, unit in enumerate(body.units):
        for c, chemical in enumerate(unit.chemicals):
            try:
                assess_unit([(chemical.ref(), chemical.quantity_t)], 0)
            except RiskInputError as error:
                raise unprocessable(error, f"units[{u}].chemicals[{c}].") from None
    async with pool.acquire() as conn, conn.transaction():
        if await conn.fetchval("SELECT id FROM enterprise WHERE id = $1 FOR UPDATE", enterprise_id) is None:
            raise NotFound(f"no enterprise {enterprise_id}", field="enterprise_id")
        await conn.execute("DELETE FROM enterprise_unit WHERE enterprise_id = $1", enterprise_id)
        for u, unit in enumerate(body.units):
            unit_id = await conn.fetchval(
                "INSERT INTO enterprise_unit (enterprise_id, name, kind) VALUES ($1, $2, $3) RETURNING id",
                enterprise_id,
                unit.name or f"单元{u + 1}",
                unit.kind,
            )
            await conn.executemany(
                "INSERT INTO chemical_inventory (unit_id, chemical, cas, hazard_category, quantity_t) "
                "VALUES ($1, $2, $3, $4, $5)",
                [(unit_id, c.name or c.cas, c.cas, c.category, c.quantity_t) for c in unit.chemicals],
            )
        return await _retier_one(conn, enterprise_id, cause="edit: inventory")
