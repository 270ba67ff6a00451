"""What an import may write to each layer, derived from the models and the registry (nothing re-declared here).

Columns, types, NOT NULL, string lengths and CHECK constraints come from `app.db.models`; the headers a person may
use (label_zh/label_en) and vocabulary labels come from the layer registry. Derived columns — tiers and what
`app.risk_db` computes with them, warning levels set during storms — are never imported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

import sqlalchemy as sa
from geoalchemy2 import Geometry

from app.db.models import Base
from app.risk_db.service import ENTERPRISE, FLOOD_SPOT, FOREST_ZONE, GEOHAZARD, TOWN
from geodata.validate import FieldSpec
from layers.spec import LayerSpec, registry

Kind = Literal["str", "int", "float", "bool", "date", "str[]"]
KEY = "external_id"
NEVER_IMPORTED = {"id", "tier", "tier_reasons", "tier_updated_at", "is_demo", "warning_level", "direct_red"} | {
    name for target in (ENTERPRISE, FLOOD_SPOT, FOREST_ZONE, GEOHAZARD, TOWN) for name, _ in target.extra
}
KEY_ALIASES = ("外部编号", "编号", "external id")
TRUE_WORDS = {"true", "t", "yes", "y", "1", "是", "有"}
FALSE_WORDS = {"false", "f", "no", "n", "0", "否", "无"}
# Which shapely geometry types each PostGIS column type takes (polygons are promoted to multipolygons).
GEOMETRY_TYPES = {
    "POINT": ("Point",),
    "LINESTRING": ("LineString",),
    "MULTIPOLYGON": ("Polygon", "MultiPolygon"),
    "GEOMETRY": ("Point", "LineString", "Polygon"),
}
SQL_TYPES = {"str": "text", "int": "int8", "float": "float8", "bool": "bool", "date": "date", "str[]": "text[]"}
_IN_LIST = re.compile(r"^(\w+) IN \((.*)\)$", re.DOTALL)
_ALL_OF = re.compile(r"^(\w+) <@ ARRAY\[(.*)\]::text\[\]$", re.DOTALL)
_MATCHES = re.compile(r"^(\w+) ~ '(.*)'$")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    kind: Kind
    required: bool
    headers: tuple[str, ...]  # lower-case header texts that mean this column
    choices: dict[str, str] | None = None  # accepted text (code or label, lower-case) → code
    max_length: int | None = None
    pattern: str | None = None
    default: str | None = None  # the column's server default, for a blank cell of a NOT NULL column

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]

    def value_sql(self) -> str:
        """The staged value as written: a blank cell of a NOT NULL column takes the column's default."""
        name = '"' + self.name.replace('"', '""') + '"'
        if self.default is None:
            return name
        literal = "'" + self.default.replace("'", "''") + "'"
        return f"coalesce({name}, {literal}::{self.sql_type})"

    def field_spec(self) -> FieldSpec:
        """The part `geodata.validate` checks: presence, number types, scalar vocabularies."""
        scalar_kind = self.kind if self.kind in ("int", "float") else "str"
        scalar_choices = set(self.choices.values()) if self.choices and self.kind == "str" else None
        return FieldSpec(type=scalar_kind, required=self.required, choices=scalar_choices)


@dataclass(frozen=True)
class ImportSpec:
    layer: LayerSpec
    columns: dict[str, ColumnSpec]
    geometry_type: str  # the PostGIS column type: POINT, LINESTRING, MULTIPOLYGON or GEOMETRY
    checks: tuple[tuple[str, str, frozenset[str]], ...]  # (constraint name, SQL, the columns it reads)
    unique: tuple[str, ...]  # unique columns besides the key
    references: tuple[tuple[str, str, str], ...]  # (column, referenced table, referenced column)

    @property
    def table(self) -> str:
        return self.layer.table

    def header_map(self, headers: list[str]) -> dict[str, str]:
        """Source header → column, for the headers that name an importable column."""
        found = {}
        for header in headers:
            wanted = header.strip().lower()
            for column in self.columns.values():
                if wanted in column.headers and column.name not in found.values():
                    found[header] = column.name
                    break
        return found

    def describe(self) -> dict:
        """For the import page and `GET /api/imports/layers`."""
        return {
            "layer": self.layer.id,
            "title_zh": self.layer.title_zh,
            "title_en": self.layer.title_en,
            "geometry_type": self.geometry_type,
            "columns": [
                {
                    "name": c.name,
                    "type": c.kind,
                    "required": c.required,
                    "headers": list(c.headers),
                    "choices": sorted(set(c.choices.values())) if c.choices else None,
                }
                for c in self.columns.values()
            ],
        }


