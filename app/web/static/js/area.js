/* Drawing the filter area with leaflet-draw's handlers (polygon, rectangle, circle), driven from the sidebar. */
import { state, emit, areaRing } from "./state.js";
import { t } from "./i18n.js";

const AREA_STYLE = { color: "#1a365d", weight: 2, dashArray: "6 4", fillOpacity: 0.05, interactive: false };
let handler = null;
let shown = null;

function localise() {
  const handlers = L.drawLocal.draw.handlers;
  handlers.polygon.tooltip = { start: t("draw_polygon_start"), cont: t("draw_polygon_continue"), end: t("draw_polygon_end") };
  handlers.rectangle.tooltip.start = t("draw_drag_start");
  handlers.circle.tooltip.start = t("draw_drag_start");
  handlers.circle.radius = t("radius");
  handlers.simpleshape.tooltip.end = t("draw_drag_end");
}

export function startDrawing(kind) {
  handler?.disable();
  localise();
  const Handler = { polygon: L.Draw.Polygon, rectangle: L.Draw.Rectangle, circle: L.Draw.Circle }[kind];
  // showArea stays off: leaflet-draw 1.0.4's area readout throws under Leaflet 1.9 ("type is not defined").
  handler = new Handler(state.map, { shapeOptions: AREA_STYLE, showArea: false, allowIntersection: false });
  handler.enable();
}

export function installDrawing(map) {
  map.on(L.Draw.Event.CREATED, ({ layerType, layer }) => {
    state.filters.area = areaOf(layerType, layer);
    emit("filters");
  });
}

function areaOf(kind, layer) {
  if (kind === "circle") {
    const center = layer.getLatLng();
    return { kind, center: [center.lng, center.lat], radius: layer.getRadius() };
  }
  if (kind === "rectangle") {
    const b = layer.getBounds();
    return { kind, bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
  }
  return { kind: "polygon", ring: layer.getLatLngs()[0].map((p) => [p.lng, p.lat]) };
}

/* Show the area in force (after drawing, or restored from a shared link). */
export function showArea() {
  if (shown) state.map.removeLayer(shown);
  shown = null;
  const area = state.filters.area;
  if (!area) return;
  shown = area.kind === "circle"
    ? L.circle([area.center[1], area.center[0]], { ...AREA_STYLE, radius: area.radius })
    : L.polygon(areaRing(area).map(([lon, lat]) => [lat, lon]), AREA_STYLE);
  shown.addTo(state.map);
}
