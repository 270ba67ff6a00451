/* The map itself: panes, scale bar, coordinate readout, the optional XYZ basemap and the built-in offline basemap
   (city outline and towns with labels, from PostGIS). */
import { state } from "./state.js";
import { getJson, showError } from "./api.js";
import { t, townName, html } from "./i18n.js";

const LABELS_FROM_ZOOM = 10;
const DOTS_OVER_LABELS_FROM_ZOOM = 13; // town labels name areas at city zooms; closer in, enterprises matter more
let labels = null;
let loading = null;
let zoomControl = null;

export function createMap(view) {
  const map = L.map("map", { preferCanvas: true, zoomSnap: 0.25, zoomDelta: 1, minZoom: 7, maxZoom: 19, zoomControl: false });
  const bounds = state.config.bounds;
  if (view) map.setView(view.center, view.zoom);
  else if (bounds) map.fitBounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]], { padding: [10, 10] });
  else map.setView(state.config.center, state.config.zoom);
  map.createPane("basemap").style.zIndex = 250; // above XYZ tiles, below the overlays
  map.createPane("enterprises").style.zIndex = 450; // above polygons and facility points
  map.createPane("labels").style.pointerEvents = "none";
  // The dashboard strip and panels settle after the map is made: keep Leaflet's idea of its size true.
  new ResizeObserver(() => map.invalidateSize({ animate: false })).observe(map.getContainer());
  L.control.scale({ imperial: false }).addTo(map);
  coordinateReadout().addTo(map);
  const placeLabels = () => {
    map.getContainer().classList.toggle("no-labels", map.getZoom() < LABELS_FROM_ZOOM);
    map.getPane("labels").style.zIndex = map.getZoom() < DOTS_OVER_LABELS_FROM_ZOOM ? 460 : 440;
  };
  map.on("zoomend", placeLabels);
  placeLabels();
  if (state.config.basemap.url) {
    L.tileLayer(state.config.basemap.url, { attribution: state.config.basemap.attribution }).addTo(map);
  }
  map.attributionControl.setPrefix(false);
  return map;
}

function coordinateReadout() {
  const control = L.control({ position: "bottomright" });
  control.onAdd = (map) => {
    const box = L.DomUtil.create("div", "coordinates leaflet-control");
    map.on("mousemove", (event) => {
      box.textContent = t("coordinates", { lon: event.latlng.lng.toFixed(5), lat: event.latlng.lat.toFixed(5) });
    });
    return box;
  };
  return control;
}

/* The built-in basemap, drawn once; resolves to its towns (the town-risk layer reuses them). */
export function loadBasemap() {
  loading ||= drawBasemap();
  return loading;
}

async function drawBasemap() {
  let data;
  try {
    data = await getJson("/api/basemap");
  } catch (error) {
    showError(error);
    return [];
  }
  const city = data.features.filter((f) => f.properties.level === "city");
  const towns = data.features.filter((f) => f.properties.level === "town");
  for (const town of towns) state.towns.set(town.properties.code, town.properties);
  const roads = data.features.filter((f) => f.properties.level === "road");
  const filled = !state.config.basemap.url;
  const outline = { pane: "basemap", interactive: false };
  L.geoJSON(city, { ...outline, style: { color: "#2d3748", weight: 2.5, fillColor: "#fbfaf6", fillOpacity: filled ? 1 : 0 } })
    .addTo(state.map);
  L.geoJSON(roads, { ...outline, style: { color: "#c9b99a", weight: 1.2 } }).addTo(state.map);
  L.geoJSON(towns, { ...outline, style: { color: state.config.palette.neutral.town, weight: 0.8, opacity: 0.7, fill: false } })
    .addTo(state.map);
  labels = L.layerGroup(towns.map(({ properties: { code, label } }) => L.marker([label[1], label[0]], {
    pane: "labels", interactive: false, keyboard: false, townCode: code, icon: labelIcon(code),
  }))).addTo(state.map);
  return towns;
}

function labelIcon(code) {
  return L.divIcon({ className: "town-label", html: String(html`<span>${townName(code)}</span>`), iconSize: null });
}

/* What the map itself says: town labels and the zoom buttons' titles. */
export function renderMapLabels() {
  labels?.eachLayer((marker) => marker.setIcon(labelIcon(marker.options.townCode)));
  zoomControl?.remove();
  zoomControl = L.control.zoom({ zoomInTitle: t("zoom_in"), zoomOutTitle: t("zoom_out") }).addTo(state.map);
}
