/* The layer tree's entries on the map: enterprises from vector tiles, the other registry layers from the features
   API, the town-risk choropleth from the basemap's towns. Popups are built when opened, in the current language. */
import { state, filterParams, emit } from "./state.js";
import { getJson, showError } from "./api.js";
import { EnterpriseTiles, ZOOM_OFFSET } from "./enterprise-tiles.js";
import { loadBasemap } from "./basemap.js";
import { t, label, vocabLabel, tierColor, tierLabel, townName, formatNumber, html, tiers } from "./i18n.js";

const MAX_FEATURES = 10000;
const NOT_IN_POPUPS = new Set(["is_demo", "level"]);
const overlays = new Map(); // entry id → Leaflet layer (made on first use)

export function layerSpec(id) { return state.config.layers.find((layer) => layer.id === id); }
export function entryTitle(entry) { return entry.title ? label(entry.title) : label(layerSpec(entry.layer).title); }

export function allEntries() { return state.config.tree.flatMap((group) => group.entries); }

function formatValue(property, value) {
  if (property.name === "town_code") return townName(value);
  if (property.name === "tier") return tierLabel(value);
  if (property.type === "boolean") return t(value ? "yes" : "no");
  if (property.vocabulary) {
    const codes = Array.isArray(value) ? value : String(value).split(",");
    return codes.map((code) => vocabLabel(property.vocabulary, code)).join(state.lang === "en" ? ", " : "、");
  }
  if (Array.isArray(value)) return value.join(", ");
  if (property.type === "integer" || property.type === "number") return formatNumber(value, 2);
  return value;
}

/* `extra`: more `html` below the table. */
function popupHtml(spec, properties, extra = "") {
  const rows = spec.properties
    .filter((p) => p.type !== "json" && p.name !== spec.title_property && !NOT_IN_POPUPS.has(p.name))
    .filter((p) => properties[p.name] !== null && properties[p.name] !== undefined && properties[p.name] !== "")
    .map((p) => html`<tr><th>${label(p.label)}</th><td>${formatValue(p, properties[p.name])}</td></tr>`);
  const english = state.lang === "en" && properties[`${spec.title_property}_en`];
  const title = english || properties[spec.title_property];
  return html`<div class="popup"><strong>${title}</strong><table>${rows}</table>${extra}</div>`;
}

function enterprisePopup(item) {
  const spec = layerSpec("enterprises");
  if (!item.grid) {
    const button = html`<button type="button" class="open-dossier" data-id="${item.id}">${t("open_dossier")}</button>`;
    return popupHtml(spec, item.properties, button);
  }
  const rows = tiers()
    .filter((tier) => item.properties[tier.id])
    .map((tier) => html`<tr><th><span class="swatch" style="background:${tier.color}"></span>${tierLabel(tier.id)}</th>
      <td>${formatNumber(item.properties[tier.id])}</td></tr>`);
  return html`<div class="popup"><strong>${t("enterprises_in_cell", { n: formatNumber(item.properties.count) })}</strong>
    <table>${rows}</table><p class="hint">${t("zoom_in_hint", { z: spec.tiles.aggregate_below - ZOOM_OFFSET })}</p></div>`;
}

/* A tiered layer is coloured by tier, any other by its neutral colour (both from the palette in /config.json). */
function colorOf(spec, properties) {
  return spec.style.kind === "tier" || !spec.style.color ? tierColor(properties.tier) : spec.style.color;
}

function pointStyle(spec, properties) {
  return { color: "#ffffff", weight: 1, fillColor: colorOf(spec, properties), fillOpacity: 0.9, radius: spec.style.radius };
}

function shapeStyle(spec, properties) {
  const color = colorOf(spec, properties);
  return { color, weight: 1.5, fillColor: color, fillOpacity: 0.3 };
}

async function featureLayer(spec) {
  const data = await getJson(`${spec.items}?limit=${MAX_FEATURES}`);
  return L.geoJSON(data, {
    style: (feature) => shapeStyle(spec, feature.properties),
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, pointStyle(spec, feature.properties)),
    onEachFeature: (feature, layer) => layer.bindPopup(() => String(popupHtml(spec, feature.properties))),
  });
}

function townRiskLayer(towns) {
  const spec = layerSpec("towns");
  return L.geoJSON(towns, {
    style: (feature) => ({ color: "#ffffff", weight: 1, fillColor: tierColor(feature.properties.tier), fillOpacity: 0.45 }),
    onEachFeature: (feature, layer) => layer.bindPopup(() => String(popupHtml(spec, feature.properties))),
  });
}

function enterpriseLayer(entry) {
  const spec = layerSpec(entry.layer);
  const query = () => filterParams(state.filters, entry.filters).toString();
  const layer = new EnterpriseTiles(spec.id, query, tiers(), tierColor, {
    radius: entry.filters ? 7 : spec.style.radius,
    ring: Boolean(entry.filters),
    minNativeZoom: spec.tiles.minzoom - ZOOM_OFFSET,
    maxNativeZoom: spec.tiles.maxzoom - ZOOM_OFFSET,
  });
  layer.on("tileerror", (event) => showError(event.error));
  return layer;
}

async function makeOverlay(entry) {
  if (entry.id === "town_risk") return townRiskLayer(await loadBasemap());
  const spec = layerSpec(entry.layer);
  return spec.tiles.aggregate_below !== null ? enterpriseLayer(entry) : featureLayer(spec);
}

export async function setEntry(entry, on) {
  on ? state.entries.add(entry.id) : state.entries.delete(entry.id);
  emit("entries");
  const existing = overlays.get(entry.id);
  if (!on) {
    if (existing) state.map.removeLayer(existing);
    return;
  }
  try {
    const overlay = existing || (await makeOverlay(entry));
    overlays.set(entry.id, overlay);
    if (state.entries.has(entry.id)) overlay.addTo(state.map);
  } catch (error) {
    showError(error);
  }
}

/* Enterprise tiles follow the filters; everything else is unfiltered. */
export function refreshEnterpriseLayers() {
  for (const overlay of overlays.values()) if (overlay instanceof EnterpriseTiles) overlay.refresh();
}

/* A map click: the topmost enterprise under the cursor gets a popup (vector layers bind their own). */
export function clickEnterprises(event) {
  for (const entry of [...allEntries()].reverse()) {
    const overlay = overlays.get(entry.id);
    if (!(overlay instanceof EnterpriseTiles) || !state.map.hasLayer(overlay)) continue;
    const item = overlay.hit(event.latlng);
    if (item) {
      L.popup().setLatLng(event.latlng).setContent(() => String(enterprisePopup(item))).openOn(state.map);
      return;
    }
  }
}

export function whenEnterprisesLoaded() {
  const layers = [...overlays.values()].filter((o) => o instanceof EnterpriseTiles && state.map.hasLayer(o));
  return Promise.all(layers.map((layer) => (layer.isLoading() ? new Promise((done) => layer.once("load", done)) : null)));
}
