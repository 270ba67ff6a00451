"""Pure risk-tiering rules over plain data; every result carries its reasons (docs/risk-method.md).

Imports only the standard library and `layers`; the published tables live in `app.risk.standards`.
"""

from app.risk.enterprise import (
    DirectRedFlags,
    EnterpriseFacts,
    HazardUnit,
    HiddenDanger,
    score_band,
    tier_enterprise,
)
from app.risk.flood import WarningResult, live_flood_spot_tier, rainfall_grade, rainfall_warning, tier_flood_spot
from app.risk.forest import ForestFireResult, beaufort_force, fire_danger, tier_fire_level
from app.risk.geohazard import tier_geohazard
from app.risk.major_hazard import (
    ChemicalLine,
    ChemicalRef,
    MajorHazardAssessment,
    assess_unit,
    lookup_chemical,
    major_hazard_grade,
)
from app.risk.reasons import Reason, TierResult
from app.risk.standards import (
    ENTERPRISE_DEFAULTS,
    FLOOD_DEFAULTS,
    FOREST_FIRE_DEFAULTS,
    NATIONAL_RAINSTORM_SIGNAL,
    TOWN_INDEX_DEFAULTS,
    EnterpriseDefaults,
    FloodDefaults,
    ForestFireDefaults,
    RainstormCriterion,
    RainstormSignal,
    TownIndexDefaults,
)
from app.risk.town import TownFacts, TownRisk, assess_towns
from app.risk.validation import RiskInputError, UnknownChemical

__all__ = [
    "ENTERPRISE_DEFAULTS",
    "FLOOD_DEFAULTS",
    "FOREST_FIRE_DEFAULTS",
    "NATIONAL_RAINSTORM_SIGNAL",
    "TOWN_INDEX_DEFAULTS",
    "ChemicalLine",
    "ChemicalRef",
    "DirectRedFlags",
    "EnterpriseDefaults",
    "EnterpriseFacts",
    "FloodDefaults",
    "ForestFireDefaults",
    "ForestFireResult",
    "HazardUnit",
    "HiddenDanger",
    "MajorHazardAssessment",
    "RainstormCriterion",
    "RainstormSignal",
    "Reason",
    "RiskInputError",
    "TierResult",
    "TownFacts",
    "TownIndexDefaults",
    "TownRisk",
    "UnknownChemical",
    "WarningResult",
    "assess_towns",
    "assess_unit",
    "beaufort_force",
    "fire_danger",
    "live_flood_spot_tier",
    "lookup_chemical",
    "major_hazard_grade",
    "rainfall_grade",
    "rainfall_warning",
    "score_band",
    "tier_enterprise",
    "tier_fire_level",
    "tier_flood_spot",
    "tier_geohazard",
]
