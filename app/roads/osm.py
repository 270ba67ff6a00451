"""Drivable roads from an OpenStreetMap .osm.pbf, as graph edges between junctions (pyosmium, one streaming pass).

A way becomes one edge per stretch between nodes shared with another way (or its ends), so routing can turn at
every junction. Costs are metres (filled in PostGIS from the geography length) and seconds at the way's
`maxspeed`, else a speed by road class. One-way roads (`oneway`, motorways, roundabouts) get -1 backwards.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# km/h by highway class, for emergency vehicles in urban traffic; classes not listed are not driven on.
SPEEDS_KMH = {
    "motorway": 90, "motorway_link": 50, "trunk": 70, "trunk_link": 40, "primary": 50, "primary_link": 35,
    "secondary": 40, "secondary_link": 30, "tertiary": 35, "tertiary_link": 25, "unclassified": 30,
    "residential": 25, "living_street": 10, "service": 15, "road": 25, "track": 10,
}  # fmt: skip
IMPLIED_ONEWAY = {"motorway", "motorway_link"}
NO_ACCESS = {"no", "private"}
MAXSPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mph)?\s*$")


@dataclass(frozen=True)
class RoadPiece:
    """One edge before lengths are known: its OSM way, end nodes, direction rules and coordinates."""

    osm_id: int
    source: int
    target: int
    highway: str
    name: str | None
    forward: bool
    backward: bool
    speed_kmh: float
    coords: tuple[tuple[float, float], ...]

    def wkt(self) -> str:
        return "LINESTRING(" + ",".join(f"{lon:.7f} {lat:.7f}" for lon, lat in self.coords) + ")"


def speed(tags: dict[str, str], highway: str) -> float:
    match = MAXSPEED.match(tags.get("maxspeed", ""))
    if match:
        value = float(match.group(1)) * (1.609 if match.group(2) else 1.0)
        if 5 <= value <= 150:
            return value
    return SPEEDS_KMH[highway]


def directions(tags: dict[str, str], highway: str) -> tuple[bool, bool]:
    """(may drive along the way's node order, may drive against it)."""
    oneway = tags.get("oneway", "")
    if oneway in ("-1", "reverse"):
        return False, True
    if oneway in ("yes", "true", "1") or (
        oneway != "no" and (highway in IMPLIED_ONEWAY or tags.get("junction") in ("roundabout", "circular"))
    ):
        return True, False
    return True, True


def drivable_ways(path: Path) -> Iterator[tuple[int, dict[str, str], list[tuple[int, float, float] | None]]]:
    """(way id, tags, nodes as (id, lon, lat) or None where the extract lacks the node) of every drivable way."""
    import osmium
    from osmium.filter import EntityFilter, KeyFilter

    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(EntityFilter(osmium.osm.WAY))
        .with_filter(KeyFilter("highway"))
    )
    for way in processor:
        tags = dict(way.tags)
        if tags["highway"] not in SPEEDS_KMH or tags.get("access") in NO_ACCESS or tags.get("area") == "yes":
            continue
        nodes = [(n.ref, n.location.lon, n.location.lat) if n.location.valid() else None for n in way.nodes]
        yield way.id, tags, nodes


def road_pieces(path: Path) -> Iterator[RoadPiece]:
    """Edges split at junctions; a way's stretch with nodes missing from the extract is left out."""
    ways = list(drivable_ways(path))
    uses = Counter(node[0] for _, _, nodes in ways for node in nodes if node is not None)
    for way_id, tags, nodes in ways:
        highway = tags["highway"]
        forward, backward = directions(tags, highway)
        kmh = speed(tags, highway)
        for run in present_runs(nodes):
            start = 0
            for i in range(1, len(run)):
                if i == len(run) - 1 or uses[run[i][0]] > 1:
                    coords = tuple((lon, lat) for _, lon, lat in run[start : i + 1])
                    if len(set(coords)) > 1:
                        yield RoadPiece(
                            way_id, run[start][0], run[i][0], highway, tags.get("name"), forward, backward, kmh,
                            coords,
                        )  # fmt: skip
                    start = i


def present_runs(nodes: list[tuple[int, float, float] | None]) -> Iterator[list[tuple[int, float, float]]]:
    run: list[tuple[int, float, float]] = []
    for node in [*nodes, None]:
        if node is not None:
            run.append(node)
            continue
        if len(run) > 1:
            yield run
        run = []
