"""The layer registry is strict and matches the database."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest

from app.db.catalog import CatalogMismatch, check_registry
from layers.spec import RegistryError, load_registry, registry

GOOD = """
id: demo_points
table: shelter
title_zh: 测试
title_en: Test
group: risk
geometry_type: Point
properties:
  - {name: name, type: string, label_zh: 名称, label_en: Name}
style: {kind: neutral, neutral: shelter}
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "layer.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_registry_has_both_maps() -> None:
    layers = registry()
    assert {
        "enterprises",
        "flood_spots",
        "geohazards",
        "forest_zones",
        "shelters",
        "depots",
        "rescue_teams",
        "vulnerable_sites",
        "towns",
    } <= set(layers)
    assert {spec.group for spec in layers.values()} == {"supervision", "risk", "base"}


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t + "colour: red\n", "Extra inputs are not permitted"),
        (lambda t: t.replace("group: risk", "group: weather"), "group"),
        (lambda t: t.replace("neutral: shelter}", "neutral: shelter, radius: 99}"), "radius"),
        (lambda t: t.replace("type: string", "type: text"), "type"),
        (lambda t: t + "title_property: missing\n", "title_property"),
        (lambda t: t.replace("table: shelter", "table: 'shelter; drop table x'"), "table"),
    ],
)
def test_bad_layer_yaml_is_refused_with_the_file_named(tmp_path: Path, edit, message: str) -> None:
    with pytest.raises(RegistryError, match=message) as refused:
        load_registry(write(tmp_path, edit(GOOD)))
    assert "layer.yaml" in str(refused.value)


def test_registry_matches_the_database(empty_db: str) -> None:
    async def check() -> None:
        conn = await asyncpg.connect(empty_db)
        try:
            await check_registry(conn, registry())
        finally:
            await conn.close()

    asyncio.run(check())


def test_a_layer_naming_a_missing_column_stops_start_up(empty_db: str, tmp_path: Path) -> None:
    broken = load_registry(
        write(
            tmp_path,
            GOOD.replace("name: name,", "name: nickname,").replace("style:", "title_property: nickname\nstyle:"),
        )
    )

    async def check() -> None:
        conn = await asyncpg.connect(empty_db)
        try:
            await check_registry(conn, broken)
        finally:
            await conn.close()

    with pytest.raises(CatalogMismatch, match="shelter.nickname does not exist"):
        asyncio.run(check())
