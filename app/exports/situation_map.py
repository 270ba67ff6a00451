"""导出态势图: a self-contained Folium HTML of a view, its layers and filters, with no external URL at all.

Folium links Leaflet, jQuery, Bootstrap and Font Awesome from CDNs by default; every one of those links is dropped
and Leaflet's JS and CSS from node_modules (the very files the page serves) are inlined instead. Only what Leaflet
itself draws is used: GeoJSON with circle markers, tooltips, DivIcon labels and an HTML legend. Works without
FastAPI: give it plain GeoJSON. Folium itself is imported when a map is built (it is slow to import).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser

from branca.element import Figure, MacroElement
from jinja2 import Template

from app.settings import PROJECT_ROOT
from layers.styles import NEUTRAL_COLORS, TIER_ORDER, TIER_STYLES, WARNING_COLORS

LEAFLET_DIST = PROJECT_ROOT / "node_modules" / "leaflet" / "dist"
EXTERNAL_URL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)  # http://, https://, //host
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)", re.IGNORECASE)
UNTIERED_COLOR = WARNING_COLORS["none"]  # the grey the page gives features without a tier


@dataclass(frozen=True)
class MapLayer:
    """One layer of the exported map: features with a `title` (and `tier`) property, drawn one way."""

    title: str
    features: dict  # a GeoJSON FeatureCollection
    style: str  # "tier": filled by tier · "color": one colour · "ring": dark circles (major hazards)
    color: str | None = None
    radius: int = 4
    shown: int = 0
    total: int = 0


@dataclass(frozen=True)
class SituationMap:
    title: str
    bounds: tuple[float, float, float, float]  # west, south, east, north
    basemap: dict  # the /api/basemap FeatureCollection: city, roads, towns
    layers: list[MapLayer] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # the filters in words, the demo notice…
    lang: str = "zh"


def tier_colors() -> dict[str | None, str]:
    return {tier.value: TIER_STYLES[tier].color for tier in TIER_ORDER} | {None: UNTIERED_COLOR}


def escaped(collection: dict) -> dict:
    """Folium's tooltips write properties with innerHTML: escape them here, so a name stays text."""
    features = [
        {**f, "properties": {k: html.escape(v) if isinstance(v, str) else v for k, v in f["properties"].items()}}
        for f in collection["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def inline_leaflet(figure: Figure) -> None:
    """Leaflet's own JS and CSS inside the page: the export opens anywhere, also offline."""
    import folium

    css = CSS_COMMENT.sub("", (LEAFLET_DIST / "leaflet.css").read_text(encoding="utf-8"))  # they cite bug URLs
    js = (LEAFLET_DIST / "leaflet.js").read_text(encoding="utf-8")
    figure.header.add_child(folium.Element(f"<style>{css}</style>"), name="leaflet_css")
    figure.header.add_child(folium.Element(f"<script>{js}</script>"), name="leaflet_js")


def add_basemap(m, basemap: dict, lang: str) -> None:
    import folium

    kinds: dict[str, list[dict]] = {"city": [], "road": [], "town": []}
    for feature in basemap["features"]:
        kinds[feature["properties"]["level"]].append(feature)
    outline = {"fillColor": "#fbfaf6", "fillOpacity": 1, "color": "#2d3748", "weight": 2.5}
    styles = {
        "city": lambda _: outline,
        "road": lambda _: {"color": "#c9b99a", "weight": 1.2},
        "town": lambda _: {"color": NEUTRAL_COLORS["town"], "weight": 0.8, "fill": False},
    }
    for kind, features in kinds.items():
        if features:
            collection = {"type": "FeatureCollection", "features": features}
            folium.GeoJson(collection, style_function=styles[kind], interactive=False, name=kind).add_to(m)
    for town in kinds["town"]:
        props = town["properties"]
        name = props["name_en"] if lang == "en" and props.get("name_en") else props["name"]
        lon, lat = props["label"]
        folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(html=f'<div class="town-label">{html.escape(name)}</div>', icon_size=None),
            interactive=False,
        ).add_to(m)


def add_layer(m, layer: MapLayer) -> None:
    import folium

    if not layer.features["features"]:
        return  # nothing to draw; the legend still lists the layer with 0
    colors = tier_colors()

    def style(feature: dict) -> dict:
        if layer.style == "ring":
            return {"color": "#1a202c", "weight": 2, "fill": False}
        color = colors.get(feature["properties"].get("tier")) if layer.style == "tier" else layer.color
        point = feature["geometry"]["type"] == "Point"
        return {"color": "#ffffff", "weight": 0.8, "fillColor": color, "fillOpacity": 0.85 if point else 0.4}

    folium.GeoJson(
        escaped(layer.features),
        name=layer.title,
        style_function=style,
        marker=folium.CircleMarker(radius=layer.radius, fill=True),
        tooltip=folium.GeoJsonTooltip(fields=["title"], labels=False),
    ).add_to(m)


def legend_html(situation: SituationMap) -> str:
    en = situation.lang == "en"
    tiers = "".join(
        f'<li><i style="background:{style.color}"></i>{html.escape(style.label_en if en else style.label_zh)}</li>'
        for style in (TIER_STYLES[tier] for tier in TIER_ORDER)
    )
    layers = "".join(
        f"<li>{html.escape(layer.title)}: {layer.shown:,}"
        + (f" / {layer.total:,}" if layer.total > layer.shown else "")
        + "</li>"
        for layer in situation.layers
    )
    notes = "".join(f"<p>{html.escape(note)}</p>" for note in situation.notes)
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<div class="situation-legend"><h1>{html.escape(situation.title)}</h1><p>{stamp}</p>
      <ul class="tiers">{tiers}</ul><ul>{layers}</ul>{notes}</div>"""


LEGEND_CSS = """<style>
.situation-legend { position: fixed; z-index: 1000; top: 10px; right: 10px; max-width: 300px; background: #fff;
  padding: 8px 12px; border: 1px solid #a0aec0; font: 13px/1.4 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
.situation-legend h1 { font-size: 16px; margin: 0 0 4px; }
.situation-legend p { margin: 2px 0; color: #4a5568; }
.situation-legend ul { list-style: none; margin: 6px 0; padding: 0; }
.situation-legend i { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 6px; }
.town-label { transform: translate(-50%, -50%); white-space: nowrap; font: 12px sans-serif; color: #2d3748;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff; }
.leaflet-container { background: #dde4ea; }
</style>"""


def drawing_order(layer: MapLayer) -> int:
    """As on the page: areas, then facilities, then tiered points (enterprises), major-hazard rings on top."""
    points = any(f["geometry"]["type"] == "Point" for f in layer.features["features"][:1])
    return 0 if not points else {"color": 1, "tier": 2, "ring": 3}[layer.style]


class MetricScale(MacroElement):
    """Leaflet's scale bar in metres only (folium's control_scale adds miles too)."""

    _template = Template(
        "{% macro script(this, kwargs) %}L.control.scale({imperial: false}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}"
    )


class ReferenceFinder(HTMLParser):
    """Every src/href attribute and CSS url() in a document's markup (script bodies are code, not references)."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.references += [value or "" for name, value in attrs if name in ("src", "href")]
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.references += CSS_URL.findall(data)


def external_references(document: str) -> list[str]:
    """The URLs in src/href attributes and stylesheets that point off the document's own origin."""
    finder = ReferenceFinder()
    finder.feed(document)
    return [url for url in finder.references if EXTERNAL_URL.match(url)]


def build_situation_map(situation: SituationMap) -> str:
    """The HTML document; raises if any external reference survived (that would be a bug, not a user error)."""
    import folium

    west, south, east, north = situation.bounds
    m = folium.Map(tiles=None, prefer_canvas=True, attribution_control=False, zoom_snap=0.25)
    m.default_js, m.default_css = [], []  # the CDN links; Leaflet is inlined below
    m.fit_bounds([[south, west], [north, east]])
    add_basemap(m, situation.basemap, situation.lang)
    for layer in sorted(situation.layers, key=drawing_order):
        add_layer(m, layer)
    MetricScale().add_to(m)
    figure = m.get_root()
    assert isinstance(figure, Figure)
    inline_leaflet(figure)
    figure.header.add_child(folium.Element(LEGEND_CSS), name="legend_css")
    figure.html.add_child(folium.Element(legend_html(situation)), name="legend")
    figure.title = situation.title
    document = figure.render()
    if external := external_references(document):
        raise RuntimeError(f"the situation map still references external URLs: {external}")
    return document