def _kind(column: sa.Column) -> Kind | None:
    kind = column.type
    if isinstance(kind, sa.ARRAY):
        return "str[]"
    for sql_type, name in (
        (sa.Boolean, "bool"),
        (sa.Integer, "int"),
        (sa.Float, "float"),
        (sa.Date, "date"),
        (sa.String, "str"),
    ):
        if isinstance(kind, sql_type) and not isinstance(kind, sa.DateTime):
            return name  # type: ignore[return-value]
    return None


def _choices(codes: list[str], labels: dict[str, tuple[str, ...]] | None) -> dict[str, str]:
    accepted = {code.lower(): code for code in codes}
    for code, texts in (labels or {}).items():
        if code in codes:
            accepted |= {text.lower(): code for text in texts[:2]}
    return accepted


def _build(layer: LayerSpec, table: sa.Table) -> ImportSpec:
    vocabularies: dict[str, list[str]] = {}
    patterns: dict[str, str] = {}
    checks = []
    for constraint in table.constraints:
        if not isinstance(constraint, sa.CheckConstraint):
            continue
        text = str(constraint.sqltext)
        read = frozenset(word for word in re.findall(r"[a-z_][a-z0-9_]*", text) if word in table.c)
        checks.append((str(constraint.name), text, read))
        if match := _IN_LIST.match(text) or _ALL_OF.match(text):
            vocabularies[match.group(1)] = [v.replace("''", "'") for v in _QUOTED.findall(match.group(2))]
        elif match := _MATCHES.match(text):
            patterns[match.group(1)] = match.group(2).replace("''", "'")
    columns: dict[str, ColumnSpec] = {}
    geometry_type = "GEOMETRY"
    for column in table.columns:
        if isinstance(column.type, Geometry):
            geometry_type = column.type.geometry_type
            continue
        kind = _kind(column)
        if column.name in NEVER_IMPORTED or kind is None:
            continue
        prop = layer.prop(column.name)
        headers = {column.name, column.name.replace("_", " ")}
        if prop is not None:
            headers |= {prop.label_zh, prop.label_en}
        if column.name == KEY:
            headers |= set(KEY_ALIASES)
        labels = prop.choices() if prop else None
        codes = vocabularies.get(column.name) or (list(labels) if labels else None)
        columns[column.name] = ColumnSpec(
            name=column.name,
            kind=kind,
            required=column.name == KEY or (not column.nullable and column.server_default is None),
            headers=tuple(sorted(h.lower() for h in headers)),
            choices=_choices(codes, labels) if codes else None,
            max_length=getattr(column.type, "length", None),
            pattern=patterns.get(column.name),
            default=str(column.server_default.arg)
            if column.server_default is not None and not column.nullable
            else None,
        )
    unique = tuple(c.name for c in table.columns if c.unique and c.name != KEY and c.name in columns)
    references = tuple(
        (fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys if fk.parent.name in columns
    )
    return ImportSpec(layer, columns, geometry_type, tuple(checks), unique, references)


@cache
def import_specs() -> dict[str, ImportSpec]:
    """Every registry layer whose table has an external id to upsert on."""
    tables = Base.metadata.tables
    return {
        layer.id: _build(layer, tables[layer.table])
        for layer in registry().values()
        if layer.table in tables and KEY in tables[layer.table].c
    }
