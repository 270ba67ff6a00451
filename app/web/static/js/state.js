/* Shared state and a tiny event bus; the view, layers, filters, open file and language live in the URL hash. */

export const FILTER_KEYS = ["tier", "industry", "hazard_tags", "town_code"];
const CIRCLE_VERTICES = 64;
const METRES_PER_DEGREE_LAT = 110574;
const METRES_PER_DEGREE_LON_AT_EQUATOR = 111320;

export const state = {
  lang: "zh",
  config: null,
  map: null,
  towns: new Map(), // code → basemap town properties
  entries: new Set(), // ids of the layer-tree entries that are on
  filters: emptyFilters(),
  enterprise: null, // id of the enterprise whose file is open
};

export function emptyFilters() {
  return { tier: [], industry: [], hazard_tags: [], town_code: [], area: null };
}

const listeners = {};
export function on(event, listener) { (listeners[event] ||= []).push(listener); }
export function emit(event, detail) { for (const listener of listeners[event] || []) listener(detail); }

/* A drawn area: {kind: "polygon", ring: [[lon, lat], …]} | {kind: "rectangle", bounds: [w, s, e, n]}
   | {kind: "circle", center: [lon, lat], radius: metres}. */
export function areaRing(area) {
  if (area.kind === "polygon") return [...area.ring, area.ring[0]];
  if (area.kind === "rectangle") {
    const [w, s, e, n] = area.bounds;
    return [[w, s], [e, s], [e, n], [w, n], [w, s]];
  }
  const [lon, lat] = area.center;
  const dLat = area.radius / METRES_PER_DEGREE_LAT;
  const dLon = area.radius / (METRES_PER_DEGREE_LON_AT_EQUATOR * Math.cos((lat * Math.PI) / 180));
  const ring = [];
  for (let i = 0; i < CIRCLE_VERTICES; i++) {
    const angle = (2 * Math.PI * i) / CIRCLE_VERTICES;
    ring.push([lon + dLon * Math.cos(angle), lat + dLat * Math.sin(angle)]);
  }
  return [...ring, ring[0]];
}

function areaToText(area) {
  const round = (n) => Number(n.toFixed(6));
  if (area.kind === "polygon") return `polygon:${area.ring.map((p) => p.map(round).join(",")).join(";")}`;
  if (area.kind === "rectangle") return `rectangle:${area.bounds.map(round).join(",")}`;
  return `circle:${[...area.center.map(round), Math.round(area.radius)].join(",")}`;
}

function areaFromText(text) {
  const [kind, body] = text.split(":");
  const numbers = (part) => part.split(",").map(Number);
  const valid = (values) => values.every(Number.isFinite);
  if (kind === "polygon") {
    const ring = body.split(";").map(numbers);
    return ring.length >= 3 && ring.every((p) => p.length === 2 && valid(p)) ? { kind, ring } : null;
  }
  const values = numbers(body || "");
  if (kind === "rectangle" && values.length === 4 && valid(values)) return { kind, bounds: values };
  if (kind === "circle" && values.length === 3 && valid(values)) return { kind, center: values.slice(0, 2), radius: values[2] };
  return null;
}

/* The filters as the API's query parameters (features, tiles, result list and exports all take the same). */
export function filterParams(filters = state.filters, fixed = {}) {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (filters[key].length) params.set(key, filters[key].join(","));
  for (const [key, value] of Object.entries(fixed)) params.set(key, value);
  if (filters.area) {
    const ring = areaRing(filters.area).map(([x, y]) => `${x.toFixed(6)} ${y.toFixed(6)}`).join(",");
    params.set("filter", `S_INTERSECTS(geom,POLYGON((${ring})))`);
    params.set("filter-lang", "cql2-text");
  }
  return params;
}

/* URL hash: map=zoom/lat/lon&layers=…&tier=…&area=…&enterprise=…&lang=… */
export function readHash() {
  const params = new URLSearchParams(location.hash.slice(1));
  const view = (params.get("map") || "").split("/").map(Number);
  const list = (key) => (params.get(key) || "").split(",").filter(Boolean);
  const filters = emptyFilters();
  for (const key of FILTER_KEYS) filters[key] = list(key);
  filters.area = params.get("area") ? areaFromText(params.get("area")) : null;
  return {
    view: view.length === 3 && view.every(Number.isFinite) ? { zoom: view[0], center: [view[1], view[2]] } : null,
    entries: params.has("layers") ? list("layers") : null,
    filters,
    enterprise: Number(params.get("enterprise")) || null,
    lang: params.get("lang") === "en" ? "en" : params.get("lang") === "zh" ? "zh" : null,
  };
}

export function writeHash() {
  if (!state.map) return;
  const center = state.map.getCenter();
  const params = new URLSearchParams();
  params.set("map", `${state.map.getZoom()}/${center.lat.toFixed(5)}/${center.lng.toFixed(5)}`);
  params.set("layers", [...state.entries].join(","));
  for (const key of FILTER_KEYS) if (state.filters[key].length) params.set(key, state.filters[key].join(","));
  if (state.filters.area) params.set("area", areaToText(state.filters.area));
  if (state.enterprise) params.set("enterprise", state.enterprise);
  if (state.lang !== state.config.app.default_language) params.set("lang", state.lang);
  history.replaceState(null, "", `#${params.toString().replaceAll("%2C", ",").replaceAll("%2F", "/")}`);
}
