"""值班快报 (duty briefing): warnings, impact, call-out status and the evacuation plan at one hour of a storm.

One self-contained HTML page: an offline Folium map (Leaflet inlined, no tiles, the built-in basemap) above the
tables; the PDF is the same page printed by headless Chromium with the network cut off. The impact and the plan are
those of the area under the gravest of orange-or-worse, else any, warning.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import asyncpg
import orjson
import shapely
from jinja2 import Environment

from app.analyses.evacuation.service import evacuation_plan
from app.analyses.evacuation.solver import StraightLineDetour
from app.analyses.impact.service import ReliefNorms, impact
from app.exports.printing import CHROMIUM, CHROMIUM_ARGS
from app.exports.situation_map import LEGEND_CSS, MetricScale, add_basemap, external_references, inline_leaflet
from app.storm import callout, live
from app.storm.grid import area_km2
from app.storm.surface import LEVEL_CODE, LEVELS
from app.web.basemap import BasemapCache
from layers.styles import NEUTRAL_COLORS, WARNING_COLORS, WARNING_LABELS

TEMPLATE = Environment(autoescape=True).from_string(
    (Path(__file__).parent / "templates" / "briefing.html").read_text(encoding="utf-8")
)
BEIJING = timezone(timedelta(hours=8))
PLAN_KM = 10.0
PENDING_LISTED = 20
ASSIGNMENTS_LISTED = 15
WORDS = json.loads((Path(__file__).parent / "templates" / "briefing_words.json").read_text(encoding="utf-8"))


async def gather(conn: asyncpg.Connection, state: live.StormState, moment: live.Moment, basemap: BasemapCache):
    """Everything the briefing shows, as plain data."""
    surface = await live.surface_at(conn, state, moment.event, moment.at)
    towns = surface.town_levels()
    present = [level for level in LEVELS[1:] if not surface.warning_areas[level].is_empty]
    focus = "orange" if any(LEVEL_CODE[level] >= LEVEL_CODE["orange"] for level in present) else "blue"
    area = surface.area_at_least(focus) if present else shapely.Polygon()
    calls = await callout.callout_list(conn, state, moment)
    brief: dict[str, Any] = {
        "moment": moment,
        "levels": [
            {
                "level": level,
                "area_km2": area_km2(surface.warning_areas[level]),
                "towns": [t["name"] for t in towns if t["level"] == level],
            }
            for level in reversed(LEVELS[1:])
        ],
        "towns": sorted(
            (t for t in towns if t["level"] != "none"),
            key=lambda t: (-LEVEL_CODE[t["level"]], -(t["max_3h_mm"] or 0)),
        ),
        "callout": callout.summarize(calls),
        "pending": [row for row in calls if not row["acknowledged"]][:PENDING_LISTED],
        "focus": focus if present else None,
        "areas": surface.warning_areas,
        "points": [row for row in calls if row["entity_type"] != "enterprise"],
        "basemap": json.loads(await basemap.get(conn)),
        "bounds": surface.grid.outline.bounds,
    }
    if present:
        brief["impact"] = await impact(conn, area, ReliefNorms(), "threatened", list_limit=1)
        brief["plan"] = await evacuation_plan(conn, area, "threatened", PLAN_KM, StraightLineDetour())
    return brief


def _map(brief: dict[str, Any], lang: str):
    """The Folium map: warning areas, the called flood black-spots and geohazard points, the evacuation lines."""
    import folium

    west, south, east, north = brief["bounds"]
    m = folium.Map(tiles=None, prefer_canvas=True, attribution_control=False, zoom_snap=0.25, height=480)
    m.default_js, m.default_css = [], []  # the CDN links; Leaflet is inlined
    m.fit_bounds([[south, west], [north, east]])
    add_basemap(m, brief["basemap"], lang)
    index = 1 if lang == "en" else 0
    for level, area in brief["areas"].items():
        if not area.is_empty:
            color = WARNING_COLORS[level]
            folium.GeoJson(
                orjson.loads(shapely.to_geojson(area)),
                style_function=lambda _, color=color: {"color": color, "weight": 1, "fillOpacity": 0.35},
                tooltip=WARNING_LABELS[level][index],
            ).add_to(m)
    if brief.get("plan"):
        folium.GeoJson(
            {
                "type": "FeatureCollection",
                "features": [{**f, "properties": {}} for f in brief["plan"]["lines"]["features"]],
            },
            style_function=lambda _: {"color": NEUTRAL_COLORS["shelter"], "weight": 1, "opacity": 0.7},
            interactive=False,
        ).add_to(m)
    for point in brief["points"]:
        folium.CircleMarker(
            [point["lat"], point["lon"]],
            radius=4,
            color=WARNING_COLORS[point["warning_level"]],
            weight=1,
            fill=True,
            fill_color=WARNING_COLORS[point["warning_level"]],
            fill_opacity=0.9,
            tooltip=folium.Tooltip(point["name"]),
        ).add_to(m)
    MetricScale().add_to(m)
    return m


def render_html(brief: dict[str, Any], lang: str) -> str:
    """The briefing page, the map inside it as an inline document (iframe srcdoc); raises if anything in either
    would load from outside (a bug, not a user error)."""
    import folium

    figure = _map(brief, lang).get_root()
    inline_leaflet(figure)
    figure.header.add_child(folium.Element(LEGEND_CSS), name="label_css")  # town labels as on the situation map
    map_document = figure.render()
    document = TEMPLATE.render(
        brief=brief,
        lang=lang,
        w=WORDS[lang],
        listed=(PENDING_LISTED, ASSIGNMENTS_LISTED),
        map_document=map_document,
        at=brief["moment"].at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
        generated=datetime.now(BEIJING).strftime("%Y-%m-%d %H:%M"),
        colors=WARNING_COLORS,
        labels={level: names[1 if lang == "en" else 0] for level, names in WARNING_LABELS.items()},
    )
    if external := external_references(map_document) + external_references(document):
        raise RuntimeError(f"the briefing still references external URLs: {external}")
    return document


async def render_pdf(document: str) -> bytes:
    """A4 portrait, printed by headless Chromium that may fetch nothing."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 794, "height": 1123})
            await page.route("**/*", lambda route: route.abort())
            await page.set_content(document, wait_until="load")
            return await page.pdf(format="A4", print_background=True, margin={"top": "12mm", "bottom": "12mm"})
        finally:
            await browser.close()
