"""`/config.json`: everything the UI needs to draw layers and legends, derived from the registry and palette."""

from __future__ import annotations

from typing import Any

from app.settings import Settings
from app.web.i18n import STRINGS
from layers import vocab
from layers.spec import LayerSpec
from layers.styles import NEUTRAL_COLORS, palette

VOCABULARIES = (
    "TIERS",
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


GROUP_TITLES = {
    "supervision": {"zh": "监管对象图", "en": "Supervised entities"},
    "risk": {"zh": "安全风险图", "en": "Safety risk"},
    "base": {"zh": "基础底图", "en": "Base"},
}
MAJOR_HAZARD_GRADES = "1,2,3,4"  # GB 18218 grades 一级..四级: an enterprise with any of them is a major hazard


def layer_tree(layers: dict[str, LayerSpec]) -> list[dict[str, Any]]:
    """The two maps of the tree: 监管对象图 (enterprises, major hazards) and 安全风险图 (town risk + risk layers).

    An entry draws a registry layer, optionally with fixed filters; `town_risk` draws the basemap's towns by tier.
    """
    supervision: list[dict[str, Any]] = [
        {"id": spec.id, "layer": spec.id} for spec in layers.values() if spec.group == "supervision"
    ]
    if "enterprises" in layers:
        supervision.append(
            {
                "id": "major_hazards",
                "layer": "enterprises",
                "filters": {"major_hazard_grade": MAJOR_HAZARD_GRADES},
                "title": {"zh": "重大危险源", "en": "Major hazard installations"},
            }
        )
    risk: list[dict[str, Any]] = [{"id": "town_risk", "layer": "towns", "title": {"zh": "镇街风险", "en": "Town risk"}}]
    risk += [{"id": spec.id, "layer": spec.id} for spec in layers.values() if spec.group == "risk"]
    return [
        {"id": "supervision", "title": GROUP_TITLES["supervision"], "entries": supervision},
        {"id": "risk", "title": GROUP_TITLES["risk"], "entries": risk},
    ]


def build_config(
    settings: Settings, layers: dict[str, LayerSpec], demo: dict | None, city_bounds: list[float] | None
) -> dict[str, Any]:
    return {
        "app": {"name": {"zh": "应急管理“两张图”", "en": "TwoMaps"}, "default_language": "zh"},
        "center": [22.95, 113.85],
        "zoom": 10,
        "bounds": city_bounds,
        "palette": palette(),
        "layers": [layer_config(spec) for spec in layers.values()],
        "groups": [{"id": group, "title": title} for group, title in GROUP_TITLES.items()],
        "tree": layer_tree(layers),
        "vocabularies": {
            name: {code: {"zh": labels[0], "en": labels[1]} for code, labels in getattr(vocab, name).items()}
            for name in VOCABULARIES
        },
        "basemap": {"url": settings.basemap_url, "attribution": settings.basemap_attribution},
        "demo": demo,
        "strings": STRINGS,
    }
