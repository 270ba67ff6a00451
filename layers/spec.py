"""The declarative layer registry: one YAML per layer, validated strictly (unknown keys are refused).

Every consumer — features API, vector tiles, TileJSON, legend and `/config.json`, exports, notebooks — reads these
specs; none re-declares a column, a label or a colour.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

from layers import vocab

REGISTRY_DIR = Path(__file__).resolve().parent / "registry"
IDENTIFIER = r"^[a-z_][a-z0-9_]{0,62}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PropertySpec(Strict):
    """One published column: its type, labels and whether clients may filter on it."""

    name: str = Field(pattern=IDENTIFIER)
    type: Literal["string", "integer", "number", "boolean", "date", "datetime", "string[]", "json"]
    label_zh: str
    label_en: str
    filterable: bool = False
    vocabulary: str | None = Field(default=None, description="name of a dict in layers.vocab")
    in_tiles: bool = True

    @model_validator(mode="after")
    def _vocabulary_exists(self) -> PropertySpec:
        if self.vocabulary and not isinstance(getattr(vocab, self.vocabulary, None), dict):
            raise ValueError(f"unknown vocabulary {self.vocabulary!r}")
        return self

    def choices(self) -> dict[str, tuple[str, ...]] | None:
        return getattr(vocab, self.vocabulary) if self.vocabulary else None


class TileSpec(Strict):
    minzoom: int = Field(default=8, ge=0, le=22)
    maxzoom: int = Field(default=18, ge=0, le=22)
    feature_cap: int = Field(default=20_000, ge=1)
    aggregate_below: int | None = Field(default=None, ge=0, le=22, description="below this zoom, grid counts")
    simplify: bool = False


class StyleSpec(Strict):
    """How the UI draws the layer; colours themselves come from layers.styles."""

    kind: Literal["tier", "warning", "neutral", "outline", "population"]
    neutral: str | None = Field(default=None, description="key of layers.styles.NEUTRAL_COLORS")
    radius: int = Field(default=5, ge=1, le=30)


class LayerSpec(Strict):
    id: str = Field(pattern=IDENTIFIER)
    table: str = Field(pattern=IDENTIFIER)
    title_zh: str
    title_en: str
    group: Literal["supervision", "risk", "base"]
    order: int = 100
    geometry_type: Literal["Point", "LineString", "Polygon", "MultiPolygon", "Geometry"]
    id_column: str = Field(default="id", pattern=IDENTIFIER)
    geometry_column: str = Field(default="geom", pattern=IDENTIFIER)
    title_property: str = Field(default="name", pattern=IDENTIFIER)
    properties: tuple[PropertySpec, ...]
    style: StyleSpec
    tiles: TileSpec = TileSpec()
    visible: bool = False
    demo_column: str | None = Field(default="is_demo", pattern=IDENTIFIER)

    @model_validator(mode="after")
    def _consistent(self) -> LayerSpec:
        names = [p.name for p in self.properties]
        if len(names) != len(set(names)):
            raise ValueError(f"layer {self.id}: duplicate property")
        if self.title_property not in names:
            raise ValueError(f"layer {self.id}: title_property {self.title_property!r} is not a property")
        if self.tiles.minzoom > self.tiles.maxzoom:
            raise ValueError(f"layer {self.id}: tiles.minzoom > tiles.maxzoom")
        return self

    def prop(self, name: str) -> PropertySpec | None:
        return next((p for p in self.properties if p.name == name), None)

    @property
    def has_tier(self) -> bool:
        return self.prop("tier") is not None


class RegistryError(ValueError):
    """A layer YAML is malformed: the message names the file and the problem."""


def load_registry(directory: Path = REGISTRY_DIR) -> dict[str, LayerSpec]:
    layers: dict[str, LayerSpec] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            spec = LayerSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        except (yaml.YAMLError, ValueError) as exc:
            raise RegistryError(f"{path.name}: {exc}") from None
        if spec.id in layers:
            raise RegistryError(f"{path.name}: duplicate layer id {spec.id!r}")
        layers[spec.id] = spec
    return dict(sorted(layers.items(), key=lambda item: (item[1].order, item[0])))


@cache
def registry() -> dict[str, LayerSpec]:
    """The registry shipped with the project, read once."""
    return load_registry()
