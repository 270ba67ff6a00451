"""`/config.json`: everything the UI needs to draw layers and legends, derived from the registry and palette."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from app.web.i18n import STRINGS
from layers import vocab
from layers.spec import LayerSpec
from layers.styles import NEUTRAL_COLORS, palette

VOCABULARIES = (
    "HAZARD_TAGS",
    "INDUSTRIES",
    "GEOHAZARD_KINDS",
    "FLOOD_AFFECTS",
    "SHELTER_CLASSES",
    "SHELTER_STATUSES",
    "DEPOT_LEVELS",
    "RESCUE_TEAM_TYPES",
    "VULNERABLE_KINDS",
    "FOREST_TYPES",
    "HIDDEN_DANGER_LEVELS",
    "HIDDEN_DANGER_STATUSES",
)


def layer_config(spec: LayerSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "title": {"zh": spec.title_zh, "en": spec.title_en},
        "group": spec.group,
        "geometry_type": spec.geometry_type,
        "visible": spec.visible,
        "title_property": spec.title_property,
        "style": {
            **spec.style.model_dump(),
            "color": NEUTRAL_COLORS.get(spec.style.neutral or "", None),
        },
        "tiles": spec.tiles.model_dump(),
        "properties": [
            {
                "name": p.name,
                "type": p.type,
                "label": {"zh": p.label_zh, "en": p.label_en},
                "filterable": p.filterable,
                "vocabulary": p.vocabulary,
            }
            for p in spec.properties
        ],
        "items": f"/collections/{spec.id}/items",
        "tilejson": f"/tiles/{spec.id}/tilejson.json",
    }


def build_config(settings: Settings, layers: dict[str, LayerSpec], demo: dict | None) -> dict[str, Any]:
    return {
        "app": {"name": {"zh": "应急管理“两张图”", "en": "TwoMaps"}, "default_language": "zh"},
        "center": [22.95, 113.85],
        "zoom": 10,
        "palette": palette(),
        "layers": [layer_config(spec) for spec in layers.values()],
        "groups": [
            {"id": "supervision", "title": {"zh": "监管对象图", "en": "Supervised entities"}},
            {"id": "risk", "title": {"zh": "安全风险图", "en": "Safety risk"}},
            {"id": "base", "title": {"zh": "基础底图", "en": "Base"}},
        ],
        "vocabularies": {
            name: {code: {"zh": labels[0], "en": labels[1]} for code, labels in getattr(vocab, name).items()}
            for name in VOCABULARIES
        },
        "basemap": {"url": settings.basemap_url, "attribution": settings.basemap_attribution},
        "demo": demo,
        "strings": STRINGS,
    }
